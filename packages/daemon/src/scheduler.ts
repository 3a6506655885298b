/**
 * The scheduler loop: for each RUNNING schedule, the cron instants (croner, IANA zone, DST-safe)
 * between its last tick and now, thinned by its catch-up policy and never before it was turned
 * on, each become a tick: STARTED → runs created → SUCCESS with run ids / SKIPPED / FAILURE.
 * Every run carries the run key `<tick time>` (per instigator), so a tick retried after a crash
 * or evaluated by two daemons creates its runs once. The last tick time per schedule lives in
 * the tick history; this process caches it and re-reads it after any change of leader.
 * Ticks of schedules without user code are written in batches (`createScheduledRuns`: runs, events
 * and SUCCESS ticks of up to `batchSize` schedules in one transaction), so 10,000 schedules due in
 * the same minute are queued within a second; schedules with code are evaluated one by one.
 */
import { Cron } from "croner";
import { coerceError, LeaseLostError } from "@flyt/core";
import { instigatorId, type InstigatorState, type ScheduledRun, type Storage } from "@flyt/storage";
import type { Clock } from "./clock.js";
import type { EvaluationResult, InstigatorEvaluator, ResolvedSchedule } from "./evaluator.js";
import { applyDynamicPartitionsRequests, createRequestedBackfills } from "./backfills/requests.js";
import { createRequestedRuns, effectiveState, fenced, type FenceSource } from "./instigators.js";
import { METRICS, type MetricRegistry } from "./metrics.js";

export const SCHEDULE_TAG = "flyt/schedule";
export const TICK_TIME_TAG = "flyt/tick_time";
/** With catch-up "none", a tick later than this is not run. */
export const DEFAULT_NONE_GRACE_MS = 60_000;
/** Most instants walked per schedule per pass (a per-second cron after a long outage). */
const MAX_WALK = 100_000;

export interface SchedulerOptions {
  storage: Storage;
  evaluator: InstigatorEvaluator;
  clock: Clock;
  metrics: MetricRegistry;
  /** Schedules processed at once (PostgreSQL pool permitting). */
  concurrency?: number;
  /** Ticks of code-free schedules written per storage transaction. Default 500. */
  batchSize?: number;
  /** Batches written at once. Default 2. */
  batchConcurrency?: number;
  /** Timeout of one schedule evaluation that runs user code. */
  evaluationTimeoutMs?: number;
  noneGraceMs?: number;
  /** Checked before each tick: a process that lost leadership stops writing. */
  isActive?: () => boolean;
  /** The leader's fence: ticks and runs written with it are refused once another daemon leads. */
  fence?: FenceSource;
  onError: (error: Error) => void;
}

interface ScheduleMemory {
  cron: Cron;
  cronKey: string;
  /** Latest tick time processed (or from the history), null if none. */
  lastTick: number | null;
  /** A tick found STARTED in the history (its process died mid-tick): redo it. */
  redo: number | null;
}

/** A due tick of a schedule without user code, waiting for its batch. */
interface BatchedTick {
  id: string;
  schedule: ResolvedSchedule;
  tickTime: number;
  memory: ScheduleMemory;
  /** The tick time the schedule's memory moves to once this tick is written. */
  advanceTo: number;
}

export const DEFAULT_BATCH_SIZE = 500;

/** The next instant of a cron strictly after `from` (epoch ms), or null. */
export type NextInstant = (from: number) => number | null;

/** Cron instants in (after, until], oldest first, at most `max` of the newest. */
export function dueInstants(cron: Cron | NextInstant, after: number, until: number, max = MAX_WALK): number[] {
  const nextOf: NextInstant = typeof cron === "function" ? cron : (from) => cron.nextRun(new Date(from))?.getTime() ?? null;
  const out: number[] = [];
  let cursor = after;
  for (let i = 0; i < MAX_WALK; i += 1) {
    const next = nextOf(cursor);
    if (next === null || next > until) break;
    if (next > cursor) {
      out.push(next);
      if (out.length > max) out.shift();
    }
    cursor = Math.max(next, cursor + 1);
  }
  return out;
}

