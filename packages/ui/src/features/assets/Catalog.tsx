/**
 * The asset catalog: search, filter by group/location/status, grouped by group, with status, the
 * unsynced badge, freshness, checks and last materialization; "Materialize unsynced" launches runs
 * of the unsynced assets the filter shows (every loaded asset without a filter) and backfills of
 * the unsynced partitions of partitioned ones, and says what it launched and what it left out.
 */
import { useState } from "react";
import { formatTime, gql, graphql, NEEDS_OPERATOR, useCanOperate, useQuery, type AssetStatus } from "../../api.js";
import type { AssetFilter, CatalogQuery, MaterializeUnsyncedMutation } from "../../generated/graphql.js";
import { Link, navigate, useLocation } from "../../router.js";
import { ChecksSummary, FreshnessBadge } from "../observability/Observability.js";
import { SyncBadge } from "./Sync.js";

const CATALOG = graphql(`query Catalog($filter: AssetFilter, $after: String) {
  assets(filter: $filter, first: 500, after: $after) {
    totalCount endCursor hasNextPage
    nodes { key group location kinds status sync { ...AssetSyncFields } latestMaterialization { timestamp runId } partitionStatus { total materialized } freshnessPolicy freshness { ...FreshnessFields } checks { ...CheckState } }
  }
  locations { name }
}`);

const MATERIALIZE_UNSYNCED = graphql(`mutation MaterializeUnsynced($selection: String) {
  materializeUnsynced(selection: $selection) {
    __typename
    ... on MaterializeUnsyncedSuccess { message launched runs { runId location assetKeys } backfills { id assetKey partitionCount } skipped { key reason } }
    ... on Error { message }
  }
}`);

type MaterializeResult = MaterializeUnsyncedMutation["materializeUnsynced"];

function MaterializeResultPanel(props: { result: MaterializeResult; onClose: () => void }) {
  const r = props.result;
  return (
    <div className="result-panel" data-testid="materialize-unsynced-result">
      <button style={{ float: "right" }} onClick={props.onClose} aria-label="Close">✕</button>
      {r.__typename === "MaterializeUnsyncedSuccess" ? (
        <>
          <p>{r.message}</p>
          {r.runs.map((run) => (
            <div key={run.runId} data-testid="materialize-unsynced-run">
              <Link to={`/runs/${run.runId}`}>{run.runId.slice(0, 8)}</Link> <span className="muted">({run.location})</span>: {run.assetKeys.join(", ")}
            </div>
          ))}
          {r.backfills.map((b) => (
            <div key={b.id} data-testid="materialize-unsynced-backfill">
              Backfill {b.id.slice(0, 8)}: <Link to={`/assets/${b.assetKey}`}>{b.assetKey}</Link>, {b.partitionCount} unsynced partition{b.partitionCount === 1 ? "" : "s"}
            </div>
          ))}
          {r.skipped.length > 0 && (
            <ul>
              {r.skipped.map((s) => <li key={s.key}><Link to={`/assets/${s.key}`}>{s.key}</Link> <span className="muted">— {s.reason}</span></li>)}
            </ul>
          )}
        </>
      ) : (
        <p className="error">{r.message}</p>
      )}
    </div>
  );
}

