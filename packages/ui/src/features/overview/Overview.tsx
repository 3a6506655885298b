/** The operator view: is everything OK, and if not, what — failing assets, stale assets, failed checks, runs, stopped instigators, broken locations, undelivered alerts. */
import { formatTime, graphql, useQuery, type RunSummary } from "../../api.js";
import { Link } from "../../router.js";
import { FreshnessBadge } from "../observability/Observability.js";

const OVERVIEW = graphql(`query Overview { overview {
  assetCount
  failedAssets { key location }
  runningRuns { ...RunSummary } queuedRuns { ...RunSummary } failedRuns24h { ...RunSummary message }
  stoppedSchedules { id name location } stoppedSensors { id name location }
  locationsWithErrors { name errorMessage }
  daemon { healthy loops { loop at healthy } }
  staleCount warnCount staleAssets { key location freshness { ...FreshnessFields } }
  failedCheckCount failedChecks { assetKey name severity timestamp runId }
  failedAlertDeliveries24h
} }`);

function Card(props: { n: number; label: string; bad?: boolean; to?: string }) {
  return (
    <div className={`card ${props.bad ? (props.n > 0 ? "bad" : "ok") : ""}`} data-testid={`card-${props.label.replace(/[^a-z0-9]+/gi, "-")}`}>
      <div className="n">{props.n}</div>
      <div className="muted">{props.to ? <Link to={props.to}>{props.label}</Link> : props.label}</div>
    </div>
  );
}

export function Overview() {
  const { data, error } = useQuery(OVERVIEW, {}, 3000);
  if (error) return <p className="error">{error}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  const o = data.overview;
  const problems = o.failedAssets.length + o.failedRuns24h.length + o.locationsWithErrors.length + o.staleCount + o.failedChecks.filter((c) => c.severity === "error").length + o.failedAlertDeliveries24h;
  return (
    <div>
      <h1>Overview</h1>
      <p data-testid="verdict" className={problems === 0 ? "ok-line" : "error"}>
        {problems === 0 ? "Everything is OK." : `${problems} problem${problems === 1 ? "" : "s"} need attention.`}{" "}
        <span className="muted">Daemon: {o.daemon.healthy ? "healthy" : o.daemon.loops.length === 0 ? "not running" : "some loops are late"}.</span>
      </p>
      <div className="cards">
        <Card n={o.assetCount} label="assets" />
        <Card n={o.failedAssets.length} label="failing assets" bad />
        <Card n={o.staleCount} label="stale assets" bad />
        <Card n={o.failedCheckCount} label="failed checks" bad />
        <Card n={o.failedRuns24h.length} label="failed runs (24 h)" bad />
        <Card n={o.runningRuns.length} label="running runs" />
        <Card n={o.queuedRuns.length} label="queued runs" />
        <Card n={o.stoppedSchedules.length + o.stoppedSensors.length} label="stopped schedules/sensors" />
        <Card n={o.locationsWithErrors.length} label="locations with errors" bad />
        <Card n={o.failedAlertDeliveries24h} label="undelivered alerts (24 h)" bad to="/alerts?failed=1" />
      </div>
      {o.locationsWithErrors.length > 0 && (
        <>
          <h2>Locations with errors</h2>
          {o.locationsWithErrors.map((l) => (
            <p key={l.name}>
              <Link to="/locations">{l.name}</Link>: <span className="error">{l.errorMessage}</span>
            </p>
          ))}
        </>
      )}
      <div className="grid2">
        <section>
          <h2>Failing assets</h2>
          {o.failedAssets.length === 0 ? <p className="muted">None.</p> : (
            <ul>{o.failedAssets.map((a) => <li key={a.key}><Link to={`/assets/${a.key}`}>{a.key}</Link></li>)}</ul>
          )}
          <h2>Stale assets{o.warnCount > 0 ? <span className="muted"> (and {o.warnCount} close to stale)</span> : null}</h2>
          {o.staleAssets.length === 0 ? <p className="muted">None.</p> : (
            <ul data-testid="stale-assets">{o.staleAssets.map((a) => <li key={a.key}><Link to={`/assets/${a.key}`}>{a.key}</Link> <FreshnessBadge freshness={a.freshness} /> {a.freshness ? <span className="muted">since {formatTime(a.freshness.since)}</span> : null}</li>)}</ul>
          )}
          <h2>Failed checks</h2>
          {o.failedChecks.length === 0 ? <p className="muted">None.</p> : (
            <ul data-testid="failed-checks">{o.failedChecks.map((c) => <li key={`${c.assetKey}:${c.name}`}><Link to={`/assets/${c.assetKey}`}>{c.assetKey}</Link> {c.name} <span className={`badge ${c.severity === "error" ? "s-FAILED" : "s-WARN"}`}>{c.severity}</span> <span className="muted">{formatTime(c.timestamp)} · <Link to={`/runs/${c.runId}`}>{c.runId.slice(0, 8)}</Link></span></li>)}</ul>
          )}
          <h2>Failed runs in the last 24 h</h2>
          <RunList runs={o.failedRuns24h} />
        </section>
        <section>
          <h2>Running and queued</h2>
          <RunList runs={[...o.runningRuns, ...o.queuedRuns]} />
          <h2>Stopped schedules and sensors</h2>
          {o.stoppedSchedules.length + o.stoppedSensors.length === 0 ? <p className="muted">None.</p> : (
            <ul>
              {o.stoppedSchedules.map((s) => <li key={s.id}><Link to={`/schedules/${encodeURIComponent(s.id)}`}>{s.name}</Link> <span className="muted">schedule · {s.location}</span></li>)}
              {o.stoppedSensors.map((s) => <li key={s.id}><Link to={`/sensors/${encodeURIComponent(s.id)}`}>{s.name}</Link> <span className="muted">sensor · {s.location}</span></li>)}
            </ul>
          )}
        </section>
      </div>
    </div>
  );
}

function RunList(props: { runs: Array<RunSummary & { message?: string | null }> }) {
  if (props.runs.length === 0) return <p className="muted">None.</p>;
  return (
    <table>
      <tbody>
        {props.runs.map((r) => (
          <tr key={r.runId}>
            <td><span className={`badge s-${r.status}`}>{r.status}</span></td>
            <td><Link to={`/runs/${r.runId}`}>{r.runId.slice(0, 8)}</Link> <span className="muted">{r.selection}{r.partition ? ` [${r.partition}]` : ""}</span>{r.message ? <div className="error">{r.message}</div> : null}</td>
            <td className="muted">{formatTime(r.createdAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
