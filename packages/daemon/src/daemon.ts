/**
 * The daemon: every loop in one process — scheduler, sensors, run queue, run monitor, run
 * retries, backfills, automation — behind a leader lease. Every replica runs the loops; only the leader's passes do
 * anything, so a standby is warm and takes over as soon as it wins the lease. Each loop records
 * a heartbeat in storage after its passes (`flyt daemon status`).
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { LeaseLostError, coerceError } from "@flyt/core";
import type { RunWatch, Storage } from "@flyt/storage";
import { AutomationLoop } from "./automation/loop.js";
import { BackfillLoop, type LocatedAsset } from "./backfills/loop.js";
import { systemClock, type Clock } from "./clock.js";
import type { InstigatorEvaluator, ResolvedSchedule, ResolvedSensor } from "./evaluator.js";
import type { LaunchResolver } from "./launch-resolver.js";
import { holderProcessGone, LeaderElector } from "./leader.js";
import { Loop } from "./loop.js";
import { MetricRegistry } from "./metrics.js";
import { DaemonObservability, type DaemonObservabilityOptions } from "./observability.js";
import { RunMonitor } from "./run-monitor.js";
import { RunQueue, type QueueLimits } from "./run-queue.js";
import { RunRetries } from "./run-retries.js";
import { Scheduler } from "./scheduler.js";
import { SensorLoop } from "./sensors.js";

export const LOOP_NAMES = ["leader", "scheduler", "sensors", "run-queue", "run-monitor", "run-retries", "backfills", "automation"] as const;
export type LoopName = (typeof LOOP_NAMES)[number];

export interface DaemonIntervals {
  /** Safety poll of the run queue; wake-ups come from run changes. Default 5 s (1 s on SQLite). */
  queuePollMs?: number;
  /** Longest wait of the scheduler between passes (it also wakes at the next cron instant). Default 5 s. */
  schedulerPollMs?: number;
  /** Longest wait of the sensor loop. Default 1 s. */
  sensorsPollMs?: number;
  /** Run monitor checks. Default a quarter of the worker timeout, at most 5 s. */
  monitorPollMs?: number;
  /** Safety poll of retries (failures also wake it). Default 10 s. */
  retriesPollMs?: number;
  /** How long the list of schedules and sensors is reused before it is read again. Default 30 s. */
  instigatorRefreshMs?: number;
  /** Safety poll of the backfill loop (the end of a backfill's run also wakes it). Default 2 s. */
  backfillsPollMs?: number;
  /** Time between automation ticks (each evaluates every asset's automation condition). Default 30 s. */
  automationMs?: number;
}

export interface DaemonOptions {
  storage: Storage;
  evaluator: InstigatorEvaluator;
  resolver: LaunchResolver;
  limits?: QueueLimits;
  clock?: Clock;
  metrics?: MetricRegistry;
  daemonId?: string;
  lease?: { ttlMs?: number; renewMs?: number; name?: string };
  monitor?: { workerTimeoutMs?: number; startingTimeoutMs?: number; relaunchAfterMs?: number };
  intervals?: DaemonIntervals;
  sensorTimeoutMs?: number;
  scheduleTimeoutMs?: number;
  /** Schedules processed at once. */
  scheduleConcurrency?: number;
  launchOptions?: { parallelism?: number; environment?: NodeJS.ProcessEnv };
  /** Where the daemon reports what it does and loop errors (one line each; `[loop] ` prefixed). */
  log?: (line: string) => void;
  /** Structured alternative to `log` (takes precedence): level, message and `loop` / `runId` fields. */
  logRecord?: (record: DaemonLogRecord) => void;
  /** Freshness monitor, alerts and `/metrics` (observability.ts); default: freshness of no assets, no alerts, no endpoint. */
  observability?: DaemonObservabilityOptions;
  /**
   * The assets of every loaded code location, each with its location: the backfill loop plans
   * against them. Default: `observability.assets` (the same list), else none (backfills wait in
   * REQUESTED until a daemon that has assets plans them).
   */
  assets?: () => Promise<readonly LocatedAsset[]> | readonly LocatedAsset[];
  /** Runs the backfill loop creates per backfill per pass at most (default 200). */
  backfillLaunchesPerPass?: number;
  /**
   * Code locations whose definitions failed to load (name → error): the automation loop does not
   * evaluate their assets' conditions (a last good snapshot may still list them) and says so in
   * its ticks. Default: none.
   */
  unavailableLocations?: () => Promise<Readonly<Record<string, string>>> | Readonly<Record<string, string>>;
}

