/**
 * A sensor spinning in a synchronous loop, as real processes on SQLite: a real `flyt code-server`
 * serves it as a url location and `flyt daemon` also evaluates the same file as a file location
 * (in its own worker threads). With `daemon.sensorTimeoutSeconds: 1.5`, both spinning sensors'
 * ticks end FAILURE naming the sensor and the timeout (none stays STARTED) while the healthy
 * sensors of both locations keep succeeding, and the code server keeps answering health.
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
import { openStorage } from "@flyt/storage";
import { testBackends } from "@flyt/storage/testing";

const FLYT = fileURLToPath(new URL("../../bin/flyt.js", import.meta.url));
const FIXTURE = fileURLToPath(new URL("../test-fixtures/hung-sensor.js", import.meta.url));

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

void describe("flyt daemon with a spinning sensor", () => {
  if (!testBackends().includes("sqlite")) return;
  void it("fails the spinning sensors' ticks at the timeout while the healthy ones succeed", { timeout: 120_000 }, async () => {
    const cwd = mkdtempSync(join(tmpdir(), "flyt-daemon-spin-"));
    // Bounded, so that without isolation the processes end instead of spinning forever.
    const env = { ...process.env, FLYT_HOME: join(cwd, ".flyt"), FLYT_DATABASE_URL: "", FLYT_TEST_SPIN_MS: "30000" };
    const server = spawn(process.execPath, [FLYT, "code-server", "-f", FIXTURE, "--port", "0", "--name", "served"], { cwd, env, stdio: ["ignore", "pipe", "inherit"] });
    const serverExited = new Promise((resolve) => server.once("exit", resolve));
    let daemon: ChildProcess | null = null;
    let daemonExited: Promise<unknown> = Promise.resolve();
    const dbPath = join(cwd, "flyt.db");
    const storage = await openStorage({ databaseUrl: null, sqlitePath: dbPath });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        createInterface({ input: server.stdout }).on("line", (line) => {
          const record = JSON.parse(line) as { msg?: string; url?: string };
          if (record.msg === "listening" && record.url) resolve(record.url);
        });
        server.once("exit", (code) => reject(new Error(`flyt code-server exited (${String(code)}) before listening`)));
      });
      writeFileSync(join(cwd, "flyt.yaml"), `storage:\n  sqlitePath: ${dbPath}\ndaemon:\n  sensorTimeoutSeconds: 1.5\nlocations:\n  - name: remote\n    url: ${url}\n`);
      const started = Date.now();
      daemon = spawn(process.execPath, [FLYT, "daemon", "-f", FIXTURE, "--launcher", "in-process"], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
      daemonExited = new Promise((resolve) => daemon?.once("exit", resolve));
      const output = collect(daemon);

      for (const location of ["remote", "hung-sensor"]) {
        const failed = await waitFor(
          async () => (await storage.listTicks(`${location}:spins`, { limit: 10 })).items.find((t) => t.status === "FAILURE") ?? null,
          20_000,
          `a FAILURE tick of ${location}:spins`,
          output,
          daemon,
        );
        assert.match(failed.error ?? "", /spins.*(timed out after 1500 ms|did not finish within 1500 ms)/, JSON.stringify(failed));
        const succeeded: { error: string | null } = await waitFor(
          async () => (await storage.listTicks(`${location}:healthy`, { limit: 10 })).items.find((t) => t.status === "SUCCESS") ?? null,
          20_000,
          `a SUCCESS tick of ${location}:healthy`,
          output,
          daemon,
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
      daemon?.kill("SIGKILL");
      server.kill("SIGKILL");
      await Promise.all([daemonExited, serverExited]);
      await storage.close();
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
