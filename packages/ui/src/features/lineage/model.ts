/**
 * The lineage's data model, built once per answer of the graph query: assets by index, edges as
 * index pairs, up- and downstream adjacency, and a signature of the structure (keys, groups,
 * edges) so that a status-only refresh (live updates) redraws without laying the graph out again.
 * Also the graph walks the view needs: the N-level neighbourhood of focus mode and text search.
 */
import type { AssetStatus } from "../../api.js";

export interface CheckState {
  passed: boolean | null;
  severity: string | null;
}

/** What the lineage knows of one asset (the graph query's node). */
export interface AssetInfo {
  key: string;
  group: string;
  location: string;
  status: AssetStatus;
  kinds: string[];
  partitioned: boolean;
  /** FRESH / WARN / STALE / UNKNOWN; null without a freshness policy. */
  freshness: string | null;
  sync: { state: string };
  lastMaterializedAt: number | null;
  checks: CheckState[];
}

export interface GraphModel {
  nodes: AssetInfo[];
  index: Map<string, number>;
  /** Pairs (upstream, downstream) of asset indexes; self-edges left out (the asset page lists them). */
  edges: Int32Array;
  up: number[][];
  down: number[][];
  /** Partition mapping labels of edges that do not map one-to-one, keyed `from\0to`. */
  mappingLabels: Map<string, string>;
  /** Equal for two answers with the same keys, groups and edges: the layout can be kept. */
  structure: string;
}

interface EdgeIn {
  from: string;
  to: string;
  partitionMapping?: { kind: string; description: string } | null;
}

export function buildModel(nodes: AssetInfo[], edgeList: readonly EdgeIn[]): GraphModel {
  const index = new Map(nodes.map((n, i) => [n.key, i]));
  const pairs: number[] = [];
  const mappingLabels = new Map<string, string>();
  for (const e of edgeList) {
    // "all" (an unpartitioned asset reading a partitioned one) is the obvious case: not labelled.
    const kind = e.partitionMapping?.kind;
    if (kind === "time-window" || kind === "static") mappingLabels.set(`${e.from}\u0000${e.to}`, e.partitionMapping!.description.split(":")[0]!);
    const a = index.get(e.from);
    const b = index.get(e.to);
    if (a !== undefined && b !== undefined && a !== b) pairs.push(a, b);
  }
  const edges = Int32Array.from(pairs);
  const up: number[][] = nodes.map(() => []);
  const down: number[][] = nodes.map(() => []);
  for (let i = 0; i < edges.length; i += 2) {
    down[edges[i]!]!.push(edges[i + 1]!);
    up[edges[i + 1]!]!.push(edges[i]!);
  }
  // A cheap fingerprint instead of the joined text (which would be megabytes at 10,000 assets).
  let h = 2166136261;
  const mix = (s: string) => {
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  };
  for (const n of nodes) {
    mix(n.key);
    mix(n.group);
  }
  for (let i = 0; i < edges.length; i++) h = Math.imul(h ^ edges[i]!, 16777619);
  return { nodes, index, edges, up, down, mappingLabels, structure: `${nodes.length}:${edges.length}:${h >>> 0}` };
}

/** The asset and everything up to `depth` levels up- and downstream of it (depth null: all levels). */
export function neighbourhood(model: GraphModel, start: number, depth: number | null): Set<number> {
  const out = new Set<number>([start]);
  for (const adjacency of [model.up, model.down]) {
    let frontier = [start];
    const seen = new Set<number>([start]);
    for (let level = 0; frontier.length > 0 && (depth === null || level < depth); level++) {
      const next: number[] = [];
      for (const v of frontier) {
        for (const w of adjacency[v]!) {
          if (seen.has(w)) continue;
          seen.add(w);
          out.add(w);
          next.push(w);
        }
      }
      frontier = next;
    }
  }
  return out;
}

/**
 * The multi-selection (the assets an operator picked to launch) with `keys` toggled together: all
 * of them leave it when all were in it, otherwise all join it. A collapsed group is toggled as its
 * assets, so shift-clicking its box twice puts it back as it was.
 */
export function togglePicked(picked: ReadonlySet<string>, keys: readonly string[]): Set<string> {
  const next = new Set(picked);
  const all = keys.length > 0 && keys.every((k) => next.has(k));
  for (const k of keys) {
    if (all) next.delete(k);
    else next.add(k);
  }
  return next;
}

/**
 * Whether the search box holds a selection expression (docs/selection.md) rather than plain text:
 * a `*`, a traversal `+`, a union `,` or an attribute term such as `group:`.
 */
export function isSelectionExpression(text: string): boolean {
  return /[*+,]|\b(group|tag|owner|kind):/.test(text);
}

/**
 * Plain-text search over asset keys: every word must occur in the key (case-insensitive; a space
 * also matches `_`, `/` and `-`, so "daily overview" finds `serving/daily_overview_json`). Keys
 * that contain the whole text come first, then the shorter keys.
 */
export function searchKeys(model: GraphModel, text: string): number[] {
  const words = text.toLowerCase().split(/[\s_/-]+/).filter(Boolean);
  if (words.length === 0) return [];
  const whole = text.trim().toLowerCase();
  const hits: number[] = [];
  model.nodes.forEach((n, i) => {
    const key = n.key.toLowerCase();
    if (words.every((w) => key.includes(w))) hits.push(i);
  });
  const rank = (i: number) => (model.nodes[i]!.key.toLowerCase().includes(whole) ? 0 : 1);
  return hits.sort((a, b) => rank(a) - rank(b) || model.nodes[a]!.key.length - model.nodes[b]!.key.length || (model.nodes[a]!.key < model.nodes[b]!.key ? -1 : 1));
}

/** One summary of an asset's checks for its card: failed (error severity) > warned > not run > passed. */
export function checkSummary(checks: readonly CheckState[]): { state: "NONE" | "FAILED" | "WARN" | "NOT_RUN" | "PASSED"; text: string } {
  if (checks.length === 0) return { state: "NONE", text: "" };
  const failed = checks.filter((c) => c.passed === false && c.severity !== "warn").length;
  const warned = checks.filter((c) => c.passed === false && c.severity === "warn").length;
  const notRun = checks.filter((c) => c.passed === null).length;
  const passed = checks.filter((c) => c.passed === true).length;
  if (failed > 0) return { state: "FAILED", text: `${failed} check${failed === 1 ? "" : "s"} failed` };
  if (warned > 0) return { state: "WARN", text: `${warned} check${warned === 1 ? "" : "s"} warned` };
  if (notRun > 0) return { state: "NOT_RUN", text: `${passed}/${checks.length} checks, ${notRun} not run` };
  return { state: "PASSED", text: `${passed}/${checks.length} checks passed` };
}

/** "3 min ago", "2 h ago", "5 d ago": short enough for a card (the full local time is its title). */
export function relativeTime(ms: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}
