/**
 * Run queue tests on real SQLite and PostgreSQL. The launcher here completes runs by writing
 * real lifecycle events to real storage: the queue is under test, not the launcher. The
 * invariant test samples the active runs in storage throughout and checks every limit.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { RunRecord } from "@flyt/core";
import { describeEachBackend } from "@flyt/storage/testing";
import { systemClock } from "./clock.js";
import { StaticLaunchResolver } from "./launch-resolver.js";
import { Loop } from "./loop.js";
import { MetricRegistry } from "./metrics.js";
import { ACTIVE_STATUSES, LimitCounter, listRunsWithStatus, queueOrder, RunQueue, validateQueueLimits, type QueueLimits } from "./run-queue.js";
import { FakeLauncher, waitFor } from "./test-support.js";

const LIMITS: QueueLimits = {
  maxConcurrentRuns: 12,
  perLocation: { west: 4 },
  tagLimits: [
    { key: "source", value: "ssb", limit: 2 },
    { key: "tenant", perUniqueValue: true, limit: 3 },
    { key: "heavy", limit: 1 },
  ],
};

/** Every limit violation in a set of active runs. */
function violations(active: RunRecord[], limits: QueueLimits): string[] {
  const out: string[] = [];
  if (limits.maxConcurrentRuns !== null && active.length > limits.maxConcurrentRuns) out.push(`global ${active.length}`);
  for (const [location, limit] of Object.entries(limits.perLocation ?? {})) {
    const n = active.filter((r) => r.location === location).length;
    if (n > limit) out.push(`location ${location}: ${n}`);
  }
  for (const l of limits.tagLimits ?? []) {
    const carrying = active.filter((r) => r.tags[l.key] !== undefined);
    if (l.value !== undefined) {
      const n = carrying.filter((r) => r.tags[l.key] === l.value).length;
      if (n > l.limit) out.push(`${l.key}=${l.value}: ${n}`);
    } else if (l.perUniqueValue) {
      const counts = new Map<string, number>();
      for (const r of carrying) counts.set(r.tags[l.key]!, (counts.get(r.tags[l.key]!) ?? 0) + 1);
      for (const [value, n] of counts) if (n > l.limit) out.push(`${l.key}=${value}: ${n}`);
    } else if (carrying.length > l.limit) out.push(`${l.key}: ${carrying.length}`);
  }
  return out;
}

void describe("LimitCounter and queue order", () => {
  void it("applies global, location, tag value, per-unique-value and any-value limits", () => {
    const c = new LimitCounter(LIMITS);
    const run = (location: string, tags: Record<string, string>) => ({ location, tags });
    c.add(run("west", { source: "ssb" }));
    c.add(run("east", { source: "ssb" }));
    assert.match(c.blockedBy(run("east", { source: "ssb" })) ?? "", /tag limit 0/);
    assert.equal(c.blockedBy(run("east", { source: "nve" })), null);
    c.add(run("west", { tenant: "a" }));
    c.add(run("west", { tenant: "a" }));
    assert.equal(c.blockedBy(run("west", {})), null);
    c.add(run("west", {}));
    assert.match(c.blockedBy(run("west", {})) ?? "", /location west/);
    c.add(run("east", { tenant: "a" }));
    assert.match(c.blockedBy(run("east", { tenant: "a" })) ?? "", /tag limit 1=a/);
    assert.equal(c.blockedBy(run("east", { tenant: "b" })), null);
    c.add(run("east", { heavy: "x" }));
    assert.match(c.blockedBy(run("east", { heavy: "y" })) ?? "", /tag limit 2/);
    assert.throws(() => validateQueueLimits({ maxConcurrentRuns: -1 }), /maxConcurrentRuns must be a non-negative integer/);
    assert.throws(() => validateQueueLimits({ maxConcurrentRuns: 1, tagLimits: [{ key: "a", value: "b", perUniqueValue: true, limit: 1 }] }), /either value or perUniqueValue/);
  });

  void it("orders by priority tag, then age", () => {
    const r = (runId: string, createdAt: number, priority?: string) =>
      ({ runId, createdAt, tags: priority === undefined ? {} : { "flyt/priority": priority } }) as unknown as RunRecord;
    const sorted = [r("old", 1), r("new", 2), r("urgent", 3, "10"), r("low", 0, "-1"), r("junk", 0, "abc")].sort(queueOrder);
    assert.deepEqual(sorted.map((x) => x.runId), ["urgent", "junk", "old", "new", "low"]);
  });
});

