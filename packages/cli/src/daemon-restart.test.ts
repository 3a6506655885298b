/**
 * `flyt daemon` through a PostgreSQL restart (issue 11): two real daemon processes on a server of
 * the test's own, a schedule ticking every two seconds (catch-up "all"), and the database stopped
 * for longer than the lease ttl (shortened to 4 s for the test), so the leader cannot renew and
 * must step down, then started again on the same data. What must hold: both daemons keep running;
 * a daemon leads again soon after the database is back; every run watch is listening again (its
 * LISTEN session re-made), so a run queued after the restart is claimed at once rather than at
 * the next safety poll; every 2-second instant across the outage has exactly one tick run, and
 * every run ends SUCCESS.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { isTerminalRunStatus } from "@flyt/core";
import { PostgresStorage } from "@flyt/storage";
import { startRestartablePostgres, testBackends, type RestartablePostgres } from "@flyt/storage/testing";

const FLYT = fileURLToPath(new URL("../bin/flyt.js", import.meta.url));
const FIXTURE = fileURLToPath(new URL("./test-fixtures/fast-schedule.js", import.meta.url));
const SCHEDULE_ID = "fast-schedule:every_2s";
const TTL_MS = 4_000;
const DOWN_MS = 6_000;

interface DaemonProcess {
  child: ChildProcess;
  output: () => string;
}

async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | null>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => null);
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

void describe("flyt daemon across a PostgreSQL restart", { skip: !testBackends().includes("postgres") }, () => {
  let server: RestartablePostgres;
  let storage: PostgresStorage;
  let database: { name: string; url: string };
  let cwd: string;
  const daemons: DaemonProcess[] = [];

  before(async () => {
    server = await startRestartablePostgres();
    database = await server.createDatabase();
    storage = await PostgresStorage.open(database.url, { max: 2, onError: () => undefined });
    cwd = mkdtempSync(join(tmpdir(), "flyt-daemon-restart-"));
  });

  after(async () => {
    await Promise.all(
      daemons.map(async ({ child }) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }),
    );
    await storage?.close().catch(() => undefined);
    await server?.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  const listenSessions = async (): Promise<number> => {
    const result = await storage.connection.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'flyt-listen' AND datname = $1",
      [database.name],
    );
    return result.rows[0]?.n ?? 0;
  };

  void it("keeps running, leads again, listens again and loses no tick", { timeout: 120_000 }, async () => {
    const env = { ...process.env, FLYT_DATABASE_URL: database.url, FLYT_DAEMON_LEASE_TTL_MS: String(TTL_MS), FLYT_HOME: join(cwd, ".flyt"), NO_COLOR: "1" };
    for (let i = 0; i < 2; i++) {
      const child = spawn(process.execPath, [FLYT, "daemon", "-f", FIXTURE, "--launcher", "in-process"], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
      let text = "";
      child.stdout?.on("data", (chunk: Buffer) => (text += chunk.toString()));
      child.stderr?.on("data", (chunk: Buffer) => (text += chunk.toString()));
      daemons.push({ child, output: () => text });
    }
    const leader = await waitFor("a first leader", 30_000, () => storage.getLease("flyt-daemon"));
    await waitFor("a first tick", 30_000, async () => ((await storage.listTicks(SCHEDULE_ID, { limit: 1 })).items.length > 0 ? true : null));
    // A daemon logs "started" once all its run watches (queue, alerts, freshness) listen.
    await waitFor("both daemons to start", 30_000, () => Promise.resolve(daemons.every((d) => / started \(postgres\)/.test(d.output())) ? true : null));
    const sessions = await listenSessions();
    assert.ok(sessions >= 2, `each daemon listens (${sessions} LISTEN sessions)`);
    await sleep(2_500);

    await server.stop();
    const stoppedAt = Date.now();
    await sleep(DOWN_MS);
    await server.start();
    const startedAt = Date.now();

    const next = await waitFor("a leader after the restart", 30_000, async () => {
      const lease = await storage.getLease("flyt-daemon");
      return lease !== null && lease.fencingToken > leader.fencingToken ? lease : null;
    });
    const ledAgainMs = Date.now() - startedAt;
    await waitFor(`all ${sessions} LISTEN sessions to be back`, 15_000, async () => ((await listenSessions()) >= sessions ? true : null));
    const listeningMs = Date.now() - startedAt;

    // A run queued now is claimed on its notification (the queue's safety poll is 5 s).
    const { run: manual } = await storage.createRun({ selection: "*", assetKeys: ["failover/beat"], location: "fast-schedule" });
    const queuedAt = Date.now();
    await waitFor("the queued run to be claimed", 10_000, async () => ((await storage.getRun(manual.runId))?.status !== "QUEUED" ? true : null));
    const claimMs = Date.now() - queuedAt;
    await sleep(4_000);

    for (const { child, output } of daemons) assert.equal(child.exitCode, null, `daemon ${child.pid} is alive; its output:\n${output().slice(-3000)}`);
    const logs = daemons.flatMap((d) => d.output().split("\n"));
    assert.ok(logs.some((line) => /lost the lead/.test(line)), "the leader that could not renew stepped down");
    assert.ok(claimMs < 2_000, `the run queued after the restart was claimed in ${claimMs} ms`);

    const ticks = (await storage.listTicks(SCHEDULE_ID, { limit: 1000 })).items;
    const times = [...new Set(ticks.map((t) => t.tickTime))].sort((a, b) => a - b);
    assert.ok(times.some((t) => t > stoppedAt && t < startedAt), "instants of the outage were ticked (caught up)");
    assert.ok((times.at(-1) ?? 0) > startedAt, "ticking resumed after the restart");
    const gaps = times.slice(1).map((t, i) => t - times[i]!).filter((gap) => gap !== 2_000);
    assert.deepEqual(gaps, [], "every 2-second instant between the first and the last tick has a tick");
    const runs = await waitFor("every run to end", 30_000, async () => {
      const all = (await storage.listRuns({}, { limit: 1000 })).items;
      return all.every((r) => isTerminalRunStatus(r.status)) ? all : null;
    });
    const scheduled = runs.filter((r) => r.instigator === SCHEDULE_ID);
    for (const time of times) assert.equal(scheduled.filter((r) => r.runKey === String(time)).length, 1, `one run for tick ${new Date(time).toISOString()}`);
    assert.deepEqual(runs.filter((r) => r.status !== "SUCCESS").map((r) => `${r.runId} ${r.status}`), [], "every run succeeded");
    process.stderr.write(
      `# daemons across a restart: down ${startedAt - stoppedAt} ms (lease ttl ${TTL_MS} ms); a leader again ${ledAgainMs} ms after the start (fencing token ${leader.fencingToken} → ${next.fencingToken}), all ${sessions} LISTEN sessions back after ${listeningMs} ms; a run queued then claimed in ${claimMs} ms; ${times.length} ticks, ${scheduled.length} scheduled runs, all SUCCESS\n`,
    );
  });
});
