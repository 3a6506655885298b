/**
 * Backfills (docs/backfills.md): the list, newest first with status and progress, filtered by
 * status in the URL; and one backfill's page — its request (selection, partitions, policy, tags),
 * counts, per-asset progress with every target's state as a strip of partitions (`?targets=` shows
 * only one state), its runs, and Cancel / Retry. The page is live: the server-sent stream
 * `/api/backfills/<id>/events` says when the backfill's row changed, and the page reloads it.
 */
import { useEffect, useState } from "react";
import { formatTime, gql, graphql, NEEDS_OPERATOR, useCanOperate, useQuery } from "../../api.js";
import type { BackfillQuery, BackfillsQuery, BackfillStatus, BackfillTargetStatus } from "../../generated/graphql.js";
import { Link, navigate, useLocation } from "../../router.js";
import "../launch/launch.css";
import "./backfills.css";

graphql(`fragment BackfillCountsFields on BackfillCounts { total requested queued inProgress materialized failed skipped canceled }`);
graphql(`fragment BackfillPartitionSetFields on BackfillPartitionSet { kind from to keys backfillId }`);

const BACKFILLS = graphql(`query Backfills($statuses: [BackfillStatus!], $after: String) {
  backfills(first: 50, after: $after, statuses: $statuses) {
    endCursor hasNextPage
    nodes { id status selection requestedBy createdAt endedAt error partitions { ...BackfillPartitionSetFields } counts { ...BackfillCountsFields } }
  }
}`);

/** Targets shown per asset (the strip); the rest are counted, and `?targets=` narrows to one state. */
const TARGETS_SHOWN = 500;

const BACKFILL = graphql(`query Backfill($id: String!, $targets: BackfillTargetStatus) { backfill(id: $id) {
  id status selection requestedBy createdAt updatedAt endedAt error canCancel maxConcurrentRuns
  partitions { ...BackfillPartitionSetFields }
  policy { kind maxPartitionsPerRun }
  tags { key value }
  counts { ...BackfillCountsFields }
  assets { assetKey partitioned total requested inProgress materialized failed skipped canceled
    partitions(first: 500, status: $targets) { nodes { key status } hasNextPage } }
  runs(first: 25) { nodes { ...RunSummary } hasNextPage }
} }`);

const CANCEL_BACKFILL = graphql(`mutation CancelBackfill($id: String!) { cancelBackfill(id: $id) { __typename ... on Error { message } } }`);
const RETRY_BACKFILL = graphql(`mutation RetryBackfill($id: String!) { retryBackfill(id: $id) { __typename ... on LaunchBackfillSuccess { backfill { id } } ... on Error { message } } }`);

const STATUSES: BackfillStatus[] = ["REQUESTED", "IN_PROGRESS", "CANCELING", "CANCELED", "COMPLETED_SUCCESS", "COMPLETED_FAILED", "FAILED"];
const TERMINAL = new Set<BackfillStatus>(["CANCELED", "COMPLETED_SUCCESS", "COMPLETED_FAILED", "FAILED"]);
const TARGET_STATUSES: BackfillTargetStatus[] = ["REQUESTED", "LAUNCHED", "MATERIALIZED", "FAILED", "SKIPPED", "CANCELED"];

type Counts = BackfillsQuery["backfills"]["nodes"][number]["counts"];
type PartitionSet = BackfillsQuery["backfills"]["nodes"][number]["partitions"];

function label(status: string): string {
  return status.replace(/_/g, " ").toLowerCase();
}

export function describePartitionSet(p: PartitionSet): string {
  switch (p.kind) {
    case "range":
      return p.from === p.to ? `partition ${p.from ?? ""}` : `${p.from ?? ""} … ${p.to ?? ""}`;
    case "keys": {
      const keys = p.keys ?? [];
      return `${keys.length} key${keys.length === 1 ? "" : "s"}: ${keys.slice(0, 5).join(", ")}${keys.length > 5 ? ", …" : ""}`;
    }
    case "failed":
      return `what failed in ${p.backfillId ? p.backfillId.slice(0, 8) : "the previous backfill"}`;
    default:
      return `${p.kind} partitions`;
  }
}

