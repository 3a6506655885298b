/**
 * Remote run workers and their code server, as real processes under a real `flyt webserver`
 * (SQLite; the behaviour does not depend on the backend). Runs are launched the way the daemon
 * launches runs of a location served by a code server — a CodeLocationLauncher calls its
 * `POST /v1/runs`, the worker reports to the webserver's ingest API — from this test process, so
 * the webserver's own process tree holds the code servers and their workers:
 * - a reload retires the old code server: the running run keeps its worker, and the retired
 *   server stays (as the worker's parent) until the worker ends;
 * - SIGKILL of the webserver takes every code server (current and retired) and every worker along;
 * - SIGKILL of a code server stops its running worker within seconds, the worker ends nothing
 *   itself (no RUN_CANCELED), and a `flyt daemon`'s run monitor fails the run as worker lost.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import type { RunHandle } from "@flyt/contracts";
import { openStorage, type Storage } from "@flyt/storage";
import { CodeLocationClient, CodeLocationLauncher } from "@flyt/workspace";
import { testBackends } from "@flyt/storage/testing";
import { describePid, descendants, readPidFile, isAlive, startFlyt, waitFor, type FlytProcess } from "./test-support.js";

const FIXTURE = fileURLToPath(new URL("./test-fixtures/crash-recovery.js", import.meta.url));

interface LocationView {
  name: string;
  status: string;
  url: string | null;
}

/** The URL of the webserver's JSON "listening" line. */
async function listening(web: FlytProcess): Promise<string> {
  return waitFor(
    () => {
      for (const line of web.output().split("\n")) {
        try {
          const record = JSON.parse(line) as { msg?: unknown; url?: unknown };
          if (record.msg === "listening" && typeof record.url === "string") return record.url;
        } catch {
          // Not a JSON line (yet).
        }
      }
      return null;
    },
    60_000,
    () => `flyt webserver to listen:\n${web.output()}`,
  );
}

async function loadedLocation(url: string): Promise<LocationView> {
  let last = "";
  return waitFor(
    async () => {
      const response = await fetch(`${url}/api/v1/locations/crash`).catch(() => null);
      if (response === null) return null;
      const location = (await response.json()) as LocationView;
      last = JSON.stringify({ ...location, snapshot: undefined });
      return location.status === "LOADED" && location.url ? location : null;
    },
    60_000,
    () => `location crash to be LOADED (${last})`,
  );
}

async function codeServerPid(locationUrl: string): Promise<number> {
  const health = (await (await fetch(`${locationUrl}/v1/health`)).json()) as { pid: number };
  return health.pid;
}

/**
 * Launches crash/slow on the location's current code server (as the daemon does), reporting to the
 * webserver at `url`; resolves with the run id and its worker's pid once the step runs.
 */
async function launchSlow(storage: Storage, url: string, locationUrl: string, trace: string, handles: RunHandle[]): Promise<{ runId: string; workerPid: number }> {
  rmSync(join(trace, "slow-started"), { force: true });
  const { run } = await storage.createRun({ selection: "crash/slow", assetKeys: ["crash/slow"], location: "crash" });
  const client = new CodeLocationClient("crash", locationUrl);
  const launcher = new CodeLocationLauncher({ workspace: { client: () => client }, ingestUrl: `${url}/ingest/v1` });
  handles.push(launcher.launch({ run, storage }));
  const workerPid = await waitFor(() => readPidFile(join(trace, "slow-started")), 60_000, "crash/slow to start");
  return { runId: run.runId, workerPid };
}

/** Waits until none of `pids` is alive or `withinMs` after `since` passed; returns ms since `since`. */
async function allGone(pids: number[], since: number, withinMs: number): Promise<number> {
  while (Date.now() - since < withinMs && pids.some(isAlive)) await sleep(20);
  return Date.now() - since;
}

