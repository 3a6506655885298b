/**
 * validateBackfillRequest: every refusal names the field at fault, and a good request comes back
 * normalized. Real partition math (key spaces at a fixed instant), no storage.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FlytError } from "@flyt/core";
import { InvalidBackfillRequestError } from "./errors.js";
import { asset, graphOf, LATER, staticKeys, timeWindows } from "./test-support.js";
import { requestedPartitionKeys, validateBackfillRequest } from "./validate.js";

const graph = graphOf(
  asset("ssb/house_prices", timeWindows("yearly", "2000", "Europe/Oslo")),
  asset("ssb/house_prices_index", timeWindows("yearly", "2000", "Europe/Oslo"), ["ssb/house_prices"]),
  asset("geo/regions", staticKeys("oslo", "bergen", "trondheim")),
  asset("met/stations", { kind: "dynamic", name: "stations" }),
  asset("docs/readme", null),
);
const now = LATER;

function refused(input: unknown, field: string, message: RegExp, context: Parameters<typeof validateBackfillRequest>[2] = { now }): void {
  assert.throws(
    () => validateBackfillRequest(input, graph, context),
    (error: unknown) => {
      assert.ok(error instanceof InvalidBackfillRequestError, `an InvalidBackfillRequestError, got ${String(error)}`);
      assert.ok(error instanceof FlytError);
      assert.equal(error.code, "INVALID_INPUT");
      assert.equal(error.field, field);
      assert.match(error.message, message);
      return true;
    },
  );
}

void describe("validateBackfillRequest", () => {
  void it("accepts a range over a selection and fills the defaults", () => {
    const request = validateBackfillRequest({ selection: "ssb/house_prices+", partitions: { kind: "range", from: "2000", to: "2024" } }, graph, { now });
    assert.deepEqual(request, { selection: "ssb/house_prices+", partitions: { kind: "range", from: "2000", to: "2024" }, policy: null, tags: {}, maxConcurrentRuns: null, requestedBy: null });
  });

  void it("names an unknown selection with a did-you-mean", () => {
    refused({ selection: "ssb/house_price", partitions: { kind: "all" } }, "selection", /did you mean "ssb\/house_prices"/);
  });

  void it("refuses unknown fields, naming them", () => {
    refused({ selection: "*", partitions: { kind: "all" }, polcy: null }, "polcy", /unknown field \(did you mean "policy"\?\)/);
    refused({ selection: "*", partitions: { kind: "all", from: "2000" } }, "partitions.from", /unknown field/);
  });

  void it("refuses a partition set of an unknown kind", () => {
    refused({ selection: "*", partitions: { kind: "rnage" } }, "partitions.kind", /did you mean "range"/);
  });

  void it("refuses range keys that are partitions of no selected asset", () => {
    refused({ selection: "ssb/house_prices", partitions: { kind: "range", from: "1999", to: "2024" } }, "partitions.from", /"1999" is not a partition of any selected asset; selected partitioned assets: ssb\/house_prices \(yearly from 2000 in Europe\/Oslo\)/);
    refused({ selection: "geo/regions", partitions: { kind: "keys", keys: ["oslo", "bergn"] } }, "partitions.keys[1]", /did you mean "bergen"/);
  });

  void it("refuses a range whose ends belong to different assets, and a reversed range", () => {
    refused({ selection: "ssb/house_prices, geo/regions", partitions: { kind: "range", from: "2001", to: "oslo" } }, "partitions", /no selected asset has both "2001" .* and "oslo"/);
    refused({ selection: "ssb/house_prices", partitions: { kind: "range", from: "2020", to: "2010" } }, "partitions.from", /comes after partitions.to "2010"/);
  });

  void it("refuses a range over a selection with no partitioned asset", () => {
    refused({ selection: "docs/readme", partitions: { kind: "range", from: "2000", to: "2001" } }, "partitions", /has no partitioned asset .*use \{ "kind": "all" \}/);
  });

  void it("checks dynamic keys through the context when it can", () => {
    const context = { now, dynamicKeyExists: (name: string, key: string) => name === "stations" && key === "SN18700" };
    assert.equal(validateBackfillRequest({ selection: "met/stations", partitions: { kind: "keys", keys: ["SN18700"] } }, graph, context).partitions.kind, "keys");
    refused({ selection: "met/stations", partitions: { kind: "keys", keys: ["SN1"] } }, "partitions.keys[0]", /not a partition of any selected asset; .*dynamic "stations"/, context);
    // Without a lookup the key is taken on trust (the daemon checks when it plans).
    assert.equal(validateBackfillRequest({ selection: "met/stations", partitions: { kind: "keys", keys: ["SN1"] } }, graph, { now }).partitions.kind, "keys");
  });

  void it("bounds the policy", () => {
    refused({ selection: "*", partitions: { kind: "all" }, policy: { kind: "multi-run", maxPartitionsPerRun: 0 } }, "policy.maxPartitionsPerRun", /integer from 1 to 1000000, got number \(0\)/);
    refused({ selection: "*", partitions: { kind: "all" }, policy: { kind: "multi-run", maxPartitionsPerRun: 2.5 } }, "policy.maxPartitionsPerRun", /integer/);
    refused({ selection: "*", partitions: { kind: "all" }, policy: { kind: "sometimes" } }, "policy.kind", /"single-run" or "multi-run"/);
    assert.deepEqual(validateBackfillRequest({ selection: "*", partitions: { kind: "all" }, policy: { kind: "single-run" } }, graph, { now }).policy, { kind: "single-run" });
  });

  void it("refuses tags under flyt/ (except the settable ones) and non-string values", () => {
    refused({ selection: "*", partitions: { kind: "all" }, tags: { "flyt/backfill": "x" } }, "tags.flyt/backfill", /reserved for the platform/);
    refused({ selection: "*", partitions: { kind: "all" }, tags: { team: 3 } }, "tags.team", /must be a string/);
    assert.deepEqual(validateBackfillRequest({ selection: "*", partitions: { kind: "all" }, tags: { team: "data", "flyt/max_retries": "2" } }, graph, { now }).tags, { team: "data", "flyt/max_retries": "2" });
  });

  void it("bounds maxConcurrentRuns and requestedBy", () => {
    refused({ selection: "*", partitions: { kind: "all" }, maxConcurrentRuns: 0 }, "maxConcurrentRuns", /integer from 1 to 10000/);
    refused({ selection: "*", partitions: { kind: "all" }, maxConcurrentRuns: "4" }, "maxConcurrentRuns", /got "4"/);
    refused({ selection: "*", partitions: { kind: "all" }, requestedBy: "x".repeat(201) }, "requestedBy", /at most 200/);
  });

  void it("refuses duplicate keys and a failed set naming an unknown backfill", () => {
    refused({ selection: "geo/regions", partitions: { kind: "keys", keys: ["oslo", "oslo"] } }, "partitions.keys[1]", /listed twice/);
    refused({ selection: "*", partitions: { kind: "failed", backfillId: "nope" } }, "partitions.backfillId", /no backfill with id "nope"/, { now, backfillExists: () => false });
  });

  void it("refuses what is not an object", () => {
    refused("all", "request", /must be an object/);
    refused({ selection: "*", partitions: "all" }, "partitions", /must be an object/);
  });

  void it("lists the keys a request names, for dynamic lookups", () => {
    assert.deepEqual(requestedPartitionKeys({ partitions: { kind: "range", from: "a", to: "b" } }), ["a", "b"]);
    assert.deepEqual(requestedPartitionKeys({ partitions: { kind: "keys", keys: ["x", 3, "y"] } }), ["x", "y"]);
    assert.deepEqual(requestedPartitionKeys({ partitions: { kind: "all" } }), []);
  });
});
