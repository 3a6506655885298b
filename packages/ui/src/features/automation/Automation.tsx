/**
 * Declarative automation: the on/off switches (global and per code location; operators only) and
 * the loop's tick history at `/automation` — each tick with its status, how many assets it
 * evaluated and requested, and its runs — and one tick at `/automation/ticks/<id>` with every
 * stored evaluation and the result tree that explains it (docs/automation.md).
 */
import { useState } from "react";
import { formatTime, gql, graphql, NEEDS_OPERATOR, useCanOperate, useQuery } from "../../api.js";
import type { InstigatorStatus } from "../../generated/graphql.js";
import { Link, navigate, useLocation } from "../../router.js";
import { ResultTree } from "./Trees.js";

const TICKS = graphql(`query AutomationTicks($after: String) {
  automationStatus { status locations { location status running assetsWithCondition } }
  automationTicks(first: 50, after: $after) { nodes { tickId status tickTime runIds skipReason error evaluatedCount requestedCount } endCursor hasNextPage }
}`);

const TICK = graphql(`query AutomationTick($id: Float!) {
  automationTick(id: $id) {
    tickId status tickTime runIds skipReason error evaluatedCount requestedCount
    evaluations { assetKey requestedCount partitioned runIds evaluatedAt result { ...AutomationResultNodeFields } }
  }
}`);

const SET = graphql(`mutation SetAutomationStatus($location: String, $status: InstigatorStatus!) {
  setAutomationStatus(location: $location, status: $status) { __typename ... on Error { message } }
}`);

function Switch(props: { location: string | null; status: InstigatorStatus; onDone: (error: string | null) => void }) {
  const canOperate = useCanOperate();
  const next = props.status === "RUNNING" ? "STOPPED" : "RUNNING";
  const id = props.location ?? "global";
  return (
    <button
      data-testid={`automation-toggle-${id}`}
      disabled={!canOperate}
      title={canOperate ? undefined : NEEDS_OPERATOR}
      onClick={() =>
        void gql(SET, { location: props.location, status: next }).then(
          (d) => props.onDone(d.setAutomationStatus.__typename === "AutomationStatus" ? null : "message" in d.setAutomationStatus ? d.setAutomationStatus.message : "refused"),
          (e: unknown) => props.onDone(String((e as Error).message ?? e)),
        )
      }
    >
      {props.status === "RUNNING" ? "Turn off" : "Turn on"}
    </button>
  );
}

