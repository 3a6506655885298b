/**
 * `flyt daemon` with a `url:` location from flyt.yaml next to a file location, as real
 * processes on SQLite: a real `flyt code-server` child serves the daemon package's test
 * definitions, and the daemon evaluates its polling sensor there (only the code server's
 * environment names the release file, so an evaluation in the daemon process would skip) while
 * the file location's 2-second schedule ticks in the daemon itself.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { openStorage, setInstigatorStatus } from "@flyt/storage";
import { testBackends } from "@flyt/storage/testing";

const FLYT = fileURLToPath(new URL("../../bin/flyt.js", import.meta.url));
const LOCAL_FIXTURE = fileURLToPath(new URL("../test-fixtures/fast-schedule.js", import.meta.url));
const REMOTE_FIXTURE = fileURLToPath(new URL("../../../daemon/dist/test-fixtures/definitions.js", import.meta.url));

function collect(child: ChildProcess): () => string {
  let text = "";
  child.stdout?.on("data", (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (text += chunk.toString()));
  return () => text;
}

async function waitFor<T>(fn: () => Promise<T | null>, timeoutMs: number, what: string, output: () => string, child: ChildProcess): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the daemon exited (${child.exitCode}) while waiting for ${what}:\n${output()}`);
    const value = await fn();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; daemon output:\n${output()}`);
    await sleep(100);
  }
}

void describe("flyt daemon with url locations", () => {
  if (!testBackends().includes("sqlite")) return;
  void it("evaluates a url location's sensor through its code server and a file location's schedule in process", { timeout: 120_000 }, async () => {
    const cwd = mkdtempSync(join(tmpdir(), "flyt-daemon-remote-"));
    const sensorDir = mkdtempSync(join(tmpdir(), "flyt-daemon-remote-sensor-"));
    writeFileSync(join(sensorDir, "release.txt"), "2024-05\n");
    const server = spawn(process.execPath, [FLYT, "code-server", "-f", REMOTE_FIXTURE, "--port", "0", "--name", "served"], {
      cwd,
      env: { ...process.env, FLYT_TEST_SENSOR_DIR: sensorDir },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const serverExited = new Promise((resolve) => server.once("exit", resolve));
    let daemon: ChildProcess | null = null;
    let daemonExited: Promise<unknown> = Promise.resolve();
    const dbPath = join(cwd, "flyt.db");
    const storage = await openStorage({ databaseUrl: null, sqlitePath: dbPath });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        // Log lines come first; the "listening" line carries the URL.
        createInterface({ input: server.stdout }).on("line", (line) => {
          const record = JSON.parse(line) as { msg?: string; url?: string };
          if (record.msg === "listening" && record.url) resolve(record.url);
        });
        server.once("exit", (code) => reject(new Error(`flyt code-server exited (${String(code)}) before listening`)));
      });
      writeFileSync(join(cwd, "flyt.yaml"), `storage:\n  sqlitePath: ${dbPath}\nlocations:\n  - name: remote\n    url: ${url}\n`);
      // Sensors ship stopped; the operator's override turns this one on.
      await setInstigatorStatus(storage, "remote:release_file", "sensor", "RUNNING");
      // The daemon's own environment has no FLYT_TEST_SENSOR_DIR: a local evaluation would skip.
      const env = { ...process.env, FLYT_HOME: join(cwd, ".flyt"), FLYT_DATABASE_URL: "", FLYT_TEST_SENSOR_DIR: "" };
      daemon = spawn(process.execPath, [FLYT, "daemon", "-f", LOCAL_FIXTURE, "--launcher", "in-process"], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
      daemonExited = new Promise((resolve) => daemon?.once("exit", resolve));
      const output = collect(daemon);

      const run = await waitFor(
        async () => (await storage.listRuns({}, { limit: 100 })).items.find((r) => r.instigator === "remote:release_file") ?? null,
        60_000,
        "the remote sensor's run",
        output,
        daemon,
      );
      assert.equal(run.runKey, "2024-05");
      assert.equal(run.partitionKey, "2024-05");
      assert.equal(run.location, "remote");
      assert.deepEqual(run.assetKeys, ["t/raw"]);
      const tick = (await storage.listTicks("remote:release_file", { limit: 10 })).items.find((t) => t.status === "SUCCESS");
      assert.equal(tick?.cursor, "2024-05", "the cursor the code server returned is stored");
      await waitFor(async () => ((await storage.listTicks("fast-schedule:every_2s", { limit: 1 })).items.length > 0 ? true : null), 30_000, "a tick of the file location's schedule", output, daemon);
      assert.match(output(), new RegExp(`serving 2 code location\\(s\\): fast-schedule=.*fast-schedule\\.js, remote=${url.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
    } finally {
      daemon?.kill("SIGTERM");
      server.kill("SIGTERM");
      await Promise.all([daemonExited, serverExited]);
      await storage.close();
      rmSync(cwd, { recursive: true, force: true });
      rmSync(sensorDir, { recursive: true, force: true });
    }
  });
});