if (testBackends().includes("sqlite")) {
  void describe("remote run workers and their code server", () => {
    void it("survive a reload, die with a killed webserver or code server, and are failed as worker lost by the daemon", { timeout: 240_000 }, async () => {
      const cwd = mkdtempSync(join(tmpdir(), "flyt-code-server-crash-"));
      const trace = join(cwd, "trace");
      mkdirSync(trace, { recursive: true });
      const config = join(cwd, "flyt.yaml");
      writeFileSync(config, `locations:\n  - { name: crash, file: ${JSON.stringify(FIXTURE)} }\n`);
      const env: NodeJS.ProcessEnv = { FLYT_HOME: join(cwd, ".flyt"), FLYT_CONFIG: config, FLYT_DATABASE_URL: "", FLYT_TEST_TRACE_DIR: trace };
      const storage = await openStorage({ databaseUrl: null, sqlitePath: join(cwd, ".flyt", "flyt.db") });
      const started: FlytProcess[] = [];
      const webserver = (): FlytProcess => startFlyt(["webserver", "--port", "0"], { cwd, env });
      const everyPid = new Set<number>();
      const handles: RunHandle[] = [];
      try {
        // 1. A reload while a run is in progress keeps the run's worker and its (retired) code server.
        let web = webserver();
        started.push(web);
        let url = await listening(web);
        const firstLocation = (await loadedLocation(url)).url!;
        const before = await codeServerPid(firstLocation);
        const first = await launchSlow(storage, url, firstLocation, trace, handles);
        // A new leader relaunching the run (its record still STARTING, as reclaimStartingRuns read
        // it before the worker's RUN_STARTED landed) follows the worker already there: no second one.
        const relauncher = new CodeLocationLauncher({ workspace: { client: () => new CodeLocationClient("crash", firstLocation) }, ingestUrl: `${url}/ingest/v1` });
        handles.push(relauncher.launch({ run: { ...(await storage.getRun(first.runId))!, status: "STARTING" }, storage, relaunch: true }));
        await sleep(1_500);
        assert.equal(readPidFile(join(trace, "slow-started")), first.workerPid, "no second worker started the step");
        assert.equal((await storage.getRun(first.runId))?.status, "STARTED", "the relaunch did not fail the run");
        const reloaded = await fetch(`${url}/api/v1/locations/crash/reload`, { method: "POST" });
        assert.equal(reloaded.status, 200);
        const after = await codeServerPid((await loadedLocation(url)).url!);
        assert.notEqual(after, before, "the reload started a new code server");
        await sleep(1_000);
        assert.ok(isAlive(first.workerPid), "the run's worker survives the reload");
        assert.ok(isAlive(before), "the retired code server stays while its worker runs");
        assert.equal((await storage.getRun(first.runId))?.status, "STARTED");

        // 2. SIGKILL of the webserver: both code servers and the worker go.
        const tree = descendants(web.pid);
        for (const pid of tree) everyPid.add(pid);
        for (const pid of [before, after, first.workerPid]) assert.ok(tree.includes(pid), `${describePid(pid)} is in the webserver's tree`);
        const webKilledAt = Date.now();
        web.child.kill("SIGKILL");
        await web.exited;
        const webGone = await allGone(tree, webKilledAt, 5_000);
        assert.deepEqual(tree.filter(isAlive).map(describePid), [], "nothing the killed webserver started is alive 5 s later");

        // 3. SIGKILL of a code server with a running worker: the worker stops and reports nothing more.
        web = webserver();
        started.push(web);
        url = await listening(web);
        const secondLocation = (await loadedLocation(url)).url!;
        const server = await codeServerPid(secondLocation);
        const second = await launchSlow(storage, url, secondLocation, trace, handles);
        everyPid.add(server).add(second.workerPid);
        const serverKilledAt = Date.now();
        process.kill(server, "SIGKILL");
        const workerGone = await allGone([second.workerPid], serverKilledAt, 5_000);
        assert.equal(isAlive(second.workerPid), false, `the worker of a killed code server is alive ${workerGone} ms later`);
        await sleep(1_000);
        const events = await storage.getEvents(second.runId);
        assert.equal((await storage.getRun(second.runId))?.status, "STARTED", "the worker did not end the run itself");
        assert.ok(!events.some((e) => e.body.type === "RUN_CANCELED"), "no RUN_CANCELED from a worker whose code server died");

        // 4. The daemon's run monitor fails both interrupted runs as worker lost.
        const daemon = startFlyt(["daemon", "--worker-timeout", "2"], { cwd, env });
        started.push(daemon);
        for (const runId of [first.runId, second.runId]) {
          const ended = await waitFor(async () => {
            const run = await storage.getRun(runId);
            return run !== null && run.status !== "STARTED" ? run : null;
          }, 30_000, () => `run ${runId} to be failed by the run monitor:\n${daemon.output()}`);
          assert.equal(ended.status, "FAILURE");
          const failure = (await storage.getEvents(runId)).find((e) => e.body.type === "RUN_FAILURE");
          assert.match(failure?.body.type === "RUN_FAILURE" ? failure.body.message : "", /worker lost/);
        }
        process.stderr.write(`# code servers and worker gone ${webGone} ms after SIGKILL of the webserver; worker gone ${workerGone} ms after SIGKILL of its code server\n`);
        // The launchers saw their runs end (through storage) and finished.
        await Promise.all(handles.map((h) => h.done));
      } finally {
        for (const p of started) await p.stop();
        for (const pid of [...everyPid].filter(isAlive)) process.kill(pid, "SIGKILL");
        await storage.close();
        rmSync(cwd, { recursive: true, force: true });
      }
    });
  });
}