/** Which due instants a policy runs. */
export function applyCatchUp(schedule: Pick<ResolvedSchedule, "catchUp" | "maxCatchUpTicks">, due: number[], now: number, graceMs: number): number[] {
  if (due.length === 0) return [];
  const latest = due[due.length - 1]!;
  switch (schedule.catchUp) {
    case "all":
      return due.slice(-schedule.maxCatchUpTicks);
    case "none":
      return now - latest <= graceMs ? [latest] : [];
    case "latest":
      return [latest];
  }
}

export class Scheduler {
  private readonly memory = new Map<string, ScheduleMemory>();
  /**
   * Next instants per cron and start point, for one pass. Croner's timezone arithmetic costs
   * ~0.5 ms a call; schedules sharing a cron and zone (and, after a tick, the same last tick)
   * share the answer, which is what lets 10,000 of them be planned in well under a second.
   */
  private nextCache = new Map<string, number | null>();
  /** Earliest next instant across running schedules after the last pass (for the loop's timer). */
  nextDueAt: number | null = null;

  constructor(private readonly options: SchedulerOptions) {}

  /** Forget cached tick times (after a change of leader another process may have ticked). */
  reset(): void {
    this.memory.clear();
  }

  async pass(schedules: ResolvedSchedule[]): Promise<void> {
    const { storage, clock } = this.options;
    const now = clock.now();
    this.nextCache = new Map();
    const states = new Map((await storage.listInstigatorStates("schedule")).map((s) => [s.id, s]));
    let nextDue: number | null = null;
    const batchSize = Math.max(1, this.options.batchSize ?? DEFAULT_BATCH_SIZE);
    const batchConcurrency = Math.max(1, this.options.batchConcurrency ?? 2);
    let pending: BatchedTick[] = [];
    const inFlight = new Set<Promise<void>>();
    const flush = async (): Promise<void> => {
      const batch = pending;
      pending = [];
      if (batch.length === 0) return;
      while (inFlight.size >= batchConcurrency) await Promise.race(inFlight);
      const written = this.writeBatch(batch).finally(() => inFlight.delete(written));
      inFlight.add(written);
    };
    const enqueue = async (ticks: BatchedTick[]): Promise<void> => {
      pending.push(...ticks);
      if (pending.length >= batchSize) await flush();
    };
    const work = schedules.map((schedule) => async () => {
      if (this.options.isActive && !this.options.isActive()) return;
      const id = instigatorId(schedule.location, schedule.name);
      try {
        const state = await effectiveState(storage, states.get(id), id, "schedule", schedule.defaultStatus, now, this.options.fence);
        if (state === null) {
          this.memory.delete(id);
          return;
        }
        const next = await this.runSchedule(id, schedule, state, now, enqueue);
        if (next !== null && (nextDue === null || next < nextDue)) nextDue = next;
      } catch (error) {
        this.options.onError(new Error(`schedule ${id}: ${coerceError(error).message}`, { cause: error }));
      }
    });
    await runPool(work, this.options.concurrency ?? 16);
    await flush();
    await Promise.all(inFlight);
    this.nextDueAt = nextDue;
  }

  private nextOf(memory: ScheduleMemory): NextInstant {
    return (from) => {
      const key = `${memory.cronKey}\u0000${from}`;
      let next = this.nextCache.get(key);
      if (next === undefined) {
        next = memory.cron.nextRun(new Date(from))?.getTime() ?? null;
        this.nextCache.set(key, next);
      }
      return next;
    };
  }

