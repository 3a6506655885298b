/**
 * A sensor spinning in a synchronous loop, as real processes on SQLite: a real `flyt code-server`
 * serves it as a url location and `flyt daemon` also serves the same file as a file location
 * (through a child code server of its own). With `daemon.sensorTimeoutSeconds: 1.5`, both spinning sensors'
 * ticks end FAILURE naming the sensor and the timeout (none stays STARTED) while the healthy
 * sensors of both locations keep succeeding, and the code server keeps answering health.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { openStorage } from "@flyt/storage";
import { testBackends } from "@flyt/storage/testing";
import { listeningUrl, startFlyt, waitWhileRunning, type FlytProcess } from "../test-support.js";

// The code server's own fixture: the same hung and healthy sensors, served here by a file location.
const FIXTURE = fileURLToPath(new URL("../../../code-location-server/dist/test-fixtures/hung-sensor.js", import.meta.url));

void describe("flyt daemon with a spinning sensor", () => {
  if (!testBackends().includes("sqlite")) return;
  void it("fails the spinning sensors' ticks at the timeout while the healthy ones succeed", { timeout: 120_000 }, async () => {
    const cwd = mkdtempSync(join(tmpdir(), "flyt-daemon-spin-"));
    // Bounded, so that without isolation the processes end instead of spinning forever.
    const env = { ...process.env, FLYT_HOME: join(cwd, ".flyt"), FLYT_DATABASE_URL: "", FLYT_TEST_SPIN_MS: "30000" };
    const server = startFlyt(["code-server", "-f", FIXTURE, "--port", "0", "--name", "served"], { cwd, env });
    let daemon: FlytProcess | null = null;
    const dbPath = join(cwd, "flyt.db");
    const storage = await openStorage({ databaseUrl: null, sqlitePath: dbPath });
    try {
      const url = await listeningUrl(server);
      writeFileSync(join(cwd, "flyt.yaml"), `storage:\n  sqlitePath: ${dbPath}\ndaemon:\n  sensorTimeoutSeconds: 1.5\nlocations:\n  - name: remote\n    url: ${url}\n`);
      const started = Date.now();
      const running = startFlyt(["daemon", "-f", FIXTURE, "--launcher", "in-process"], { cwd, env });
      daemon = running;

      for (const location of ["remote", "hung-sensor"]) {
        const failed = await waitWhileRunning(
          running,
          async () => (await storage.listTicks(`${location}:spins`, { limit: 10 })).items.find((t) => t.status === "FAILURE") ?? null,
          20_000,
          `a FAILURE tick of ${location}:spins`,
        );
        assert.match(failed.error ?? "", /spins.*(timed out after 1500 ms|did not finish within 1500 ms)/, JSON.stringify(failed));
        const succeeded: { error: string | null } = await waitWhileRunning(
          running,
          async () => (await storage.listTicks(`${location}:healthy`, { limit: 10 })).items.find((t) => t.status === "SUCCESS") ?? null,
          20_000,
          `a SUCCESS tick of ${location}:healthy`,
        );
        assert.equal(succeeded.error ?? null, null);
      }
      assert.ok(Date.now() - started < 25_000, "both locations answered well before the 30 s spin ended");
      const health = await fetch(`${url}/v1/health`, { signal: AbortSignal.timeout(2_000) });
      assert.equal(((await health.json()) as { status: string }).status, "LOADED");
      // Every spins tick older than the timeout (plus slack) has ended: none is left STARTED.
      await sleep(1_000);
      for (const location of ["remote", "hung-sensor"]) {
        const ticks = (await storage.listTicks(`${location}:spins`, { limit: 50 })).items;
        const stuck = ticks.filter((t) => t.status === "STARTED" && Date.now() - t.tickTime > 4_000);
        assert.deepEqual(stuck, [], `${location}:spins has ticks stuck STARTED`);
      }
    } finally {
      await Promise.all([daemon?.stop(), server.stop()]);
      await storage.close();
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