/** Done, in flight and waiting targets as one bar; the text says the same for those who cannot see it. */
export function ProgressBar(props: { counts: Omit<Counts, "__typename"> }) {
  const c = props.counts;
  const total = Math.max(1, c.total);
  const parts: Array<[string, number, string]> = [
    ["materialized", c.materialized, "MATERIALIZED"],
    ["failed", c.failed, "FAILED"],
    ["skipped", c.skipped, "SKIPPED"],
    ["canceled", c.canceled, "CANCELED"],
    ["in progress", c.inProgress, "LAUNCHED"],
    ["queued", c.queued, "QUEUED"],
  ];
  const done = c.materialized + c.failed + c.skipped + c.canceled;
  const text = [`${c.materialized}/${c.total} materialized`, ...parts.slice(1).filter(([, n]) => n > 0).map(([name, n]) => `${n} ${name}`)].join(", ");
  return (
    <div className="bf-progress" data-testid="backfill-progress">
      <div className="bf-bar" role="progressbar" aria-valuemin={0} aria-valuemax={c.total} aria-valuenow={done} aria-label="Targets done">
        {parts.map(([name, n, status]) => (n > 0 ? <span key={name} className={`t-${status}`} style={{ width: `${(n / total) * 100}%` }} title={`${n} ${name}`} /> : null))}
      </div>
      <span className="bf-text">{text}</span>
    </div>
  );
}

