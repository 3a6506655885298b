/**
 * The run queue: launches QUEUED runs as soon as limits allow. It wakes on run changes (LISTEN/
 * NOTIFY on PostgreSQL, the in-process signal on SQLite) and on a slow safety poll. Each pass
 * counts the active runs, walks the queued runs by priority then age, and claims every run that
 * fits (a run blocked by a limit never holds up a run behind it that fits). Claiming is the
 * storage's compare-and-set QUEUED → STARTING (one batch per pass), so two daemons never launch
 * the same run. With `trackChanges` (the daemon), the queued and active sets stay in memory
 * between passes: run-change notifications mark runs to re-read (one `getRuns` per pass) or drop
 * finished ones, and a full re-list every `fullRefreshMs` repairs anything a lost notification
 * left stale. Without it, every pass re-lists both sets.
 *
 * Pipelining: `dispatch()` picks runs and starts their claim and launch without waiting for them;
 * the picked runs count against every limit while their claim is in flight, so the next pass
 * (woken by the next run end) can claim the slot that run freed at once. `pass()` is dispatch
 * plus waiting for its own claims and launches.
 */
import { coerceError, type RunRecord, type RunStatus } from "@flyt/core";
import type { RunHandle } from "@flyt/contracts";
import type { RunChange, Storage } from "@flyt/storage";
import type { Clock } from "./clock.js";
import { fenced, type FenceSource } from "./instigators.js";
import type { LaunchResolver } from "./launch-resolver.js";
import { METRICS, type MetricRegistry } from "./metrics.js";

/** Tag holding an integer priority: higher launches first (default 0). */
export const PRIORITY_TAG = "flyt/priority";

/** A limit on runs carrying a tag: with `value`, runs where key=value; else per unique value of key (`perUniqueValue`) or any run with the key. */
export interface TagConcurrencyLimit {
  key: string;
  value?: string;
  perUniqueValue?: boolean;
  limit: number;
}

export interface QueueLimits {
  /** Runs in STARTING/STARTED/CANCELING at once, across everything; null for no limit. */
  maxConcurrentRuns: number | null;
  /** Per code location name. */
  perLocation?: Readonly<Record<string, number>>;
  tagLimits?: readonly TagConcurrencyLimit[];
}

export const ACTIVE_STATUSES: readonly RunStatus[] = ["STARTING", "STARTED", "CANCELING"];
/** Runs scanned per pass at most (oldest first within priority is approximated page-wise beyond this). */
const MAX_SCAN = 10_000;
const PAGE = 1000;
const DEFAULT_FULL_REFRESH_MS = 5_000;
/** Runs marked for re-reading past which the next pass re-lists everything instead. */
const MAX_DIRTY = 10_000;

/** Validates limits, naming the one at fault. */
export function validateQueueLimits(limits: QueueLimits): QueueLimits {
  const check = (what: string, n: unknown): void => {
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0) throw new RangeError(`${what} must be a non-negative integer, got ${String(n)}`);
  };
  if (limits.maxConcurrentRuns !== null) check("maxConcurrentRuns", limits.maxConcurrentRuns);
  for (const [location, n] of Object.entries(limits.perLocation ?? {})) check(`perLocation.${location}`, n);
  (limits.tagLimits ?? []).forEach((l, i) => {
    if (typeof l.key !== "string" || l.key === "") throw new RangeError(`tagLimits[${i}].key must be a non-empty string`);
    if (l.value !== undefined && l.perUniqueValue) throw new RangeError(`tagLimits[${i}] (${l.key}): give either value or perUniqueValue, not both`);
    check(`tagLimits[${i}].limit (${l.key})`, l.limit);
  });
  return limits;
}

/** Counts of active runs per limit bucket; `fits`/`add` apply one run. */
export class LimitCounter {
  private total = 0;
  private readonly byLocation = new Map<string, number>();
  private readonly byBucket = new Map<string, number>();

  constructor(private readonly limits: QueueLimits) {}

  private buckets(run: Pick<RunRecord, "tags">): { bucket: string; limit: number }[] {
    const out: { bucket: string; limit: number }[] = [];
    (this.limits.tagLimits ?? []).forEach((l, i) => {
      const value = run.tags[l.key];
      if (value === undefined) return;
      if (l.value !== undefined) {
        if (value === l.value) out.push({ bucket: `${i}`, limit: l.limit });
      } else if (l.perUniqueValue) out.push({ bucket: `${i}\u0000${value}`, limit: l.limit });
      else out.push({ bucket: `${i}`, limit: l.limit });
    });
    return out;
  }

