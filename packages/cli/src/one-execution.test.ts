/**
 * Exactly one party executes each run. A real `flyt daemon` runs against the storage while
 * `flyt materialize` (separate processes) runs an asset that appends its run id and pid to a
 * file: every run must appear exactly once. Before the CLI created its runs claimed, the daemon's
 * queue claimed the CLI's QUEUED run and started a second worker (6 of 8 runs executed twice on
 * PostgreSQL). Both backends: on SQLite the daemon's queue polls the same file.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { describeEachBackend } from "@flyt/storage/testing";
import { storageEnv } from "./test-support.js";

const FLYT = fileURLToPath(new URL("../bin/flyt.js", import.meta.url));
const FIXTURE = fileURLToPath(new URL("./test-fixtures/side-effect.js", import.meta.url));
const RUNS = 6;

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [FLYT, ...args], { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => resolve({ code, output }));
  });
}

describeEachBackend((backend) => `one execution per run with a daemon running (${backend})`, ({ storage, fixture }) => {
  void it(`runs each of ${RUNS} concurrent \`flyt materialize\` runs exactly once`, { timeout: 180_000 }, async () => {
    const cwd = mkdtempSync(join(tmpdir(), "flyt-one-execution-"));
    const executions = join(cwd, "executions.log");
    writeFileSync(executions, "");
    const env: NodeJS.ProcessEnv = { ...storageEnv(fixture(), join(cwd, ".flyt")), FLYT_TEST_EXECUTIONS_FILE: executions };
    // The daemon knows the same file as a location: a QUEUED run of it is one it would launch.
    const daemon: ChildProcess = spawn(process.execPath, [FLYT, "daemon", "-f", FIXTURE], { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let daemonOutput = "";
    daemon.stdout?.on("data", (chunk: Buffer) => (daemonOutput += chunk.toString()));
    daemon.stderr?.on("data", (chunk: Buffer) => (daemonOutput += chunk.toString()));
    const daemonExited = new Promise((resolve) => daemon.once("exit", resolve));
    try {
      // Wait until it leads (its queue is live).
      for (let i = 0; i < 300 && !/is now the leader/.test(daemonOutput); i += 1) await sleep(100);
      assert.match(daemonOutput, /is now the leader/, `the daemon leads; its output:\n${daemonOutput}`);
      const results = await Promise.all(Array.from({ length: RUNS }, () => run(["materialize", "-f", FIXTURE, "--select", "*"], cwd, env)));
      for (const result of results) assert.equal(result.code, 0, result.output);
      // Give a duplicate worker, if any had been started, the time to write its line.
      await sleep(1_500);
      const lines = readFileSync(executions, "utf8").trim().split("\n").filter(Boolean);
      const runs = (await storage.listRuns({}, { limit: 100 })).items;
      assert.equal(runs.length, RUNS);
      assert.ok(runs.every((r) => r.status === "SUCCESS"), runs.map((r) => `${r.runId} ${r.status}`).join("\n"));
      const perRun = new Map<string, number>();
      for (const line of lines) perRun.set(line.split(" ")[0]!, (perRun.get(line.split(" ")[0]!) ?? 0) + 1);
      assert.deepEqual([...perRun.keys()].sort(), runs.map((r) => r.runId).sort(), "every run executed");
      assert.deepEqual([...new Set(perRun.values())], [1], `each run executed exactly once:\n${lines.join("\n")}`);
      // One RUN_STARTING per run: only one party moved it out of QUEUED.
      for (const r of runs) {
        const starting = (await storage.getEvents(r.runId, { types: ["RUN_STARTING", "RUN_STARTED"] })).map((e) => e.body.type);
        assert.deepEqual(starting, ["RUN_STARTING", "RUN_STARTED"], `run ${r.runId}`);
      }
    } finally {
      daemon.kill("SIGTERM");
      await daemonExited;
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
