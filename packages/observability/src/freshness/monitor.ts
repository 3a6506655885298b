/**
 * The freshness monitor the daemon runs: evaluates every asset that has a freshness policy from
 * the materialization index, stores each verdict (`Storage.putFreshnessState`, whose `since`
 * gives the asset page "stale since"), hands STALE and back-to-FRESH transitions to the alert
 * engine, and also turns failed runs into `run_failure` signals. It wakes at the earliest
 * `warnAt`/`freshUntil` of any asset, after run changes (`watchRuns`), and at least every
 * `maxSleepMs`.
 */
import { coerceError, type AssetNodeSnapshot } from "@flyt/core";
import type { AssetFreshnessState, RunWatch, Storage } from "@flyt/storage";
import type { AlertSignal } from "../alerts/types.js";
import { evaluateFreshness } from "./evaluate.js";
import { partitionClock } from "./partitions.js";

export type FreshnessMonitorStorage = Pick<
  Storage,
  "getLatestMaterializations" | "getPartitionMaterializations" | "putFreshnessState" | "watchRuns" | "getRun"
>;

export interface MonitoredAsset {
  node: AssetNodeSnapshot;
  location: string;
}

export interface FreshnessTransition {
  assetKey: string;
  location: string;
  from: AssetFreshnessState["state"] | null;
  to: AssetFreshnessState;
}

export interface FreshnessMonitorOptions {
  storage: FreshnessMonitorStorage;
  /** The assets to judge (those without a policy are ignored), re-read on every pass. */
  assets: () => Promise<MonitoredAsset[]> | MonitoredAsset[];
  /** Where alert signals go (the AlertEngine's notify). */
  notify?: (signal: AlertSignal) => void;
  now?: () => number;
  /** Longest sleep between passes. Default 60 s. */
  maxSleepMs?: number;
  /** Passes run only while this says so (the daemon's leadership). Default always. */
  isActive?: () => boolean;
  onTransition?: (transition: FreshnessTransition) => void;
  log?: (line: string) => void;
}

export interface FreshnessPassResult {
  evaluated: number;
  transitions: FreshnessTransition[];
  /** Epoch ms of the earliest upcoming warnAt / freshUntil, or null. */
  nextChangeAt: number | null;
}

export class FreshnessMonitor {
  private readonly now: () => number;
  private readonly maxSleepMs: number;
  private timer: NodeJS.Timeout | null = null;
  private watch: RunWatch | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;

  constructor(private readonly options: FreshnessMonitorOptions) {
    this.now = options.now ?? Date.now;
    this.maxSleepMs = options.maxSleepMs ?? 60_000;
  }

  /** One evaluation of every asset with a policy. */
  async pass(): Promise<FreshnessPassResult> {
    const { storage } = this.options;
    const assets = (await this.options.assets()).filter((a) => a.node.freshnessPolicy);
    const now = this.now();
    const latest = new Map((await storage.getLatestMaterializations(assets.map((a) => a.node.key))).map((e) => [e.assetKey, e]));
    const transitions: FreshnessTransition[] = [];
    let nextChangeAt: number | null = null;
    for (const { node, location } of assets) {
      const policy = node.freshnessPolicy ?? null;
      const clock = policy?.partitions === "latest" ? partitionClock(node.partitions) : null;
      let partitionMaterializedAt: Map<string, number> | undefined;
      if (clock) {
        partitionMaterializedAt = new Map();
        for (const e of await storage.getPartitionMaterializations(node.key)) if (e.partition !== null) partitionMaterializedAt.set(e.partition, e.timestamp);
      }
      // The index keeps the newest entry per partition; the newest of them is the asset's latest.
      let last = latest.get(node.key)?.timestamp ?? null;
      if (partitionMaterializedAt) for (const t of partitionMaterializedAt.values()) last = last === null ? t : Math.max(last, t);
      const verdict = evaluateFreshness({
        policy,
        lastMaterializedAt: last,
        ...(partitionMaterializedAt ? { partitionMaterializedAt, partitionClock: clock } : {}),
        now,
      });
      for (const at of [verdict.warnAt, verdict.freshUntil]) {
        if (at !== null && at > now && (nextChangeAt === null || at < nextChangeAt)) nextChangeAt = at;
      }
      const state: AssetFreshnessState = {
        assetKey: node.key,
        state: verdict.state,
        since: verdict.state === "STALE" && verdict.staleSince !== null ? verdict.staleSince : now,
        staleSince: verdict.staleSince,
        freshUntil: verdict.freshUntil,
        warnAt: verdict.warnAt,
        partition: verdict.partition,
        reason: verdict.reason,
        evaluatedAt: now,
      };
      const previous = await storage.putFreshnessState(state);
      if (previous?.state === state.state) continue;
      const transition: FreshnessTransition = { assetKey: node.key, location, from: previous?.state ?? null, to: state };
      transitions.push(transition);
      this.options.onTransition?.(transition);
      if (state.state === "STALE" || (state.state === "FRESH" && previous !== null)) {
        this.options.notify?.({ kind: "freshness", assetKey: node.key, location, state: state.state, staleSince: state.staleSince, reason: state.reason, at: now });
      }
    }
    return { evaluated: assets.length, transitions, nextChangeAt };
  }

  /** Starts passing on a timer and after run changes; failed runs become run_failure signals. */
  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    this.watch = await this.options.storage.watchRuns(
      (change) => {
        if (change.status === "FAILURE") void this.runFailed(change.runId);
        if (change.status === "SUCCESS" || change.status === "FAILURE") this.wake();
      },
      // Materializations may have landed while the watch was down: judge again now.
      { onMissed: () => this.wake() },
    );
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.watch?.close();
    this.watch = null;
    await this.running;
  }

  /** Runs a pass now (or right after the current one). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.running = this.loopOnce().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }

  private async loopOnce(): Promise<void> {
    let sleep = this.maxSleepMs;
    if (this.options.isActive?.() ?? true) {
      try {
        const result = await this.pass();
        if (result.nextChangeAt !== null) sleep = Math.min(sleep, Math.max(10, result.nextChangeAt - this.now() + 5));
      } catch (error) {
        this.options.log?.(`freshness pass failed: ${coerceError(error).message}`);
      }
    }
    if (!this.stopped && !this.again) this.timer = setTimeout(() => this.wake(), sleep);
  }

  private async runFailed(runId: string): Promise<void> {
    if (!this.options.notify || !(this.options.isActive?.() ?? true)) return;
    try {
      const run = await this.options.storage.getRun(runId);
      if (run === null) return;
      this.options.notify({
        kind: "run_failure",
        runId,
        location: run.location,
        tags: run.tags,
        assetKeys: run.assetKeys,
        message: `run ${runId} failed`,
        at: this.now(),
      });
    } catch (error) {
      this.options.log?.(`could not read failed run ${runId}: ${coerceError(error).message}`);
    }
  }
}
