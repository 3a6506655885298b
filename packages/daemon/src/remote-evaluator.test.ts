/**
 * RemoteEvaluator against a real code-location server child process (what `flyt code-server`
 * runs) serving the daemon's test definitions: the instigators it lists match LocalEvaluator's,
 * schedule code runs in the child, and a custom sensor ticked by the SensorLoop on real SQLite
 * requests its run once, advances its cursor, and records user-code failures as FAILURE ticks.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { instigatorId, setInstigatorStatus } from "@flyt/storage";
import { createTestStorage } from "@flyt/storage/testing";
import { ChildServer, CodeLocationClient } from "@flyt/workspace";
import { ManualClock } from "./clock.js";
import { LocalEvaluator } from "./evaluator.js";
import { MetricRegistry } from "./metrics.js";
import { RemoteEvaluator } from "./remote-evaluator.js";
import { SensorLoop } from "./sensors.js";

const FIXTURE = fileURLToPath(new URL("./test-fixtures/definitions.js", import.meta.url));

void describe("RemoteEvaluator through a code-location server", () => {
  let server: ChildServer;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "flyt-remote-sensor-"));
    server = await ChildServer.start({ name: "served", file: FIXTURE, environment: { ...process.env, FLYT_TEST_SENSOR_DIR: dir } });
  });
  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  void it("lists the same schedules and sensors as LocalEvaluator", async () => {
    const remote = new RemoteEvaluator([{ name: "loc", client: new CodeLocationClient("loc", server.url) }], { onError: (e) => assert.fail(e) });
    const local = new LocalEvaluator([{ name: "loc", definitionsFile: FIXTURE }]);
    const [r, l] = await Promise.all([remote.listInstigators(), local.listInstigators()]);
    const byName = <T extends { name: string }>(xs: T[]) => [...xs].sort((a, b) => a.name.localeCompare(b.name));
    assert.deepEqual(byName(r.schedules), byName(l.schedules));
    // runStatuses only means something for run-status sensors (the local snapshot fills a default).
    const plain = (xs: typeof r.sensors) => byName(xs).map((x) => ({ ...x, runStatuses: x.sensorType === "run_status" ? x.runStatuses : [] }));
    assert.deepEqual(plain(r.sensors), plain(l.sensors));
    assert.ok(r.schedules.length >= 3 && r.sensors.length >= 3);
  });

  void it("evaluates schedule code in the server and reports its failures as errors", async () => {
    const remote = new RemoteEvaluator([{ name: "loc", client: new CodeLocationClient("loc", server.url) }]);
    const { schedules } = await remote.listInstigators();
    const byName = (n: string) => schedules.find((s) => s.name === n)!;
    const signal = new AbortController().signal;
    const monday = Date.parse("2024-03-04T05:00:00Z");
    const weekday = await remote.evaluateSchedule(byName("weekdays_only"), monday, signal);
    assert.deepEqual(weekday.runRequests.map((q) => [q.runKey, q.partitionKey, q.selection, q.assetKeys, q.tags]), [
      // The server tags its requests with the schedule (the daemon's scheduler sets the same tag).
      ["main", null, "t/plain", ["t/plain"], { "flyt/schedule": "weekdays_only", weekday: "1" }],
      ["extra", "2024", "t/raw", ["t/raw"], { "flyt/schedule": "weekdays_only" }],
    ]);
    const sunday = await remote.evaluateSchedule(byName("weekdays_only"), Date.parse("2024-03-03T05:00:00Z"), signal);
    assert.deepEqual(sunday, { runRequests: [], skipReason: "weekend" });
    const yearly = await remote.evaluateSchedule(byName("yearly_previous"), monday, signal);
    assert.deepEqual(yearly.runRequests.map((q) => [q.partitionKey, q.assetKeys]), [["2023", ["t/raw", "t/report"]]]);
    await assert.rejects(remote.evaluateSchedule(byName("broken"), monday, signal), /schedule code exploded/);
  });

  void it("ticks a custom sensor through the server: one run per release, cursor on success, failures recorded", async () => {
    await using fixture = await createTestStorage("sqlite");
    const { storage } = fixture;
    const remote = new RemoteEvaluator([{ name: "loc", client: new CodeLocationClient("loc", server.url) }], { sensorTimeoutMs: 2_000 });
    const { sensors } = await remote.listInstigators();
    const watched = sensors.filter((s) => s.name === "release_file" || s.name === "throws");
    for (const s of watched) await setInstigatorStatus(storage, instigatorId("loc", s.name), "sensor", "RUNNING");
    const clock = new ManualClock(Date.now());
    const loop = new SensorLoop({ storage, evaluator: remote, clock, metrics: new MetricRegistry(), onError: (e) => assert.fail(e) });
    await loop.pass(watched);
    writeFileSync(join(dir, "release.txt"), "2023");
    for (let i = 0; i < 2; i += 1) {
      clock.advance(1_500);
      await loop.pass(watched);
    }
    const ticks = (await storage.listTicks("loc:release_file", { limit: 10 })).items.reverse();
    assert.deepEqual(ticks.map((t) => t.status), ["SKIPPED", "SUCCESS", "SKIPPED"]);
    const runs = (await storage.listRuns({ origin: "sensor" })).items;
    assert.deepEqual(runs.map((r) => [r.runKey, r.partitionKey, r.assetKeys, r.location]), [["2023", "2023", ["t/raw"], "loc"]]);
    assert.equal((await storage.getInstigatorState("loc:release_file"))?.cursor, "2023");
    const failed = (await storage.listTicks("loc:throws", { limit: 10 })).items;
    assert.ok(failed.length === 3 && failed.every((t) => t.status === "FAILURE" && /sensor code exploded/.test(t.error ?? "")), JSON.stringify(failed));
  });

  void it("keeps the last snapshot when a location becomes unreachable, and says so", async () => {
    const errors: Error[] = [];
    let reachable = true;
    const client = new CodeLocationClient("loc", server.url);
    const flaky = {
      snapshot: (hash?: string | null) => (reachable ? client.snapshot(hash) : Promise.reject(new Error("connection refused"))),
      evaluateSchedule: client.evaluateSchedule.bind(client),
      evaluateSensor: client.evaluateSensor.bind(client),
    };
    const remote = new RemoteEvaluator([{ name: "loc", client: flaky }], { onError: (e) => errors.push(e) });
    const first = await remote.listInstigators();
    reachable = false;
    assert.deepEqual(await remote.listInstigators(), first);
    assert.match(errors[0]?.message ?? "", /code location loc: snapshot: connection refused/);
  });
});
