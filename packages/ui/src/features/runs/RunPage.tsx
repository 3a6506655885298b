/**
 * One run: status, what it executes (its selection, or the steps a re-execution picked), a
 * Gantt-style step timeline (one bar per attempt, so three retries are three bars; a step whose
 * check failed says so beside its status), and the live log (server-sent events from
 * /api/runs/<id>/events) with step and level filters and dated, zoned times; re-execute (all /
 * from failure) and cancel, disabled with the reason when they do not apply, errors shown.
 */
import { useEffect, useState } from "react";
import { formatDuration, formatTime, gql, graphql, NEEDS_OPERATOR, useCanOperate, useQuery, type RunEvent } from "../../api.js";
import type { RunQuery } from "../../generated/graphql.js";
import { Link, navigate } from "../../router.js";

const RUN = graphql(`query Run($runId: String!) { run(runId: $runId) {
  runId status selection partition location origin parentRunId createdAt startedAt endedAt durationMs message canCancel assetKeys stepKeys
  tags { key value }
  steps {
    stepKey status attempts startedAt endedAt durationMs errorMessage skipReason
    attemptSpans { attempt startedAt endedAt outcome }
    failedChecks { assetKey checkName severity blocking description partition }
  }
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

/** "2025-01-02 14:03:05.120 CET": date, 24-hour time and zone, so a log line never needs the page's context (or an AM/PM that wraps). */
const LOG_TIME = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", fractionalSecondDigits: 3, hourCycle: "h23", timeZoneName: "short" });

export function logTime(ms: number): string {
  const parts = Object.fromEntries(LOG_TIME.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}.${parts.fractionalSecond} ${parts.timeZoneName}`;
}

/** The state a step's badge shows: a step that succeeded but whose error-severity (or blocking) check failed is not plain SUCCESS. */
function stepState(s: Step): { status: string; label: string; title: string } {
  const failing = s.failedChecks.filter((c) => c.blocking || c.severity === "error");
  if (s.status === "SUCCESS" && failing.length > 0) {
    const blocking = failing.some((c) => c.blocking);
    return {
      status: "CHECK_FAILED",
      label: blocking ? "BLOCKING CHECK FAILED" : "CHECK FAILED",
      title: `The step materialized, then ${failing.map((c) => `${c.blocking ? "blocking " : ""}check ${c.checkName} on ${c.assetKey}`).join(", ")} failed${blocking ? ": its downstream steps were skipped" : ""}`,
    };
  }
  if (s.status === "SUCCESS" && s.failedChecks.length > 0) return { status: "SUCCESS", label: "SUCCESS · check warning", title: s.failedChecks.map((c) => `check ${c.checkName} on ${c.assetKey} failed (warn)`).join(", ") };
  return { status: s.status, label: s.status, title: s.skipReason ?? s.errorMessage ?? s.status };
}

function Timeline(props: { steps: Step[]; start: number | null; end: number | null }) {
  const started = props.steps.filter((s) => s.startedAt !== null);
  if (started.length === 0) return <p className="muted">No step has started yet.</p>;
  const now = Date.now();
  const t0 = props.start ?? Math.min(...started.map((s) => s.startedAt!));
  const t1 = props.end ?? Math.max(now, ...started.map((s) => s.endedAt ?? now));
  const span = Math.max(1, t1 - t0);
  const pct = (t: number) => `${Math.max(0, ((t - t0) / span) * 100)}%`;
  return (
    <div className="gantt" data-testid="timeline">
      {props.steps.map((s) => {
        const state = stepState(s);
        // A step's attempts each get a bar (a retried attempt striped); older servers send none: one bar for the step.
        const bars = s.attemptSpans.length > 0 ? s.attemptSpans.map((a) => ({ key: a.attempt, start: a.startedAt, end: a.endedAt ?? now, outcome: a.outcome === "RUNNING" ? "STARTED" : a.outcome, title: `attempt ${a.attempt}: ${a.outcome.toLowerCase()}, ${formatDuration((a.endedAt ?? now) - a.startedAt)}` }))
          : s.startedAt !== null ? [{ key: 1, start: s.startedAt, end: s.endedAt ?? now, outcome: s.status, title: formatDuration(s.durationMs) }] : [];
        return (
          <div className="row" key={s.stepKey} data-testid="step-row" data-step={s.stepKey} data-state={state.status}>
            <div className="label">
              <span className={`badge s-${state.status}`} title={state.title} data-testid="step-status">{state.label}</span> {s.stepKey}
              {s.attempts > 1 ? <span className="muted"> · {s.attempts} attempts</span> : null}
            </div>
            <div className="track">
              {bars.map((b) => (
                <div key={b.key} className={`bar s-${b.outcome}`} data-testid="attempt-bar" title={b.title} style={{ left: pct(b.start), width: `${Math.max(0, ((b.end - b.start) / span) * 100)}%` }} />
              ))}
            </div>
            <div className="muted dur">{formatDuration(s.durationMs)}</div>
          </div>
        );
      })}
    </div>
  );
}

