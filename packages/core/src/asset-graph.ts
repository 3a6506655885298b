/**
 * The plain-data view of asset definitions: what selection, planning, the code-location
 * snapshot and the UI work on. It holds no functions, so it can cross process boundaries.
 */

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
    };

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
        const list = this.downstream.get(dep);
        if (list) list.push(asset.key);
        else this.downstream.set(dep, [asset.key]);
      }
    }
  }

  get(key: string): AssetNodeSnapshot | undefined {
    return this.nodes.get(key);
  }

  upstreamOf(key: string): readonly string[] {
    return this.nodes.get(key)?.deps ?? [];
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
