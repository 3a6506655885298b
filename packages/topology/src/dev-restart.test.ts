/**
 * Topology drill 6 — `flyt dev -f <file>` on SQLite, kill -9 in the middle of a run, restarted at
 * once on the same FLYT_HOME. The run (`dev/first` → `dev/slow` → `dev/after`; `dev/slow` waits
 * while a marker file exists) is launched through GraphQL; once `dev/slow` executes, the dev
 * process is SIGKILLed.
 * Asserts: none of its children (the location's code server, the run worker) outlives it; the
 * restarted process's daemon holds the lease within the lease timeout (10 s + a renew); the
 * interrupted run ends FAILURE with a "worker lost" message (flyt.yaml sets a 4 s worker timeout)
 * and a terminal event for each step that had not finished (`dev/slow` failed, `dev/after` skipped);
 * `flyt runs reexecute <id> --from-failure` without -f runs `dev/slow` and `dev/after` (the step
 * that never started), each once, to SUCCESS — not `dev/first`, which succeeded.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { openStorage, type Storage } from "@flyt/storage";
import { testBackends } from "@flyt/storage/testing";
import { describeProcesses, fixture, graphql, launchRunGraphql, ProcessSet, readExecutions, waitUntil, writeFigures, type FlytProcess, type ProcessInfo } from "./harness.js";
import { EXECUTIONS_ENV } from "./test-fixtures/record.js";

/** The daemon's default lease on SQLite; `flyt dev` has no setting for it. */
const LEASE_TTL_MS = 10_000;
const RENEW_MS = 2_000;
const WORKER_TIMEOUT_S = 4;

