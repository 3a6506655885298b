/**
 * Live status for the lineage: the graph query once, then what changed, without a reload.
 *
 * The page listens to the webserver's stream of run status changes across all runs
 * (`/api/runs/events`, docs/api.md): when a run is queued, starts or ends, it re-reads the status
 * fields of that run's assets and their direct downstream (a selection, docs/selection.md), which
 * the lineage patches into its model: status-only changes keep the layout. The stream is opened
 * before the graph is read, so no change falls between the two; after a reconnect (or a `resync`:
 * the server may have missed changes) the whole graph is read again, since what happened while
 * it was away was not heard. Every 60 s (and on return to a hidden tab) it re-reads the whole
 * graph anyway, which also catches what no run caused: a freshness policy turning stale, an
 * external materialization, a reloaded code location (new structure: laid out again).
 *
 * Fallback: only while the stream is down (a proxy that does not pass server-sent events, a
 * restarting server, a 503 when too many streams are open) it polls the newest runs every 2 s as
 * before this stream existed, and the whole graph every 30 s; it stops polling as soon as the
 * stream is open again.
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

export const RUN_CHANGES_URL = "/api/runs/events";
/** Fallback poll of the newest runs, only while the stream is down. */
export const RUN_POLL_MS = 2000;
/** Safety re-read of the whole graph while the stream is up. */
export const FULL_REFRESH_MS = 60_000;
/** The same while polling: the run poll sees only the newest 25 runs. */
export const FALLBACK_FULL_REFRESH_MS = 30_000;
/** The graph is read once the stream is open; a stream that takes longer than this to open does not hold back the first view. */
const OPEN_GRACE_MS = 1000;
/** After EventSource gave up (an HTTP error answer: it never retries those itself), a new one is tried this much later. */
const REOPEN_MS = 10_000;
/** More changed assets than this: one read of the whole graph is cheaper than a selection this long. */
const SELECTION_LIMIT = 300;

export interface LiveGraph {
  model: GraphModel | null;
  error: string | null;
  /** Increments on every applied update (tests and the bench wait on it through data-version). */
  version: number;
}

/** One `event: runs` item of /api/runs/events (the fields used here). */
interface RunChange {
  runId: string;
  status: string;
  assetKeys: string[];
}

export function useLiveGraph(): LiveGraph {
  const [state, setState] = useState<LiveGraph>({ model: null, error: null, version: 0 });
  const model = useRef<GraphModel | null>(null);

  useEffect(() => {
    let live = true;
    const fail = (prefix: string) => (error: unknown) => {
      if (live) setState((s) => ({ ...s, error: `${prefix}${String((error as Error).message ?? error)}` }));
    };
    const apply = (next: GraphModel) => {
      model.current = next;
      setState((s) => ({ model: next, error: null, version: s.version + 1 }));
    };

    // Every read goes through one queue, so a patch is never overwritten by an older whole-graph
    // read still in flight: assets named while a read runs are re-read after it.
    let lastFull = 0;
    let fullWanted = false;
    const pendingKeys = new Set<string>();
    let draining = false;
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
    const drain = async () => {
      if (draining) return;
      draining = true;
      try {
        while (live && (fullWanted || (pendingKeys.size > 0 && model.current !== null))) {
          if (fullWanted || model.current === null) {
            fullWanted = false;
            pendingKeys.clear();
            await loadAll().catch(fail(""));
          } else {
            const keys = [...pendingKeys];
            pendingKeys.clear();
            await patch(keys).catch(fail("Live status: "));
          }
        }
      } finally {
        draining = false;
      }
    };
    const requestFull = () => {
      fullWanted = true;
      void drain();
    };
    const requestKeys = (keys: Iterable<string>) => {
      for (const k of keys) pendingKeys.add(k);
      // Before the first graph read there is nothing to patch: that read sees the change.
      if (model.current !== null) void drain();
    };

    // The stream of run changes.
    let source: EventSource | null = null;
    let streaming = false;
    let reopenTimer: ReturnType<typeof setTimeout> | undefined;
    const open = () => {
      reopenTimer = undefined;
      const es = new EventSource(RUN_CHANGES_URL);
      source = es;
      es.onopen = () => {
        if (source !== es) return;
        streaming = true;
        stopPolling();
        // The first read of the graph, or a catch-up after being away: changes while the stream
        // was down were not heard.
        requestFull();
      };
      es.addEventListener("runs", (event) => {
        const changes = JSON.parse((event as MessageEvent<string>).data) as RunChange[];
        requestKeys(new Set(changes.flatMap((c) => c.assetKeys)));
      });
      es.addEventListener("resync", () => requestFull());
      es.onerror = () => {
        if (source !== es) return;
        streaming = false;
        startPolling();
        // CONNECTING: the browser retries by itself. CLOSED: it gave up (an error answer), so try a new one later.
        if (es.readyState === EventSource.CLOSED && reopenTimer === undefined && live) reopenTimer = setTimeout(open, REOPEN_MS);
      };
    };

    // The fallback poll, only while the stream is down.
    let runs: Map<string, string> | null = null;
    let pollTimer: ReturnType<typeof setInterval> | undefined;
    let polling = false;
    const poll = async () => {
      if (document.hidden || streaming) return;
      // Also the first read of the graph when the stream failed before it opened (lastFull 0).
      if (Date.now() - lastFull > FALLBACK_FULL_REFRESH_MS) requestFull();
      const data = await gql(RUNS);
      if (!live || streaming) return;
      const changed: string[] = [];
      if (runs !== null) for (const r of data.runs.nodes) if (runs.get(r.runId) !== r.status) changed.push(...r.assetKeys);
      runs = new Map(data.runs.nodes.map((r) => [r.runId, r.status]));
      if (changed.length > 0) requestKeys(changed);
    };
    const tick = () => {
      if (polling) return;
      polling = true;
      poll()
        .catch(fail("Live status: "))
        .finally(() => (polling = false));
    };
    function startPolling() {
      if (pollTimer !== undefined || !live) return;
      runs = null;
      tick(); // the baseline of the newest runs
      pollTimer = setInterval(tick, RUN_POLL_MS);
    }
    function stopPolling() {
      if (pollTimer !== undefined) clearInterval(pollTimer);
      pollTimer = undefined;
      runs = null;
    }

    open();
    // A stream slow to open (or never: a proxy buffering it) must not hold back the first view.
    const grace = setTimeout(() => {
      if (streaming || !live) return;
      if (model.current === null) requestFull();
      startPolling();
    }, OPEN_GRACE_MS);
    const safety = setInterval(() => {
      if (streaming && !document.hidden && Date.now() - lastFull >= FULL_REFRESH_MS) requestFull();
    }, 5_000);
    const onVisible = () => {
      // Streaming, a hidden tab kept hearing changes: only the safety refresh may be due.
      if (!document.hidden && Date.now() - lastFull > (streaming ? FULL_REFRESH_MS : RUN_POLL_MS)) requestFull();
    };
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      live = false;
      source?.close();
      source = null;
      clearTimeout(grace);
      if (reopenTimer !== undefined) clearTimeout(reopenTimer);
      stopPolling();
      clearInterval(safety);
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
