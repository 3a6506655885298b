/**
 * A sensor tick's dynamic partitions and backfill requests on real storage: the keys are added
 * before anything else, the backfill is stored REQUESTED naming the sensor, and a tick evaluated
 * again from the same cursor (a redo after a crash) finds that backfill instead of making another.
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import { instigatorId } from "@flyt/storage";
import { describeEachBackend } from "@flyt/storage/testing";
import { ManualClock } from "../clock.js";
import type { EvaluationResult, InstigatorEvaluator, ResolvedSensor } from "../evaluator.js";
import { MetricRegistry } from "../metrics.js";
import { SensorLoop } from "../sensors.js";
import { tickBackfillId } from "./requests.js";

const SENSOR: ResolvedSensor = {
  location: "met",
  name: "new_stations",
  sensorType: "custom",
  target: "met/stations",
  targetAssetKeys: ["met/stations"],
  minimumIntervalSeconds: 30,
  defaultStatus: "RUNNING",
  description: null,
  tags: {},
  assets: [],
  runStatuses: [],
  monitoredAssetKeys: null,
};

const RESULT: EvaluationResult = {
  runRequests: [],
  skipReason: null,
  dynamicPartitionsRequests: [{ name: "stations", add: ["SN18700", "SN50540"], delete: [] }],
  backfillRequests: [{ selection: "met/stations", partitions: { kind: "keys", keys: ["SN18700", "SN50540"] }, policy: null, tags: { why: "new stations" } }],
};

describeEachBackend((backend) => `tick requests (${backend})`, ({ storage }) => {
  void it("adds the keys, stores the backfill once per tick, and a redo from the same cursor finds it", async () => {
    const id = instigatorId(SENSOR.location, SENSOR.name);
    const clock = new ManualClock(Date.parse("2026-03-01T12:00:00Z"));
    await storage.upsertInstigatorState({ id, kind: "sensor", status: "RUNNING", cursor: "c1", startedAt: clock.now() });
    const evaluator = { evaluateSensor: () => Promise.resolve({ ...RESULT }) } as unknown as InstigatorEvaluator;
    const loop = new SensorLoop({ storage, evaluator, clock, metrics: new MetricRegistry(), onError: (error) => assert.fail(error) });
    const state = (await storage.getInstigatorState(id))!;
    await loop.tick(id, SENSOR, state, clock.now(), null);
    // The same evaluation again, from the same cursor, a minute later (the first tick's process died after creating it).
    clock.advance(60_000);
    await loop.tick(id, SENSOR, state, clock.now(), null);

    assert.deepEqual((await storage.listDynamicPartitions("stations")).items.map((k) => k.key), ["SN18700", "SN50540"]);
    const backfills = (await storage.listBackfills()).items;
    assert.equal(backfills.length, 1, "one backfill for the two evaluations from cursor c1");
    assert.equal(backfills[0]!.backfillId, tickBackfillId({ instigatorId: id, kind: "sensor", tickTime: 0, cursor: "c1" }, 0));
    assert.equal(backfills[0]!.status, "REQUESTED");
    assert.deepEqual(backfills[0]!.request.partitions, { kind: "keys", keys: ["SN18700", "SN50540"] });
    assert.equal(backfills[0]!.request.requestedBy, `sensor ${id}`);
    const ticks = (await storage.listTicks(id, { limit: 10 })).items;
    assert.deepEqual(ticks.map((t) => t.status), ["SUCCESS", "SUCCESS"], "a tick that only asked for a backfill did something");

    // From another cursor: a new backfill.
    await loop.tick(id, SENSOR, { ...state, cursor: "c2" }, clock.now(), null);
    assert.equal((await storage.listBackfills()).items.length, 2);
  });
});