export function Catalog() {
  const { query } = useLocation();
  const [search, setSearch] = useState(query.get("q") ?? "");
  const status = query.get("status") ?? "";
  const group = query.get("group") ?? "";
  const after = query.get("after");
  const filter: AssetFilter = {};
  if (search) filter.search = search;
  // From the URL: a value that is no AssetStatus comes back as the server's error message.
  if (status) filter.status = status as AssetStatus;
  if (group) filter.group = group;
  const { data, error, reload } = useQuery(CATALOG, { filter, after }, 5000);
  const canOperate = useCanOperate();
  const [result, setResult] = useState<MaterializeResult | null>(null);
  const [launching, setLaunching] = useState(false);
  const filtered = Boolean(search || status || group);
  // Unsynced assets the page lists; without a filter the server takes every loaded asset (beyond this page too).
  const listedUnsynced = (data?.assets.nodes ?? []).filter((a) => a.sync.state === "UNSYNCED").map((a) => a.key);
  const materializeUnsynced = async () => {
    setLaunching(true);
    try {
      const { materializeUnsynced: r } = await gql(MATERIALIZE_UNSYNCED, { selection: filtered ? listedUnsynced.join(", ") : null });
      setResult(r);
    } catch (e) {
      setResult({ __typename: "InvalidSelectionError", message: String((e as Error).message ?? e) });
    } finally {
      setLaunching(false);
      reload();
    }
  };
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(window.location.search);
    if (value) next.set(key, value);
    else next.delete(key);
    next.delete("after");
    navigate(`/assets?${next.toString()}`);
  };
  const groups = new Map<string, CatalogQuery["assets"]["nodes"]>();
  for (const a of data?.assets.nodes ?? []) groups.set(a.group, [...(groups.get(a.group) ?? []), a]);
  return (
    <div>
      <h1>Assets {data ? <span className="muted">({data.assets.totalCount})</span> : null}</h1>
      <div className="toolbar">
        <input placeholder="Filter by key, description, group" value={search} onChange={(e) => setSearch(e.target.value)} onBlur={() => set("q", search)} onKeyDown={(e) => e.key === "Enter" && set("q", search)} />
        <select value={status} onChange={(e) => set("status", e.target.value)} aria-label="Status">
          <option value="">any status</option>
          <option value="FAILED">failed</option>
          <option value="IN_PROGRESS">in progress</option>
          <option value="MATERIALIZED">materialized</option>
          <option value="NEVER_MATERIALIZED">never materialized</option>
        </select>
        {group && <button onClick={() => set("group", "")}>group: {group} ✕</button>}
        <button
          data-testid="materialize-unsynced"
          disabled={!canOperate || launching || (filtered && listedUnsynced.length === 0)}
          title={!canOperate ? NEEDS_OPERATOR : filtered ? `The ${listedUnsynced.length} unsynced assets the filter shows` : "Every unsynced asset of every location"}
          onClick={() => void materializeUnsynced()}
        >
          Materialize unsynced{filtered ? ` (${listedUnsynced.length})` : ""}
        </button>
      </div>
      {result && <MaterializeResultPanel result={result} onClose={() => setResult(null)} />}
      {error && <p className="error">{error}</p>}
      {[...groups].map(([name, assets]) => (
        <section key={name}>
          <h2><a href={`/assets?group=${encodeURIComponent(name)}`} onClick={(e) => { e.preventDefault(); set("group", name); }}>{name}</a> <span className="muted">({assets.length})</span></h2>
          <table>
            <thead><tr><th>Asset</th><th>Status</th><th>Freshness</th><th>Checks</th><th>Location</th><th>Last materialized</th><th>Partitions</th></tr></thead>
            <tbody>
              {assets.map((a) => (
                <tr key={a.key} data-testid="asset-row">
                  <td><Link to={`/assets/${a.key}`}>{a.key}</Link> {a.kinds.map((k) => <span key={k} className="muted"> {k}</span>)}</td>
                  <td><span className={`badge s-${a.status}`}>{a.status.replace("_", " ").toLowerCase()}</span> <SyncBadge sync={a.sync} /></td>
                  <td><FreshnessBadge freshness={a.freshness} hasPolicy={a.freshnessPolicy !== null} /></td>
                  <td><ChecksSummary checks={a.checks} /></td>
                  <td className="muted">{a.location}</td>
                  <td>{a.latestMaterialization ? <Link to={`/runs/${a.latestMaterialization.runId}`}>{formatTime(a.latestMaterialization.timestamp)}</Link> : <span className="muted">never</span>}</td>
                  <td className="muted">{a.partitionStatus ? `${a.partitionStatus.materialized}/${a.partitionStatus.total}` : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
      {data?.assets.hasNextPage && <button onClick={() => navigate(`/assets?${new URLSearchParams({ ...Object.fromEntries(query), after: data.assets.endCursor ?? "" }).toString()}`)}>Next page</button>}
    </div>
  );
}
