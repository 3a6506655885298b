/**
 * Collapse by group: turns the asset graph into the graph that is drawn, where every collapsed
 * group is one node (asset count, status counts, one aggregated status) and edges between groups
 * are deduplicated. Linear in assets + edges, so toggling stays instant at 10,000 assets; the
 * (much smaller) result is laid out by the worker (layout.ts). Also which groups the first view
 * collapses: the largest, until what is left open can be read.
 */
import type { AssetStatus } from "../../api.js";

export interface AssetNode {
  key: string;
  group: string;
  status: AssetStatus;
  /** FRESH / WARN / STALE / UNKNOWN from the asset's freshness policy; null without a policy. */
  freshness: string | null;
  /** SYNCED / UNSYNCED / NEVER_MATERIALIZED (docs/staleness.md). */
  sync: { state: string };
}

export type StatusCounts = Record<AssetStatus, number>;

export type DisplayNode =
  | { kind: "asset"; asset: number; key: string; group: string; status: AssetStatus; freshness: string | null; unsynced: boolean }
  /** `unsynced`: how many of the group's assets are. */
  | { kind: "group"; key: string; group: string; count: number; counts: StatusCounts; status: AssetStatus; unsynced: number };

export interface DisplayGraph {
  nodes: DisplayNode[];
  /** Display node index of asset i (-1 when the asset is not drawn: outside focus mode's neighbourhood). */
  of: Int32Array;
  /** Pairs of display node indexes (from upstream, to downstream), without duplicates or self loops. */
  edges: Int32Array;
}

/** Worst first: a group is red if any asset failed, then blue if one is running, grey if any was never materialized. */
const SEVERITY: AssetStatus[] = ["FAILED", "IN_PROGRESS", "NEVER_MATERIALIZED", "MATERIALIZED"];

export function aggregateStatus(counts: StatusCounts): AssetStatus {
  return SEVERITY.find((s) => counts[s] > 0) ?? "NEVER_MATERIALIZED";
}

/** The key of a group's node in the drawn graph (never clashes with an asset key, which has no colon prefix like this). */
export const groupNodeKey = (group: string): string => `group:${group}`;

/**
 * The drawn graph: assets of collapsed groups become one node per group; `only` restricts it to
 * some assets (focus mode), each drawn on its own.
 */
export function displayGraph(assets: readonly AssetNode[], edges: Int32Array, collapsed: (group: string) => boolean, only: ReadonlySet<number> | null = null): DisplayGraph {
  const nodes: DisplayNode[] = [];
  const of = new Int32Array(assets.length).fill(-1);
  const groupIndex = new Map<string, number>();
  assets.forEach((a, i) => {
    if (only !== null && !only.has(i)) return;
    if (only !== null || !collapsed(a.group)) {
      of[i] = nodes.length;
      nodes.push({ kind: "asset", asset: i, key: a.key, group: a.group, status: a.status, freshness: a.freshness, unsynced: a.sync.state === "UNSYNCED" });
      return;
    }
    let g = groupIndex.get(a.group);
    if (g === undefined) {
      g = nodes.length;
      groupIndex.set(a.group, g);
      nodes.push({ kind: "group", key: groupNodeKey(a.group), group: a.group, count: 0, counts: { FAILED: 0, IN_PROGRESS: 0, MATERIALIZED: 0, NEVER_MATERIALIZED: 0 }, status: "NEVER_MATERIALIZED", unsynced: 0 });
    }
    const node = nodes[g]!;
    if (node.kind === "group") {
      node.count++;
      node.counts[a.status]++;
      if (a.sync.state === "UNSYNCED") node.unsynced++;
    }
    of[i] = g;
  });
  for (const node of nodes) if (node.kind === "group") node.status = aggregateStatus(node.counts);
  const seen = new Set<number>();
  const pairs: number[] = [];
  for (let e = 0; e < edges.length; e += 2) {
    const a = of[edges[e]!]!, b = of[edges[e + 1]!]!;
    if (a < 0 || b < 0 || a === b) continue;
    const id = a * nodes.length + b;
    if (seen.has(id)) continue;
    seen.add(id);
    pairs.push(a, b);
  }
  return { nodes, of, edges: Int32Array.from(pairs) };
}

/** How many assets the first view draws one by one at most; beyond that groups start collapsed. */
export const OPEN_ASSETS_LIMIT = 300;
/** A group this small stays open in a large graph's first view (as long as the open ones stay under the limit). */
export const SMALL_GROUP = 12;

/**
 * The groups the first view collapses: none while the graph is small; in a large one every group
 * but the small ones (or every group, if even those add up to too many), so that 10,000 assets in
 * 30 groups open as 30 labelled boxes of one size that fit the screen together, rather than a few
 * huge open groups dwarfing the rest.
 */
export function autoCollapsed(assets: readonly { group: string }[]): Set<string> {
  if (assets.length <= OPEN_ASSETS_LIMIT) return new Set();
  const sizes = new Map<string, number>();
  for (const a of assets) sizes.set(a.group, (sizes.get(a.group) ?? 0) + 1);
  const small = [...sizes].filter(([, size]) => size <= SMALL_GROUP);
  const open = small.reduce((sum, [, size]) => sum + size, 0);
  const keep = open <= OPEN_ASSETS_LIMIT ? new Set(small.map(([group]) => group)) : new Set<string>();
  return new Set([...sizes.keys()].filter((g) => !keep.has(g)));
}