  /** Null when the run fits; otherwise which limit blocks it. */
  blockedBy(run: Pick<RunRecord, "tags" | "location">): string | null {
    if (this.limits.maxConcurrentRuns !== null && this.total >= this.limits.maxConcurrentRuns) return "maxConcurrentRuns";
    const locationLimit = this.limits.perLocation?.[run.location];
    if (locationLimit !== undefined && (this.byLocation.get(run.location) ?? 0) >= locationLimit) return `location ${run.location}`;
    for (const { bucket, limit } of this.buckets(run)) {
      if ((this.byBucket.get(bucket) ?? 0) >= limit) return `tag limit ${bucket.replace("\u0000", "=")}`;
    }
    return null;
  }

  add(run: Pick<RunRecord, "tags" | "location">): void {
    this.total += 1;
    this.byLocation.set(run.location, (this.byLocation.get(run.location) ?? 0) + 1);
    for (const { bucket } of this.buckets(run)) this.byBucket.set(bucket, (this.byBucket.get(bucket) ?? 0) + 1);
  }

  get active(): number {
    return this.total;
  }
}

/** Priority first (higher first), then oldest first. */
export function queueOrder(a: RunRecord, b: RunRecord): number {
  const pa = priorityOf(a);
  const pb = priorityOf(b);
  if (pa !== pb) return pb - pa;
  if (a.createdAt !== b.createdAt) return a.createdAt - b.createdAt;
  return a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0;
}

function priorityOf(run: RunRecord): number {
  const raw = run.tags[PRIORITY_TAG];
  const n = raw === undefined ? 0 : Number(raw);
  return Number.isFinite(n) ? n : 0;
}

export async function listRunsWithStatus(storage: Storage, statuses: RunStatus[], max = MAX_SCAN): Promise<RunRecord[]> {
  const out: RunRecord[] = [];
  let cursor: string | null = null;
  do {
    const page = await storage.listRuns({ statuses }, { limit: PAGE, cursor });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null && out.length < max);
  return out;
}

export interface RunQueueOptions {
  storage: Storage;
  resolver: LaunchResolver;
  limits: QueueLimits;
  metrics: MetricRegistry;
  clock: Clock;
  /** Keep the queued/active sets in memory, fed by `noteChange` (the daemon's run watch). */
  trackChanges?: boolean;
  /** With trackChanges: longest time between full re-lists. Default 5 s. */
  fullRefreshMs?: number;
  /** Extra fields for each LaunchRequest (parallelism, environment…). */
  launchOptions?: { parallelism?: number; environment?: NodeJS.ProcessEnv };
  /** The leader's fence: a deposed leader's claims are refused, so it launches nothing. */
  fence?: FenceSource;
  /**
   * Launch only the queued runs this accepts (`flyt backfill` driving its own backfill launches
   * only that backfill's runs; others wait for a daemon). Others still count against the limits
   * once active. Default: every run.
   */
  accept?: (run: RunRecord) => boolean;
  onError: (error: Error) => void;
}

export class RunQueue {
  /** Runs this process launched and that have not finished. */
  readonly handles = new Map<string, RunHandle>();
  /** Called when a launched run finishes, or a claim left runs to re-read (the daemon wakes the queue). */
  onRunFinished: () => void = () => undefined;

  private queued = new Map<string, RunRecord>();
  private active = new Map<string, RunRecord>();
  /** Runs to re-read before the next dispatch (a notification said they changed). */
  private readonly dirty = new Set<string>();
  /** Runs that finished while a read or claim was in flight: its (older) answer must not revive them. */
  private readonly endedDuringRead = new Set<string>();
  /** Picked runs whose claim has not answered: they count as active and are not queued. */
  private readonly claiming = new Map<string, RunRecord>();
  /** Claims and launches started by dispatch() and not settled. */
  private readonly inFlight = new Set<Promise<RunRecord[]>>();
  /** Runs claimed while a read was in flight (the read may predate the claim). */
  private readonly claimedDuringRead = new Map<string, RunRecord>();
  private readsInFlight = 0;
  private fullReadInFlight = false;
  /**
   * The queued runs in launch order, kept between passes: only an added run re-sorts it; runs
   * that left the queue are skipped (and swept out once they are half of it), so a drain of 1,000
   * runs through 10 slots sorts once instead of sorting 1,000 runs for every freed slot.
   */
  private order: RunRecord[] | null = null;
  private lastFullRefresh: number | null = null;
  private needFullRefresh = true;

  constructor(private readonly options: RunQueueOptions) {
    validateQueueLimits(options.limits);
  }

