/**
 * The plain-data view of asset definitions: what selection, planning, the code-location
 * snapshot and the UI work on. It holds no functions, so it can cross process boundaries.
 */
import type { AutomationConditionSnapshot } from "./automation.js";

export type PartitionsSnapshot =
  | { kind: "static"; keys: string[] }
  | {
      kind: "time-window";
      cadence: "hourly" | "daily" | "monthly" | "yearly";
      /** ISO date or date-time of the first partition's start, in `timezone`. */
      start: string;
      /** Exclusive end, or null for "up to the last complete window". */
      end: string | null;
      timezone: string;
      /** Luxon format of partition keys, e.g. `yyyy` for yearly, `yyyy-MM-dd` for daily. */
      format: string;
    }
  /** Keys added and removed at run time (sensors, assets, the API, the CLI); they live in storage under `name`. */
  | { kind: "dynamic"; name: string };

/**
 * How the partitions of a downstream asset read the partitions of one upstream dependency
 * (docs/partitions.md#mappings). Offsets count upstream windows.
 * - `identity`: partition k reads upstream partition k (same keys).
 * - `time-window`: the downstream window reads the upstream windows that overlap it, with the
 *   start shifted by `startOffset` and the end by `endOffset` windows (daily → monthly rolls up
 *   the month's days; monthly → daily reads the containing month; `-1/-1` is the previous
 *   partition; `-6/0` a rolling 7-day window).
 * - `all`: every upstream partition (an unpartitioned asset reading a partitioned one).
 * - `static`: downstream key → upstream keys, listed (a function in the SDK is evaluated at load).
 */
export type PartitionMappingSnapshot =
  | { kind: "identity" }
  | { kind: "time-window"; startOffset: number; endOffset: number }
  | { kind: "all" }
  | { kind: "static"; upstreamKeysByDownstreamKey: Record<string, string[]> };

/**
 * How a backfill groups an asset's partitions into runs: `multi-run` launches one run per at most
 * `maxPartitionsPerRun` partitions (1: one run per partition, the default); `single-run` launches
 * one run over the whole range. A run over more than one partition gives the compute the range
 * (`ctx.partitionKeys`, `ctx.partitionKeyRange`, `ctx.partitionTimeWindow`).
 */
export type BackfillPolicySnapshot = { kind: "multi-run"; maxPartitionsPerRun: number } | { kind: "single-run" };

export interface RetryPolicySnapshot {
  maxRetries: number;
  delayMs: number;
  backoff: "constant" | "linear" | "exponential";
  /** Upper bound on any single delay. */
  maxDelayMs: number | null;
}

/**
 * A freshness policy as plain data (docs/freshness.md). `time-window`: the asset must have been
 * materialized within `maximumLagMinutes`; `cron`: at every cron instant (the deadline) its data
 * must be no older than `maximumLagMinutes`. `partitions: "latest"` judges the latest complete
 * partition of a time-window partitioned asset instead of any materialization.
 */
export type FreshnessPolicySnapshot =
  | {
      kind: "time-window";
      maximumLagMinutes: number;
      /** WARN once the lag exceeds this (must be below maximumLagMinutes); null: no warning stage. */
      warnAfterMinutes: number | null;
      partitions: "any" | "latest";
    }
  | {
      kind: "cron";
      cron: string;
      timezone: string;
      maximumLagMinutes: number;
      /** WARN this many minutes before a deadline the current data will miss; null: no warning stage. */
      warnBeforeMinutes: number | null;
      partitions: "any" | "latest";
    };

/** An asset check as plain data; the evaluate function stays in the code location. */
export interface AssetCheckSnapshot {
  name: string;
  severity: "warn" | "error";
  /** A failing blocking check skips the asset's downstream steps in the same run. */
  blocking: boolean;
  description: string | null;
}

export interface AssetNodeSnapshot {
  /** Printed key, e.g. `atlas/ssb/population_08764`. */
  key: string;
  /** Printed keys of upstream assets. */
  deps: string[];
  description: string | null;
  group: string;
  owners: string[];
  tags: Record<string, string>;
  kinds: string[];
  codeVersion: string | null;
  partitions: PartitionsSnapshot | null;
  retryPolicy: RetryPolicySnapshot | null;
  /** Key of the step that computes this asset: the asset key itself, or the multi-asset's name. */
  stepKey: string;
  metadata: Record<string, unknown>;
  /** Absent on snapshots made before freshness policies existed: treat as null. */
  freshnessPolicy?: FreshnessPolicySnapshot | null;
  /** Checks attached to this asset; absent means none. */
  checks?: AssetCheckSnapshot[];
  /**
   * Partition mappings declared on dependencies, by printed dep key; absent entries use the
   * default (`defaultPartitionMapping` in @flyt/partitions). Absent on older snapshots: none declared.
   */
  partitionMappings?: Record<string, PartitionMappingSnapshot>;
  /** Absent or null: multi-run, one partition per run. */
  backfillPolicy?: BackfillPolicySnapshot | null;
  /** Declarative automation (docs/automation.md); absent or null: none. */
  automationCondition?: AutomationConditionSnapshot | null;
}

/** Read-only graph over asset snapshots with up/downstream adjacency, built once per definitions load. */
export class AssetGraph {
  readonly nodes: ReadonlyMap<string, AssetNodeSnapshot>;
  private readonly downstream = new Map<string, string[]>();

  constructor(assets: Iterable<AssetNodeSnapshot>) {
    const nodes = new Map<string, AssetNodeSnapshot>();
    for (const asset of assets) nodes.set(asset.key, asset);
    this.nodes = nodes;
    for (const asset of nodes.values()) {
      for (const dep of asset.deps) {
        // A partitioned asset may read its own earlier partitions (deps names itself, with a
        // mapping to earlier partitions): data flows between partitions, not between assets, so
        // the graph's traversals and orders leave that edge out.
        if (dep === asset.key) continue;
        const list = this.downstream.get(dep);
        if (list) list.push(asset.key);
        else this.downstream.set(dep, [asset.key]);
      }
    }
  }

  get(key: string): AssetNodeSnapshot | undefined {
    return this.nodes.get(key);
  }

  /** The asset's upstream assets (not itself: see the constructor). */
  upstreamOf(key: string): readonly string[] {
    const deps = this.nodes.get(key)?.deps ?? [];
    return deps.includes(key) ? deps.filter((d) => d !== key) : deps;
  }

  downstreamOf(key: string): readonly string[] {
    return this.downstream.get(key) ?? [];
  }

  /** Keys in dependency order (upstream first); ties broken by key for determinism. Assumes no cycle. */
  topologicalOrder(keys?: Iterable<string>): string[] {
    const wanted = new Set(keys ?? this.nodes.keys());
    const indegree = new Map<string, number>();
    for (const key of wanted) {
      indegree.set(key, this.upstreamOf(key).filter((d) => wanted.has(d)).length);
    }
    const ready = [...wanted].filter((k) => indegree.get(k) === 0).sort();
    const order: string[] = [];
    while (ready.length > 0) {
      const key = ready.shift()!;
      order.push(key);
      for (const down of this.downstreamOf(key)) {
        if (!wanted.has(down)) continue;
        const left = indegree.get(down)! - 1;
        indegree.set(down, left);
        if (left === 0) {
          const at = ready.findIndex((k) => k > down);
          ready.splice(at === -1 ? ready.length : at, 0, down);
        }
      }
    }
    return order;
  }
}
