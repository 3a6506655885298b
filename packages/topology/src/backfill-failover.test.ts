/**
 * Topology drill — kill -9 of the leader daemon in the middle of a backfill. A backfill of 30 daily
 * partitions of `alpha/daily` (one run per day, four at a time, each partition's compute slow) is
 * requested on PostgreSQL with two `flyt daemon` processes; once some of its runs have ended the
 * leader is killed with SIGKILL, the standby takes the lease and carries on from storage alone.
 * Asserts: the backfill completes COMPLETED_SUCCESS; every chunk has exactly one run (one per run
 * key, none missing: launched exactly once, none skipped); every partition was computed exactly
 * once (the fixture's execution lines) and materialized exactly once (the event log); storage's
 * partition status has all 30; no run was left unfinished. A kill that lands between the leader's
 * claim of a run and its launch leaves that run STARTING: the new leader relaunches it after
 * `relaunchAfterSeconds` (15 s; docs/failover.md), so the backfill still completes with nothing
 * skipped (in 2 of 5 runs before the relaunch existed, it stalled and would have failed that target).
 * Figures go to test-artifacts/topology/backfill-failover.json.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { BACKFILL_TAG, type BackfillRecord } from "@flyt/core";
import { openStorage, type Storage } from "@flyt/storage";
import { testBackends } from "@flyt/storage/testing";
import { describeProcesses, sleep, Topology, waitUntil, writeFigures, type RunRow } from "./harness.js";

const LEASE_TTL_MS = 3_000;
const DAYS = 30;
const FIRST = "2024-01-01";
const LAST = "2024-01-30";


void describe("topology: kill -9 of the leader daemon mid-backfill", { skip: !testBackends().includes("postgres") }, () => {
  let topology: Topology;
  let storage: Storage;
  let backfill: BackfillRecord;
  let runs: RunRow[] = [];
  let endedBeforeKill = 0;
  let takeoverMs = 0;
  let victimPid = 0;
  let relaunched = 0;

  before(async () => {
    topology = await Topology.start({ name: "backfill-failover", postgres: "shared", leaseTtlMs: LEASE_TTL_MS, codeServerEnv: { FLYT_TOPOLOGY_PARTITION_MS: "400" } });
    // The drill reads and requests through storage as the API does (the database URL is PostgreSQL: no SQLite file is made).
    storage = await openStorage({ databaseUrl: topology.databaseUrl, sqlitePath: "unused.db", poolSize: 2 });
    const created = await storage.createBackfill({
      request: {
        selection: "alpha/daily",
        partitions: { kind: "range", from: FIRST, to: LAST },
        policy: { kind: "multi-run", maxPartitionsPerRun: 1 },
        maxConcurrentRuns: 4,
        requestedBy: "backfill-failover drill",
      },
    });
    // Mid-backfill: some runs over, others queued or running, most not launched yet.
    endedBeforeKill = await waitUntil(async () => {
      const ended = (await topology.db.runs("tags->>$1 = $2 AND status IN ('SUCCESS', 'FAILURE', 'CANCELED')", [BACKFILL_TAG, created.backfillId])).length;
      return ended >= 6 ? ended : null;
    }, 50_000, "six runs of the backfill to end", 100);
    ({ victimPid, takeoverMs } = await topology.killLeader({ replace: false }));
    backfill = await waitUntil(async () => {
      const current = await storage.getBackfill(created.backfillId);
      return current !== null && ["COMPLETED_SUCCESS", "COMPLETED_FAILED", "CANCELED", "FAILED"].includes(current.status) ? current : null;
    }, 50_000, "the backfill to end under the new leader", 200);
    runs = await topology.db.runs("tags->>$1 = $2", [BACKFILL_TAG, created.backfillId]);
    // Runs the killed leader had claimed but not got started, relaunched by the new one (often none: the kill must land between a claim and its launch).
    relaunched = (
      await topology.db.query<{ n: string }>(
        `SELECT COUNT(*) AS n FROM event_log e JOIN runs r ON r.run_id = e.run_id WHERE r.tags->>$1 = $2 AND e.type = 'LOG' AND e.body->>'message' LIKE 'Relaunched by the daemon leader%'`,
        [BACKFILL_TAG, created.backfillId],
      )
    ).map((r) => Number(r.n))[0] ?? 0;
    // Each wait is bounded well inside the runner's 120 s per file (about 15 s in all on an idle
    // machine), so a stuck phase fails naming itself and the harness still writes the logs.
  }, { timeout: 110_000 });

  after(async () => {
    await storage?.close();
    await topology?.[Symbol.asyncDispose]();
    writeFigures("backfill-failover", {
      partitions: DAYS,
      leaseTtlMs: LEASE_TTL_MS,
      takeoverMs,
      runsEndedBeforeKill: endedBeforeKill,
      runs: runs.length,
      retries: runs.filter((r) => r.parentRunId !== null).length,
      relaunchedAfterTakeover: relaunched,
      status: backfill?.status ?? null,
      counts: backfill?.counts ?? null,
    });
  }, { timeout: 60_000 });

  void it("completes under the new leader, every target materialized", () => {
    assert.ok(endedBeforeKill < DAYS, `the kill came mid-backfill (${endedBeforeKill} of ${DAYS} runs had ended)`);
    assert.equal(backfill.status, "COMPLETED_SUCCESS", backfill.error ?? JSON.stringify(backfill.counts));
    assert.deepEqual(backfill.counts, { total: DAYS, requested: 0, queued: 0, inProgress: 0, materialized: DAYS, failed: 0, skipped: 0, canceled: 0 });
    process.stderr.write(`# backfill failover: killed pid ${victimPid} after ${endedBeforeKill} runs ended; takeover ${takeoverMs} ms; ${relaunched} run(s) relaunched\n`);
  });

  void it("launched every chunk exactly once: one run per run key, none missing", () => {
    const own = runs.filter((r) => r.instigator === `backfill:${backfill.backfillId}`);
    const perKey = new Map<string, number>();
    for (const run of own) perKey.set(String(run.runKey), (perKey.get(String(run.runKey)) ?? 0) + 1);
    const doubled = [...perKey].filter(([, n]) => n > 1);
    assert.deepEqual(doubled, [], "no run key has two runs");
    const plannedKeys = Array.from({ length: DAYS }, (_, i) => `alpha/daily:${i}`);
    assert.deepEqual([...perKey.keys()].sort(), [...plannedKeys].sort(), "a run for every chunk, and only for them");
    assert.ok(runs.every((r) => r.status === "SUCCESS" || r.parentRunId !== null || runs.some((c) => c.parentRunId === r.runId)), "every run succeeded, or was retried");
    assert.ok(runs.every((r) => ["SUCCESS", "FAILURE", "CANCELED"].includes(r.status)), "nothing left queued or running");
  });

  void it("computed and materialized every partition exactly once", async () => {
    const computed = new Map<string, number>();
    for (const line of topology.executions()) if (line.asset === "alpha/daily") computed.set(String(line.partition), (computed.get(String(line.partition)) ?? 0) + 1);
    assert.equal(computed.size, DAYS, "every day computed");
    assert.deepEqual([...computed].filter(([, n]) => n !== 1), [], "no day computed twice");
    const materialized = await topology.db.query<{ partition: string; n: string }>(
      `SELECT "partition", COUNT(*) AS n FROM event_log WHERE type = 'ASSET_MATERIALIZATION' AND asset_key = 'alpha/daily' GROUP BY "partition"`,
    );
    assert.equal(materialized.length, DAYS);
    assert.deepEqual(materialized.filter((r) => Number(r.n) !== 1), [], "no day materialized twice");
    assert.equal((await storage.getPartitionStatus("alpha/daily")).materialized, `0-${DAYS - 1}`);
  });

  void it("leaves no process behind when the deployment stops", { timeout: 60_000 }, async () => {
    await sleep(500);
    const leftovers = await topology.shutdown();
    assert.equal(leftovers.length, 0, `processes outlived their parents:\n${describeProcesses(leftovers)}`);
  });
});
