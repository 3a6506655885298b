/**
 * Collapse by group: turns the asset graph into the graph that is drawn, where every collapsed
 * group is one node (asset count, status counts, one aggregated status) and edges between groups
 * are deduplicated. Linear in assets + edges, so toggling stays instant at 10,000 assets; the
 * (much smaller) result is laid out by the same worker as the full graph.
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
  /** Display node index of asset i. */
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

export function displayGraph(assets: readonly AssetNode[], edges: Int32Array, collapsed: boolean, expanded: ReadonlySet<string>): DisplayGraph {
  const nodes: DisplayNode[] = [];
  const of = new Int32Array(assets.length);
  const groupIndex = new Map<string, number>();
  assets.forEach((a, i) => {
    if (!collapsed || expanded.has(a.group)) {
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
  if (!collapsed) return { nodes, of, edges };
  const seen = new Set<number>();
  const pairs: number[] = [];
  for (let e = 0; e < edges.length; e += 2) {
    const a = of[edges[e]!]!, b = of[edges[e + 1]!]!;
    if (a === b) continue;
    const id = a * nodes.length + b;
    if (seen.has(id)) continue;
    seen.add(id);
    pairs.push(a, b);
  }
  return { nodes, of, edges: Int32Array.from(pairs) };
}