/** One thing the daemon reports: `loop` names the part (run-monitor, freshness, alerts…). */
export interface DaemonLogRecord {
  level: "info" | "warn" | "error";
  msg: string;
  loop?: string;
  runId?: string;
  daemonId?: string;
}

/** The line form of a record, as `log` has always received it. */
export function daemonLogLine(record: DaemonLogRecord): string {
  return record.loop === undefined ? record.msg : `[${record.loop}] ${record.msg}`;
}

/** The LeaseLostError in an error's cause chain (loops wrap the errors they report), if any. */
function leaseLostOf(error: unknown): LeaseLostError | null {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth += 1) {
    if (e instanceof LeaseLostError) return e;
  }
  return null;
}

function isLeaseLost(error: unknown): boolean {
  return leaseLostOf(error) !== null;
}

export function newDaemonId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
}

export class Daemon {
  readonly id: string;
  readonly metrics: MetricRegistry;
  readonly leader: LeaderElector;
  readonly queue: RunQueue;
  readonly scheduler: Scheduler;
  readonly sensors: SensorLoop;
  readonly monitor: RunMonitor;
  readonly retries: RunRetries;
  readonly backfills: BackfillLoop;
  readonly automation: AutomationLoop;
  readonly observability: DaemonObservability;
  private readonly loops = new Map<LoopName, Loop>();
  private readonly lastBeat = new Map<string, number>();
  private readonly clock: Clock;
  private readonly log: (record: DaemonLogRecord) => void;
  private watch: RunWatch | null = null;
  private instigators: { at: number; schedules: ResolvedSchedule[]; sensors: ResolvedSensor[] } | null = null;
  private started = false;
  /** Runs whose cancel was forwarded to their worker (once each). */
  private readonly canceling = new Set<string>();

