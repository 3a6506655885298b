/**
 * The PostgreSQL storage through a server restart (issue 11), on a real server of the test's own
 * that is stopped (fast shutdown: every session gets 57P01) and started again on the same data.
 * Writers keep appending events while it goes down, so transactions hold checked-out clients
 * when the sessions are terminated: the process must not die of an unhandled 'error' event. The
 * server stays down long enough (3 s) for several reconnect attempts of the run watch to fail;
 * afterwards the watch must be back by itself, say so once (`onMissed`), and hear changes made
 * after the restart, and the pool must serve queries again. Every error a writer sees meanwhile
 * must be a StorageUnavailableError, the kind callers retry.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { StorageUnavailableError } from "../errors.js";
import type { RunChange } from "../storage.js";
import { startRestartablePostgres, testBackends, type RestartablePostgres } from "../testing/index.js";
import { PostgresStorage } from "./postgres-storage.js";

const DOWN_MS = 3_000;

async function waitFor(what: string, timeoutMs: number, check: () => boolean): Promise<number> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
  return Date.now() - started;
}

void describe("PostgreSQL storage across a server restart", { skip: !testBackends().includes("postgres") }, () => {
  let server: RestartablePostgres;
  before(async () => {
    server = await startRestartablePostgres();
  });
  after(async () => {
    await server?.close();
  });

  void it("survives a restart with writers busy; the run watch reconnects, signals a gap and hears new changes", { timeout: 60_000 }, async () => {
    const database = await server.createDatabase();
    const reports: string[] = [];
    const storage = await PostgresStorage.open(database.url, { max: 4, onError: (message) => reports.push(message) });
    const changes: RunChange[] = [];
    let missed = 0;
    const watch = await storage.watchRuns((change) => changes.push(change), { onMissed: () => (missed += 1) });
    let writing = true;
    let writers: Promise<void>[] = [];
    try {
      const before = await storage.createRun({ selection: "*", assetKeys: ["a"] });
      await waitFor("the first change", 5_000, () => changes.some((c) => c.runId === before.run.runId));

      // Writers: each appends its run's events one at a time, in a transaction per batch, and
      // retries a failed append until it is stored (the order and count are checked after).
      const runs = await Promise.all(Array.from({ length: 4 }, () => storage.createRun({ selection: "*", assetKeys: ["a"] })));
      let failures = 0;
      const misclassified: string[] = [];
      const written = new Map<string, number>();
      writers = runs.map(async ({ run }) => {
        let seq = 0;
        while (writing) {
          const next = seq + 1;
          try {
            await storage.appendEvents([{ runId: run.runId, seq: next, timestamp: Date.now(), stepKey: null, body: { type: "LOG", level: "info", message: `line ${next}` } }]);
            seq = next;
          } catch (error) {
            failures += 1;
            if (!(error instanceof StorageUnavailableError)) misclassified.push(String(error));
            await sleep(50);
          }
        }
        written.set(run.runId, seq);
      });

      await sleep(500);
      await server.stop();
      const stoppedAt = Date.now();
      await sleep(DOWN_MS);
      await server.start();
      const startedAt = Date.now();

      const reconnectMs = await waitFor("the watch to say it may have missed changes", 10_000, () => missed > 0);
      const afterRestart = await storage.createRun({ selection: "*", assetKeys: ["b"] });
      const heardMs = await waitFor("a change made after the restart", 10_000, () => changes.some((c) => c.runId === afterRestart.run.runId));
      writing = false;
      await Promise.all(writers);

      assert.equal(missed, 1, "one gap signal for one outage");
      assert.ok(failures > 0, "the writers did see the outage");
      assert.deepEqual(misclassified, [], "every failure of the outage is a StorageUnavailableError (retryable)");
      for (const { run } of runs) {
        const events = (await storage.getEvents(run.runId)).filter((e) => e.seq !== null);
        assert.deepEqual(events.map((e) => e.seq), Array.from({ length: written.get(run.runId) ?? 0 }, (_, i) => i + 1), `run ${run.runId}: every event once, in order`);
      }
      assert.ok(reports.some((r) => /LISTEN flyt_run_changes connection lost/.test(r)), `the lost watch is reported: ${reports.join(" | ")}`);
      assert.ok(reports.some((r) => /LISTEN flyt_run_changes reconnected after \d+ ms/.test(r)), "the regained watch is reported");
      assert.equal(reports.filter((r) => /connection lost/.test(r)).length, 1, "one report per outage, not one per attempt");
      process.stderr.write(
        `# restart: down ${startedAt - stoppedAt} ms; watch back ${reconnectMs} ms after start; a new run heard ${heardMs} ms later; ${failures} failed appends retried\n`,
      );
    } finally {
      writing = false;
      await Promise.all(writers);
      await watch.close();
      await storage.close();
    }
  });

  void it("a closed watch stops reconnecting", { timeout: 30_000 }, async () => {
    const database = await server.createDatabase();
    const storage = await PostgresStorage.open(database.url, { max: 2, onError: () => undefined });
    let missed = 0;
    const watch = await storage.watchRuns(() => undefined, { onMissed: () => (missed += 1) });
    try {
      await server.stop();
      await sleep(300);
      await watch.close();
      await server.start();
      await sleep(1_500);
      assert.equal(missed, 0, "no reconnect after close");
      const rows = await storage.connection.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'flyt-listen' AND datname = $1", [database.name]);
      assert.equal(rows.rows[0]?.n, 0, "no LISTEN session left");
    } finally {
      await storage.close();
    }
  });
});