describeEachBackend((backend) => `run queue on ${backend}`, ({ backend, storage, fixture }) => {
  for (const mode of ["listed", "tracked", "pipelined"] as const)
  void it(`launches 1,000 queued runs with mixed tags and limits: no limit ever exceeded, all finish (${{ listed: "re-listed every pass", tracked: "in-memory sets fed by run changes", pipelined: "in-memory sets, pipelined dispatch" }[mode]})`, async () => {
    const tracked = mode !== "listed";
    const total = 1000;
    const tenants = ["a", "b", "c", "d", "e"];
    for (let i = 0; i < total; i += 1) {
      const tags: Record<string, string> = {};
      if (i % 3 === 0) tags.source = i % 2 === 0 ? "ssb" : "nve";
      if (i % 4 !== 0) tags.tenant = tenants[i % tenants.length]!;
      if (i % 50 === 0) tags.heavy = "yes";
      if (i % 97 === 0) tags["flyt/priority"] = "5";
      await storage.createRun({ selection: "*", assetKeys: ["a"], tags, location: i % 5 === 0 ? "west" : "east" });
    }
    // In-launch check: what the queue believes is running when it launches a run.
    const running = new Map<string, RunRecord>();
    const launchViolations: string[] = [];
    const launcher = new FakeLauncher({
      durationMs: () => Math.floor(Math.random() * 4),
      onLaunch: (run) => {
        running.set(run.runId, run);
        launchViolations.push(...violations([...running.values()], LIMITS));
      },
      // A queue that re-lists storage may see a run ended as soon as its end is committed, before
      // any notification reaches this tally: drop it from the tally just before the write.
      onFinishing: (run) => running.delete(run.runId),
    });
    const queue = new RunQueue({
      storage,
      resolver: new StaticLaunchResolver(launcher, { east: "/defs.ts", west: "/defs.ts" }),
      limits: LIMITS,
      metrics: new MetricRegistry(),
      clock: systemClock,
      onError: (error) => assert.fail(error),
      // A full re-list only at start: the in-memory sets must stay right on notifications alone.
      ...(tracked ? { trackChanges: true, fullRefreshMs: 600_000 } : {}),
    });
    // Pipelined, as the daemon runs it: a pass returns once its claims are started.
    const pass = mode === "pipelined" ? async () => void (await queue.dispatch()) : async () => void (await queue.pass());
    const loop = new Loop({ name: "run-queue", intervalMs: 1000, pass, onError: (_, e) => assert.fail(e) });
    queue.onRunFinished = () => loop.wake();
    const watch = await storage.watchRuns((change) => {
      // A run whose end is stored no longer counts (its handle settles a moment later).
      if (change.status === "SUCCESS" || change.status === "FAILURE" || change.status === "CANCELED") running.delete(change.runId);
      queue.noteChange(change);
      loop.wake();
    });
    // Finished runs leave the launcher's running set when their handle settles.
    const launch = launcher.launch.bind(launcher);
    launcher.launch = (request) => {
      const handle = launch(request);
      void handle.done.then(() => running.delete(request.run.runId));
      return handle;
    };

    const sampled: string[] = [];
    let samples = 0;
    let maxActive = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const active = await listRunsWithStatus(storage, [...ACTIVE_STATUSES]);
        samples += 1;
        maxActive = Math.max(maxActive, active.length);
        sampled.push(...violations(active, LIMITS));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const started = Date.now();
    loop.start();
    try {
      await waitFor(async () => (await storage.listRuns({ statuses: ["SUCCESS"] }, { limit: 1000 })).items.length === total, 240_000, "every run to succeed", 100);
    } finally {
      sampling = false;
      await sampler;
      await loop.stop();
      await queue.settled();
      await watch.close();
    }
    const elapsed = Date.now() - started;
    assert.deepEqual(sampled, [], "no sample of storage shows a limit exceeded");
    assert.deepEqual(launchViolations, [], "no launch exceeded a limit");
    assert.ok(samples > 10, `sampled throughout (${samples} samples)`);
    assert.ok(maxActive >= 5, `runs ran concurrently (max ${maxActive} active)`);
    assert.equal(new Set(launcher.launched).size, total, "each run launched once");
    assert.equal(launcher.launched.length, total);
    assert.equal((await storage.listRuns({ statuses: ["QUEUED", ...ACTIVE_STATUSES] })).items.length, 0);
    process.stderr.write(`# ${backend} (${mode}): 1000 runs through the queue in ${elapsed} ms, ${samples} samples, max ${maxActive} active\n`);
  });

  void it("runs created while a pipelined queue runs launch from their change records, within the limits", async () => {
    // Counted on the storage itself: the suite's `storage` forwards each call to it.
    const real = fixture().storage;
    let reads = 0;
    const getRuns = real.getRuns.bind(real);
    real.getRuns = (ids) => {
      reads += 1;
      return getRuns(ids);
    };
    const limits: QueueLimits = { maxConcurrentRuns: 3, tagLimits: [{ key: "source", value: "ssb", limit: 1 }] };
    const running = new Map<string, RunRecord>();
    const launchViolations: string[] = [];
    const launcher = new FakeLauncher({
      durationMs: () => 5,
      onLaunch: (run) => {
        running.set(run.runId, run);
        launchViolations.push(...violations([...running.values()], limits));
      },
    });
    const queue = new RunQueue({
      storage,
      resolver: new StaticLaunchResolver(launcher, { default: "/defs.ts" }),
      limits,
      metrics: new MetricRegistry(),
      clock: systemClock,
      onError: (error) => assert.fail(error),
      trackChanges: true,
      fullRefreshMs: 600_000,
    });
    const loop = new Loop({ name: "run-queue", intervalMs: 60_000, pass: async () => void (await queue.dispatch()), onError: (_, e) => assert.fail(e) });
    queue.onRunFinished = () => loop.wake();
    const watch = await storage.watchRuns((change) => {
      if (change.status === "SUCCESS" || change.status === "FAILURE") running.delete(change.runId);
      queue.noteChange(change);
      loop.wake();
    });
    loop.start();
    const total = 40;
    try {
      await waitFor(() => loop.passes > 0, 10_000, "the first pass (the full re-list)");
      for (let i = 0; i < total; i += 1) {
        await storage.createRun({ selection: "*", assetKeys: ["a"], tags: i % 3 === 0 ? { source: "ssb" } : {} });
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      await waitFor(async () => (await storage.listRuns({ statuses: ["SUCCESS"] }, { limit: 100 })).items.length === total, 60_000, "every run to succeed", 50);
    } finally {
      await loop.stop();
      await queue.settled();
      await watch.close();
    }
    assert.deepEqual(launchViolations, [], "no launch exceeded a limit");
    assert.equal(new Set(launcher.launched).size, total, "each run launched once");
    assert.equal(launcher.launched.length, total);
    // PostgreSQL: new runs come with their records and run ends as notifications, so (almost) no
    // reads; SQLite re-reads each run whose handle settled (a worker elsewhere sends no signal).
    if (backend === "postgres") assert.ok(reads < total / 2, `few re-reads (${reads} for ${total} runs)`);
  });

  void it("a run blocked by a limit does not hold up runs behind it; priority goes first", async () => {
    const launcher = new FakeLauncher({ hang: true });
    const queue = new RunQueue({
      storage,
      resolver: new StaticLaunchResolver(launcher, { default: "/defs.ts" }),
      limits: { maxConcurrentRuns: 3, tagLimits: [{ key: "source", value: "ssb", limit: 1 }] },
      metrics: new MetricRegistry(),
      clock: systemClock,
      onError: (error) => assert.fail(error),
    });
    // Distinct creation times, so "oldest first" is well defined.
    const create = async (tags: Record<string, string> = {}) => {
      await new Promise((resolve) => setTimeout(resolve, 3));
      return (await storage.createRun({ selection: "*", assetKeys: ["a"], tags })).run;
    };
    const ssb1 = await create({ source: "ssb" });
    const ssb2 = await create({ source: "ssb" });
    const other = await create();
    const urgent = await create({ "flyt/priority": "9" });
    const last = await create();
    const launched = (await queue.pass()).map((r) => r.runId);
    assert.deepEqual(launched, [urgent.runId, ssb1.runId, other.runId]);
    assert.equal((await storage.getRun(ssb2.runId))?.status, "QUEUED");
    assert.equal((await storage.getRun(last.runId))?.status, "QUEUED");
    assert.deepEqual(await queue.pass(), [], "full: nothing more launches");
  });

  void it("two queues on one database never launch a run twice", async () => {
    const { url, sqlitePath } = fixture();
    const second = await (await import("@flyt/storage")).openStorage({ databaseUrl: url, sqlitePath: sqlitePath ?? "" });
    try {
      for (let i = 0; i < 100; i += 1) await storage.createRun({ selection: "*", assetKeys: ["a"] });
      const launchers = [new FakeLauncher(), new FakeLauncher()];
      const queues = [storage, second].map(
        (s, i) =>
          new RunQueue({
            storage: s,
            resolver: new StaticLaunchResolver(launchers[i]!, { default: "/defs.ts" }),
            limits: { maxConcurrentRuns: null },
            metrics: new MetricRegistry(),
            clock: systemClock,
            onError: (error) => assert.fail(error),
          }),
      );
      await Promise.all(queues.map((q) => q.pass()));
      await Promise.all(queues.flatMap((q) => [...q.handles.values()].map((h) => h.done)));
      const all = [...launchers[0]!.launched, ...launchers[1]!.launched];
      assert.equal(all.length, 100);
      assert.equal(new Set(all).size, 100);
    } finally {
      await second.close();
    }
  });

  void it("fails a claimed run whose launch cannot be resolved, with the reason", async () => {
    const queue = new RunQueue({
      storage,
      resolver: new StaticLaunchResolver(new FakeLauncher(), {}),
      limits: { maxConcurrentRuns: null },
      metrics: new MetricRegistry(),
      clock: systemClock,
      onError: () => undefined,
    });
    const { run } = await storage.createRun({ selection: "*", assetKeys: ["a"], location: "nowhere" });
    await queue.pass();
    const after = await storage.getRun(run.runId);
    assert.equal(after?.status, "FAILURE");
    const failure = (await storage.getEvents(run.runId)).find((e) => e.body.type === "RUN_FAILURE");
    assert.match(failure?.body.type === "RUN_FAILURE" ? failure.body.message : "", /code location "nowhere" is not configured.*flyt\/definitions_file/);
  });
}, { per: "test" });
