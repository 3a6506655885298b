/**
 * Topology drill — kill -9 of the leader daemon while declarative automation ticks every second.
 * Location alpha has `alpha/auto_source` → `alpha/auto_eager` → `alpha/auto_eager_2` (both eager):
 * each round the drill materializes the source through the REST API, and automation answers with
 * one run of both eager assets. In rounds 2 and 4 the leader is SIGKILLed right after the source's
 * run ends — while the next tick evaluates, records its decision or creates its runs — and a fresh
 * daemon replaces it. Asserts: every source update brought exactly one automation run, each
 * eager asset was executed exactly once per round (no double launch after a takeover, none lost),
 * every automation run has its own run key and succeeded, and no tick was left STARTED. Figures go
 * to test-artifacts/topology/automation-failover.json.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { testBackends } from "@flyt/storage/testing";
import { describeProcesses, launchRunRest, sleep, Topology, waitUntil, writeFigures, type RunRow, type TickRow } from "./harness.js";

const LEASE_TTL_MS = 3_000;
const ROUNDS = 5;
const KILL_IN_ROUNDS = new Set([2, 4]);
const EAGER = ["alpha/auto_eager", "alpha/auto_eager_2"] as const;

void describe("topology: kill -9 of the leader daemon while automation ticks", { skip: !testBackends().includes("postgres") }, () => {
  let topology: Topology;
  const takeovers: number[] = [];
  let automationRuns: RunRow[] = [];
  let ticks: TickRow[] = [];
  const roundMs: number[] = [];

  /** Automation runs of alpha that have ended, oldest first. */
  const endedAutomationRuns = async (): Promise<RunRow[]> =>
    (await topology.db.runs("origin = 'automation'")).filter((r) => ["SUCCESS", "FAILURE", "CANCELED"].includes(r.status));

  before(async () => {
    topology = await Topology.start({ name: "automation-failover", postgres: "shared", leaseTtlMs: LEASE_TTL_MS, automationIntervalSeconds: 1 });
    for (let round = 1; round <= ROUNDS; round++) {
      const started = Date.now();
      const runId = await launchRunRest(topology.webserverUrl, "alpha", "alpha/auto_source");
      const [source] = await topology.db.settle([runId], 30_000);
      assert.equal(source?.status, "SUCCESS", `round ${round}: the source's run`);
      if (KILL_IN_ROUNDS.has(round)) takeovers.push((await topology.killLeader({ replace: true })).takeoverMs);
      // This round's automation run: one more ended automation run than rounds before it.
      await waitUntil(async () => ((await endedAutomationRuns()).length >= round ? true : null), 40_000, `round ${round}: the automation run the source's update brings`, 100);
      roundMs.push(Date.now() - started);
    }
    // Ticks keep running: a doubled decision would show as an extra run within a few ticks.
    await sleep(4_000);
    automationRuns = await topology.db.settle((await topology.db.runs("origin = 'automation'")).map((r) => r.runId), 30_000);
    ticks = await topology.db.ticks("automation");
  }, { timeout: 110_000 });

  after(async () => {
    // What storage holds, for the figures (and for reading a failure): every run and automation tick.
    const everyRun = await topology?.db.runs().catch(() => []) ?? [];
    const everyTick = await topology?.db.ticks("automation").catch(() => []) ?? [];
    const evaluations =
      (await topology?.db
        .query<{ tick_id: string; asset_key: string; evaluation: unknown }>("SELECT tick_id, asset_key, evaluation FROM automation_evaluations ORDER BY id")
        .catch(() => [])) ?? [];
    await topology?.[Symbol.asyncDispose]();
    writeFigures("automation-failover", {
      leaseTtlMs: LEASE_TTL_MS,
      rounds: ROUNDS,
      kills: KILL_IN_ROUNDS.size,
      takeoverMs: takeovers,
      roundMs,
      automationRuns: automationRuns.length,
      ticks: ticks.length,
      ticksByStatus: Object.fromEntries([...new Set(everyTick.map((t) => t.status))].map((s) => [s, everyTick.filter((t) => t.status === s).length])),
      runs: everyRun.map((r) => ({ runId: r.runId, origin: r.origin, runKey: r.runKey, status: r.status, createdAt: new Date(r.createdAt).toISOString() })),
      evaluations: evaluations.map((e) => ({ tick: Number(e.tick_id), asset: e.asset_key, evaluation: e.evaluation })),
      automationTicks: everyTick.map((t) => ({ at: new Date(t.tickTime).toISOString(), status: t.status, runs: t.runIds.length })),
    });
  }, { timeout: 60_000 });

  void it("launches exactly one automation run per update of the source, across two takeovers", () => {
    assert.equal(takeovers.length, KILL_IN_ROUNDS.size);
    assert.equal(automationRuns.length, ROUNDS, `one run per round: ${JSON.stringify(automationRuns.map((r) => [r.runKey, r.status]))}`);
    assert.ok(automationRuns.every((r) => r.status === "SUCCESS"), JSON.stringify(automationRuns.map((r) => [r.runId, r.status])));
    const keys = automationRuns.map((r) => r.runKey);
    assert.equal(new Set(keys).size, keys.length, "every automation run has its own run key");
    process.stderr.write(`# automation failover: ${ROUNDS} rounds, takeovers ${takeovers.join(", ")} ms, rounds ${roundMs.join(", ")} ms\n`);
  });

  void it("executed each eager asset exactly once per round, each run once", () => {
    const lines = topology.executions();
    for (const key of EAGER) {
      const mine = lines.filter((l) => l.asset === key);
      assert.equal(mine.length, ROUNDS, `${key} executed once per round: ${JSON.stringify(mine)}`);
      assert.equal(new Set(mine.map((l) => l.runId)).size, ROUNDS, `${key}: one execution per run`);
    }
    const automationIds = new Set(automationRuns.map((r) => r.runId));
    assert.ok(lines.filter((l) => EAGER.includes(l.asset as (typeof EAGER)[number])).every((l) => automationIds.has(l.runId)), "only automation runs executed the eager assets");
  });

  void it("leaves no tick STARTED (the killed leaders' ticks are closed by their successors)", () => {
    assert.ok(ticks.length > 0);
    // The tick being evaluated as the ticks were read may still be STARTED; none older.
    const readAt = Math.max(...ticks.map((t) => t.tickTime));
    assert.deepEqual(ticks.filter((t) => t.status === "STARTED" && t.tickTime < readAt - 3_000).map((t) => new Date(t.tickTime).toISOString()), []);
  });

  void it("leaves no process behind when the deployment stops", { timeout: 60_000 }, async () => {
    await sleep(500);
    const leftovers = await topology.shutdown();
    assert.equal(leftovers.length, 0, `processes outlived their parents:\n${describeProcesses(leftovers)}`);
  });
});