  constructor(private readonly options: DaemonOptions) {
    this.id = options.daemonId ?? newDaemonId();
    this.metrics = options.metrics ?? new MetricRegistry();
    this.clock = options.clock ?? systemClock;
    const { log: logLine, logRecord } = options;
    this.log = logRecord ?? (logLine ? (record) => logLine(daemonLogLine(record)) : () => undefined);
    const { storage } = options;
    const onError = (loop: string) => (error: Error) => {
      if (isLeaseLost(error)) {
        // A fenced write was refused: another daemon leads. Step down now; nothing was written.
        this.log({ level: "warn", loop, msg: `stepping down: ${leaseLostOf(error)?.message ?? error.message}` });
        this.leader.stepDown();
        return;
      }
      this.log({ level: "error", loop, msg: `error: ${error.message}` });
    };
    const isActive = (): boolean => this.leader.isLeader();
    const fence = () => this.leader.fence();
    this.leader = new LeaderElector(storage, {
      holder: this.id,
      ...(options.lease?.ttlMs === undefined ? {} : { ttlMs: options.lease.ttlMs }),
      ...(options.lease?.renewMs === undefined ? {} : { renewMs: options.lease.renewMs }),
      ...(options.lease?.name === undefined ? {} : { leaseName: options.lease.name }),
      onChange: (leader, lease) => this.onLeadership(leader, lease?.fencingToken ?? null),
      onError: onError("leader"),
      // Contenders on one host: a holder whose process is gone cannot be renewing, so `flyt dev`
      // restarted after a SIGKILL leads at once instead of waiting out the lease (docs/failover.md).
      takeOverDeadHolders: !storage.capabilities.multiHostLease,
      onTakeOver: (dead) => this.log({ level: "warn", loop: "leader", daemonId: this.id, msg: `took over the leader lease of daemon ${dead}: its process is gone` }),
    });
    const intervals = options.intervals ?? {};
    // Without a cross-process change feed, runs queued by other processes are found by polling.
    const queuePollMs = intervals.queuePollMs ?? (storage.capabilities.crossProcessChangeFeed ? 5_000 : 1_000);
    this.queue = new RunQueue({
      storage,
      trackChanges: true,
      fullRefreshMs: queuePollMs,
      resolver: options.resolver,
      limits: options.limits ?? { maxConcurrentRuns: null },
      metrics: this.metrics,
      clock: this.clock,
      fence,
      onError: onError("run-queue"),
      ...(options.launchOptions === undefined ? {} : { launchOptions: options.launchOptions }),
    });
    this.queue.onRunFinished = () => this.loops.get("run-queue")?.wake();
    this.scheduler = new Scheduler({
      storage,
      evaluator: options.evaluator,
      clock: this.clock,
      metrics: this.metrics,
      isActive,
      fence,
      onError: onError("scheduler"),
      ...(options.scheduleConcurrency === undefined ? {} : { concurrency: options.scheduleConcurrency }),
      ...(options.scheduleTimeoutMs === undefined ? {} : { evaluationTimeoutMs: options.scheduleTimeoutMs }),
    });
    this.sensors = new SensorLoop({
      storage,
      evaluator: options.evaluator,
      clock: this.clock,
      metrics: this.metrics,
      isActive,
      fence,
      onError: onError("sensors"),
      ...(options.sensorTimeoutMs === undefined ? {} : { timeoutMs: options.sensorTimeoutMs }),
    });
    this.monitor = new RunMonitor({ storage, clock: this.clock, metrics: this.metrics, ...(options.monitor ?? {}) });
    this.retries = new RunRetries({ storage, clock: this.clock, metrics: this.metrics, fence, onError: onError("run-retries") });
    const assets = options.assets ?? options.observability?.assets ?? (() => []);
    this.backfills = new BackfillLoop({
      storage,
      clock: this.clock,
      metrics: this.metrics,
      assets,
      isActive,
      fence,
      onError: onError("backfills"),
      log: (level, msg) => this.log({ level, loop: "backfills", msg }),
      ...(options.backfillLaunchesPerPass === undefined ? {} : { maxLaunchesPerPass: options.backfillLaunchesPerPass }),
    });
    this.automation = new AutomationLoop({
      storage,
      clock: this.clock,
      metrics: this.metrics,
      assets,
      isActive,
      fence,
      onError: onError("automation"),
      log: (level, msg) => this.log({ level, loop: "automation", msg }),
      ...(options.unavailableLocations === undefined ? {} : { unavailableLocations: options.unavailableLocations }),
    });

    const leaderOnly = (pass: () => Promise<void>) => async () => {
      if (this.leader.isLeader()) await pass();
    };
    const add = (name: LoopName, intervalMs: number, pass: () => Promise<void>): void => {
      this.loops.set(
        name,
        new Loop({ name, intervalMs, pass: leaderOnly(pass), onError: (loop, error) => onError(loop)(error), afterPass: (loop) => this.beat(loop) }),
      );
    };
    add("scheduler", intervals.schedulerPollMs ?? 5_000, async () => {
      await this.scheduler.pass((await this.listInstigators()).schedules);
      if (this.scheduler.nextDueAt !== null) this.loops.get("scheduler")?.wakeAt(this.scheduler.nextDueAt);
    });
    add("sensors", intervals.sensorsPollMs ?? 1_000, async () => {
      await this.sensors.pass((await this.listInstigators()).sensors);
      if (this.sensors.nextDueAt !== null) this.loops.get("sensors")?.wakeAt(this.sensors.nextDueAt);
    });
    // Pipelined: the pass returns once its claims are started, so the next run end is served
    // while earlier claims and launches are still in flight.
    add("run-queue", queuePollMs, async () => {
      await this.queue.dispatch();
    });
    add("run-monitor", intervals.monitorPollMs ?? Math.min(5_000, Math.max(100, Math.floor(this.monitor.workerTimeoutMs / 4))), async () => {
      // Runs a killed leader claimed and never got started: launched by this leader (before the
      // monitor would fail them for their time in STARTING).
      const leaderFence = fence();
      if (leaderFence !== null) {
        const reclaimed = await this.monitor.reclaim(leaderFence, [...this.queue.handles.keys()]);
        for (const run of reclaimed) this.log({ level: "warn", loop: "run-monitor", runId: run.runId, msg: `run ${run.runId}: relaunching it; the leader that claimed it stopped before its worker started` });
        if (reclaimed.length > 0) void this.queue.relaunch(reclaimed);
      }
      for (const verdict of await this.monitor.pass()) this.log({ level: "warn", loop: "run-monitor", runId: verdict.runId, msg: `run ${verdict.runId}: ${verdict.message}` });
      // Cancellations a run-change notification did not bring (SQLite across processes).
      const launched = [...this.queue.handles.keys()];
      if (launched.length > 0) {
        for (const run of await storage.getRuns(launched)) if (run.status === "CANCELING") await this.forwardCancel(run.runId);
      }
    });
    add("run-retries", intervals.retriesPollMs ?? 10_000, async () => {
      for (const run of await this.retries.pass()) this.log({ level: "info", loop: "run-retries", runId: run.runId, msg: `created retry run ${run.runId} of ${run.parentRunId ?? "?"}` });
    });
    add("backfills", intervals.backfillsPollMs ?? 2_000, async () => {
      await this.backfills.pass();
    });
    add("automation", intervals.automationMs ?? 30_000, async () => {
      await this.automation.pass();
      // Code locations load after the daemon starts: the first tick follows the first load closely.
      if (this.automation.waitingForLocations) this.loops.get("automation")?.wakeAt(Date.now() + 2_000);
    });
    this.observability = new DaemonObservability(
      { storage, metrics: this.metrics, leader: this.leader, loops: () => this.loops.values(), log: this.log },
      options.observability,
    );
  }

