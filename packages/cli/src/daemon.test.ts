/**
 * `flyt daemon` as real processes. PostgreSQL: two daemons, exactly one leader; the leader is
 * killed with SIGKILL again and again while a schedule ticks every two seconds (a seconds-field
 * cron), a fresh daemon replaces each victim; the standby takes over within 15 s, no tick
 * instant is lost and no tick has two runs. The lease ttl is shortened for the test
 * (FLYT_DAEMON_LEASE_TTL_MS=4000) so the loop runs in reasonable time; the 15 s bound holds for
 * the default ttl of 10 s + a 2 s renew. SQLite: a second live daemon waits as a standby (it
 * says why, once) and takes over at its next beat when the leader is SIGKILLed, since the
 * holder's pid is gone on this host.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { openStorage, type Storage } from "@flyt/storage";
import { createTestDatabase, testBackends } from "@flyt/storage/testing";

const FLYT = fileURLToPath(new URL("../bin/flyt.js", import.meta.url));
const FIXTURE = fileURLToPath(new URL("./test-fixtures/fast-schedule.js", import.meta.url));
const SCHEDULE_ID = "fast-schedule:every_2s";

interface DaemonProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startDaemon(cwd: string, env: NodeJS.ProcessEnv): DaemonProcess {
  const child = spawn(process.execPath, [FLYT, "daemon", "-f", FIXTURE, "--launcher", "in-process"], { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  child.stdout?.on("data", (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => text, exited };
}

async function leaderPid(storage: Storage): Promise<number | null> {
  const lease = await storage.getLease("flyt-daemon");
  if (lease === null) return null;
  return Number(lease.holder.split(":")[1]);
}

async function waitFor<T>(fn: () => Promise<T | null>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

void describe("flyt daemon processes", () => {
  if (testBackends().includes("postgres")) {
    void it("fails over to the standby within 15 s after SIGKILL of the leader, losing no tick and doubling no run", { timeout: 240_000 }, async () => {
      await using database = await createTestDatabase();
      const cwd = mkdtempSync(join(tmpdir(), "flyt-failover-"));
      const env = { FLYT_DATABASE_URL: database.url, FLYT_DAEMON_LEASE_TTL_MS: "4000", FLYT_HOME: join(cwd, ".flyt") };
      const storage = await openStorage({ databaseUrl: database.url, sqlitePath: "" });
      const daemons: DaemonProcess[] = [startDaemon(cwd, env), startDaemon(cwd, env)];
      const takeovers: number[] = [];
      try {
        let leader = await waitFor(() => leaderPid(storage), 30_000, "a first leader");
        await waitFor(async () => ((await storage.listTicks(SCHEDULE_ID, { limit: 1 })).items.length > 0 ? true : null), 30_000, "a first tick");
        for (let round = 0; round < 3; round += 1) {
          await sleep(3_000);
          const victim = daemons.find((d) => d.child.pid === leader);
          assert.ok(victim, `the leader ${leader} is one of our daemons`);
          victim.child.kill("SIGKILL");
          await victim.exited;
          const killedAt = Date.now();
          daemons.splice(daemons.indexOf(victim), 1);
          daemons.push(startDaemon(cwd, env));
          leader = await waitFor(async () => {
            const pid = await leaderPid(storage);
            return pid !== null && pid !== victim.child.pid ? pid : null;
          }, 20_000, "a new leader");
          takeovers.push(Date.now() - killedAt);
        }
        await sleep(4_000);
      } finally {
        for (const d of daemons) d.child.kill("SIGTERM");
        await Promise.all(daemons.map((d) => d.exited));
      }
      try {
        for (const t of takeovers) assert.ok(t < 15_000, `takeover in ${t} ms`);
        const ticks = (await storage.listTicks(SCHEDULE_ID, { limit: 1000 })).items;
        const times = [...new Set(ticks.map((t) => t.tickTime))].sort((a, b) => a - b);
        assert.ok(times.length >= 10, `ticked throughout (${times.length} tick instants)`);
        const gaps = times.slice(1).map((t, i) => t - times[i]!).filter((gap) => gap !== 2_000);
        assert.deepEqual(gaps, [], "every 2-second instant between the first and the last tick has a tick");
        const runs = (await storage.listRuns({}, { limit: 1000 })).items.filter((r) => r.instigator === SCHEDULE_ID);
        const keys = runs.map((r) => r.runKey);
        assert.equal(new Set(keys).size, keys.length, "no run key twice");
        for (const time of times) {
          assert.equal(runs.filter((r) => r.runKey === String(time)).length, 1, `one run for tick ${new Date(time).toISOString()}`);
        }
        process.stderr.write(`# failover: takeovers ${takeovers.join(", ")} ms; ${times.length} ticks, ${runs.length} runs\n`);
      } finally {
        await storage.close();
        rmSync(cwd, { recursive: true, force: true });
      }
    });
  }

  if (testBackends().includes("sqlite")) {
    void it("on SQLite, a second live daemon waits as a standby, saying why once, and takes over at once when the first is killed", { timeout: 90_000 }, async () => {
      const cwd = mkdtempSync(join(tmpdir(), "flyt-sqlite-daemon-"));
      const env = { FLYT_HOME: join(cwd, ".flyt"), FLYT_DATABASE_URL: "" };
      const storage = await openStorage({ databaseUrl: null, sqlitePath: join(cwd, ".flyt", "flyt.db") });
      const first = startDaemon(cwd, env);
      let second: DaemonProcess | null = null;
      try {
        await waitFor(async () => ((await leaderPid(storage)) === first.child.pid ? true : null), 30_000, "the first daemon to lead");
        second = startDaemon(cwd, env);
        const standby = second;
        await waitFor(async () => (/holds the leader lease of this SQLite database and is alive/.test(standby.output()) ? true : null), 30_000, "the second daemon to explain why it waits");
        // Several renew beats later: still a standby, still running, and it said so only once.
        await sleep(5_000);
        assert.equal(standby.child.exitCode, null, standby.output());
        assert.equal(await leaderPid(storage), first.child.pid);
        assert.equal(standby.output().match(/holds the leader lease/g)?.length, 1, standby.output());
        assert.match(standby.output(), /use PostgreSQL/);
        assert.doesNotMatch(standby.output(), /is now the leader/);
        // `flyt daemon status` names the leader and both daemons' loops.
        const status = spawn(process.execPath, [FLYT, "daemon", "status"], { cwd, env: { ...process.env, ...env } });
        let out = "";
        status.stdout.on("data", (c: Buffer) => (out += c.toString()));
        await new Promise((resolve) => status.once("exit", resolve));
        assert.match(out, new RegExp(`leader: [^ ]+:${first.child.pid}:`));
        for (const loop of ["scheduler", "run-queue", "run-monitor"]) assert.match(out, new RegExp(loop));
        assert.match(out, /standby/);

        // SIGKILL: the lease stays in the database, but its holder's pid is gone on this host, so
        // the standby takes it at its next beat (2 s) rather than after the 10 s ttl.
        first.child.kill("SIGKILL");
        await first.exited;
        const killedAt = Date.now();
        await waitFor(async () => ((await leaderPid(storage)) === standby.child.pid ? true : null), 12_000, "the standby to take over");
        const takeover = Date.now() - killedAt;
        assert.ok(takeover < 5_000, `took over ${takeover} ms after SIGKILL (the lease itself would have lasted up to 10 s)`);
        assert.match(standby.output(), /took over the leader lease of daemon [^ ]+: its process is gone/);
        process.stderr.write(`# sqlite standby took over ${takeover} ms after SIGKILL of the leader\n`);
      } finally {
        first.child.kill("SIGTERM");
        second?.child.kill("SIGTERM");
        await Promise.all([first.exited, second?.exited]);
        await storage.close();
        rmSync(cwd, { recursive: true, force: true });
      }
    });
  }
});
