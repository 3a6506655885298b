/**
 * Live status for the lineage: the graph query once, then what changed, without a reload.
 *
 * The webserver streams events per run (/api/runs/<id>/events) and per backfill, but has no stream
 * of every asset's status, and a run that starts after the page opened could only be found by
 * asking anyway. So this polls the newest runs every 2 s (one small query) and, when a run appeared
 * or changed status, re-reads the status fields of that run's assets and their direct downstream
 * (a selection, docs/selection.md), which the lineage patches into its model: status-only changes
 * keep the layout. Every 30 s (and on return to a hidden tab) it re-reads the whole graph, which
 * also catches what no run caused: a freshness policy turning stale, an external materialization, a
 * reloaded code location (new structure: laid out again).
 */
import { useEffect, useRef, useState } from "react";
import { gql, graphql } from "../../api.js";
import { buildModel, type AssetInfo, type GraphModel } from "./model.js";

const GRAPH = graphql(`query Lineage { assetGraph {
  nodes { key group location status kinds partitioned freshness sync { state } lastMaterializedAt checks { passed severity } }
  edges { from to partitionMapping { kind description } }
} }`);

const STATUS = graphql(`query LineageStatus($selection: String!) { assetGraph(selection: $selection) {
  nodes { key status freshness sync { state } lastMaterializedAt checks { passed severity } }
} }`);

const RUNS = graphql(`query LineageRuns { runs(first: 25) { nodes { runId status assetKeys } } }`);

export const RUN_POLL_MS = 2000;
export const FULL_REFRESH_MS = 30_000;
/** More changed assets than this: one read of the whole graph is cheaper than a selection this long. */
const SELECTION_LIMIT = 300;

export interface LiveGraph {
  model: GraphModel | null;
  error: string | null;
  /** Increments on every applied update (tests and the bench wait on it through data-version). */
  version: number;
}

export function useLiveGraph(): LiveGraph {
  const [state, setState] = useState<LiveGraph>({ model: null, error: null, version: 0 });
  const model = useRef<GraphModel | null>(null);

  useEffect(() => {
    let live = true;
    let runs: Map<string, string> | null = null;
    let lastFull = 0;
    const apply = (next: GraphModel) => {
      model.current = next;
      setState((s) => ({ model: next, error: null, version: s.version + 1 }));
    };
    const loadAll = async () => {
      lastFull = Date.now();
      const data = await gql(GRAPH);
      if (!live) return;
      const prev = model.current;
      const fresh = buildModel(data.assetGraph.nodes, data.assetGraph.edges);
      // Same structure: keep the old model's edges and adjacency (and so the layout), new statuses.
      apply(prev !== null && prev.structure === fresh.structure ? { ...prev, nodes: fresh.nodes } : fresh);
    };
    const patch = async (keys: string[]) => {
      const current = model.current;
      if (current === null) return;
      const known = keys.filter((k) => current.index.has(k));
      if (known.length === 0) return;
      if (known.length > SELECTION_LIMIT) return loadAll();
      const data = await gql(STATUS, { selection: known.map((k) => `${k}+1`).join(", ") });
      const now = model.current;
      if (!live || now === null) return;
      const nodes = now.nodes.slice();
      for (const n of data.assetGraph.nodes) {
        const i = now.index.get(n.key);
        if (i !== undefined) nodes[i] = { ...nodes[i]!, ...n } satisfies AssetInfo;
      }
      apply({ ...now, nodes });
    };
    const poll = async () => {
      if (document.hidden) return;
      if (Date.now() - lastFull > FULL_REFRESH_MS) return loadAll();
      const data = await gql(RUNS);
      const next = new Map(data.runs.nodes.map((r) => [r.runId, r.status]));
      const changed: string[] = [];
      if (runs !== null) for (const r of data.runs.nodes) if (runs.get(r.runId) !== r.status) changed.push(...r.assetKeys);
      runs = next;
      if (changed.length > 0) await patch([...new Set(changed)]);
    };
    let busy = false;
    const tick = () => {
      if (busy) return;
      busy = true;
      poll()
        .catch((error: unknown) => live && setState((s) => ({ ...s, error: `Live status: ${String((error as Error).message ?? error)}` })))
        .finally(() => (busy = false));
    };
    loadAll()
      .then(() => gql(RUNS))
      .then((data) => (runs = new Map(data.runs.nodes.map((r) => [r.runId, r.status]))))
      .catch((error: unknown) => live && setState((s) => ({ ...s, error: String((error as Error).message ?? error) })));
    const timer = setInterval(tick, RUN_POLL_MS);
    const onVisible = () => {
      if (!document.hidden && Date.now() - lastFull > RUN_POLL_MS) void loadAll().catch(() => undefined);
    };
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      live = false;
      clearInterval(timer);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, []);
  return state;
}

const PARTITIONS = graphql(`query LineagePartitions($selection: String!) { assetGraph(selection: $selection) {
  nodes { key partitionStatus { total materialized failed } }
} }`);

export interface PartitionHealth {
  total: number;
  materialized: number;
  failed: number;
}

/**
 * Partition health of the partitioned assets whose cards are on screen, read for those only (a
 * storage read per asset, too many for the whole graph), again whenever the graph's version changes.
 */
export function usePartitionHealth(keys: readonly string[], version: number): { health: Map<string, PartitionHealth>; error: string | null } {
  const [health, setHealth] = useState<Map<string, PartitionHealth>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const wanted = [...keys].sort().join(", ");
  useEffect(() => {
    if (wanted === "") return undefined;
    let live = true;
    const timer = setTimeout(() => {
      gql(PARTITIONS, { selection: wanted })
        .then((data) => {
          if (!live) return;
          setError(null);
          setHealth((prev) => {
            const next = new Map(prev);
            for (const n of data.assetGraph.nodes) if (n.partitionStatus) next.set(n.key, n.partitionStatus);
            return next;
          });
        })
        .catch((e: unknown) => live && setError(`Partition health: ${String((e as Error).message ?? e)}`));
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [wanted, version]);
  return { health, error };
}