  /** A run was created or changed status (from the storage's run watch). */
  noteChange(change: RunChange): void {
    if (!this.options.trackChanges) return;
    const { runId, status } = change;
    if (status !== "QUEUED" && !ACTIVE_STATUSES.includes(status)) {
      this.queued.delete(runId);
      this.active.delete(runId);
      this.dirty.delete(runId);
      this.endedDuringRead.add(runId);
      return;
    }
    // Our own claim in flight: its answer sets the run active.
    if (this.claiming.has(runId)) return;
    const known = this.active.get(runId) ?? this.queued.get(runId);
    if (known?.status === status) return;
    // A created run that came with its record: queue it without a read. While a full re-list is
    // in flight its answer replaces the sets, so the run is re-read after it instead (a partial
    // read touches only the runs it reads).
    if (known === undefined && status === "QUEUED" && change.run !== undefined && !this.fullReadInFlight && !this.endedDuringRead.has(runId)) {
      this.queued.set(runId, change.run);
      this.order = null;
      return;
    }
    if (known !== undefined && ACTIVE_STATUSES.includes(status)) {
      this.queued.delete(runId);
      this.active.set(runId, { ...known, status });
      return;
    }
    this.dirty.add(runId);
    // A standby hears every change but never dispatches: past a bound, a full re-list is cheaper.
    if (this.dirty.size > MAX_DIRTY) {
      this.dirty.clear();
      this.needFullRefresh = true;
    }
  }

  /** Forget the in-memory sets (after a change of leader): the next pass re-lists. */
  reset(): void {
    this.needFullRefresh = true;
  }

  private async refresh(): Promise<void> {
    const now = Date.now();
    const full =
      !this.options.trackChanges ||
      this.needFullRefresh ||
      this.lastFullRefresh === null ||
      now - this.lastFullRefresh >= (this.options.fullRefreshMs ?? DEFAULT_FULL_REFRESH_MS);
    // Ended runs never come back, so the set only needs emptying when nothing could be stale.
    if (this.claiming.size === 0) this.endedDuringRead.clear();
    this.readsInFlight += 1;
    try {
      await this.read(full, now);
    } finally {
      this.readsInFlight -= 1;
    }
    // A claim answered during the read: its run is active whatever the read said.
    for (const [id, run] of this.claimedDuringRead) {
      this.queued.delete(id);
      if (!this.endedDuringRead.has(id)) this.active.set(id, run);
    }
    if (this.readsInFlight === 0) this.claimedDuringRead.clear();
    for (const id of this.claiming.keys()) this.queued.delete(id);
  }

  private async read(full: boolean, now: number): Promise<void> {
    const { storage } = this.options;
    if (full) {
      this.needFullRefresh = false;
      this.dirty.clear();
      this.fullReadInFlight = true;
      let queued: RunRecord[];
      let active: RunRecord[];
      try {
        [queued, active] = await Promise.all([listRunsWithStatus(storage, ["QUEUED"]), listRunsWithStatus(storage, [...ACTIVE_STATUSES])]);
      } finally {
        this.fullReadInFlight = false;
      }
      this.queued = new Map(queued.filter((r) => !this.endedDuringRead.has(r.runId)).map((r) => [r.runId, r]));
      this.order = null;
      this.active = new Map(active.filter((r) => !this.endedDuringRead.has(r.runId)).map((r) => [r.runId, r]));
      this.lastFullRefresh = now;
      return;
    }
    if (this.dirty.size === 0) return;
    const ids = [...this.dirty];
    this.dirty.clear();
    const runs = await storage.getRuns(ids);
    for (const id of ids) {
      this.queued.delete(id);
      this.active.delete(id);
    }
    for (const run of runs) {
      if (this.endedDuringRead.has(run.runId)) continue;
      if (run.status === "QUEUED") {
        this.queued.set(run.runId, run);
        this.order = null;
      }
      else if (ACTIVE_STATUSES.includes(run.status)) this.active.set(run.runId, run);
    }
  }

  /** One dispatch pass; returns the runs launched, once their launches have started. */
  async pass(): Promise<RunRecord[]> {
    return (await this.dispatch()).launched;
  }

  /**
   * Picks every queued run that fits and starts claiming and launching them without waiting:
   * resolves once the pick is made, with how many runs were picked and a promise of the runs
   * claimed and launched. The daemon's loop calls this, so a slot freed while an earlier claim is
   * in flight is filled by the next pass, not after that claim settles.
   */
  async dispatch(): Promise<{ picked: number; launched: Promise<RunRecord[]> }> {
    const { limits, metrics } = this.options;
    await this.refresh();
    const counter = new LimitCounter(limits);
    for (const run of this.active.values()) if (!this.claiming.has(run.runId)) counter.add(run);
    for (const run of this.claiming.values()) counter.add(run);
    metrics.setGauge(METRICS.queued, this.queued.size);
    const chosen: RunRecord[] = [];
    const order = (this.order ??= [...this.queued.values()].sort(queueOrder));
    let stale = 0;
    for (const run of order) {
      if (this.queued.get(run.runId) !== run) {
        stale += 1;
        continue;
      }
      if (limits.maxConcurrentRuns !== null && counter.active >= limits.maxConcurrentRuns) break;
      if (this.options.accept !== undefined && !this.options.accept(run)) continue;
      if (counter.blockedBy(run) !== null) continue;
      counter.add(run);
      chosen.push(run);
    }
    metrics.setGauge(METRICS.running, counter.active);
    if (chosen.length === 0) return { picked: 0, launched: Promise.resolve([]) };
    for (const run of chosen) {
      this.queued.delete(run.runId);
      this.claiming.set(run.runId, run);
    }
    if ((stale + chosen.length) * 2 > order.length) this.order = order.filter((run) => this.queued.get(run.runId) === run);
    const launched = this.claimAndLaunch(chosen);
    this.inFlight.add(launched);
    void launched.finally(() => this.inFlight.delete(launched));
    return { picked: chosen.length, launched };
  }

