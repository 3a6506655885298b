/** Freshness policies on assets: normalized into the snapshot, invalid ones refused with the field named. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { asset } from "./asset.js";

const compute = (): void => undefined;

test("freshnessPolicy lands on the asset node as a snapshot", () => {
  const windowed = asset({ key: "a", freshnessPolicy: { maximumLagMinutes: 1560, warnAfterMinutes: 1440 }, compute });
  assert.deepEqual(windowed.nodes[0]?.freshnessPolicy, { kind: "time-window", maximumLagMinutes: 1560, warnAfterMinutes: 1440, partitions: "any" });
  const deadline = asset({ key: "b", freshnessPolicy: { cron: "0 9 * * *", timezone: "Europe/Oslo", maximumLagMinutes: 1440 }, compute });
  assert.deepEqual(deadline.nodes[0]?.freshnessPolicy, { kind: "cron", cron: "0 9 * * *", timezone: "Europe/Oslo", maximumLagMinutes: 1440, warnBeforeMinutes: null, partitions: "any" });
  assert.equal("freshnessPolicy" in (asset({ key: "c", compute }).nodes[0] ?? {}), false);
});

test("invalid policies are refused naming the field", () => {
  assert.throws(() => asset({ key: "a", freshnessPolicy: { cron: "not a cron", maximumLagMinutes: 10 }, compute }), /freshnessPolicy/);
  assert.throws(() => asset({ key: "a", freshnessPolicy: { cron: "0 9 * * *", timezone: "Mars/Olympus", maximumLagMinutes: 10 }, compute }), /freshnessPolicy/);
  assert.throws(() => asset({ key: "a", freshnessPolicy: { maximumLagMinutes: 60, warnAfterMinutes: 90 }, compute }), /freshnessPolicy/);
});
