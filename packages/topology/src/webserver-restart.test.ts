/**
 * Topology drill 4 — kill -9 of the webserver while run workers stream events to its ingest API.
 * Runs of `alpha/chatty` (60 numbered log lines over ~3 s) execute on alpha's code server; once
 * their events are arriving, the webserver is SIGKILLed, left down for a second (workers buffer and
 * retry), and started again on the same port. Asserts, per launch path (REST `POST /api/v1/runs`
 * and GraphQL `launchRun` through the daemons' queue): every run ends SUCCESS, its asset executed
 * once, every worker seq 1..max stored exactly once and every log line exactly once; the daemons
 * and code servers stayed up; nothing is left running at the end.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { testBackends } from "@flyt/storage/testing";
import {
  checkChattyEvents,
  describeProcesses,
  executionCounts,
  launchRunGraphql,
  launchRunRest,
  sleep,
  Topology,
  waitUntil,
  writeFigures,
  type RunRow,
} from "./harness.js";

const LINES = 60;
const INTERVAL_MS = 50;
const DOWN_MS = 1_000;

void describe("topology: kill -9 of the webserver during ingest (drill 4)", { skip: !testBackends().includes("postgres") }, () => {
  let topology: Topology;
  const launched: Array<{ runId: string; via: "REST" | "GraphQL" }> = [];
  let rows: RunRow[] = [];
  let eventsBeforeKill = 0;
  let downtimeMs = 0;
  let deadWhileDown: string[] = [];

  before(async () => {
    topology = await Topology.start({
      name: "ingest",
      postgres: "shared",
      codeServerEnv: { FLYT_TOPOLOGY_CHATTY_LINES: String(LINES), FLYT_TOPOLOGY_CHATTY_INTERVAL_MS: String(INTERVAL_MS) },
    });
    for (let i = 0; i < 2; i++) launched.push({ runId: await launchRunRest(topology.webserverUrl, "alpha", "alpha/chatty"), via: "REST" });
    for (let i = 0; i < 2; i++) launched.push({ runId: (await launchRunGraphql(topology.webserverUrl, "alpha/chatty")).runId, via: "GraphQL" });
    const ids = launched.map((l) => l.runId);
    // Kill once the ingest is busy: some run has stored a sixth of its lines. Bounded, so a drill
    // whose runs never start still goes on to its assertions.
    eventsBeforeKill = await waitUntil(async () => {
      const rows = await topology.db.query(`SELECT count(*)::int AS n FROM event_log WHERE run_id = ANY($1) AND type = 'LOG' GROUP BY run_id ORDER BY n DESC LIMIT 1`, [ids]);
      const n = Number(rows[0]?.n ?? 0);
      return n >= LINES / 6 ? n : null;
    }, 15_000, "log events of a chatty run to arrive through the ingest API").catch(() => 0);
    const killedAt = Date.now();
    await topology.webserver!.kill9();
    await sleep(DOWN_MS);
    deadWhileDown = topology.platformProcesses().filter((p) => p !== topology.webserver && !p.running).map((p) => p.exitSummary());
    await topology.startWebserver();
    downtimeMs = Date.now() - killedAt;
    rows = await topology.db.settle(ids, 30_000);
  }, { timeout: 120_000 });

  after(async () => {
    await topology?.[Symbol.asyncDispose]();
    writeFigures("ingest", {
      linesPerRun: LINES,
      eventsOfBusiestRunBeforeKill: eventsBeforeKill,
      webserverDowntimeMs: downtimeMs,
      runs: rows.map((r) => ({ via: launched.find((l) => l.runId === r.runId)?.via, status: r.status, durationMs: r.endedAt === null ? null : r.endedAt - r.createdAt })),
    });
  }, { timeout: 60_000 });

  async function problemsFor(via: "REST" | "GraphQL"): Promise<string[]> {
    const counts = executionCounts(topology.executions());
    const problems: string[] = [];
    for (const { runId } of launched.filter((l) => l.via === via)) {
      const row = rows.find((r) => r.runId === runId);
      if (row?.status !== "SUCCESS") problems.push(`${runId}: ${row?.status ?? "missing"}${row?.status === "FAILURE" ? ` — ${(await topology.db.failureMessage(runId))?.split("\n")[0] ?? ""}` : ""}`);
      const n = counts.get(`${runId} alpha/chatty`) ?? 0;
      if (n !== 1) problems.push(`${runId}: alpha/chatty executed ${n} times`);
      problems.push(...checkChattyEvents(runId, await topology.db.events(runId), LINES));
    }
    return problems;
  }

  void it("the ingest was busy when the webserver was killed (the drill tested something)", () => {
    assert.ok(eventsBeforeKill >= LINES / 6, `only ${eventsBeforeKill} log events of any run were stored before the kill`);
  });

  void it("REST-launched runs (POST /api/v1/runs) finish SUCCESS with no event lost or duplicated", async () => {
    assert.deepEqual(await problemsFor("REST"), []);
  });

  void it("queue-launched runs (GraphQL launchRun, started by a daemon) finish SUCCESS with no event lost or duplicated", async () => {
    assert.deepEqual(await problemsFor("GraphQL"), []);
  });

  void it("the daemons and code servers stayed up while the webserver was down", () => {
    assert.deepEqual(deadWhileDown, []);
  });

  void it("leaves no process behind when the deployment stops", { timeout: 60_000 }, async () => {
    const leftovers = await topology.shutdown();
    assert.equal(leftovers.length, 0, `processes outlived the deployment:\n${describeProcesses(leftovers)}`);
  });
});
