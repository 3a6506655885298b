/** The asset catalog: search, filter by group/location/status, grouped by group, with status, freshness, checks and last materialization. */
import { useState } from "react";
import { formatTime, graphql, useQuery, type AssetStatus } from "../../api.js";
import type { AssetFilter, CatalogQuery } from "../../generated/graphql.js";
import { Link, navigate, useLocation } from "../../router.js";
import { ChecksSummary, FreshnessBadge } from "../observability/Observability.js";

const CATALOG = graphql(`query Catalog($filter: AssetFilter, $after: String) {
  assets(filter: $filter, first: 500, after: $after) {
    totalCount endCursor hasNextPage
    nodes { key group location kinds status latestMaterialization { timestamp runId } partitionStatus { total materialized } freshnessPolicy freshness { ...FreshnessFields } checks { ...CheckState } }
  }
  locations { name }
}`);

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
  const { data, error } = useQuery(CATALOG, { filter, after }, 5000);
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
      </div>
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
                  <td><span className={`badge s-${a.status}`}>{a.status.replace("_", " ").toLowerCase()}</span></td>
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
