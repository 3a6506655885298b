/**
 * Leader election on real storage: one leader among contenders, a standby takes over after the
 * leader vanishes without releasing (as after SIGKILL) within ttl + renew, the fencing token
 * grows at each change of leader, and a clean stop hands over at once. With takeOverDeadHolders,
 * a lease whose holder is a gone process of this host (a real child process that exited) is taken
 * at once, while a live holder, another host's holder or an elector of this process is waited out.
 * A Daemon that does not get the lease on SQLite runs as a standby instead of refusing to start.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { hostname } from "node:os";
import { describe, it } from "node:test";
import { describeEachBackend } from "@flyt/storage/testing";
import { Daemon, type DaemonLogRecord } from "./daemon.js";
import { StaticLaunchResolver } from "./launch-resolver.js";
import { holderProcessGone, LeaderElector } from "./leader.js";
import { FakeLauncher, waitFor } from "./test-support.js";

/** The pid of a real process that has exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((resolve) => child.once("exit", resolve));
  return child.pid!;
}

void describe("holderProcessGone", () => {
  void it("is true only for a daemon id of this host whose process is gone", async () => {
    const host = hostname();
    assert.equal(holderProcessGone(`${host}:${await deadPid()}:a1b2c3`), true);
    assert.equal(holderProcessGone(`${host}:${process.ppid}:a1b2c3`), false, "a live process");
    assert.equal(holderProcessGone(`not-${host}:${await deadPid()}:a1b2c3`), false, "another host: cannot tell");
    assert.equal(holderProcessGone("daemon-a"), false, "not a daemon id");
    // Our own pid: gone unless an elector of this process holds that id (an earlier process with the same pid).
    assert.equal(holderProcessGone(`${host}:${process.pid}:earlier`), true);
    const mine = new LeaderElector({} as never, { holder: `${host}:${process.pid}:mine` });
    assert.equal(holderProcessGone(mine.holder), false);
    await mine.stop();
  });
});

describeEachBackend((backend) => `leader election on ${backend}`, ({ storage }) => {
  void it("elects one leader; a standby takes over when the leader stops renewing", async () => {
    const electors = ["a", "b", "c"].map((holder) => new LeaderElector(storage, { holder, ttlMs: 800, renewMs: 100 }));
    for (const e of electors) e.start();
    try {
      await waitFor(() => electors.some((e) => e.isLeader()), 3_000, "a leader");
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal(electors.filter((e) => e.isLeader()).length, 1, "exactly one leader");
      const leader = electors.find((e) => e.isLeader())!;
      const token = leader.fencingToken!;
      // Vanish without releasing: stop renewing and forget the lease, as a killed process would.
      (leader as unknown as { stopped: boolean }).stopped = true;
      const killedAt = Date.now();
      const standbys = electors.filter((e) => e !== leader);
      await waitFor(() => standbys.some((e) => e.isLeader()), 5_000, "a standby to take over");
      const takeover = Date.now() - killedAt;
      assert.ok(takeover <= 800 + 100 + 1_000, `took over in ${takeover} ms`);
      await waitFor(() => !leader.isLeader(), 2_000, "the old leader to step down locally");
      const next = standbys.find((e) => e.isLeader())!;
      assert.ok(next.fencingToken! > token, "fencing token increased");
      // A clean stop releases: the last standby leads at its next beat.
      await next.stop();
      const last = standbys.find((e) => e !== next)!;
      await waitFor(() => last.isLeader(), 2_000, "the last standby to lead after a clean stop");
    } finally {
      for (const e of electors) await e.stop();
    }
    assert.throws(() => new LeaderElector(storage, { holder: "x", ttlMs: 100, renewMs: 80 }), /at most half the ttl/);
  });
}, { per: "test" });

describeEachBackend((backend) => `taking over a dead holder's lease on ${backend}`, ({ backend, storage }) => {
  void it("takes the lease of a gone process at once, and waits out a live one", async () => {
    const dead = `${hostname()}:${await deadPid()}:dead00`;
    assert.ok(await storage.acquireLease("flyt-daemon", dead, 60_000));
    const plain = new LeaderElector(storage, { holder: `${hostname()}:${process.pid}:plain0`, ttlMs: 60_000 });
    assert.equal(await plain.tryAcquire(), false, "without the option the lease is waited out");
    const takenOver: string[] = [];
    const taker = new LeaderElector(storage, { holder: `${hostname()}:${process.pid}:taker0`, ttlMs: 60_000, takeOverDeadHolders: true, onTakeOver: (h) => takenOver.push(h) });
    assert.equal(await taker.tryAcquire(), true);
    assert.deepEqual(takenOver, [dead]);
    assert.equal((await storage.getLease("flyt-daemon"))?.holder, taker.holder);
    // The taker is alive (this process): the plain elector, even with the option, does not steal it.
    const other = new LeaderElector(storage, { holder: `${hostname()}:${process.pid}:other0`, ttlMs: 60_000, takeOverDeadHolders: true });
    assert.equal(await other.tryAcquire(), false);
    await taker.stop();
    assert.equal(await other.tryAcquire(), true, "a clean stop releases");
    await other.stop();
    await plain.stop();

    // A live holder of this host (our parent process) keeps its lease until it expires.
    assert.ok(await storage.acquireLease("flyt-daemon", `${hostname()}:${process.ppid}:live00`, 600));
    const waiting = new LeaderElector(storage, { holder: `${hostname()}:${process.pid}:wait00`, ttlMs: 2_000, renewMs: 100, takeOverDeadHolders: true });
    assert.equal(await waiting.tryAcquire(), false);
    waiting.start();
    const since = Date.now();
    await waitFor(() => waiting.isLeader(), 3_000, "the standby to lead once the live holder's lease expired");
    assert.ok(Date.now() - since >= 300, "not before the expiry");
    await waiting.stop();
  });

  void it("a Daemon without the lease starts as a standby, says why once on SQLite, and leads when the leader stops", async () => {
    const make = (id: string, records: DaemonLogRecord[]) =>
      new Daemon({
        storage,
        daemonId: `${hostname()}:${process.pid}:${id}`,
        evaluator: { listInstigators: () => Promise.resolve({ schedules: [], sensors: [] }) } as unknown as ConstructorParameters<typeof Daemon>[0]["evaluator"],
        resolver: new StaticLaunchResolver(new FakeLauncher()),
        lease: { ttlMs: 2_000, renewMs: 100 },
        logRecord: (record) => records.push(record),
      });
    const firstLog: DaemonLogRecord[] = [];
    const secondLog: DaemonLogRecord[] = [];
    const first = make("first0", firstLog);
    const second = make("secnd0", secondLog);
    try {
      await first.start();
      assert.equal(first.leader.isLeader(), true);
      await second.start();
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal(second.leader.isLeader(), false, "the first daemon lives (in this process): no takeover");
      const why = secondLog.filter((r) => /holds the leader lease/.test(r.msg));
      assert.equal(why.length, backend === "sqlite" ? 1 : 0, JSON.stringify(secondLog));
      await first.stop();
      await waitFor(() => second.leader.isLeader(), 2_000, "the standby to lead after a clean stop");
      assert.ok(secondLog.some((r) => /is now the leader/.test(r.msg)));
    } finally {
      await first.stop();
      await second.stop();
    }
  });
}, { per: "test" });
