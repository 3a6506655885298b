/**
 * Test definitions for asset checks: `checked/source` has a passing non-blocking check, a
 * failing warn check, and a blocking error check whose verdict comes from FLYT_FIXTURE_BLOCK
 * ("fail" makes it fail); `checked/downstream` depends on it; `checked/thrower` has a check
 * that throws. Checks read the materialization metadata and a resource.
 */
import { asset, check, defineDefinitions, resource } from "@flyt/sdk";
import { recordExecution } from "./fixture-util.js";

const source = asset({
  key: "checked/source",
  compute: (context) => {
    recordExecution(context.stepKey);
    return { rows: 3 };
  },
});
const downstream = asset({
  key: "checked/downstream",
  deps: [source],
  compute: (context) => {
    recordExecution(context.stepKey);
  },
});
const thrower = asset({ key: "checked/thrower", compute: () => undefined });

export default defineDefinitions({
  assets: [source, downstream, thrower],
  resources: { limits: resource({ config: {}, create: () => ({ minRows: 1 }) }) },
  checks: [
    check({
      asset: "checked/source",
      name: "row_count",
      severity: "error",
      resources: ["limits"],
      description: "at least minRows rows",
      evaluate: ({ materializationMetadata, resources, log }) => {
        const rows = (materializationMetadata.rows as { value: number }).value;
        log.info("counted", { rows });
        return { passed: rows >= (resources as { limits: { minRows: number } }).limits.minRows, metadata: { rows } };
      },
    }),
    check({ asset: "checked/source", name: "freshness_hint", severity: "warn", evaluate: () => false }),
    check({
      asset: "checked/source",
      name: "gate",
      blocking: true,
      evaluate: () => ({ passed: process.env.FLYT_FIXTURE_BLOCK !== "fail", description: "the gate" }),
    }),
    check({
      asset: "checked/thrower",
      name: "explodes",
      evaluate: () => {
        throw new Error("no table");
      },
    }),
  ],
});