export function Backfills() {
  const { query } = useLocation();
  const status = query.get("status");
  const after = query.get("after");
  // From the URL: a value that is no BackfillStatus comes back as the server's error message.
  const { data, error } = useQuery(BACKFILLS, { statuses: status ? [status as BackfillStatus] : null, after }, 3000);
  return (
    <div className="launch-ui">
      <h1>Backfills</h1>
      <div className="toolbar">
        <select aria-label="Status" data-testid="backfill-status-filter" value={status ?? ""} onChange={(e) => navigate(e.target.value ? `/backfills?status=${e.target.value}` : "/backfills")}>
          <option value="">any status</option>
          {STATUSES.map((s) => <option key={s} value={s}>{label(s)}</option>)}
        </select>
        <span className="muted">Launch one from the <Link to="/assets">asset catalog</Link>: select partitioned assets, then Materialize selected.</span>
      </div>
      {error && <p className="error">{error}</p>}
      {data && data.backfills.nodes.length === 0 && <p className="muted">No backfill{status ? ` is ${label(status)}` : " yet"}.</p>}
      {data && data.backfills.nodes.length > 0 && (
        <table>
          <thead><tr><th>Backfill</th><th>Status</th><th>Selection</th><th>Partitions</th><th>Progress</th><th>Requested</th><th>By</th></tr></thead>
          <tbody>
            {data.backfills.nodes.map((b) => (
              <tr key={b.id} data-testid="backfill-row" data-id={b.id} data-status={b.status}>
                <td><Link to={`/backfills/${b.id}`}>{b.id.slice(0, 8)}</Link></td>
                <td><span className={`badge s-${b.status}`}>{label(b.status)}</span></td>
                <td className="bf-selection">{b.selection}</td>
                <td>{describePartitionSet(b.partitions)}</td>
                <td>{b.status === "REQUESTED" ? <span className="muted">not planned yet</span> : <ProgressBar counts={b.counts} />}{b.error && <div className="error">{b.error}</div>}</td>
                <td>{formatTime(b.createdAt)}</td>
                <td className="muted">{b.requestedBy ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data?.backfills.hasNextPage && (
        <button onClick={() => navigate(`/backfills?${new URLSearchParams({ ...(status ? { status } : {}), after: data.backfills.endCursor ?? "" }).toString()}`)}>Older backfills</button>
      )}
    </div>
  );
}

/** Reloads whenever the backfill's live stream says its row changed; stops at the stream's `end`. */
function useBackfillStream(id: string, onChange: () => void): boolean {
  const [live, setLive] = useState(true);
  useEffect(() => {
    setLive(true);
    const source = new EventSource(`/api/backfills/${encodeURIComponent(id)}/events`);
    source.addEventListener("backfill", () => onChange());
    source.addEventListener("end", () => {
      setLive(false);
      source.close();
      onChange();
    });
    // A 404 (no such backfill) ends the stream; the query says why.
    source.addEventListener("error", () => {
      if (source.readyState === EventSource.CLOSED) setLive(false);
    });
    return () => source.close();
  }, [id, onChange]);
  return live;
}

type AssetProgress = NonNullable<BackfillQuery["backfill"]>["assets"][number];

function TargetStrip(props: { asset: AssetProgress; filter: string | null }) {
  const a = props.asset;
  const nodes = a.partitions.nodes;
  return (
    <div>
      <div className="strip bf-strip" data-testid="backfill-targets" data-asset={a.assetKey}>
        {nodes.map((t) => (
          <span key={t.key ?? "(whole)"} className={`t-${t.status}`} data-testid="backfill-target" data-key={t.key ?? ""} data-status={t.status} title={`${t.key ?? a.assetKey}: ${label(t.status)}`} />
        ))}
      </div>
      {a.partitions.hasNextPage && <p className="muted">The first {TARGETS_SHOWN} {props.filter ? `${label(props.filter)} ` : ""}targets of {a.assetKey}; pick a state above to see only those.</p>}
    </div>
  );
}

export function BackfillPage(props: { id: string }) {
  const { query } = useLocation();
  const targets = query.get("targets");
  // From the URL: a value that is no BackfillTargetStatus comes back as the server's error message.
  const state = useQuery(BACKFILL, { id: props.id, targets: (targets as BackfillTargetStatus | null) ?? null });
  const live = useBackfillStream(props.id, state.reload);
  const canOperate = useCanOperate();
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{ error: boolean; text: string } | null>(null);
  const b = state.data?.backfill;
  // Safety net beside the stream (a proxy that buffers server-sent events): a slow poll until it ends.
  useEffect(() => {
    if (!b || TERMINAL.has(b.status)) return undefined;
    const timer = setInterval(state.reload, 10_000);
    return () => clearInterval(timer);
  }, [b?.status, state.reload]);

  if (state.error && !b) return <p className="error">{state.error}</p>;
  if (!state.data) return <p className="muted">Loading…</p>;
  if (!b) return <p className="error">No backfill {props.id}. <Link to="/backfills">All backfills</Link></p>;

  const retryable = TERMINAL.has(b.status) && b.counts.failed + b.counts.skipped + b.counts.canceled > 0;
  const cancel = async () => {
    setBusy(true);
    try {
      const { cancelBackfill: r } = await gql(CANCEL_BACKFILL, { id: b.id });
      setNotice(r.__typename === "CancelBackfillSuccess" ? { error: false, text: "Canceling: nothing more is launched, and its running runs are asked to stop." } : { error: true, text: r.message });
    } catch (e) {
      setNotice({ error: true, text: String((e as Error).message ?? e) });
    } finally {
      setBusy(false);
      state.reload();
    }
  };
  const retry = async () => {
    setBusy(true);
    try {
      const { retryBackfill: r } = await gql(RETRY_BACKFILL, { id: b.id });
      if (r.__typename === "LaunchBackfillSuccess") navigate(`/backfills/${r.backfill.id}`);
      else setNotice({ error: true, text: r.message });
    } catch (e) {
      setNotice({ error: true, text: String((e as Error).message ?? e) });
    } finally {
      setBusy(false);
    }
  };
  const setTargets = (value: string) => navigate(`/backfills/${b.id}${value ? `?targets=${value}` : ""}`);

  return (
    <div className="launch-ui backfill-page" data-testid="backfill-page" data-status={b.status}>
      <h1>
        Backfill {b.id.slice(0, 8)} <span className={`badge s-${b.status}`} data-testid="backfill-status">{label(b.status)}</span>
        {live && !TERMINAL.has(b.status) && <span className="muted bf-live"> · live</span>}
      </h1>
      <div className="toolbar">
        <button data-testid="backfill-cancel" disabled={!canOperate || !b.canCancel || busy} title={!canOperate ? NEEDS_OPERATOR : !b.canCancel ? `A ${label(b.status)} backfill cannot be canceled` : "Launch nothing more and cancel its running runs"} onClick={() => void cancel()}>
          Cancel
        </button>
        <button data-testid="backfill-retry" disabled={!canOperate || !retryable || busy} title={!canOperate ? NEEDS_OPERATOR : !retryable ? "Nothing failed, was skipped or canceled (or it has not ended)" : "A new backfill over what failed, was skipped or canceled"} onClick={() => void retry()}>
          Retry failed
        </button>
        <Link to="/backfills">All backfills</Link>
      </div>
      {notice && <p className={notice.error ? "error" : "ok-line"} data-testid="backfill-notice">{notice.text}</p>}
      {b.error && <p className="error" data-testid="backfill-error">{b.error}</p>}
      {state.error && <p className="error">{state.error}</p>}
      <table className="bf-facts">
        <tbody>
          <tr><th>Selection</th><td className="bf-selection">{b.selection}</td></tr>
          <tr><th>Partitions</th><td>{describePartitionSet(b.partitions)}</td></tr>
          <tr><th>Policy</th><td>{b.policy ? `${b.policy.kind}${b.policy.maxPartitionsPerRun ? ` (${b.policy.maxPartitionsPerRun} per run)` : ""}` : "each asset's own"}{b.maxConcurrentRuns ? `, at most ${b.maxConcurrentRuns} runs at once` : ""}</td></tr>
          <tr><th>Tags</th><td data-testid="backfill-tags">{b.tags.length === 0 ? <span className="muted">none</span> : b.tags.map((t) => <code key={t.key} className="bf-tag">{t.key}={t.value}</code>)}</td></tr>
          <tr><th>Requested</th><td>{formatTime(b.createdAt)}{b.requestedBy ? ` by ${b.requestedBy}` : ""}{b.endedAt ? `, ended ${formatTime(b.endedAt)}` : ""}</td></tr>
          <tr><th>Targets</th><td>{b.status === "REQUESTED" ? <span className="muted">not planned yet (the daemon plans it)</span> : <ProgressBar counts={b.counts} />}</td></tr>
        </tbody>
      </table>
      <h2>
        Per asset{" "}
        <select aria-label="Show targets" data-testid="backfill-target-filter" value={targets ?? ""} onChange={(e) => setTargets(e.target.value)}>
          <option value="">every target</option>
          {TARGET_STATUSES.map((s) => <option key={s} value={s}>only {label(s)}</option>)}
        </select>
      </h2>
      <div className="bf-legend" aria-hidden="true">
        {TARGET_STATUSES.map((s) => <span key={s}><span className={`bf-swatch t-${s}`} /> {label(s)}</span>)}
      </div>
      <table>
        <thead><tr><th>Asset</th><th>Targets</th><th>Requested</th><th>In progress</th><th>Materialized</th><th>Failed</th><th>Skipped</th><th>Canceled</th></tr></thead>
        <tbody>
          {b.assets.map((a) => (
            <tr key={a.assetKey} data-testid="backfill-asset" data-asset={a.assetKey}>
              <td className="bf-asset">
                <Link to={`/assets/${a.assetKey}`}>{a.assetKey}</Link>
                <TargetStrip asset={a} filter={targets} />
              </td>
              <td>{a.total}</td>
              <td>{a.requested}</td>
              <td>{a.inProgress}</td>
              <td data-testid="asset-materialized">{a.materialized}</td>
              <td className={a.failed > 0 ? "error" : undefined}>{a.failed}</td>
              <td>{a.skipped}</td>
              <td>{a.canceled}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {b.assets.length === 0 && <p className="muted">The plan appears once the daemon has planned the backfill.</p>}
      <h2>Runs</h2>
      {b.runs.nodes.length === 0 ? (
        <p className="muted">No run yet.</p>
      ) : (
        <table>
          <thead><tr><th>Run</th><th>Status</th><th>Selection</th><th>Partition</th><th>Created</th></tr></thead>
          <tbody>
            {b.runs.nodes.map((r) => (
              <tr key={r.runId} data-testid="backfill-run">
                <td><Link to={`/runs/${r.runId}`}>{r.runId.slice(0, 8)}</Link></td>
                <td><span className={`badge s-${r.status}`}>{r.status}</span></td>
                <td>{r.selection}</td>
                <td>{r.partition ?? <span className="muted">—</span>}</td>
                <td>{formatTime(r.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {b.runs.hasNextPage && <p className="muted">The 25 newest of its runs.</p>}
    </div>
  );
}
