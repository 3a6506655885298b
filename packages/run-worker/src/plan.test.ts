/**
 * Tests of planRun: step selection, dependency order, multi-asset selection, from-failure
 * restriction, and the partition rules.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { InvalidPartitionError, InvalidSelectionError } from "@flyt/core";
import { loadDefinitions } from "./load-definitions.js";
import { PartitionRequiredError, planRun } from "./plan.js";
import { fixtureJs } from "./test-support.js";

const basic = await loadDefinitions(fixtureJs("basic"));
const partitioned = await loadDefinitions(fixtureJs("partitioned"));

const keys = (plan: ReturnType<typeof planRun>): string[] => plan.steps.map((step) => step.stepKey);

void describe("planRun", () => {
  void it("orders steps upstream first whatever the selection order", () => {
    const plan = planRun(basic, { assetKeys: ["chain/z", "chain/x", "chain/y"], stepKeys: null, partitionKey: null });
    assert.deepEqual(keys(plan), ["chain/x", "chain/y", "chain/z"]);
    assert.deepEqual(plan.steps[2]?.upstream, ["chain/y"]);
    assert.deepEqual(plan.steps[0]?.upstream, []);
  });

  void it("treats unselected upstream steps as satisfied", () => {
    const plan = planRun(basic, { assetKeys: ["chain/z"], stepKeys: null, partitionKey: null });
    assert.deepEqual(keys(plan), ["chain/z"]);
    assert.deepEqual(plan.steps[0]?.upstream, []);
  });

  void it("runs a multi-asset step for any selected asset and materializes only the selected ones", () => {
    const plan = planRun(basic, { assetKeys: ["m/two"], stepKeys: null, partitionKey: null });
    assert.deepEqual(keys(plan), ["pair"]);
    assert.deepEqual(plan.steps[0]?.assetKeys, ["m/two"]);
    const both = planRun(basic, { assetKeys: ["m/two", "m/one"], stepKeys: null, partitionKey: null });
    assert.deepEqual(both.steps[0]?.assetKeys, ["m/one", "m/two"]);
  });

  void it("restricts to stepKeys (from failure) and drops their satisfied upstream", () => {
    const plan = planRun(basic, {
      assetKeys: ["chain/x", "chain/y", "chain/z"],
      stepKeys: ["chain/y", "chain/z"],
      partitionKey: null,
    });
    assert.deepEqual(keys(plan), ["chain/y", "chain/z"]);
    assert.deepEqual(plan.steps[0]?.upstream, []);
  });

  void it("rejects unknown asset keys and step keys", () => {
    assert.throws(
      () => planRun(basic, { assetKeys: ["chain/nope"], stepKeys: null, partitionKey: null }),
      (error: unknown) => error instanceof InvalidSelectionError && /chain\/nope/.test(error.message),
    );
    assert.throws(
      () => planRun(basic, { assetKeys: ["chain/x"], stepKeys: ["gone"], partitionKey: null }),
      (error: unknown) => error instanceof InvalidSelectionError && /gone/.test(error.message),
    );
  });

  void it("gives partitioned steps the run's partition and its time window", () => {
    const plan = planRun(partitioned, { assetKeys: ["p/yearly", "p/plain"], stepKeys: null, partitionKey: "2023" });
    const [yearly, plain] = plan.steps;
    assert.equal(yearly?.stepKey, "p/yearly");
    assert.equal(yearly?.partitionKey, "2023");
    assert.equal(yearly?.partitionTimeWindow?.start.toISOString(), "2023-01-01T00:00:00.000Z");
    assert.equal(yearly?.partitionTimeWindow?.end.toISOString(), "2024-01-01T00:00:00.000Z");
    assert.equal(plain?.partitionKey, null, "unpartitioned steps in a partitioned run run normally");
    assert.equal(plain?.partitionTimeWindow, null);
  });

  void it("rejects an invalid partition naming the asset", () => {
    assert.throws(
      () => planRun(partitioned, { assetKeys: ["p/yearly"], stepKeys: null, partitionKey: "1999" }),
      (error: unknown) =>
        error instanceof InvalidPartitionError && error.assetKey === "p/yearly" && /"1999"/.test(error.message),
    );
    assert.throws(
      () => planRun(partitioned, { assetKeys: ["p/regions"], stepKeys: null, partitionKey: "2023" }),
      (error: unknown) => error instanceof InvalidPartitionError && /oslo, bergen/.test(error.message),
    );
  });

  void it("asks for --partition when partitioned assets run without one", () => {
    assert.throws(
      () => planRun(partitioned, { assetKeys: ["p/yearly"], stepKeys: null, partitionKey: null }),
      (error: unknown) =>
        error instanceof PartitionRequiredError &&
        error.code === "INVALID_PARTITION" &&
        /p\/yearly/.test(error.message) &&
        /pass --partition <key>, e\.g\. 20\d\d/.test(error.message),
    );
    // Unpartitioned assets alone need no partition.
    assert.deepEqual(keys(planRun(partitioned, { assetKeys: ["p/plain"], stepKeys: null, partitionKey: null })), ["p/plain"]);
  });
});
