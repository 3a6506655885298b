/**
 * `flyt daemon` with two file locations, one of whose modules loops forever at import (issue 12,
 * "locations load independently"): a real daemon process on SQLite. The healthy location's
 * 2-second schedule must tick and its runs succeed while the other location is still importing —
 * before, the daemon imported every file location in its own process, so the loop froze the whole
 * daemon and no schedule ticked. Stopping the daemon must not wait for the hung import.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { openStorage } from "@flyt/storage";
import { testBackends } from "@flyt/storage/testing";

const FLYT = fileURLToPath(new URL("../../bin/flyt.js", import.meta.url));
const HEALTHY = fileURLToPath(new URL("../test-fixtures/fast-schedule.js", import.meta.url));

void describe("flyt daemon with a file location that hangs at import", () => {
  if (!testBackends().includes("sqlite")) return;
  void it("ticks the healthy location's schedule and runs it while the other is still importing; stops at once", { timeout: 90_000 }, async () => {
    const cwd = mkdtempSync(join(tmpdir(), "flyt-daemon-hung-"));
    const hung = join(cwd, "hang.mjs");
    writeFileSync(hung, "while (true) {}\nexport default {};\n");
    const dbPath = join(cwd, "flyt.db");
    writeFileSync(join(cwd, "flyt.yaml"), `storage:\n  sqlitePath: ${dbPath}\n`);
    const storage = await openStorage({ databaseUrl: null, sqlitePath: dbPath });
    const daemon = spawn(process.execPath, [FLYT, "daemon", "-f", HEALTHY, "-f", hung], {
      cwd,
      env: { ...process.env, FLYT_HOME: join(cwd, ".flyt"), FLYT_DATABASE_URL: "", NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    daemon.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    daemon.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => daemon.once("exit", (code) => resolve(code)));
    try {
      const started = Date.now();
      let succeeded = 0;
      for (;;) {
        assert.equal(daemon.exitCode, null, `the daemon exited:\n${output}`);
        const runs = (await storage.listRuns({ location: "fast-schedule" }, { limit: 100 })).items;
        succeeded = runs.filter((r) => r.status === "SUCCESS").length;
        if (succeeded >= 2) break;
        assert.ok(Date.now() - started < 45_000, `no two successful scheduled runs of the healthy location within 45 s; daemon output:\n${output.slice(-4000)}`);
        await sleep(200);
      }
      const ticks = (await storage.listTicks("fast-schedule:every_2s", { limit: 100 })).items;
      assert.ok(ticks.length >= 2, `the healthy schedule ticked (${ticks.length} ticks)`);
      // The hung location's code server is still importing: it has listed nothing.
      assert.deepEqual((await storage.listInstigatorStates()).filter((s) => s.id.startsWith("hang:")), []);
      const stopAsked = Date.now();
      daemon.kill("SIGTERM");
      assert.equal(await exited, 0, output.slice(-3000));
      assert.ok(Date.now() - stopAsked < 15_000, `the daemon stopped in ${Date.now() - stopAsked} ms`);
      process.stderr.write(`# daemon beside a hung location: ${succeeded} scheduled runs SUCCESS within ${Date.now() - started} ms of the start\n`);
    } finally {
      if (daemon.exitCode === null) {
        daemon.kill("SIGKILL");
        await exited;
      }
      await storage.close();
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