  private async memoryFor(id: string, schedule: ResolvedSchedule): Promise<ScheduleMemory> {
    const cronKey = `${schedule.cron}\u0000${schedule.timezone}`;
    let memory = this.memory.get(id);
    if (memory === undefined || memory.cronKey !== cronKey) {
      const latest = (await this.options.storage.listTicks(id, { limit: 1 })).items[0];
      memory = {
        cron: new Cron(schedule.cron, { timezone: schedule.timezone, paused: true, mode: "5-or-6-parts" }),
        cronKey,
        lastTick: latest?.tickTime ?? null,
        redo: latest?.status === "STARTED" ? latest.tickTime : null,
      };
      // A tick left STARTED by a leader that died mid-tick: close it, then redo its instant (run
      // keys make the redo create only the runs it had not created yet). A deposed leader still
      // finishing it is refused by the fence.
      if (latest?.status === "STARTED") {
        await this.options.storage.updateTick(
          latest.tickId,
          { status: "FAILURE", error: "interrupted: the daemon evaluating this tick stopped before it finished; the new leader evaluates the instant again" },
          fenced(this.options.fence),
        );
      }
      this.memory.set(id, memory);
    }
    return memory;
  }

  /** Processes the due ticks of one schedule; returns its next instant. */
  private async runSchedule(
    id: string,
    schedule: ResolvedSchedule,
    state: InstigatorState,
    now: number,
    enqueue: (ticks: BatchedTick[]) => Promise<void>,
  ): Promise<number | null> {
    const memory = await this.memoryFor(id, schedule);
    const floor = (state.startedAt ?? now) - 1;
    const after = Math.max(floor, memory.lastTick ?? floor);
    const nextOf = this.nextOf(memory);
    const instants = dueInstants(nextOf, after, now, Math.max(schedule.maxCatchUpTicks, 1));
    const due = applyCatchUp(schedule, instants, now, this.options.noneGraceMs ?? DEFAULT_NONE_GRACE_MS);
    if (memory.redo !== null) {
      if (memory.redo > floor && !due.includes(memory.redo)) due.unshift(memory.redo);
      memory.redo = null;
    }
    const newest = instants[instants.length - 1];
    if (!schedule.needsCode && due.length > 0) {
      // Written by the pass's batches; the memory moves on once a tick is written, so a batch
      // that fails outright is retried by the next pass (run keys keep that idempotent).
      const last = due.length - 1;
      await enqueue(due.map((tickTime, i) => ({ id, schedule, tickTime, memory, advanceTo: i === last ? Math.max(tickTime, newest ?? tickTime) : tickTime })));
      const planned = Math.max(memory.lastTick ?? 0, newest ?? 0, ...due);
      return nextOf(Math.max(now, planned));
    }
    for (const tickTime of due) {
      if (this.options.isActive && !this.options.isActive()) return null;
      await this.tick(id, schedule, tickTime);
      memory.lastTick = Math.max(memory.lastTick ?? 0, tickTime);
    }
    // Instants skipped by the catch-up policy count as passed.
    if (newest !== undefined) memory.lastTick = Math.max(memory.lastTick ?? 0, newest);
    return nextOf(Math.max(now, memory.lastTick ?? now));
  }

  private scheduledRun(item: BatchedTick): ScheduledRun {
    const { id, schedule, tickTime } = item;
    return {
      instigatorId: id,
      tickTime,
      run: {
        selection: schedule.target,
        assetKeys: schedule.targetAssetKeys,
        partitionKey: schedule.partition,
        tags: { ...schedule.tags, [SCHEDULE_TAG]: schedule.name, [TICK_TIME_TAG]: new Date(tickTime).toISOString() },
        origin: "schedule",
        location: schedule.location,
        instigator: id,
        runKey: String(tickTime),
      },
    };
  }

