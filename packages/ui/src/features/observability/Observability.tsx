/**
 * Freshness and checks as small shared pieces (a badge, a check summary) for the catalog, the asset
 * page and the overview, and the Alerts page: recent alert deliveries, failures first-class
 * (docs/alerts.md). Freshness verdicts come from the daemon; this only shows them.
 */
import { formatTime, graphql, useQuery } from "../../api.js";
import type { CheckStateFragment, FreshnessFieldsFragment } from "../../generated/graphql.js";
import { Link, navigate, useLocation } from "../../router.js";
import { freshnessPolicyText } from "../metadata/Metadata.js";

/** What the badge and the panel show of a verdict: spread `...FreshnessFields` into a selection. */
graphql(`fragment FreshnessFields on FreshnessState { state since freshUntil warnAt reason }`);
export type FreshnessInfo = FreshnessFieldsFragment;

function ago(ms: number): string {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 90) return `${s} s`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  if (s < 36 * 3600) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}

/** A coloured FRESH/WARN/STALE/UNKNOWN badge; nothing for an asset without a policy. */
export function FreshnessBadge(props: { freshness: FreshnessInfo | null; hasPolicy?: boolean }) {
  const f = props.freshness;
  if (f === null) return props.hasPolicy ? <span className="badge s-UNKNOWN" data-testid="freshness-badge" data-state="UNKNOWN" title="Not evaluated yet">not evaluated</span> : null;
  const title =
    f.state === "STALE"
      ? `Stale for ${ago(f.since)} (since ${formatTime(f.since)}): ${f.reason}`
      : f.freshUntil !== null
        ? `${f.state.toLowerCase()} until ${formatTime(f.freshUntil)}: ${f.reason}`
        : f.reason;
  return (
    <span className={`badge s-${f.state}`} data-testid="freshness-badge" data-state={f.state} title={title}>
      {f.state.toLowerCase()}
    </span>
  );
}

/** What the checks summary needs of each check: spread `...CheckState` into a selection. */
graphql(`fragment CheckState on AssetCheck { name passed severity }`);
export type CheckInfo = CheckStateFragment;

/** "2/3 checks" with the worst state's colour: failed error > failed warn > not run > all passed. */
export function ChecksSummary(props: { checks: CheckInfo[] }) {
  const { checks } = props;
  if (checks.length === 0) return <span className="muted">—</span>;
  const passed = checks.filter((c) => c.passed === true).length;
  const failed = checks.filter((c) => c.passed === false);
  const state = failed.some((c) => c.severity === "error") ? "FAILED" : failed.length > 0 ? "WARN" : passed === checks.length ? "SUCCESS" : "PENDING";
  const title = checks.map((c) => `${c.name}: ${c.passed === null ? "not run" : c.passed ? "passed" : `failed (${c.severity ?? "?"})`}`).join("\n");
  return (
    <span className={`badge s-${state}`} data-testid="checks-summary" data-state={state} title={title}>
      {passed}/{checks.length} checks
    </span>
  );
}

/** The asset page's freshness panel: state, since when, until when, why. */
export function FreshnessPanel(props: { freshness: FreshnessInfo | null; policy: string | null }) {
  if (props.policy === null) return <p className="muted">No freshness policy.</p>;
  const f = props.freshness;
  return (
    <table data-testid="freshness-panel"><tbody>
      <tr><th>State</th><td><FreshnessBadge freshness={f} hasPolicy /></td></tr>
      {f && <tr><th>{f.state === "STALE" ? "Stale since" : "In this state since"}</th><td>{formatTime(f.since)} <span className="muted">({ago(f.since)} ago)</span></td></tr>}
      {f && f.freshUntil !== null && <tr><th>Fresh until</th><td>{formatTime(f.freshUntil)}</td></tr>}
      {f && f.warnAt !== null && f.state === "FRESH" && <tr><th>Warns at</th><td>{formatTime(f.warnAt)}</td></tr>}
      {f && <tr><th>Reason</th><td>{f.reason}</td></tr>}
      <tr><th>Policy</th><td data-testid="freshness-policy" title={props.policy}>{freshnessPolicyText(props.policy)}</td></tr>
    </tbody></table>
  );
}

const ALERTS = graphql(`query Alerts($first: Int, $after: String, $failedOnly: Boolean) {
  alertDeliveries(first: $first, after: $after, failedOnly: $failedOnly) {
    nodes { id rule kind status channel outcome attempts error title count at }
    endCursor hasNextPage
  }
}`);

const OUTCOME_CLASS: Record<string, string> = { sent: "s-SUCCESS", failed: "s-FAILURE", suppressed: "s-SKIPPED" };

/** Recent alert deliveries (or only the failed ones), newest first, paginated by URL. */
export function Alerts() {
  const { query } = useLocation();
  const failedOnly = query.get("failed") === "1";
  const after = query.get("after");
  const { data, error } = useQuery(ALERTS, { first: 50, after, failedOnly }, 10_000);
  const go = (params: Record<string, string>) => navigate(`/alerts?${new URLSearchParams(params).toString()}`);
  return (
    <div>
      <h1>Alerts</h1>
      <p className="muted">Every alert the daemon sent, failed to deliver after all retries, or suppressed (rate limit), per channel. Rules live in flyt.yaml (<code>alerts:</code>).</p>
      <div className="toolbar">
        <label><input type="checkbox" checked={failedOnly} onChange={(e) => go(e.target.checked ? { failed: "1" } : {})} /> only failed deliveries</label>
        {after && <button onClick={() => go(failedOnly ? { failed: "1" } : {})}>Newest</button>}
      </div>
      {error && <p className="error">{error}</p>}
      {data && data.alertDeliveries.nodes.length === 0 && <p className="muted" data-testid="alerts-empty">{failedOnly ? "No failed deliveries." : "No alerts sent yet."}</p>}
      {data && data.alertDeliveries.nodes.length > 0 && (
        <table data-testid="alerts-table">
          <thead><tr><th>When</th><th>Outcome</th><th>Alert</th><th>Rule · kind</th><th>Channel</th><th>Attempts</th></tr></thead>
          <tbody>
            {data.alertDeliveries.nodes.map((d) => (
              <tr key={d.id} data-testid="alert-row">
                <td>{formatTime(d.at)}</td>
                <td><span className={`badge ${OUTCOME_CLASS[d.outcome] ?? ""}`}>{d.outcome}</span></td>
                <td>{d.status === "resolved" ? <span className="muted">resolved: </span> : null}{d.title}{d.count > 1 ? <span className="muted"> ({d.count} grouped)</span> : null}{d.error ? <div className="error">{d.error}</div> : null}</td>
                <td className="muted">{d.rule} · {d.kind}</td>
                <td>{d.channel}</td>
                <td>{d.attempts}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data?.alertDeliveries.hasNextPage && <button onClick={() => go({ ...(failedOnly ? { failed: "1" } : {}), after: data.alertDeliveries.endCursor ?? "" })}>Older</button>}
      <p><Link to="/">Back to the overview</Link></p>
    </div>
  );
}
