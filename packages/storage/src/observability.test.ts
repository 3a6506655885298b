/**
 * Conformance of the observability tables on every backend: alert deliveries recorded and paged
 * newest first with validation, and freshness states whose `since` survives unchanged verdicts
 * and moves on a state change, with the previous verdict returned.
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import { StorageInputError } from "./errors.js";
import type { AssetFreshnessState, NewAlertDelivery } from "./storage.js";
import { describeEachBackend } from "./testing/index.js";

const delivery = (n: number, over: Partial<NewAlertDelivery> = {}): NewAlertDelivery => ({
  alertId: `alert-${n}`,
  rule: "stale-data",
  kind: "freshness",
  status: "firing",
  channel: "webhook:ops",
  outcome: "sent",
  attempts: 1,
  error: null,
  title: `alert ${n}`,
  count: 2,
  at: 1_700_000_000_000 + n,
  ...over,
});

const verdict = (assetKey: string, state: AssetFreshnessState["state"], at: number, over: Partial<AssetFreshnessState> = {}): AssetFreshnessState => ({
  assetKey,
  state,
  since: at,
  staleSince: state === "STALE" ? at : null,
  freshUntil: state === "FRESH" ? at + 60_000 : null,
  warnAt: null,
  partition: null,
  reason: `${state} at ${at}`,
  evaluatedAt: at,
  ...over,
});

describeEachBackend((backend) => `observability storage on ${backend}`, ({ storage }) => {

  void it("records alert deliveries and lists them newest first across pages", async () => {
    const first = await storage.recordAlertDelivery(delivery(1));
    assert.equal(typeof first.id, "number");
    assert.deepEqual({ ...first, id: 0 }, { ...delivery(1), id: 0 });
    await storage.recordAlertDelivery(delivery(2, { outcome: "failed", attempts: 4, error: "HTTP 500 from receiver" }));
    await storage.recordAlertDelivery(delivery(3, { outcome: "suppressed", attempts: 0, status: "resolved" }));
    const page1 = await storage.listAlertDeliveries({ limit: 2 });
    assert.deepEqual(page1.items.map((d) => d.alertId), ["alert-3", "alert-2"]);
    assert.equal(page1.items[1]?.error, "HTTP 500 from receiver");
    assert.equal(page1.items[0]?.status, "resolved");
    assert.ok(page1.nextCursor);
    const page2 = await storage.listAlertDeliveries({ limit: 2, cursor: page1.nextCursor });
    assert.deepEqual(page2.items.map((d) => d.alertId), ["alert-1"]);
    assert.equal(page2.nextCursor, null);
  });

  void it("refuses invalid deliveries naming the field", async () => {
    await assert.rejects(storage.recordAlertDelivery(delivery(9, { outcome: "lost" as "sent" })), (e: unknown) => e instanceof StorageInputError && /outcome/.test(e.message));
    await assert.rejects(storage.recordAlertDelivery(delivery(9, { attempts: -1 })), /attempts/);
    await assert.rejects(storage.recordAlertDelivery(delivery(9, { alertId: "" })), /alert id/);
    await assert.rejects(storage.listAlertDeliveries({ cursor: "bogus!" }), StorageInputError);
  });

  void it("keeps `since` while the state holds and moves it on a change, returning the previous verdict", async () => {
    assert.equal(await storage.putFreshnessState(verdict("a", "FRESH", 1000)), null);
    const again = await storage.putFreshnessState(verdict("a", "FRESH", 2000));
    assert.equal(again?.since, 1000);
    assert.equal(again?.evaluatedAt, 1000);
    let [stored] = await storage.listFreshnessStates(["a"]);
    assert.equal(stored?.since, 1000);
    assert.equal(stored?.evaluatedAt, 2000);
    assert.equal(stored?.freshUntil, 62_000);
    const toStale = await storage.putFreshnessState(verdict("a", "STALE", 5000, { partition: "2023", reason: "missed its deadline" }));
    assert.equal(toStale?.state, "FRESH");
    [stored] = await storage.listFreshnessStates(["a"]);
    assert.deepEqual(stored, verdict("a", "STALE", 5000, { partition: "2023", reason: "missed its deadline" }));
    await storage.putFreshnessState(verdict("b", "UNKNOWN", 10));
    assert.deepEqual((await storage.listFreshnessStates()).map((s) => s.assetKey), ["a", "b"]);
    assert.deepEqual(await storage.listFreshnessStates(["zzz"]), []);
    await assert.rejects(storage.putFreshnessState(verdict("a", "ROTTEN" as "STALE", 1)), /FRESH, WARN, STALE or UNKNOWN/);
  });
});