export function AutomationPage() {
  const { query } = useLocation();
  const after = query.get("after");
  const { data, error, reload } = useQuery(TICKS, { after }, 5000);
  const [switchError, setSwitchError] = useState<string | null>(null);
  const done = (e: string | null) => {
    setSwitchError(e);
    reload();
  };
  const status = data?.automationStatus;
  return (
    <div>
      <h1>Automation {status ? <span className={`badge s-${status.status}`} data-testid="automation-status">{status.status === "RUNNING" ? "on" : "off"}</span> : null}</h1>
      {error && <p className="error">{error}</p>}
      {switchError && <p className="error" data-testid="automation-switch-error">{switchError}</p>}
      {status && (
        <>
          <div className="toolbar">
            <span>Globally {status.status === "RUNNING" ? "on" : "off"}</span>
            <Switch location={null} status={status.status} onDone={done} />
          </div>
          <table data-testid="automation-locations">
            <thead><tr><th>Location</th><th>Switch</th><th>Evaluated</th><th>Assets with a condition</th><th></th></tr></thead>
            <tbody>
              {status.locations.map((l) => (
                <tr key={l.location} data-testid="automation-location" data-location={l.location}>
                  <td>{l.location}</td>
                  <td><span className={`badge s-${l.status}`}>{l.status === "RUNNING" ? "on" : "off"}</span></td>
                  <td>{l.running ? "yes" : <span className="muted">no{status.status !== "RUNNING" ? " (off globally)" : ""}</span>}</td>
                  <td>{l.assetsWithCondition}</td>
                  <td><Switch location={l.location} status={l.status} onDone={done} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h2>Ticks</h2>
      <table data-testid="automation-ticks">
        <thead><tr><th>Time</th><th>Status</th><th>Assets requested</th><th>Evaluations stored</th><th>Runs</th><th>Skip reason / error</th></tr></thead>
        <tbody>
          {data?.automationTicks.nodes.map((t) => (
            <tr key={t.tickId} data-testid="automation-tick" data-tick={t.tickId}>
              <td><Link to={`/automation/ticks/${t.tickId}`}>{formatTime(t.tickTime)}</Link></td>
              <td><span className={`badge s-${t.status}`}>{t.status}</span></td>
              <td>{t.requestedCount}</td>
              <td>{t.evaluatedCount}</td>
              <td>{t.runIds.map((id) => <Link key={id} to={`/runs/${id}`}>{id.slice(0, 8)} </Link>)}</td>
              <td className={t.error ? "error" : "muted"}>{t.error ?? t.skipReason ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {data?.automationTicks.nodes.length === 0 && <p className="muted" data-testid="automation-no-ticks">No ticks yet: the daemon evaluates automation conditions once it runs and a location declares one.</p>}
      {data?.automationTicks.hasNextPage && <button onClick={() => navigate(`/automation?after=${encodeURIComponent(data.automationTicks.endCursor ?? "")}`)}>Older ticks</button>}
    </div>
  );
}

export function AutomationTickPage(props: { tickId: string }) {
  const id = Number(props.tickId);
  const valid = Number.isSafeInteger(id) && id > 0;
  const { data, error } = useQuery(TICK, { id: valid ? id : 0 }, 0);
  const [requestedOnly, setRequestedOnly] = useState(false);
  if (!valid) return <p>No automation tick {props.tickId}: tick ids are positive integers. <Link to="/automation">All ticks</Link></p>;
  if (error) return <p className="error">{error}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  const t = data.automationTick;
  if (!t) return <p>No automation tick {props.tickId}. <Link to="/automation">All ticks</Link></p>;
  const evaluations = requestedOnly ? t.evaluations.filter((e) => e.requestedCount > 0) : t.evaluations;
  return (
    <div>
      <h1>Automation tick {t.tickId} <span className={`badge s-${t.status}`}>{t.status}</span></h1>
      <p className="muted">
        {formatTime(t.tickTime)} · {t.requestedCount} asset{t.requestedCount === 1 ? "" : "s"} requested · {t.evaluatedCount} evaluation{t.evaluatedCount === 1 ? "" : "s"} stored (assets requested or whose result changed)
        {t.runIds.length > 0 ? <> · runs {t.runIds.map((r) => <Link key={r} to={`/runs/${r}`}>{r.slice(0, 8)} </Link>)}</> : null}
      </p>
      {(t.error ?? t.skipReason) && <p className={t.error ? "error" : "muted"}>{t.error ?? t.skipReason}</p>}
      <div className="toolbar">
        <label><input type="checkbox" checked={requestedOnly} onChange={(e) => setRequestedOnly(e.target.checked)} /> only assets it requested</label>
        <Link to="/automation">All ticks</Link>
      </div>
      {evaluations.map((e) => (
        <section key={e.assetKey} data-testid="tick-evaluation" data-asset={e.assetKey}>
          <h2>
            <Link to={`/assets/${e.assetKey}?tab=automation`}>{e.assetKey}</Link>{" "}
            {e.requestedCount > 0 ? <span className="badge s-SUCCESS">requested{e.partitioned ? ` ${e.requestedCount}` : ""}</span> : <span className="badge s-SKIPPED">not requested</span>}
            {e.runIds.map((r) => <Link key={r} to={`/runs/${r}`}> {r.slice(0, 8)}</Link>)}
          </h2>
          <ResultTree nodes={e.result} partitioned={e.partitioned} />
        </section>
      ))}
      {evaluations.length === 0 && <p className="muted">No evaluation stored for this tick{requestedOnly ? " requested anything" : ""}.</p>}
    </div>
  );
}
