/**
 * Topology drills 1 and 2 — launching runs in a deployment: one `flyt webserver`, two
 * `flyt daemon`s and two url code locations as separate processes on PostgreSQL.
 * 1. Runs launched through GraphQL (`launchRun`, queued for the daemons) and REST
 *    (`POST /api/v1/runs {location}`) for url locations all reach SUCCESS, and every asset of each
 *    run executed exactly once (counted from the fixtures' execution lines, not from run status);
 *    a re-execution (`reexecuteRun`) of a url-location run reaches SUCCESS the same way, and so
 *    does the run a url location's sensor asks for (evaluated on its code server); a backfill
 *    launched through GraphQL (`launchBackfill`) is planned and driven by the leader daemon to
 *    COMPLETED_SUCCESS with every partition executed exactly once.
 * 2. `flyt materialize -f` N times against the same database while the daemons run: exactly one
 *    execution per run (the CLI runs it; a daemon must not launch it a second time).
 */
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { testBackends } from "@flyt/storage/testing";
import {
  describeProcesses,
  executionCounts,
  fixture,
  launchRunGraphql,
  launchRunRest,
  percentile,
  reexecuteRunGraphql,
  setInstigatorStatus,
  Topology,
  waitUntil,
  writeFigures,
  type RunRow,
} from "./harness.js";
import { EXECUTIONS_ENV } from "./test-fixtures/record.js";

/** How long a run of these tiny assets may take to finish from launch (cold worker, loaded machine). */
const RUN_DEADLINE_MS = 30_000;
const CLI_RUNS = 8;

const ASSETS: Record<string, string[]> = { "alpha/one+": ["alpha/one", "alpha/two"], "beta/one": ["beta/one"] };

/** Problems with runs that should each have succeeded with each of their assets executed exactly once. */
function checkRuns(rows: readonly RunRow[], expected: ReadonlyArray<{ runId: string; via: string; assets: readonly string[] }>, counts: Map<string, number>): string[] {
  const problems: string[] = [];
  for (const want of expected) {
    const row = rows.find((r) => r.runId === want.runId);
    if (!row) {
      problems.push(`${want.via} run ${want.runId}: not in the database`);
      continue;
    }
    if (row.status !== "SUCCESS") problems.push(`${want.via} run ${want.runId} (${row.location}): ${row.status}`);
    for (const asset of want.assets) {
      const n = counts.get(`${want.runId} ${asset}`) ?? 0;
      if (n !== 1) problems.push(`${want.via} run ${want.runId}: ${asset} executed ${n} times`);
    }
  }
  return problems;
}

