/**
 * Topology drill 5 — PostgreSQL restarted mid-run and mid-tick. The deployment runs on a server
 * of the drill's own; both locations' 2-second schedules tick and two `alpha/chatty` runs (one
 * REST, one GraphQL; 150 log lines over ~7.5 s) are executing when the server is stopped (a fast
 * shutdown: every connection cut) for 5 s and started again on the same data directory.
 * Meanwhile the drill does what an operator's browser would: it opens the runs' pages (live event
 * streams) as the server goes down and again during the outage, and polls GraphQL and /readyz. Asserts: every Flyt process (webserver, both daemons, both code
 * servers) is alive afterwards; /readyz said 503 during the outage and 200 after; their LISTEN
 * connections are back;
 * the runs in flight finish SUCCESS with no event lost or duplicated; the schedules go on ticking
 * with no instant lost or doubled across the outage (catch-up `all`), and their runs succeed.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { testBackends } from "@flyt/storage/testing";
import {
  checkChattyEvents,
  checkInstants,
  describeProcesses,
  executionCounts,
  launchRunGraphql,
  launchRunRest,
  rest,
  setInstigatorStatus,
  sleep,
  Topology,
  waitUntil,
  watchRunEvents,
  writeFigures,
  type RunRow,
  type TickRow,
} from "./harness.js";

const LINES = 150;
const INTERVAL_MS = 50;
const OUTAGE_MS = 5_000;
const SCHEDULES = { "alpha:alpha_every_2s": "alpha/tick", "beta:beta_every_2s": "beta/tick" } as const;

void describe("topology: PostgreSQL restart mid-run and mid-tick (drill 5)", { skip: !testBackends().includes("postgres") }, () => {
  let topology: Topology;
  const launched: Array<{ runId: string; via: string }> = [];
  let inFlight: RunRow[] = [];
  let scheduled: RunRow[] = [];
  let ticks: Record<string, TickRow[]> = {};
  let deadAfter: string[] = [];
  let restartedAt = 0;
  let eventsBeforeStop = 0;
  /** /readyz statuses seen while the server was down (0: no answer). */
  const readyDuringOutage: number[] = [];
  let readyAfter: number | null = null;
  /** Sessions of the processes' run watches (LISTEN, application_name flyt-listen) before and after. */
  let listenBefore = 0;
  let listenAfter = 0;
  const listenSessions = async (): Promise<number> =>
    Number((await topology.db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'flyt-listen' AND datname = current_database()`))[0]?.n ?? 0);
  const figures: Record<string, unknown> = { outageMs: OUTAGE_MS };

  before(async () => {
    topology = await Topology.start({
      name: "pg-restart",
      postgres: "restartable",
      codeServerEnv: { FLYT_TOPOLOGY_CHATTY_LINES: String(LINES), FLYT_TOPOLOGY_CHATTY_INTERVAL_MS: String(INTERVAL_MS) },
    });
    for (const id of Object.keys(SCHEDULES)) await setInstigatorStatus(topology.webserverUrl, id, "RUNNING");
    await waitUntil(
      async () => ((await Promise.all(Object.keys(SCHEDULES).map((id) => topology.db.ticks(id)))).every((t) => t.length > 0) ? true : null),
      30_000,
      "a first tick of both schedules",
    );
    launched.push({ runId: await launchRunRest(topology.webserverUrl, "alpha", "alpha/chatty"), via: "REST" });
    launched.push({ runId: (await launchRunGraphql(topology.webserverUrl, "alpha/chatty")).runId, via: "GraphQL" });
    const ids = launched.map((l) => l.runId);
    // Stop the server mid-run: once a run has stored a tenth of its lines (bounded: a run that never starts fails later).
    eventsBeforeStop = await waitUntil(async () => {
      const rows = await topology.db.query(`SELECT count(*)::int AS n FROM event_log WHERE run_id = ANY($1) AND type = 'LOG' GROUP BY run_id ORDER BY n DESC LIMIT 1`, [ids]);
      const n = Number(rows[0]?.n ?? 0);
      return n >= LINES / 10 ? n : null;
    }, 15_000, "log events of a chatty run").catch(() => 0);
    // What an operator's browser does meanwhile: the runs' pages are opened just as the server
    // goes down (the webserver's first live stream opens its LISTEN connection then), reopened
    // during the outage as EventSource does, and GraphQL and /readyz are polled.
    const watching = new AbortController();
    const streams = ids.map((id) => watchRunEvents(topology.webserverUrl, id, watching.signal));
    listenBefore = await listenSessions();
    const stoppedAt = Date.now();
    await topology.postgres!.stop();
    const outageEnds = Date.now() + OUTAGE_MS;
    while (Date.now() < outageEnds) {
      streams.push(...ids.map((id) => watchRunEvents(topology.webserverUrl, id, watching.signal)));
      readyDuringOutage.push((await rest(topology.webserverUrl, "GET", "/readyz").catch(() => ({ status: 0 }))).status);
      await topology.graphql("{ runs(first: 5) { nodes { runId status } } }").catch(() => undefined);
      await sleep(500);
    }
    await topology.postgres!.start();
    restartedAt = Date.now();
    figures.stoppedForMs = restartedAt - stoppedAt;
    const webserver = topology.webserver!;
    const [ready, resumed] = await Promise.all([
      // A webserver that died cannot become ready: that is asserted below, not waited for.
      waitUntil(async () => {
        if (!webserver.running) return -1;
        return (await rest(topology.webserverUrl, "GET", "/readyz")).status === 200 ? Date.now() : null;
      }, 20_000, "/readyz 200 after the restart", 100).catch(() => null),
      // Schedules must go on: both tick an instant after the restart (time to reconnect and re-elect).
      waitUntil(async () => {
        const latest = await Promise.all(Object.keys(SCHEDULES).map(async (id) => Math.max(0, ...(await topology.db.ticks(id)).map((t) => t.tickTime))));
        return latest.every((t) => t > restartedAt) ? Date.now() : null;
      }, 30_000, "ticks after the restart", 100).catch(() => null),
    ]);
    readyAfter = ready === null || ready < 0 ? null : ready - restartedAt;
    figures.readyAgainAfterMs = readyAfter;
    figures.ticksResumedAfterMs = resumed === null ? null : resumed - restartedAt;
    watching.abort();
    await Promise.all(streams);
    inFlight = await topology.db.settle(ids, 40_000);
    // LISTEN connections reconnect a second after they are cut; by now every one should be back.
    listenAfter = await waitUntil(async () => {
      const n = await listenSessions();
      return n >= listenBefore ? n : null;
    }, 10_000, "the LISTEN sessions to come back").catch(() => listenSessions());
    deadAfter = topology.platformProcesses().filter((p) => !p.running).map((p) => p.exitSummary());
    // Closing the tick set needs the API: a webserver that died is restarted for it (its death is asserted above).
    if (!topology.webserver?.running) await topology.startWebserver();
    for (const id of Object.keys(SCHEDULES)) await setInstigatorStatus(topology.webserverUrl, id, "STOPPED");
    await sleep(2_500);
    ticks = Object.fromEntries(await Promise.all(Object.keys(SCHEDULES).map(async (id) => [id, await topology.db.ticks(id)] as const)));
    scheduled = await topology.db.runs("instigator = ANY($1)", [Object.keys(SCHEDULES)]);
    scheduled = await topology.db.settle(scheduled.map((r) => r.runId), 30_000);
  }, { timeout: 170_000 });

  after(async () => {
    await topology?.[Symbol.asyncDispose]();
    writeFigures("pg-restart", {
      ...figures,
      eventsOfBusiestRunBeforeStop: eventsBeforeStop,
      inFlight: inFlight.map((r) => ({ via: launched.find((l) => l.runId === r.runId)?.via, status: r.status, durationMs: r.endedAt === null ? null : r.endedAt - r.createdAt })),
      instants: Object.fromEntries(Object.entries(ticks).map(([id, t]) => [id, new Set(t.map((x) => x.tickTime)).size])),
      scheduledRuns: scheduled.length,
      scheduledRunsSucceeded: scheduled.filter((r) => r.status === "SUCCESS").length,
      readyDuringOutage,
      listenSessions: { before: listenBefore, after: listenAfter },
      deadAfter,
    });
  }, { timeout: 60_000 });

  void it("every Flyt process is alive after the restart", () => {
    assert.deepEqual(deadAfter, []);
  });

  void it("the webserver reports the outage on /readyz (503) and is ready again after the restart", () => {
    assert.ok(readyDuringOutage.includes(503), `/readyz during the outage answered ${readyDuringOutage.join(", ")}`);
    assert.ok(readyAfter !== null, "/readyz answered 200 within 20 s of the restart");
  });

  void it("the processes' LISTEN connections (run-change notifications) are back after the restart", () => {
    assert.ok(listenBefore > 0, "the daemons listened for run changes before the outage");
    assert.ok(listenAfter >= listenBefore, `${listenBefore} LISTEN sessions before the outage, ${listenAfter} after`);
  });

  void it("runs in flight across the restart finish SUCCESS, executed once, with no event lost or duplicated", async () => {
    assert.ok(eventsBeforeStop >= LINES / 10, `only ${eventsBeforeStop} log events of any run were stored before the stop: the outage was not mid-run`);
    const counts = executionCounts(topology.executions());
    const problems: string[] = [];
    for (const { runId, via } of launched) {
      const row = inFlight.find((r) => r.runId === runId);
      if (row?.status !== "SUCCESS") problems.push(`${via} ${runId}: ${row?.status ?? "missing"}${row?.status === "FAILURE" ? ` — ${(await topology.db.failureMessage(runId))?.split("\n")[0] ?? ""}` : ""}`);
      const n = counts.get(`${runId} alpha/chatty`) ?? 0;
      if (n !== 1) problems.push(`${via} ${runId}: alpha/chatty executed ${n} times`);
      problems.push(...checkChattyEvents(runId, await topology.db.events(runId), LINES).map((p) => `${via} ${p}`));
    }
    assert.deepEqual(problems, []);
  });

  void it("schedules continue across the outage with no instant lost or doubled", () => {
    const problems: string[] = [];
    for (const id of Object.keys(SCHEDULES)) {
      const result = checkInstants(id, ticks[id] ?? [], scheduled, 2_000);
      if (!result.instants.some((t) => t > restartedAt)) problems.push(`${id}: no tick after the restart`);
      problems.push(...result.problems);
    }
    assert.deepEqual(problems, []);
  });

  void it("every scheduled run succeeded, its asset executed exactly once", async () => {
    const counts = executionCounts(topology.executions());
    const problems: string[] = [];
    for (const run of scheduled) {
      const asset = SCHEDULES[run.instigator as keyof typeof SCHEDULES];
      if (run.status !== "SUCCESS") problems.push(`${run.instigator} ${run.runId} (key ${String(run.runKey)}): ${run.status}${run.status === "FAILURE" ? ` — ${(await topology.db.failureMessage(run.runId))?.split("\n")[0] ?? ""}` : ""}`);
      const n = counts.get(`${run.runId} ${asset}`) ?? 0;
      if (n !== 1) problems.push(`${run.instigator} ${run.runId}: ${asset} executed ${n} times`);
    }
    assert.ok(scheduled.length > 0, "the schedules made runs");
    assert.deepEqual(problems.slice(0, 6), [], `${problems.length} problem(s) over ${scheduled.length} scheduled runs`);
  });

  void it("leaves no process behind when the deployment stops", { timeout: 60_000 }, async () => {
    const leftovers = await topology.shutdown();
    assert.equal(leftovers.length, 0, `processes outlived the deployment:\n${describeProcesses(leftovers)}`);
  });
});