export function RunPage(props: { runId: string }) {
  const { events, live } = useRunEvents(props.runId);
  const { data, error, reload } = useQuery(RUN, { runId: props.runId }, live ? 1500 : 0);
  const [step, setStep] = useState("");
  const [minLevel, setMinLevel] = useState("debug");
  const [notice, setNotice] = useState<{ error: boolean; text: string } | null>(null);
  const canOperate = useCanOperate();
  useEffect(() => {
    if (!live) reload();
  }, [live, reload]);
  if (error) return <p className="error">{error}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  const r = data.run;
  if (!r) return <p>No run {props.runId}. <Link to="/runs">All runs</Link></p>;
  // Refusals (union results) and failures (network, 403) both end up in the notice, never swallowed.
  const reexecute = async (fromFailure: boolean) => {
    try {
      const { reexecuteRun } = await gql(REEXECUTE, { runId: r.runId, fromFailure });
      if (reexecuteRun.__typename === "LaunchRunSuccess") navigate(`/runs/${reexecuteRun.run.runId}`);
      else setNotice({ error: true, text: reexecuteRun.message });
    } catch (e) {
      setNotice({ error: true, text: `Re-execution failed: ${(e as Error).message}` });
    }
  };
  const cancel = async () => {
    try {
      const { cancelRun } = await gql(CANCEL, { runId: r.runId });
      setNotice(cancelRun.__typename === "CancelRunSuccess" ? { error: false, text: "Cancel requested." } : { error: true, text: cancelRun.message });
    } catch (e) {
      setNotice({ error: true, text: `Cancel failed: ${(e as Error).message}` });
    }
    reload();
  };
  const finished = !r.canCancel;
  const why = (enabled: boolean, reason: string) => (!canOperate ? NEEDS_OPERATOR : enabled ? undefined : reason);
  const levelIndex = LEVELS.indexOf(minLevel);
  const shown = events.filter((e) => (step === "" || e.stepKey === step) && LEVELS.indexOf(e.level) >= levelIndex);
  return (
    <div>
      <h1>Run {r.runId.slice(0, 8)} <span className={`badge s-${r.status}`} data-testid="run-status">{r.status}</span></h1>
      <p className="muted" data-testid="run-selection">
        {r.stepKeys ? (
          <>
            <span className="run-steps">{r.stepKeys.length} step{r.stepKeys.length === 1 ? "" : "s"}: {r.stepKeys.join(", ")}</span>
            <span title="The selection of the run it re-executes"> (of {r.selection})</span>
          </>
        ) : r.selection}
        {r.partition ? ` [${r.partition}]` : ""} · {r.location} · {r.origin} · created {formatTime(r.createdAt)} · duration {formatDuration(r.durationMs)}
        {r.parentRunId && <> · re-execution of <Link to={`/runs/${r.parentRunId}`}>{r.parentRunId.slice(0, 8)}</Link></>}
      </p>
      {r.message && <p className="error">{r.message}</p>}
      <div className="toolbar">
        <button onClick={() => void reexecute(false)} disabled={!canOperate || !finished} title={why(finished, "The run is still going: wait for it to finish or cancel it.")}>Re-execute all</button>
        <button onClick={() => void reexecute(true)} disabled={!canOperate || !finished || r.status === "SUCCESS"} title={why(finished && r.status !== "SUCCESS", r.status === "SUCCESS" ? "Every step succeeded: nothing to re-execute from failure." : "The run is still going.")}>Re-execute from failure</button>
        <button onClick={() => void cancel()} disabled={!canOperate || !r.canCancel} title={why(r.canCancel, `The run has finished (${r.status.toLowerCase()}): nothing to cancel.`)}>Cancel</button>
        {notice && <span className={notice.error ? "error" : "muted"} role="status" data-testid="run-notice">{notice.text}</span>}
      </div>
      <h2>Steps</h2>
      <Timeline steps={r.steps} start={r.startedAt} end={r.endedAt} />
      {r.steps.filter((s) => s.errorMessage).map((s) => (
        // A step that succeeded after retries keeps its last retried error: shown, but not as a failure.
        <p key={s.stepKey} className={s.status === "SUCCESS" ? "muted" : "error"}>{s.stepKey}: {s.status === "SUCCESS" ? `succeeded after ${s.attempts} attempts; the last retried error: ` : ""}{s.errorMessage}</p>
      ))}
      {r.steps.flatMap((s) => s.failedChecks.map((c) => (
        <p key={`${s.stepKey}:${c.assetKey}:${c.checkName}:${c.partition ?? ""}`} className={c.severity === "error" ? "error" : "muted"} data-testid="failed-check">
          {s.stepKey}: {c.blocking ? "blocking " : ""}check <Link to={`/assets/${c.assetKey}`}>{c.checkName}</Link> on {c.assetKey}{c.partition ? ` [${c.partition}]` : ""} failed ({c.severity}){c.description ? `: ${c.description}` : ""}
        </p>
      )))}
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
      {/* Focusable so that a keyboard can scroll it (it scrolls on its own). */}
      <div className="logs" data-testid="logs" role="log" aria-label="Run log" tabIndex={0}>
        <table><tbody>
          {shown.map((e) => (
            <tr key={e.id} className={`lvl-${e.level}`}>
              <td className="muted time" data-testid="log-time"><time dateTime={new Date(e.timestamp).toISOString()}>{logTime(e.timestamp)}</time></td>
              <td className="muted">{e.stepKey ?? ""}</td>
              <td>{e.stream ? `[${e.stream}] ` : ""}{e.type === "LOG" || e.type === "STEP_OUTPUT" ? "" : `${e.type} `}{e.message}</td>
            </tr>
          ))}
        </tbody></table>
      </div>
    </div>
  );
}
