/**
 * One run: status, a Gantt-style step timeline, and the live log (server-sent events from
 * /api/runs/<id>/events) with step and level filters; re-execute (all / from failure) and cancel.
 */
import { useEffect, useState } from "react";
import { formatDuration, formatTime, gql, graphql, NEEDS_OPERATOR, useCanOperate, useQuery, type RunEvent } from "../../api.js";
import type { RunQuery } from "../../generated/graphql.js";
import { Link, navigate } from "../../router.js";

const RUN = graphql(`query Run($runId: String!) { run(runId: $runId) {
  runId status selection partition location origin parentRunId createdAt startedAt endedAt durationMs message canCancel assetKeys
  tags { key value }
  steps { stepKey status attempts startedAt endedAt durationMs errorMessage skipReason }
} }`);
const REEXECUTE = graphql(`mutation Reexecute($runId: String!, $fromFailure: Boolean) { reexecuteRun(runId: $runId, fromFailure: $fromFailure) { __typename ... on LaunchRunSuccess { run { runId } } ... on Error { message } } }`);
const CANCEL = graphql(`mutation Cancel($runId: String!) { cancelRun(runId: $runId) { __typename ... on Error { message } } }`);

type Step = NonNullable<RunQuery["run"]>["steps"][number];

const LEVELS = ["debug", "info", "warn", "error"];

function useRunEvents(runId: string): { events: RunEvent[]; live: boolean } {
  const [events, setEvents] = useState<RunEvent[]>([]);
  const [live, setLive] = useState(true);
  useEffect(() => {
    setEvents([]);
    setLive(true);
    const source = new EventSource(`/api/runs/${encodeURIComponent(runId)}/events`);
    source.addEventListener("events", (message) => {
      const batch = JSON.parse((message as MessageEvent<string>).data) as RunEvent[];
      setEvents((current) => {
        const last = current.length > 0 ? current[current.length - 1]!.id : 0;
        return [...current, ...batch.filter((e) => e.id > last)];
      });
    });
    source.addEventListener("end", () => {
      setLive(false);
      source.close();
    });
    return () => source.close();
  }, [runId]);
  return { events, live };
}

function Timeline(props: { steps: Step[]; start: number | null; end: number | null }) {
  const started = props.steps.filter((s) => s.startedAt !== null);
  if (started.length === 0) return <p className="muted">No step has started yet.</p>;
  const t0 = props.start ?? Math.min(...started.map((s) => s.startedAt!));
  const t1 = props.end ?? Math.max(Date.now(), ...started.map((s) => s.endedAt ?? Date.now()));
  const span = Math.max(1, t1 - t0);
  return (
    <div className="gantt" data-testid="timeline">
      {props.steps.map((s) => (
        <div className="row" key={s.stepKey}>
          <div className="label" title={s.stepKey}><span className={`badge s-${s.status}`}>{s.status}</span> {s.stepKey}</div>
          <div className="track">
            {s.startedAt !== null && (
              <div className={`bar s-${s.status}`} title={`${formatDuration(s.durationMs)}`} style={{ left: `${((s.startedAt - t0) / span) * 100}%`, width: `${(((s.endedAt ?? Date.now()) - s.startedAt) / span) * 100}%` }} />
            )}
          </div>
          <div className="muted" style={{ width: 80, textAlign: "right" }}>{formatDuration(s.durationMs)}</div>
        </div>
      ))}
    </div>
  );
}

export function RunPage(props: { runId: string }) {
  const { events, live } = useRunEvents(props.runId);
  const { data, error, reload } = useQuery(RUN, { runId: props.runId }, live ? 1500 : 0);
  const [step, setStep] = useState("");
  const [minLevel, setMinLevel] = useState("debug");
  const [notice, setNotice] = useState<string | null>(null);
  const canOperate = useCanOperate();
  useEffect(() => {
    if (!live) reload();
  }, [live, reload]);
  if (error) return <p className="error">{error}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  const r = data.run;
  if (!r) return <p>No run {props.runId}. <Link to="/runs">All runs</Link></p>;
  const reexecute = async (fromFailure: boolean) => {
    const { reexecuteRun } = await gql(REEXECUTE, { runId: r.runId, fromFailure });
    if (reexecuteRun.__typename === "LaunchRunSuccess") navigate(`/runs/${reexecuteRun.run.runId}`);
    else setNotice(reexecuteRun.message);
  };
  const cancel = async () => {
    const { cancelRun } = await gql(CANCEL, { runId: r.runId });
    setNotice(cancelRun.__typename === "CancelRunSuccess" ? "Cancel requested." : cancelRun.message);
    reload();
  };
  const levelIndex = LEVELS.indexOf(minLevel);
  const shown = events.filter((e) => (step === "" || e.stepKey === step) && LEVELS.indexOf(e.level) >= levelIndex);
  return (
    <div>
      <h1>Run {r.runId.slice(0, 8)} <span className={`badge s-${r.status}`} data-testid="run-status">{r.status}</span></h1>
      <p className="muted">
        {r.selection}{r.partition ? ` [${r.partition}]` : ""} · {r.location} · {r.origin} · created {formatTime(r.createdAt)} · duration {formatDuration(r.durationMs)}
        {r.parentRunId && <> · re-execution of <Link to={`/runs/${r.parentRunId}`}>{r.parentRunId.slice(0, 8)}</Link></>}
      </p>
      {r.message && <p className="error">{r.message}</p>}
      <div className="toolbar">
        <button onClick={() => void reexecute(false)} disabled={!canOperate || r.canCancel} title={canOperate ? undefined : NEEDS_OPERATOR}>Re-execute all</button>
        <button onClick={() => void reexecute(true)} disabled={!canOperate || r.canCancel || r.status === "SUCCESS"} title={canOperate ? undefined : NEEDS_OPERATOR}>Re-execute from failure</button>
        <button onClick={() => void cancel()} disabled={!canOperate || !r.canCancel} title={canOperate ? undefined : NEEDS_OPERATOR}>Cancel</button>
        {notice && <span className="muted">{notice}</span>}
      </div>
      <h2>Steps</h2>
      <Timeline steps={r.steps} start={r.startedAt} end={r.endedAt} />
      {r.steps.filter((s) => s.errorMessage).map((s) => <p key={s.stepKey} className="error">{s.stepKey}: {s.errorMessage}</p>)}
      <h2>Logs {live && <span className="muted">(live)</span>}</h2>
      <div className="toolbar">
        <select aria-label="Step" value={step} onChange={(e) => setStep(e.target.value)}>
          <option value="">all steps</option>
          {r.steps.map((s) => <option key={s.stepKey} value={s.stepKey}>{s.stepKey}</option>)}
        </select>
        <select aria-label="Level" value={minLevel} onChange={(e) => setMinLevel(e.target.value)}>
          {LEVELS.map((l) => <option key={l} value={l}>{l} and above</option>)}
        </select>
        <span className="muted">{shown.length} of {events.length} events</span>
      </div>
      <div className="logs" data-testid="logs">
        <table><tbody>
          {shown.map((e) => (
            <tr key={e.id} className={`lvl-${e.level}`}>
              <td className="muted">{new Date(e.timestamp).toLocaleTimeString()}</td>
              <td className="muted">{e.stepKey ?? ""}</td>
              <td>{e.stream ? `[${e.stream}] ` : ""}{e.type === "LOG" || e.type === "STEP_OUTPUT" ? "" : `${e.type} `}{e.message}</td>
            </tr>
          ))}
        </tbody></table>
      </div>
    </div>
  );
}
