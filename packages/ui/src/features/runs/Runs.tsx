/** Runs, newest first, filtered by status (URL ?status=), with cursor pagination. */
import { formatDuration, formatTime, graphql, useQuery, type RunStatus } from "../../api.js";
import { Link, navigate, useLocation } from "../../router.js";

const RUNS = graphql(`query Runs($filter: RunsFilter, $after: String) { runs(filter: $filter, first: 50, after: $after) { endCursor hasNextPage nodes { ...RunSummary } } }`);
const STATUSES = ["QUEUED", "STARTED", "SUCCESS", "FAILURE", "CANCELED"];

export function Runs() {
  const { query } = useLocation();
  const status = query.get("status");
  const after = query.get("after");
  // From the URL: a value that is no RunStatus comes back as the server's error message.
  const { data, error } = useQuery(RUNS, { filter: status ? { statuses: [status as RunStatus] } : {}, after }, 3000);
  return (
    <div>
      <h1>Runs</h1>
      <div className="toolbar">
        <select aria-label="Status" value={status ?? ""} onChange={(e) => navigate(e.target.value ? `/runs?status=${e.target.value}` : "/runs")}>
          <option value="">any status</option>
          {STATUSES.map((s) => <option key={s} value={s}>{s.toLowerCase()}</option>)}
        </select>
      </div>
      {error && <p className="error">{error}</p>}
      <table>
        <thead><tr><th>Run</th><th>Status</th><th>Selection</th><th>Location</th><th>Origin</th><th>Created</th><th>Duration</th></tr></thead>
        <tbody>
          {data?.runs.nodes.map((r) => (
            <tr key={r.runId} data-testid="run-row">
              <td><Link to={`/runs/${r.runId}`}>{r.runId.slice(0, 8)}</Link></td>
              <td><span className={`badge s-${r.status}`}>{r.status}</span></td>
              <td>{r.selection}{r.partition ? <span className="muted"> [{r.partition}]</span> : null}</td>
              <td className="muted">{r.location}</td>
              <td className="muted">{r.origin}</td>
              <td>{formatTime(r.createdAt)}</td>
              <td>{formatDuration(r.startedAt && r.endedAt ? r.endedAt - r.startedAt : null)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {data?.runs.hasNextPage && <button onClick={() => navigate(`/runs?${new URLSearchParams({ ...(status ? { status } : {}), after: data.runs.endCursor ?? "" }).toString()}`)}>Older runs</button>}
    </div>
  );
}