void describe("topology: flyt dev on SQLite, kill -9 during a run and an immediate restart (drill 6)", { skip: !testBackends().includes("sqlite") }, () => {
  const processes = new ProcessSet("dev");
  let dir = "";
  let hangFile = "";
  let executionsFile = "";
  let env: Record<string, string> = {};
  let storage: Storage | null = null;
  let runId = "";
  let killedTree: ProcessInfo[] = [];
  let survivors: ProcessInfo[] = [];
  let restarted: FlytProcess | null = null;
  let daemonUpMs: number | null = null;
  let failure: { status: string; message: string | null } | null = null;
  let stepEnds: string[] = [];
  let reexecution: { exitCode: number | null; output: string; runId: string | null; status: string | null } | null = null;

  async function startDev(name: string): Promise<{ process: FlytProcess; url: string }> {
    const proc = processes.start(name, ["dev", "-f", fixture("dev"), "--port", "0"], { cwd: dir, env });
    const match = await proc.waitForOutput(/Flyt dev is up at (http:\/\/[^\s"]+)/, 30_000, "the 'Flyt dev is up' line");
    return { process: proc, url: match[1]! };
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "flyt-topology-dev-"));
    hangFile = join(dir, "hang");
    executionsFile = join(dir, "executions.jsonl");
    env = { FLYT_HOME: join(dir, ".flyt"), FLYT_CONFIG: join(dir, "flyt.yaml"), [EXECUTIONS_ENV]: executionsFile, FLYT_TOPOLOGY_HANG_FILE: hangFile };
    writeFileSync(env.FLYT_CONFIG!, `# Written by the topology dev drill.\ndaemon:\n  workerTimeoutSeconds: ${WORKER_TIMEOUT_S}\n`);
    writeFileSync(hangFile, "");
    const first = await startDev("dev 1");
    await waitUntil(async () => {
      const { locations } = await graphql<{ locations: Array<{ status: string }> }>(first.url, "{ locations { status } }");
      return locations.length > 0 && locations.every((l) => l.status === "LOADED") ? true : null;
    }, 30_000, "the dev location to load");
    runId = (await launchRunGraphql(first.url, "*")).runId;
    await waitUntil(() => (readExecutions(executionsFile).some((e) => e.runId === runId && e.asset === "dev/slow") ? true : null), 30_000, "dev/slow to execute");
    killedTree = await first.process.kill9();
    const killedAt = Date.now();
    storage = await openStorage({ sqlitePath: join(env.FLYT_HOME!, "flyt.db") });
    restarted = (await startDev("dev 2")).process;
    const leader = restarted;
    // "Up within the lease timeout": the old lease expires 10 s after its last renewal at most.
    daemonUpMs = await waitUntil(async () => {
      const lease = await storage!.getLease("flyt-daemon");
      return lease !== null && lease.holder.split(":")[1] === String(leader.pid) && lease.expiresAt > Date.now() ? Date.now() - killedAt : null;
    }, LEASE_TTL_MS + RENEW_MS + 5_000, "the restarted flyt dev's daemon to hold the lease").catch(() => null);
    survivors = killedTree.filter((p) => processes.tagged().some((t) => t.pid === p.pid && t.startTime === p.startTime));
    // Only a daemon fails a run whose worker is gone: without one, waiting would prove nothing.
    failure = daemonUpMs === null ? { status: (await storage.getRun(runId))?.status ?? "missing", message: null } : await waitUntil(async () => {
      const run = await storage!.getRun(runId);
      if (run === null || (run.status !== "FAILURE" && run.status !== "SUCCESS" && run.status !== "CANCELED")) return null;
      const events = await storage!.getEvents(runId, { types: ["RUN_FAILURE"] });
      const last = events[events.length - 1];
      return { status: run.status, message: last?.body.type === "RUN_FAILURE" ? last.body.message : null };
    }, WORKER_TIMEOUT_S * 1000 + 15_000, "the interrupted run to end").catch(async () => ({ status: (await storage!.getRun(runId))?.status ?? "missing", message: null }));
    stepEnds = (await storage.getEvents(runId, { types: ["STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED"] })).map((e) => `${e.stepKey ?? "?"} ${e.body.type}`);
    // Let the re-executed step finish at once.
    unlinkSync(hangFile);
    const cli = processes.start("runs reexecute", ["runs", "reexecute", runId, "--from-failure"], { cwd: dir, env });
    const exit = await cli.exited;
    const newRunId = /Run (\S+):/.exec(cli.output())?.[1] ?? null;
    const newRun = newRunId === null ? null : await storage.getRun(newRunId);
    reexecution = { exitCode: exit.code, output: cli.tail(6), runId: newRunId, status: newRun?.status ?? null };
  }, { timeout: 150_000 });

  after(async () => {
    await processes[Symbol.asyncDispose]();
    await storage?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    writeFigures("dev", {
      leaseTtlMs: LEASE_TTL_MS,
      workerTimeoutSeconds: WORKER_TIMEOUT_S,
      daemonUpAfterKillMs: daemonUpMs,
      childrenOfKilledDev: killedTree.length,
      survivors: survivors.length,
      interruptedRun: failure,
      reexecution: reexecution && { exitCode: reexecution.exitCode, status: reexecution.status },
    });
  }, { timeout: 60_000 });

  void it("no child of the killed flyt dev (code server, run worker) outlives it", () => {
    assert.ok(killedTree.length > 0, "flyt dev had children when it was killed");
    assert.equal(survivors.length, 0, `children of the killed flyt dev still alive after its restart:\n${describeProcesses(survivors)}`);
  });

  void it(`the restarted flyt dev's daemon leads within the lease timeout (${LEASE_TTL_MS} ms + ${RENEW_MS} ms renew)`, () => {
    assert.ok(daemonUpMs !== null, `the restarted flyt dev's daemon never took the lease; its output:\n${restarted?.tail(15) ?? ""}`);
    assert.ok(daemonUpMs < LEASE_TTL_MS + RENEW_MS + 1_000, `daemon up ${daemonUpMs} ms after the kill`);
  });

  void it("the interrupted run failed with a 'worker lost' message", () => {
    assert.equal(failure?.status, "FAILURE");
    assert.match(failure?.message ?? "", /worker lost/i);
  });

  void it("the interrupted run records an end for every step: dev/first succeeded, dev/slow failed, dev/after skipped", () => {
    assert.deepEqual([...stepEnds].sort(), ["dev/after STEP_SKIPPED", "dev/first STEP_SUCCESS", "dev/slow STEP_FAILURE"]);
  });

  void it("flyt runs reexecute --from-failure (no -f) runs dev/slow and the never-started dev/after, each once, to SUCCESS", () => {
    assert.equal(reexecution?.exitCode, 0, `flyt runs reexecute exited ${String(reexecution?.exitCode)}:\n${reexecution?.output ?? ""}`);
    assert.equal(reexecution.status, "SUCCESS");
    const executions = readExecutions(executionsFile).filter((e) => e.runId === reexecution!.runId);
    assert.deepEqual(executions.map((e) => e.asset), ["dev/slow", "dev/after"], "every step that did not succeed ran, once, in order");
  });

  void it("leaves no process behind when flyt dev stops", { timeout: 60_000 }, async () => {
    // Survivors of the killed process failed the first check already; this one is about the restarted one.
    const leftovers = (await processes.shutdown()).filter((p) => !survivors.some((s) => s.pid === p.pid && s.startTime === p.startTime));
    assert.equal(leftovers.length, 0, `processes outlived flyt dev:\n${describeProcesses(leftovers)}`);
  });
});
