/**
 * The Atlas release-calendar sensor through the daemon: definitions.ts loaded by the daemon's
 * LocalEvaluator, ticked by its SensorLoop on real SQLite storage, reading the synthetic feed
 * (ATLAS_SOURCE=fixtures). Shipped stopped, it does nothing until started; then its first tick
 * requests a backfill of the 2023 partition of the SSB ingest and its downstream once, and later
 * ticks skip with the cursor kept.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { LocalEvaluator, ManualClock, MetricRegistry, SensorLoop } from "@flyt/daemon";
import { instigatorId, setInstigatorStatus } from "@flyt/storage";
import { createTestStorage } from "@flyt/storage/testing";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeReleaseCursor } from "./release-calendar.js";
import { defaultFixturesDir, RELEASE_CALENDAR_FIXTURE } from "./sources.js";

const definitionsFile = fileURLToPath(new URL("../definitions.js", import.meta.url));
const NAME = "atlas_ssb_release_calendar";

void describe("atlas release-calendar sensor in the daemon", () => {
  void it("is shipped stopped, then requests a backfill of the newest release's year once", async () => {
    const saved = process.env.ATLAS_SOURCE;
    process.env.ATLAS_SOURCE = "fixtures";
    await using fixture = await createTestStorage("sqlite");
    const { storage } = fixture;
    try {
      const evaluator = new LocalEvaluator([{ name: "atlas", definitionsFile }]);
      const { sensors } = await evaluator.listInstigators();
      const snapshot = sensors.find((s) => s.name === NAME);
      assert.ok(snapshot, `the atlas definitions declare ${NAME}`);
      assert.equal(snapshot.defaultStatus, "STOPPED");
      // group:ssb — the raw year ingest and the dbt models of the ssb group.
      const SSB = [
        "atlas/ssb/culture_distance_dimensions",
        "atlas/ssb/culture_distance_table",
        "atlas/ssb/dwelling_types",
        "atlas/ssb/house_price_index",
        "atlas/ssb/house_price_index_history",
        "atlas/ssb/house_price_index_raw",
        "atlas/ssb/stg_house_price_index",
        "atlas/ssb/wage_inequality_raw",
        "atlas/ssb/wage_inequality_variables",
      ];
      assert.deepEqual([...snapshot.targetAssetKeys].sort(), SSB);

      const errors: Error[] = [];
      const clock = new ManualClock(Date.now());
      const loop = new SensorLoop({ storage, evaluator, clock, metrics: new MetricRegistry(), onError: (e) => errors.push(e) });
      const id = instigatorId("atlas", NAME);
      await loop.pass(sensors);
      assert.equal((await storage.listTicks(id, { limit: 10 })).items.length, 0, "stopped: never evaluated");

      await setInstigatorStatus(storage, id, "sensor", "RUNNING");
      await loop.pass(sensors);
      for (let i = 0; i < 2; i += 1) {
        clock.advance(snapshot.minimumIntervalSeconds * 1000 + 1);
        await loop.pass(sensors);
      }
      assert.deepEqual(errors, []);

      const ticks = (await storage.listTicks(id, { limit: 10 })).items.reverse();
      assert.deepEqual(ticks.map((t) => t.status), ["SUCCESS", "SKIPPED", "SKIPPED"], JSON.stringify(ticks));
      assert.equal((await storage.listRuns({ origin: "sensor" }, { limit: 10 })).items.length, 0, "the sensor asks for a backfill, not a run");
      const backfills = (await storage.listBackfills({}, { limit: 10 })).items;
      assert.equal(backfills.length, 1);
      const [backfill] = backfills;
      assert.equal(backfill?.status, "REQUESTED");
      assert.deepEqual(backfill?.request.partitions, { kind: "keys", keys: ["2023"] });
      assert.equal(backfill?.request.selection, "atlas/ssb/house_price_index_raw+");
      assert.equal(backfill?.request.tags?.["atlas/release"], "statkal-synthetic-bpi-2023-k4");
      assert.equal(backfill?.request.tags?.["atlas/table"], "07221");
      assert.equal(backfill?.request.requestedBy, `sensor ${id}`);
      assert.deepEqual(ticks[0]?.runIds, []);
      const cursor = (await storage.getInstigatorState(id))?.cursor;
      assert.equal(decodeReleaseCursor(cursor ?? "").guid, "statkal-synthetic-bpi-2023-k4");
    } finally {
      if (saved === undefined) delete process.env.ATLAS_SOURCE;
      else process.env.ATLAS_SOURCE = saved;
    }
  });

  void it("requests a run of an unpartitioned table (13861: metadata, then data) when the calendar announces it", async () => {
    // A fixtures root whose calendar is the synthetic feed plus a release of 13861, dated as the
    // recorded table was updated; derived here, the shipped feed announces 07221 only.
    const fixtures = mkdtempSync(join(tmpdir(), "atlas-sensor-fixtures-"));
    const feed = readFileSync(join(defaultFixturesDir(), RELEASE_CALENDAR_FIXTURE), "utf8").replace(
      "</channel>",
      '<item><title>Lønnsstatistikk, 2022</title><guid isPermaLink="false">lonn-2022</guid><ssbrss:date>2023-02-02T08:00:00+01:00</ssbrss:date><ssbrss:tableid>13861</ssbrss:tableid></item></channel>',
    );
    writeFileSync(join(fixtures, RELEASE_CALENDAR_FIXTURE), feed);
    const saved = { source: process.env.ATLAS_SOURCE, dir: process.env.ATLAS_FIXTURES_DIR };
    process.env.ATLAS_SOURCE = "fixtures";
    process.env.ATLAS_FIXTURES_DIR = fixtures;
    await using fixture = await createTestStorage("sqlite");
    const { storage } = fixture;
    try {
      const evaluator = new LocalEvaluator([{ name: "atlas", definitionsFile }]);
      const { sensors } = await evaluator.listInstigators();
      const id = instigatorId("atlas", NAME);
      await setInstigatorStatus(storage, id, "sensor", "RUNNING");
      const errors: Error[] = [];
      const loop = new SensorLoop({ storage, evaluator, clock: new ManualClock(Date.now()), metrics: new MetricRegistry(), onError: (e) => errors.push(e) });
      await loop.pass(sensors);
      assert.deepEqual(errors, []);
      const [tick] = (await storage.listTicks(id, { limit: 10 })).items;
      assert.equal(tick?.status, "SUCCESS", JSON.stringify(tick));
      const runs = (await storage.listRuns({ origin: "sensor" }, { limit: 10 })).items;
      assert.equal(runs.length, 1, JSON.stringify(runs));
      assert.deepEqual([...runs[0]!.assetKeys].sort(), ["atlas/ssb/wage_inequality_raw", "atlas/ssb/wage_inequality_variables"]);
      assert.equal(runs[0]!.tags["atlas/release"], "lonn-2022");
      const backfills = (await storage.listBackfills({}, { limit: 10 })).items;
      assert.deepEqual(backfills.map((b) => b.request.partitions), [{ kind: "keys", keys: ["2023"] }], "07221's newest release still requests its year");
    } finally {
      for (const [name, value] of [["ATLAS_SOURCE", saved.source], ["ATLAS_FIXTURES_DIR", saved.dir]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      rmSync(fixtures, { recursive: true, force: true });
    }
  });

  void it("records a failed tick naming the switch when ATLAS_SOURCE is wrong, and keeps the cursor", async () => {
    const saved = process.env.ATLAS_SOURCE;
    process.env.ATLAS_SOURCE = "carrier-pigeon";
    await using fixture = await createTestStorage("sqlite");
    const { storage } = fixture;
    try {
      const evaluator = new LocalEvaluator([{ name: "atlas", definitionsFile }]);
      const { sensors } = await evaluator.listInstigators();
      const id = instigatorId("atlas", NAME);
      await setInstigatorStatus(storage, id, "sensor", "RUNNING");
      const loop = new SensorLoop({ storage, evaluator, clock: new ManualClock(Date.now()), metrics: new MetricRegistry(), onError: (e) => assert.fail(e) });
      await loop.pass(sensors);
      const [tick] = (await storage.listTicks(id, { limit: 10 })).items;
      assert.equal(tick?.status, "FAILURE");
      assert.match(tick?.error ?? "", /ATLAS_SOURCE/);
      assert.equal((await storage.getInstigatorState(id))?.cursor, null);
    } finally {
      if (saved === undefined) delete process.env.ATLAS_SOURCE;
      else process.env.ATLAS_SOURCE = saved;
    }
  });
});