  /** Waits for every claim and launch dispatch() started (stopping). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async claimAndLaunch(chosen: RunRecord[]): Promise<RunRecord[]> {
    const { storage, metrics } = this.options;
    let claimed: RunRecord[];
    try {
      claimed = await storage.claimQueuedRuns(
        chosen.map((r) => r.runId),
        fenced(this.options.fence),
      );
    } catch (thrown) {
      // Unknown outcome: re-read the runs (the safety poll retries; no wake, so no hot loop).
      for (const run of chosen) {
        this.claiming.delete(run.runId);
        this.dirty.add(run.runId);
      }
      this.options.onError(coerceError(thrown));
      return [];
    }
    const claimedIds = new Set(claimed.map((r) => r.runId));
    let unclaimed = 0;
    for (const run of chosen) {
      this.claiming.delete(run.runId);
      // Not claimed: canceled, or another daemon took it; re-read it rather than guess.
      if (!claimedIds.has(run.runId)) {
        this.dirty.add(run.runId);
        unclaimed += 1;
      }
    }
    for (const run of claimed) {
      if (!this.endedDuringRead.has(run.runId)) this.active.set(run.runId, run);
      if (this.readsInFlight > 0) this.claimedDuringRead.set(run.runId, run);
      metrics.observe(METRICS.dispatchLagMs, Math.max(0, this.options.clock.now() - run.createdAt));
      metrics.increment(METRICS.launched);
    }
    await Promise.all(claimed.map((run) => this.launch(run)));
    metrics.setGauge(METRICS.running, this.active.size + this.claiming.size);
    if (unclaimed > 0) this.onRunFinished();
    return claimed;
  }

  /**
   * Launches runs an earlier leader claimed and never got started (storage's `reclaimStartingRuns`
   * re-claimed them for this leader): they count as active from now, and their launchers follow a
   * worker the earlier launch did start rather than starting a second.
   */
  async relaunch(runs: readonly RunRecord[]): Promise<void> {
    for (const run of runs) {
      this.queued.delete(run.runId);
      if (!this.endedDuringRead.has(run.runId)) this.active.set(run.runId, run);
      this.options.metrics.increment(METRICS.relaunched);
    }
    await Promise.all(runs.map((run) => this.launch(run, true)));
  }

  private async launch(run: RunRecord, relaunch = false): Promise<void> {
    const { storage } = this.options;
    try {
      const target = await this.options.resolver.resolve(run);
      const handle = target.launcher.launch({
        run,
        ...(relaunch ? { relaunch } : {}),
        ...(target.definitionsFile === undefined ? {} : { definitionsFile: target.definitionsFile }),
        storage,
        ...(this.options.launchOptions?.parallelism === undefined ? {} : { parallelism: this.options.launchOptions.parallelism }),
        ...(this.options.launchOptions?.environment === undefined ? {} : { environment: this.options.launchOptions.environment }),
      });
      this.handles.set(run.runId, handle);
      void handle.done
        .catch((error: unknown) => this.options.onError(coerceError(error)))
        .finally(() => {
          this.handles.delete(run.runId);
          // Without a cross-process change feed (SQLite) a worker in another process sends no
          // signal here: re-read the run. With one (PostgreSQL) its end arrives as a notification
          // (a stale entry only holds a slot until then, or the next full re-list): no read per run.
          if (this.options.trackChanges && !storage.capabilities.crossProcessChangeFeed && this.active.has(run.runId)) this.dirty.add(run.runId);
          this.onRunFinished();
        });
    } catch (thrown) {
      const error = coerceError(thrown);
      this.options.onError(error);
      // The run was claimed: end it, or it would sit in STARTING until the monitor's timeout.
      await storage
        .appendEvents([
          {
            runId: run.runId,
            seq: null,
            timestamp: Date.now(),
            stepKey: null,
            body: { type: "RUN_FAILURE", message: `The daemon could not launch the run: ${error.message}` },
          },
        ])
        .catch((e: unknown) => this.options.onError(coerceError(e)));
    }
  }
}