void describe("topology: launching runs through the webserver and the CLI (drills 1, 2)", { skip: !testBackends().includes("postgres") }, () => {
  let topology: Topology;
  const figures: Record<string, unknown> = {};

  before(async () => {
    const started = Date.now();
    topology = await Topology.start({ name: "launch", postgres: "shared" });
    figures.topologyStartSeconds = (Date.now() - started) / 1000;
  }, { timeout: 90_000 });

  after(async () => {
    await topology?.[Symbol.asyncDispose]();
    writeFigures("launch", figures);
  }, { timeout: 60_000 });

  let firstRunId: string | null = null;

  void it("drill 1: runs launched from GraphQL and REST for url locations reach SUCCESS, each asset executed exactly once", { timeout: 90_000 }, async () => {
    const launched: Array<{ runId: string; via: string; assets: string[] }> = [];
    for (const selection of ["alpha/one+", "alpha/one+", "beta/one"]) {
      const run = await launchRunGraphql(topology.webserverUrl, selection);
      launched.push({ runId: run.runId, via: `GraphQL launchRun(${selection})`, assets: ASSETS[selection]! });
    }
    for (const [location, selection] of [["alpha", "alpha/one+"], ["beta", "beta/one"]] as const) {
      const runId = await launchRunRest(topology.webserverUrl, location, selection);
      launched.push({ runId, via: `REST ${location} ${selection}`, assets: ASSETS[selection]! });
    }
    firstRunId = launched[launched.length - 2]!.runId;
    const rows = await topology.db.settle(launched.map((l) => l.runId), RUN_DEADLINE_MS);
    const problems = checkRuns(rows, launched, executionCounts(topology.executions()));
    for (const row of rows) if (row.status === "FAILURE") problems.push(`  ${row.runId} failed: ${(await topology.db.failureMessage(row.runId))?.split("\n")[0] ?? "(no message)"}`);
    const latencies = rows.filter((r) => r.status === "SUCCESS" && r.endedAt !== null).map((r) => r.endedAt! - r.createdAt);
    figures.drill1 = {
      runs: launched.length,
      succeeded: rows.filter((r) => r.status === "SUCCESS").length,
      launchToEndMs: { p50: percentile(latencies, 50), max: percentile(latencies, 100) },
      problems,
    };
    assert.deepEqual(problems, [], "every launched run succeeded with each asset executed exactly once");
  });

  void it("drill 1: a re-execution (GraphQL reexecuteRun) of a url-location run reaches SUCCESS, each asset executed exactly once", { timeout: 60_000 }, async () => {
    assert.ok(firstRunId, "the launch drill produced a run to re-execute");
    // Re-executing a finished run is allowed whatever its outcome; every step runs again.
    const re = await reexecuteRunGraphql(topology.webserverUrl, firstRunId, false);
    const rows = await topology.db.settle([re.runId], RUN_DEADLINE_MS);
    const problems = checkRuns(rows, [{ runId: re.runId, via: `reexecuteRun(${firstRunId})`, assets: ASSETS["alpha/one+"]! }], executionCounts(topology.executions()));
    if (rows[0]?.status === "FAILURE") problems.push(`  failed: ${(await topology.db.failureMessage(re.runId))?.split("\n")[0] ?? "(no message)"}`);
    if (rows[0] && rows[0].parentRunId !== firstRunId) problems.push(`parentRunId is ${String(rows[0].parentRunId)}, expected ${firstRunId}`);
    figures.reexecution = { status: rows[0]?.status ?? null, latencyMs: rows[0]?.endedAt ? rows[0].endedAt - rows[0].createdAt : null, problems };
    assert.deepEqual(problems, []);
  });

  void it("drill 1: the run a url location's sensor requests reaches SUCCESS, its asset executed exactly once", { timeout: 60_000 }, async () => {
    const sensorId = "beta:beta_once";
    await setInstigatorStatus(topology.webserverUrl, sensorId, "RUNNING");
    const [requested] = await waitUntil(async () => {
      const rows = await topology.db.runs("instigator = $1", [sensorId]);
      return rows.length > 0 ? rows : null;
    }, RUN_DEADLINE_MS, `a run requested by ${sensorId}`);
    const rows = await topology.db.settle([requested!.runId], RUN_DEADLINE_MS);
    // A second evaluation skips (its cursor says the run was requested); a doubled request would show here.
    await waitUntil(async () => ((await topology.db.ticks(sensorId)).some((t) => t.status === "SKIPPED") ? true : null), RUN_DEADLINE_MS, `a skipped tick of ${sensorId}`);
    const problems = checkRuns(rows, [{ runId: requested!.runId, via: `sensor ${sensorId}`, assets: ["beta/one"] }], executionCounts(topology.executions()));
    if (rows[0]?.status === "FAILURE") problems.push(`  failed: ${(await topology.db.failureMessage(requested!.runId))?.split("\n")[0] ?? "(no message)"}`);
    const all = await topology.db.runs("instigator = $1", [sensorId]);
    if (all.length !== 1) problems.push(`${all.length} runs requested by ${sensorId}, expected 1`);
    figures.sensorRun = { status: rows[0]?.status ?? null, runKey: rows[0]?.runKey ?? null, latencyMs: rows[0]?.endedAt ? rows[0].endedAt - rows[0].createdAt : null, problems };
    assert.deepEqual(problems, []);
    await setInstigatorStatus(topology.webserverUrl, sensorId, "STOPPED");
  });

  void it("drill 1: a backfill launched through GraphQL (launchBackfill) for a url location completes, every partition executed exactly once", { timeout: 120_000 }, async () => {
    const days = ["2024-03-01", "2024-03-02", "2024-03-03", "2024-03-04", "2024-03-05", "2024-03-06"];
    type Launched = { __typename: string; message?: string; backfill?: { id: string } };
    const { launchBackfill } = await topology.graphql<{ launchBackfill: Launched }>(
      `mutation ($input: LaunchBackfillInput!) { launchBackfill(input: $input) { __typename ... on LaunchBackfillSuccess { backfill { id } } ... on Error { message } } }`,
      { input: { selection: "alpha/daily", partitions: { kind: "RANGE", from: days[0], to: days[days.length - 1] }, maxConcurrentRuns: 3 } },
    );
    assert.equal(launchBackfill.__typename, "LaunchBackfillSuccess", launchBackfill.message);
    const id = launchBackfill.backfill!.id;
    type Seen = { status: string; error: string | null; counts: { total: number; materialized: number; failed: number } };
    const ended = await waitUntil(async () => {
      const { backfill } = await topology.graphql<{ backfill: Seen }>(`query ($id: String!) { backfill(id: $id) { status error counts { total materialized failed } } }`, { id });
      return ["COMPLETED_SUCCESS", "COMPLETED_FAILED", "CANCELED", "FAILED"].includes(backfill.status) ? backfill : null;
    }, 90_000, "the backfill launched through GraphQL to end");
    assert.equal(ended.status, "COMPLETED_SUCCESS", ended.error ?? "");
    assert.deepEqual(ended.counts, { total: days.length, materialized: days.length, failed: 0 });
    const computed = topology.executions().filter((line) => line.asset === "alpha/daily").map((line) => line.partition);
    assert.deepEqual([...computed].sort(), days, "each partition computed exactly once");
    figures.backfill = { partitions: days.length };
  });

  void it(`drill 2: ${CLI_RUNS} × flyt materialize with the daemons running execute each run exactly once`, { timeout: 90_000 }, async () => {
    const cwd = join(topology.dir, "cli");
    mkdirSync(cwd, { recursive: true });
    const started = Date.now();
    // No flyt.yaml here: the CLI sees only the database, as an operator's shell would.
    const clis = Array.from({ length: CLI_RUNS }, (_, i) =>
      topology.processes.start(`materialize ${i + 1}`, ["materialize", "-f", fixture("cli")], {
        cwd,
        env: { FLYT_DATABASE_URL: topology.databaseUrl, FLYT_HOME: join(cwd, ".flyt"), [EXECUTIONS_ENV]: topology.executionsFile },
      }),
    );
    const exits = await Promise.all(clis.map((c) => c.exited));
    const elapsed = Date.now() - started;
    const runIds = clis.map((c) => /Run (\S+):/.exec(c.output())?.[1] ?? null);
    const problems: string[] = [];
    exits.forEach((exit, i) => {
      if (exit.code !== 0) problems.push(`materialize ${i + 1} exited ${exit.code ?? exit.signal}: ${clis[i]!.tail(8)}`);
      if (runIds[i] === null) problems.push(`materialize ${i + 1} printed no run id`);
    });
    const ids = runIds.filter((id): id is string => id !== null);
    // Give a second launcher time to start its copy before counting: a daemon's launch follows its claim within a second.
    const rows = await topology.db.settle(ids, RUN_DEADLINE_MS);
    await new Promise((r) => setTimeout(r, 2_000));
    const executions = topology.executions().filter((e) => e.asset === "cli/pid");
    problems.push(...checkRuns(rows, ids.map((runId) => ({ runId, via: "flyt materialize", assets: ["cli/pid"] })), executionCounts(executions)));
    if (executions.length !== CLI_RUNS) problems.push(`${executions.length} executions of cli/pid for ${CLI_RUNS} materializations (pids ${executions.map((e) => e.pid).join(", ")})`);
    figures.drill2 = { materializations: CLI_RUNS, executions: executions.length, locations: [...new Set(rows.map((r) => r.location))], wallSeconds: elapsed / 1000, problems };
    assert.deepEqual(problems, [], "one execution per flyt materialize");
  });

  void it("leaves no process behind when the deployment stops", { timeout: 60_000 }, async () => {
    const leftovers = await topology.shutdown();
    assert.equal(leftovers.length, 0, `processes outlived the deployment:\n${describeProcesses(leftovers)}`);
  });
});