  /** Writes one batch of code-free ticks; if the batch fails, its ticks go one by one. */
  private async writeBatch(batch: BatchedTick[]): Promise<void> {
    const { storage, clock, metrics } = this.options;
    if (this.options.isActive && !this.options.isActive()) return;
    try {
      await storage.createScheduledRuns(batch.map((item) => this.scheduledRun(item)), fenced(this.options.fence));
      const at = clock.now();
      for (const item of batch) {
        metrics.increment(METRICS.ticks);
        metrics.observe(METRICS.tickLagMs, Math.max(0, at - item.tickTime));
        item.memory.lastTick = Math.max(item.memory.lastTick ?? 0, item.advanceTo);
      }
      return;
    } catch (error) {
      // Deposed: nothing was written, and nothing more may be.
      if (error instanceof LeaseLostError) throw error;
      this.options.onError(new Error(`batch of ${batch.length} schedule ticks: ${coerceError(error).message}; writing them one by one`, { cause: error }));
    }
    // One bad item (or a transient error) must not cost the others their ticks.
    const failed = new Set<string>();
    for (const item of batch) {
      if (failed.has(item.id)) continue;
      if (this.options.isActive && !this.options.isActive()) return;
      try {
        await this.tick(item.id, item.schedule, item.tickTime);
        item.memory.lastTick = Math.max(item.memory.lastTick ?? 0, item.advanceTo);
      } catch (error) {
        if (error instanceof LeaseLostError) throw error;
        // Later ticks of this schedule wait for the next pass, to stay in order.
        failed.add(item.id);
        this.options.onError(new Error(`schedule ${item.id}: ${coerceError(error).message}`, { cause: error }));
      }
    }
  }

  private async tick(id: string, schedule: ResolvedSchedule, tickTime: number): Promise<void> {
    const { storage, evaluator, clock, metrics } = this.options;
    const fence = fenced(this.options.fence);
    const tick = await storage.createTick(id, tickTime, fence);
    metrics.increment(METRICS.ticks);
    try {
      let result: EvaluationResult;
      if (schedule.needsCode) {
        result = await withTimeout(
          (signal) => evaluator.evaluateSchedule(schedule, tickTime, signal),
          this.options.evaluationTimeoutMs ?? 60_000,
          `schedule ${id} evaluation`,
        );
      } else {
        result = {
          runRequests: [{ runKey: null, partitionKey: schedule.partition, tags: {}, selection: schedule.target, assetKeys: schedule.targetAssetKeys }],
          skipReason: null,
        };
      }
      // Keys first: the tick's runs and backfills may name the keys it adds. A tick redone after a
      // crash applies them again (idempotent) and finds the backfills it created (ids from the tick).
      await applyDynamicPartitionsRequests(storage, result);
      const backfillIds = await createRequestedBackfills(storage, result, { instigatorId: id, kind: "schedule", tickTime });
      if (result.runRequests.length === 0) {
        if (backfillIds.length > 0 || (result.dynamicPartitionsRequests?.length ?? 0) > 0) await storage.updateTick(tick.tickId, { status: "SUCCESS", runIds: [] }, fence);
        else await storage.updateTick(tick.tickId, { status: "SKIPPED", skipReason: result.skipReason ?? "no run requested" }, fence);
        return;
      }
      const { runIds } = await createRequestedRuns(storage, {
        id,
        location: schedule.location,
        origin: "schedule",
        baseTags: { ...schedule.tags, [SCHEDULE_TAG]: schedule.name, [TICK_TIME_TAG]: new Date(tickTime).toISOString() },
        requests: result.runRequests,
        defaultRunKey: String(tickTime),
        runKeyPrefix: `${tickTime}:`,
        fence: this.options.fence,
      });
      metrics.observe(METRICS.tickLagMs, Math.max(0, clock.now() - tickTime));
      await storage.updateTick(tick.tickId, { status: "SUCCESS", runIds }, fence);
    } catch (thrown) {
      // Deposed mid-tick: the new leader closes this tick and evaluates the instant again.
      if (thrown instanceof LeaseLostError) throw thrown;
      const error = coerceError(thrown);
      metrics.increment(METRICS.tickFailures);
      await storage.updateTick(tick.tickId, { status: "FAILURE", error: error.message }, fence);
    }
  }
}

/** Runs async jobs with at most `limit` in flight. */
export async function runPool(jobs: (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const job = jobs[next]!;
      next += 1;
      await job();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
}

/** Runs `fn` with an AbortSignal that fires after `ms`, rejecting with a timeout error then. */
export async function withTimeout<T>(fn: (signal: AbortSignal) => Promise<T>, ms: number, what: string): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`${what} timed out after ${ms} ms`);
      controller.abort(error);
      reject(error);
    }, ms);
  });
  try {
    return await Promise.race([fn(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
