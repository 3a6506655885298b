/**
 * `flyt daemon` with a `url:` location from flyt.yaml next to a file location, as real
 * processes on SQLite: a real `flyt code-server` child serves the daemon package's test
 * definitions, and the daemon evaluates its polling sensor there (only that code server's
 * environment names the release file, so an evaluation anywhere else would skip) while
 * the file location's 2-second schedule ticks through the daemon's own child code server.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { openStorage, setInstigatorStatus } from "@flyt/storage";
import { testBackends } from "@flyt/storage/testing";
import { listeningUrl, startFlyt, waitWhileRunning, type FlytProcess } from "../test-support.js";

const LOCAL_FIXTURE = fileURLToPath(new URL("../test-fixtures/fast-schedule.js", import.meta.url));
const REMOTE_FIXTURE = fileURLToPath(new URL("../../../daemon/dist/test-fixtures/definitions.js", import.meta.url));

void describe("flyt daemon with url locations", () => {
  if (!testBackends().includes("sqlite")) return;
  void it("evaluates a url location's sensor through its code server and a file location's schedule in process", { timeout: 120_000 }, async () => {
    const cwd = mkdtempSync(join(tmpdir(), "flyt-daemon-remote-"));
    const sensorDir = mkdtempSync(join(tmpdir(), "flyt-daemon-remote-sensor-"));
    writeFileSync(join(sensorDir, "release.txt"), "2024-05\n");
    const server = startFlyt(["code-server", "-f", REMOTE_FIXTURE, "--port", "0", "--name", "served"], { cwd, env: { FLYT_TEST_SENSOR_DIR: sensorDir } });
    let daemon: FlytProcess | null = null;
    const dbPath = join(cwd, "flyt.db");
    const storage = await openStorage({ databaseUrl: null, sqlitePath: dbPath });
    try {
      const url = await listeningUrl(server);
      writeFileSync(join(cwd, "flyt.yaml"), `storage:\n  sqlitePath: ${dbPath}\nlocations:\n  - name: remote\n    url: ${url}\n`);
      // Sensors ship stopped; the operator's override turns this one on.
      await setInstigatorStatus(storage, "remote:release_file", "sensor", "RUNNING");
      // The daemon's own environment has no FLYT_TEST_SENSOR_DIR: a local evaluation would skip.
      const env = { ...process.env, FLYT_HOME: join(cwd, ".flyt"), FLYT_DATABASE_URL: "", FLYT_TEST_SENSOR_DIR: "" };
      const running = startFlyt(["daemon", "-f", LOCAL_FIXTURE, "--launcher", "in-process"], { cwd, env });
      daemon = running;

      const run = await waitWhileRunning(
        running,
        async () => (await storage.listRuns({}, { limit: 100 })).items.find((r) => r.instigator === "remote:release_file") ?? null,
        60_000,
        "the remote sensor's run",
      );
      assert.equal(run.runKey, "2024-05");
      assert.equal(run.partitionKey, "2024-05");
      assert.equal(run.location, "remote");
      assert.deepEqual(run.assetKeys, ["t/raw"]);
      // The tick's runs are created before the tick itself is closed: wait for its SUCCESS.
      const tick = await waitWhileRunning(
        running,
        async () => (await storage.listTicks("remote:release_file", { limit: 10 })).items.find((t) => t.status === "SUCCESS") ?? null,
        30_000,
        "the remote sensor's tick to succeed",
      );
      assert.equal(tick.cursor, "2024-05", "the cursor the code server returned is stored");
      await waitWhileRunning(running, async () => ((await storage.listTicks("fast-schedule:every_2s", { limit: 1 })).items.length > 0 ? true : null), 30_000, "a tick of the file location's schedule");
      assert.match(running.output(), new RegExp(`serving 2 code location\\(s\\): fast-schedule=.*fast-schedule\\.js, remote=${url.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
    } finally {
      await Promise.all([daemon?.stop(), server.stop()]);
      await storage.close();
      rmSync(cwd, { recursive: true, force: true });
      rmSync(sensorDir, { recursive: true, force: true });
    }
  });
});
