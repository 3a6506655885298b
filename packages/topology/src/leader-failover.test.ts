/**
 * Topology drill 3 — kill -9 of the leader daemon while two url locations' schedules tick every
 * two seconds (seconds-field crons, catch-up `all`), twice, each victim replaced by a fresh
 * daemon. Asserts: a standby takes the lease within ttl + renew (+ slack for a loaded machine);
 * every instant between the first and the last tick of each schedule has exactly one tick and
 * exactly one run; every scheduled run succeeded with its asset executed once; nothing is left
 * running at the end. Takeover times go to test-artifacts/topology/failover.json.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { testBackends } from "@flyt/storage/testing";
import {
  checkInstants,
  describeProcesses,
  executionCounts,
  setInstigatorStatus,
  sleep,
  Topology,
  waitUntil,
  writeFigures,
  type RunRow,
  type TickRow,
} from "./harness.js";

const LEASE_TTL_MS = 3_000;
/** The daemon renews every ttl/5; a standby tries on the same beat. */
const RENEW_MS = LEASE_TTL_MS / 5;
/** Slack for two cores running eight Node processes, two of them booting. */
const TAKEOVER_BOUND_MS = LEASE_TTL_MS + RENEW_MS + 2_000;
const SCHEDULES = { "alpha:alpha_every_2s": "alpha/tick", "beta:beta_every_2s": "beta/tick" } as const;
const KILLS = 2;

void describe("topology: kill -9 of the leader daemon under ticking schedules (drill 3)", { skip: !testBackends().includes("postgres") }, () => {
  let topology: Topology;
  const takeovers: number[] = [];
  let ticks: Record<string, TickRow[]> = {};
  let runs: RunRow[] = [];

  before(async () => {
    topology = await Topology.start({ name: "failover", postgres: "shared", leaseTtlMs: LEASE_TTL_MS });
    for (const id of Object.keys(SCHEDULES)) await setInstigatorStatus(topology.webserverUrl, id, "RUNNING");
    await waitUntil(
      async () => ((await Promise.all(Object.keys(SCHEDULES).map((id) => topology.db.ticks(id)))).every((t) => t.length > 0) ? true : null),
      30_000,
      "a first tick of both schedules",
    );
    for (let round = 0; round < KILLS; round++) {
      // Let a few instants pass under the current leader.
      await sleep(2_500);
      takeovers.push((await topology.killLeader({ replace: true })).takeoverMs);
    }
    await sleep(4_000);
    // Close the set: no new instant after this, and the tick being evaluated has time to land.
    for (const id of Object.keys(SCHEDULES)) await setInstigatorStatus(topology.webserverUrl, id, "STOPPED");
    await sleep(2_500);
    ticks = Object.fromEntries(await Promise.all(Object.keys(SCHEDULES).map(async (id) => [id, await topology.db.ticks(id)] as const)));
    runs = await topology.db.runs("instigator = ANY($1)", [Object.keys(SCHEDULES)]);
    // Scheduled runs still queued or running get their time to finish before they are judged.
    runs = await topology.db.settle(runs.map((r) => r.runId), 30_000);
  }, { timeout: 150_000 });

  after(async () => {
    await topology?.[Symbol.asyncDispose]();
    writeFigures("failover", {
      leaseTtlMs: LEASE_TTL_MS,
      takeoverMs: takeovers,
      takeoverBoundMs: TAKEOVER_BOUND_MS,
      instants: Object.fromEntries(Object.entries(ticks).map(([id, t]) => [id, new Set(t.map((x) => x.tickTime)).size])),
      ticks: Object.fromEntries(Object.entries(ticks).map(([id, t]) => [id, t.length])),
      runs: runs.length,
      runsSucceeded: runs.filter((r) => r.status === "SUCCESS").length,
    });
  }, { timeout: 60_000 });

  void it(`a standby takes the lease within ${TAKEOVER_BOUND_MS} ms of each kill -9 (ttl ${LEASE_TTL_MS} ms + renew ${RENEW_MS} ms + slack)`, () => {
    assert.equal(takeovers.length, KILLS);
    for (const t of takeovers) assert.ok(t < TAKEOVER_BOUND_MS, `takeover took ${t} ms`);
    process.stderr.write(`# failover: takeovers ${takeovers.join(", ")} ms\n`);
  });

  void it("no instant lost or doubled: every instant between the first and last tick has exactly one tick and one run", () => {
    const problems: string[] = [];
    for (const id of Object.keys(SCHEDULES)) {
      const result = checkInstants(id, ticks[id] ?? [], runs, 2_000);
      // Ticking for ~13 s across two takeovers: at least 5 instants, or the drill proved nothing.
      if (result.instants.length < 5) problems.push(`${id}: only ${result.instants.length} instants ticked`);
      problems.push(...result.problems);
    }
    assert.deepEqual(problems, []);
  });

  void it("every scheduled run succeeded, its asset executed exactly once", async () => {
    const counts = executionCounts(topology.executions());
    const problems: string[] = [];
    for (const run of runs) {
      const asset = SCHEDULES[run.instigator as keyof typeof SCHEDULES];
      if (run.status !== "SUCCESS") problems.push(`${run.instigator} run ${run.runId} (key ${String(run.runKey)}): ${run.status}${run.status === "FAILURE" ? ` — ${(await topology.db.failureMessage(run.runId))?.split("\n")[0] ?? ""}` : ""}`);
      const n = counts.get(`${run.runId} ${asset}`) ?? 0;
      if (n !== 1) problems.push(`${run.instigator} run ${run.runId}: ${asset} executed ${n} times`);
    }
    assert.ok(runs.length > 0, "the schedules made runs");
    // One line per run is enough to read: the first few problems, and how many there were.
    assert.deepEqual(problems.slice(0, 6), [], `${problems.length} problem(s) over ${runs.length} scheduled runs`);
  });

  void it("leaves no process behind when the deployment stops", { timeout: 60_000 }, async () => {
    const leftovers = await topology.shutdown();
    assert.equal(leftovers.length, 0, `processes outlived their parents:\n${describeProcesses(leftovers)}`);
  });
});
