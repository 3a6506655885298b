// Benchmark: the daemon on PostgreSQL (issue 4).
// 1. Tick lag: 10,000 RUNNING schedules due in the same minute. The scheduler's pass runs at the
//    cron instant (a clock shifted so "now" is the instant when the pass starts, after a warm-up
//    pass that read every schedule's tick history); each tick's lag is the time from the
//    instant to its run being queued, as the scheduler's own tick-lag metric records it, plus
//    the wall time of the whole pass. Target p99 < 1 s.
// 2. Queue dispatch: 1,000 no-op runs enqueued (QUEUED) while a real Daemon runs (LISTEN/NOTIFY
//    wake-ups, default safety poll), time from the first enqueue to the last launch, against
//    graphile-worker running 1,000 no-op jobs on the same server in the same run, same
//    concurrency. Reports both throughputs and the ratio (target >= 0.5).
// Uses the compiled packages: run `tsc -b` first. Alone: `node bench/daemon.mjs` (PostgreSQL from
// FLYT_TEST_DATABASE_URL, or a throwaway embedded server).
import { setTimeout as sleep } from "node:timers/promises";
import { openStorage, setInstigatorStatus } from "../packages/storage/dist/index.js";
import { createTestDatabase } from "../packages/storage/dist/testing/index.js";
import { Daemon, LocalEvaluator, MetricRegistry, METRICS, Scheduler, StaticLaunchResolver } from "../packages/daemon/dist/index.js";

const SCHEDULES = Number(process.env.FLYT_BENCH_SCHEDULES ?? 10_000);
const RUNS = Number(process.env.FLYT_BENCH_RUNS ?? 1_000);
const CONCURRENCY = 10;
const TARGET_P99_MS = 1_000;
const TARGET_RATIO = 0.5;

