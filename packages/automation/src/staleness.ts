/**
 * Staleness ("unsynced", docs/staleness.md, decision 0022): whether each asset's latest
 * materialization is current with its code and its inputs, and why not. Computed, never stored,
 * from one row per asset of the asset index (its provenance: code version, data version, the
 * input data versions it was made from), in one pass in topological order — linear in assets
 * plus edges, no event-log scan. The webserver and the automation evaluator call the same function.
 */
import type { AssetGraph, AssetSyncStatus, StalenessCause } from "@flyt/core";

/**
 * What staleness needs of an asset's latest materialization: storage's `AssetIndexEntry` is one
 * (structurally), so the caller passes `getLatestMaterializations()` as it comes.
 */
export interface LatestMaterialization {
  assetKey: string;
  /** null for an unpartitioned asset; the partition key otherwise. */
  partition: string | null;
  runId: string;
  /** Epoch ms. */
  timestamp: number;
  codeVersion: string | null;
  dataVersion: string | null;
  /** The dependencies' data versions when it was stored; null when its dependencies were not known. */
  inputDataVersions: Readonly<Record<string, string | null>> | null;
}

/**
 * Each asset of `graph` with its sync state and the causes when UNSYNCED:
 * - NEVER_MATERIALIZED without a materialization;
 * - UNSYNCED when the snapshot's code version differs from the materialization's, when a
 *   dependency's current data version differs from the one recorded in its `inputDataVersions`,
 *   when dependencies were added or removed since (both only when `inputDataVersions` is known),
 *   or when a dependency is itself UNSYNCED (propagated downstream; a self-dependency is ignored);
 * - SYNCED otherwise.
 * For a partitioned asset the latest materialization of any partition counts (staleness is
 * asset-level). Several entries for one asset: the newest wins.
 * @example
 * const status = syncStatus(graph, await storage.getLatestMaterializations());
 * status.get("atlas/dbt/prices")?.causes.map(describeStalenessCause); // ["code version 3 → 4"]
 */
export function syncStatus(graph: AssetGraph, latest: Iterable<LatestMaterialization>): Map<string, AssetSyncStatus> {
  const byAsset = new Map<string, LatestMaterialization>();
  for (const entry of latest) {
    const seen = byAsset.get(entry.assetKey);
    if (seen === undefined || entry.timestamp > seen.timestamp) byAsset.set(entry.assetKey, entry);
  }
  const out = new Map<string, AssetSyncStatus>();
  for (const key of dependencyOrder(graph)) {
    const node = graph.get(key)!;
    const entry = byAsset.get(key);
    if (entry === undefined) {
      out.set(key, { assetKey: key, state: "NEVER_MATERIALIZED", causes: [] });
      continue;
    }
    const causes: StalenessCause[] = [];
    const to = node.codeVersion ?? null;
    const from = entry.codeVersion ?? null;
    if (to !== from) causes.push({ kind: "code_version_changed", from, to });
    const deps = graph.upstreamOf(key);
    const inputs = entry.inputDataVersions;
    if (inputs !== null && inputs !== undefined) {
      const added: string[] = [];
      for (const dep of deps) {
        if (!Object.hasOwn(inputs, dep)) {
          added.push(dep);
          continue;
        }
        const recorded = inputs[dep] ?? null;
        const current = byAsset.get(dep)?.dataVersion ?? null;
        if (recorded !== current) causes.push({ kind: "upstream_data_version_changed", upstream: dep, from: recorded, to: current });
      }
      const depSet = new Set(deps);
      const removed = Object.keys(inputs).filter((dep) => dep !== key && !depSet.has(dep));
      if (added.length > 0 || removed.length > 0) causes.push({ kind: "dependencies_changed", added, removed: removed.sort() });
    }
    for (const dep of deps) {
      if (out.get(dep)?.state === "UNSYNCED") causes.push({ kind: "upstream_unsynced", upstream: dep });
    }
    out.set(key, { assetKey: key, state: causes.length > 0 ? "UNSYNCED" : "SYNCED", causes });
  }
  return out;
}

/**
 * A cause in words, as the API, the UI and explanations show it.
 * @example
 * describeStalenessCause({ kind: "code_version_changed", from: "3", to: "4" }); // "code version 3 → 4"
 * describeStalenessCause({ kind: "upstream_data_version_changed", upstream: "atlas/ssb/x", from: "a1", to: "b2" }); // "upstream atlas/ssb/x has a newer data version"
 */
export function describeStalenessCause(cause: StalenessCause): string {
  switch (cause.kind) {
    case "code_version_changed":
      return `code version ${cause.from ?? "(none)"} → ${cause.to ?? "(none)"}`;
    case "upstream_data_version_changed":
      return cause.to === null ? `upstream ${cause.upstream} has no data version now (it was ${cause.from ?? "(none)"})` : `upstream ${cause.upstream} has a newer data version`;
    case "dependencies_changed": {
      const parts: string[] = [];
      if (cause.added.length > 0) parts.push(`added ${listKeys(cause.added)}`);
      if (cause.removed.length > 0) parts.push(`removed ${listKeys(cause.removed)}`);
      return `dependencies changed: ${parts.join("; ")}`;
    }
    case "upstream_unsynced":
      return `upstream ${cause.upstream} is unsynced`;
  }
}

/** "a, b and 3 more". */
export function listKeys(keys: readonly string[], limit = 3): string {
  if (keys.length <= limit) return keys.length <= 1 ? (keys[0] ?? "") : `${keys.slice(0, -1).join(", ")} and ${keys[keys.length - 1]}`;
  return `${keys.slice(0, limit).join(", ")} and ${keys.length - limit} more`;
}

/**
 * Every key of `graph`, each after its dependencies (Kahn's algorithm with a FIFO queue, linear
 * in assets + edges; AssetGraph.topologicalOrder sorts its queue on every insert, quadratic at
 * 10,000 assets). Assets on a cycle, which a valid graph has not, come last in key order.
 */
export function dependencyOrder(graph: AssetGraph): string[] {
  const indegree = new Map<string, number>();
  for (const key of graph.nodes.keys()) {
    let n = 0;
    for (const dep of graph.upstreamOf(key)) if (graph.nodes.has(dep)) n++;
    indegree.set(key, n);
  }
  const order: string[] = [];
  for (const key of [...indegree.keys()].sort()) if (indegree.get(key) === 0) order.push(key);
  for (let i = 0; i < order.length; i++) {
    for (const down of graph.downstreamOf(order[i]!)) {
      const left = indegree.get(down);
      if (left === undefined) continue;
      indegree.set(down, left - 1);
      if (left === 1) order.push(down);
    }
  }
  if (order.length < indegree.size) {
    const placed = new Set(order);
    for (const key of [...indegree.keys()].sort()) if (!placed.has(key)) order.push(key);
  }
  return order;
}