  /**
   * Starts the lease and every loop. A daemon that does not get the lease runs as a standby: its
   * loops idle and its leader loop keeps trying, so it takes over when the leader stops, dies (on
   * SQLite: at once, its pid being gone) or lets its lease expire. On SQLite, where a second
   * daemon is unusual, it says once which daemon holds the lease and what it waits for.
   */
  async start(): Promise<void> {
    if (this.started) return;
    const { storage } = this.options;
    this.started = true;
    this.watch = await storage.watchRuns(
      (change) => {
        this.queue.noteChange(change);
        this.loops.get("run-queue")?.wake();
        if (change.status === "FAILURE") this.loops.get("run-retries")?.wake();
        // A run ended while backfills are in flight: if it was one of theirs, their next chunks may launch now.
        if (this.backfills.busy && (change.status === "SUCCESS" || change.status === "FAILURE" || change.status === "CANCELED")) this.loops.get("backfills")?.wake();
        // Canceled from the UI, the API or the CLI: whoever launched it stops its worker.
        if (change.status === "CANCELING") void this.forwardCancel(change.runId);
      },
      {
        // The watch was down (a PostgreSQL restart): re-list the queue now, not at the next full refresh.
        onMissed: () => {
          this.queue.reset();
          this.loops.get("run-queue")?.wake();
          this.loops.get("run-retries")?.wake();
        },
      },
    );
    const leading = await this.leader.tryAcquire();
    this.leader.start(this.leader.renewMs);
    for (const loop of this.loops.values()) loop.start();
    await this.observability.start();
    this.log({ level: "info", daemonId: this.id, msg: `daemon ${this.id} started (${storage.kind}); ${leading && this.leader.isLeader() ? "leader" : "standby"}` });
    if (!leading && !storage.capabilities.multiHostLease) await this.explainStandby();
  }

  /** The one line a SQLite standby logs: who leads, and when this daemon will take over. */
  private async explainStandby(): Promise<void> {
    const lease = await this.leader.currentLease().catch(() => null);
    if (lease === null || this.leader.isLeader()) return;
    const gone = holderProcessGone(lease.holder);
    this.log({
      level: "warn",
      loop: "leader",
      daemonId: this.id,
      msg:
        `another Flyt daemon (${lease.holder}) holds the leader lease of this SQLite database${gone ? "" : " and is alive"}; ` +
        `daemon ${this.id} waits as a standby (no schedules, sensors, queue or run monitor here) and takes over when it stops, ` +
        `or when its lease expires (${new Date(lease.expiresAt).toISOString()} unless renewed). A single-host SQLite setup runs one daemon ` +
        "(inside `flyt dev` or one `flyt daemon`); for active/standby daemons use PostgreSQL (FLYT_DATABASE_URL).",
    });
  }