function quantile(sorted, q) {
  return sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const round = (n) => (n === null ? null : Math.round(n * 10) / 10);

/** A clock fixed at `at` until `go(instant)`; then real time shifted so now() = instant at that moment. */
class BenchClock {
  constructor(at) {
    this.fixed = at;
    this.shift = null;
  }
  now() {
    return this.shift === null ? this.fixed : Date.now() + this.shift;
  }
  go(instant) {
    this.shift = instant - Date.now();
  }
}

function scheduleSnapshots(n) {
  return Array.from({ length: n }, (_, i) => ({
    location: "bench",
    name: `s${String(i).padStart(5, "0")}`,
    cron: "* * * * *",
    timezone: "Europe/Oslo",
    target: "bench/a",
    targetAssetKeys: ["bench/a"],
    tags: { source: i % 2 === 0 ? "ssb" : "met" },
    defaultStatus: "STOPPED",
    description: null,
    catchUp: "latest",
    maxCatchUpTicks: 1,
    partition: null,
    needsCode: false,
  }));
}

export async function tickLag(url, options) {
  const storage = await openStorage({ databaseUrl: url, sqlitePath: "", ...(options.poolSize ? { poolSize: options.poolSize } : {}) });
  try {
    // The next whole minute, far enough ahead that the warm-up pass sees nothing due.
    const instant = Math.ceil((Date.now() + 120_000) / 60_000) * 60_000;
    const clock = new BenchClock(instant - 30_000);
    const schedules = scheduleSnapshots(SCHEDULES);
    for (const s of schedules) await setInstigatorStatus(storage, `bench:${s.name}`, "schedule", "RUNNING", instant - 60_000 + 1);
    const metrics = new MetricRegistry();
    const errors = [];
    const scheduler = new Scheduler({ storage, evaluator: new LocalEvaluator([]), clock, metrics, onError: (e) => errors.push(e), ...(options.concurrency ? { concurrency: options.concurrency } : {}) });
    await scheduler.pass(schedules);
    if (metrics.summary(METRICS.tickLagMs).count !== 0) throw new Error("the warm-up pass ticked: the clock is wrong");
    clock.go(instant);
    const started = performance.now();
    await scheduler.pass(schedules);
    const passMs = performance.now() - started;
    if (errors.length > 0) throw new Error(`${errors.length} schedule errors, first: ${errors[0].message}`);
    const runs = await storage.listRuns({ origin: "schedule" }, { limit: 1 });
    const lag = metrics.summary(METRICS.tickLagMs);
    if (lag.count !== SCHEDULES) throw new Error(`expected ${SCHEDULES} ticks, the scheduler recorded ${lag.count}`);
    if (runs.items.length === 0) throw new Error("no run was created");
    return { ticks: lag.count, tickLagP50Ms: round(lag.p50), tickLagP99Ms: round(lag.p99), tickLagMaxMs: round(lag.max), passMs: round(passMs), ticksPerSecond: Math.round((SCHEDULES / passMs) * 1000) };
  } finally {
    await storage.close();
  }
}

/** A launcher that does nothing but end the run (one event write), and records when it was called. */
class NoopLauncher {
  name = "noop";
  launchedAt = [];
  launch(request) {
    this.launchedAt.push(performance.now());
    const { storage, run } = request;
    const done = storage
      .appendEvents([{ runId: run.runId, seq: null, timestamp: Date.now(), stepKey: null, body: { type: "RUN_SUCCESS" } }])
      .then(() => run);
    return { runId: run.runId, done, cancel: () => Promise.resolve() };
  }
}

/** preload: enqueue everything first, then start the dispatcher (pure dispatch); else enqueue while it runs. */
export async function flytQueue(url, maxConcurrentRuns, preload = false) {
  const storage = await openStorage({ databaseUrl: url, sqlitePath: "" });
  const launcher = new NoopLauncher();
  const daemon = new Daemon({
    storage,
    evaluator: new LocalEvaluator([]),
    resolver: new StaticLaunchResolver(launcher, { bench: "/nonexistent/definitions.js" }),
    limits: { maxConcurrentRuns },
  });
  const enqueue = async () => {
    for (let i = 0; i < RUNS; i++) await storage.createRun({ selection: "bench/a", assetKeys: ["bench/a"], location: "bench", tags: { i: String(i) } });
  };
  try {
    let started = performance.now();
    let enqueuedMs = 0;
    if (preload) {
      await enqueue();
      enqueuedMs = performance.now() - started;
      started = performance.now();
    }
    await daemon.start();
    for (let i = 0; i < 200 && !daemon.leader.isLeader(); i++) await sleep(25);
    if (!daemon.leader.isLeader()) throw new Error("the daemon did not become leader");
    if (!preload) {
      started = performance.now();
      await enqueue();
      enqueuedMs = performance.now() - started;
    }
    const deadline = Date.now() + 300_000;
    while (launcher.launchedAt.length < RUNS) {
      if (Date.now() > deadline) throw new Error(`only ${launcher.launchedAt.length} of ${RUNS} runs launched in 300 s`);
      await sleep(5);
    }
    const totalMs = Math.max(...launcher.launchedAt) - started;
    const lag = daemon.metrics.summary(METRICS.dispatchLagMs);
    return { mode: preload ? "drain" : "stream", maxConcurrentRuns, enqueueMs: round(enqueuedMs), totalMs: round(totalMs), runsPerSecond: Math.round((RUNS / totalMs) * 1000), dispatchLagP50Ms: round(lag.p50), dispatchLagP99Ms: round(lag.p99) };
  } finally {
    await daemon.stop();
    await Promise.allSettled([...daemon.queue.handles.values()].map((h) => h.done));
    await storage.close();
  }
}

export async function graphileQueue(url, preload = false) {
  const { run, makeWorkerUtils, Logger } = await import("graphile-worker");
  const { default: pg } = await import("pg");
  let done = 0;
  let last = 0;
  // One pool of our own for the runner and the utils, ended before the caller drops the database:
  // graphile-worker's own pool left idle connections that the drop terminated, and the unhandled
  // 'error' of such a connection crashed the bench process once.
  const pool = new pg.Pool({ connectionString: url });
  pool.on("error", () => undefined);
  // One shared WorkerUtils (one pool), as an application enqueuing jobs would hold.
  const utils = await makeWorkerUtils({ pgPool: pool });
  await utils.migrate();
  const enqueue = async () => {
    for (let i = 0; i < RUNS; i++) await utils.addJob("noop", { i });
  };
  let started = performance.now();
  let enqueuedMs = 0;
  if (preload) {
    await enqueue();
    enqueuedMs = performance.now() - started;
    started = performance.now();
  }
  const runner = await run({
    logger: new Logger(() => () => undefined),
    pgPool: pool,
    concurrency: CONCURRENCY,
    noHandleSignals: true,
    pollInterval: 2_000,
    taskList: {
      noop: async () => {
        done += 1;
        last = performance.now();
      },
    },
  });
  try {
    try {
      if (!preload) {
        started = performance.now();
        await enqueue();
        enqueuedMs = performance.now() - started;
      }
      const deadline = Date.now() + 300_000;
      while (done < RUNS) {
        if (Date.now() > deadline) throw new Error(`graphile-worker ran only ${done} of ${RUNS} jobs in 300 s`);
        await sleep(5);
      }
      const totalMs = last - started;
      return { mode: preload ? "drain" : "stream", concurrency: CONCURRENCY, enqueueMs: round(enqueuedMs), totalMs: round(totalMs), jobsPerSecond: Math.round((RUNS / totalMs) * 1000) };
    } finally {
      await utils.release();
    }
  } finally {
    await runner.stop();
    await pool.end();
  }
}

export async function freshDatabase(postgresUrl) {
  if (!postgresUrl) return createTestDatabase();
  const previous = process.env.FLYT_TEST_DATABASE_URL;
  process.env.FLYT_TEST_DATABASE_URL = postgresUrl;
  try {
    return await createTestDatabase();
  } finally {
    if (previous === undefined) delete process.env.FLYT_TEST_DATABASE_URL;
    else process.env.FLYT_TEST_DATABASE_URL = previous;
  }
}

export async function run({ postgresUrl } = {}) {
  const result = { name: "daemon", schedules: SCHEDULES, runs: RUNS, targets: { tickLagP99Ms: TARGET_P99_MS, queueRatio: TARGET_RATIO } };

  const tickDb = await freshDatabase(postgresUrl);
  try {
    result.tickLag = await tickLag(tickDb.url, {});
  } finally {
    await tickDb.drop();
  }

  // Each side gets its own empty database on the same server, one after the other.
  const queue = {};
  for (const [name, fn] of [
    ["flytStream", (url) => flytQueue(url, CONCURRENCY)],
    ["graphileStream", (url) => graphileQueue(url)],
    ["flytDrain", (url) => flytQueue(url, CONCURRENCY, true)],
    ["graphileDrain", (url) => graphileQueue(url, true)],
  ]) {
    const db = await freshDatabase(postgresUrl);
    try {
      queue[name] = await fn(db.url);
    } finally {
      await db.drop();
    }
  }
  const ratio = (a, b) => Math.round((a.runsPerSecond / b.jobsPerSecond) * 100) / 100;
  queue.ratioStream = ratio(queue.flytStream, queue.graphileStream);
  queue.ratioDrain = ratio(queue.flytDrain, queue.graphileDrain);
  queue.ratio = Math.min(queue.ratioStream, queue.ratioDrain);
  result.queue = queue;
  result.meetsTargets = { tickLag: result.tickLag.tickLagP99Ms !== null && result.tickLag.tickLagP99Ms < TARGET_P99_MS, queue: result.queue.ratio >= TARGET_RATIO };
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const only = process.argv[2];
  if (only === "queue") {
    const db = await freshDatabase(process.env.FLYT_TEST_DATABASE_URL);
    const db2 = await freshDatabase(process.env.FLYT_TEST_DATABASE_URL);
    try {
      const drain = process.argv[3] === "drain";
      console.log(JSON.stringify({ flyt: await flytQueue(db.url, CONCURRENCY, drain), graphileWorker: await graphileQueue(db2.url, drain) }, null, 2));
    } finally {
      await db.drop();
      await db2.drop();
    }
  } else if (only === "ticks") {
    const db = await freshDatabase(process.env.FLYT_TEST_DATABASE_URL);
    try {
      console.log(JSON.stringify(await tickLag(db.url, {}), null, 2));
    } finally {
      await db.drop();
    }
  } else {
    console.log(JSON.stringify(await run({ postgresUrl: process.env.FLYT_TEST_DATABASE_URL }), null, 2));
  }
  process.exit(0);
}