  private onLeadership(leader: boolean, token: number | null): void {
    // Another process may have ticked while we were not leader: re-read tick history.
    this.scheduler.reset();
    this.sensors.reset();
    this.queue.reset();
    this.backfills.reset();
    this.log({ level: leader || !this.started ? "info" : "warn", daemonId: this.id, msg: leader ? `daemon ${this.id} is now the leader (fencing token ${String(token)})` : `daemon ${this.id} lost the lead` });
    this.beat("leader", true);
    if (leader) for (const loop of this.loops.values()) loop.wake();
    if (leader) this.observability.freshness.wake();
  }

  private async listInstigators(): Promise<{ schedules: ResolvedSchedule[]; sensors: ResolvedSensor[] }> {
    const refreshMs = this.options.intervals?.instigatorRefreshMs ?? 30_000;
    const now = Date.now();
    if (this.instigators === null || now - this.instigators.at >= refreshMs) {
      const listed = await this.options.evaluator.listInstigators();
      this.instigators = { at: now, ...listed };
    }
    return this.instigators;
  }

  /** Records a loop heartbeat, at most once a second per loop unless forced. */
  private beat(loop: string, force = false): void {
    const now = Date.now();
    if (!force && now - (this.lastBeat.get(loop) ?? 0) < 1_000) return;
    this.lastBeat.set(loop, now);
    const role = this.leader.isLeader() ? "leader" : "standby";
    const error = this.loops.get(loop as LoopName)?.lastError;
    const info = error ? `${role}; last error: ${error.slice(0, 500)}` : role;
    this.options.storage.recordDaemonHeartbeat({ daemonId: this.id, loop, at: now, info }).catch((e: unknown) => {
      this.log({ level: "warn", loop, msg: `could not record heartbeat: ${coerceError(e).message}` });
    });
    if (loop !== "leader" && now - (this.lastBeat.get("leader") ?? 0) >= 1_000) this.beat("leader");
  }

  /**
   * A run this process launched was asked to stop (RUN_CANCELING is recorded): tell its worker,
   * with the recorded reason. Leader or not — the handle lives where the launch happened.
   */
  private async forwardCancel(runId: string): Promise<void> {
    const handle = this.queue.handles.get(runId);
    if (handle === undefined || this.canceling.has(runId)) return;
    this.canceling.add(runId);
    try {
      const requests = await this.options.storage.getEvents(runId, { types: ["RUN_CANCELING"] });
      const last = requests.at(-1)?.body;
      const reason = last?.type === "RUN_CANCELING" && last.message !== undefined ? last.message : "Run canceled";
      void handle.done.finally(() => this.canceling.delete(runId)).catch(() => undefined);
      await handle.cancel(reason, { recorded: true });
      this.log({ level: "info", loop: "run-queue", runId, msg: `run ${runId}: cancel forwarded to its worker (${reason})` });
    } catch (error) {
      this.canceling.delete(runId);
      this.log({ level: "warn", loop: "run-queue", runId, msg: `run ${runId}: could not forward the cancel to its worker: ${coerceError(error).message}` });
    }
  }

  /** Wakes a loop now (tests, `flyt sensors tick`). */
  wake(loop: LoopName): void {
    this.loops.get(loop)?.wake();
  }

  loop(name: LoopName): Loop | undefined {
    return this.loops.get(name);
  }

  /** Stops the loops and releases the lease; runs launched by this process keep running. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await Promise.all([...this.loops.values()].map((loop) => loop.stop()));
    await this.queue.settled();
    await this.observability.stop();
    await this.watch?.close();
    await this.leader.stop();
    this.log({ level: "info", daemonId: this.id, msg: `daemon ${this.id} stopped` });
  }
}
