/**
 * One asset: definition, Materialize (with a partition picker), the unsynced badge with its causes,
 * partition strip, a plot of numeric metadata over time (e.g. row_count per materialization), the
 * history table, up/downstream; an Automation tab (?tab=automation) with the declared condition,
 * the latest evaluation as a tree with true/false per node and why, and the evaluation history.
 */
import { useRef, useState, type KeyboardEvent } from "react";
import { formatTime, gql, graphql, NEEDS_OPERATOR, useCanOperate, useQuery } from "../../api.js";
import type { AssetQuery } from "../../generated/graphql.js";
import { Link, navigate, useLocation } from "../../router.js";
import { ConditionTree, ResultTree } from "../automation/Trees.js";
import { FreshnessBadge, FreshnessPanel } from "../observability/Observability.js";
import { MetadataList, MetadataPlot, numericSeries } from "../metadata/Metadata.js";
import { SyncBadge } from "./Sync.js";

const ASSET = graphql(`query Asset($key: String!) { asset(key: $key) {
  key location group description owners kinds codeVersion dataVersion status freshnessPolicy
  sync { ...AssetSyncFields }
  tags { key value } deps dependents
  upstreamDependencies { key partitionMapping { description declared } }
  partitions { kind keys cadence timezone start format name }
  partitionStatus { total materialized failed missing missingRanges(first: 5) { startKey endKey count } partitions(first: 2000, newestFirst: true) { nodes { key status runId } } }
  checks { name description blocking passed severity timestamp runId }
  freshness { ...FreshnessFields }
  schedules { id name cron } sensors { id name }
  latestRun { runId status }
  materializations(first: 100) { nodes { eventId runId timestamp partition metadata { ...MetadataEntryFields } } }
} }`);

const AUTOMATION = graphql(`query AssetAutomation($key: String!, $after: String) { asset(key: $key) {
  key partitions { kind }
  automationCondition { ...AutomationConditionNodeFields }
  automationEvaluations(first: 20, after: $after) {
    nodes { tickId evaluatedAt requestedCount partitioned runIds result { ...AutomationResultNodeFields } }
    endCursor hasNextPage
  }
} }`);

/** The Automation tab: what the asset declares, what the latest evaluation found and why, and the history. */
function AutomationTab(props: { assetKey: string }) {
  const [after, setAfter] = useState<string | null>(null);
  const { data, error } = useQuery(AUTOMATION, { key: props.assetKey, after }, 5000);
  const [picked, setPicked] = useState<number | null>(null);
  if (error) return <p className="error">{error}</p>;
  if (!data?.asset) return <p className="muted">Loading…</p>;
  const a = data.asset;
  const evaluations = a.automationEvaluations.nodes;
  const shown = evaluations.find((e) => e.tickId === picked) ?? (after === null ? evaluations[0] : undefined);
  return (
    <div className="grid2" data-testid="automation-tab">
      <section>
        <h2>Condition</h2>
        {a.automationCondition ? <ConditionTree nodes={a.automationCondition} /> : <p className="muted" data-testid="no-condition">No automation condition declared: only runs launched by hand, schedules, sensors and backfills materialize it.</p>}
        <h2>Evaluations</h2>
        {evaluations.length === 0 ? (
          <p className="muted">No evaluation stored yet{a.automationCondition ? " (the daemon evaluates conditions on each automation tick; an evaluation is stored when its result changes or it requests a run)" : ""}.</p>
        ) : (
          <table data-testid="evaluation-history">
            <thead><tr><th>When</th><th>Tick</th><th>Requested</th><th>Runs</th></tr></thead>
            <tbody>
              {evaluations.map((e) => (
                <tr key={e.tickId} className={e === shown ? "selected" : ""} data-testid="evaluation-row" onClick={() => setPicked(e.tickId)} style={{ cursor: "pointer" }}>
                  <td>{formatTime(e.evaluatedAt)}</td>
                  <td><Link to={`/automation/ticks/${e.tickId}`}>{e.tickId}</Link></td>
                  <td>{e.requestedCount > 0 ? (e.partitioned ? `${e.requestedCount} partitions` : "yes") : <span className="muted">no</span>}</td>
                  <td>{e.runIds.map((r) => <Link key={r} to={`/runs/${r}`}>{r.slice(0, 8)} </Link>)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {(after !== null || a.automationEvaluations.hasNextPage) && (
          <div className="toolbar">
            {after !== null && <button onClick={() => setAfter(null)}>Newest</button>}
            {a.automationEvaluations.hasNextPage && <button onClick={() => setAfter(a.automationEvaluations.endCursor)}>Older</button>}
          </div>
        )}
      </section>
      <section>
        <h2>{shown ? <>Evaluation of tick {shown.tickId} <span className="muted">({formatTime(shown.evaluatedAt)})</span></> : "Latest evaluation"}</h2>
        {shown ? (
          <>
            <p>{shown.requestedCount > 0 ? <span className="badge s-SUCCESS">requested{shown.partitioned ? ` ${shown.requestedCount} partitions` : ""}</span> : <span className="badge s-SKIPPED">not requested</span>}</p>
            <ResultTree nodes={shown.result} partitioned={shown.partitioned} />
          </>
        ) : <p className="muted">Pick an evaluation.</p>}
      </section>
    </div>
  );
}

const LAUNCH = graphql(`mutation Launch($selection: String!, $partition: String) {
  launchRun(selection: $selection, partition: $partition) { __typename ... on LaunchRunSuccess { run { runId } } ... on Error { message } }
}`);

type PartitionsRow = NonNullable<NonNullable<AssetQuery["asset"]>["partitions"]>;

function describePartitions(p: PartitionsRow): string {
  if (p.kind === "static") return `static: ${(p.keys ?? []).join(", ")}`;
  if (p.kind === "dynamic") return `dynamic: ${p.name ?? "?"} (keys added at run time)`;
  return `${p.cadence ?? "?"} from ${p.start ?? "?"} (${p.timezone ?? "?"})`;
}

type StripCell = NonNullable<NonNullable<AssetQuery["asset"]>["partitionStatus"]>["partitions"]["nodes"][number];

/**
 * The partition status strip: one small cell per partition, each a button (click or Enter picks
 * the partition for Materialize). One cell is in the tab order at a time; arrow keys, Home and
 * End move between cells, so 2,000 partitions are not 2,000 tab stops.
 */
function PartitionStrip(props: { cells: StripCell[]; picked: string; onPick: (key: string) => void; pickable: boolean }) {
  const { cells, picked } = props;
  const [focusIndex, setFocusIndex] = useState<number | null>(null);
  const refs = useRef<Array<HTMLButtonElement | null>>([]);
  const pickedIndex = cells.findIndex((c) => c.key === picked);
  const active = focusIndex ?? (pickedIndex >= 0 ? pickedIndex : cells.length - 1);
  const move = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const next = { ArrowLeft: index - 1, ArrowUp: index - 1, ArrowRight: index + 1, ArrowDown: index + 1, Home: 0, End: cells.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const clamped = Math.max(0, Math.min(cells.length - 1, next));
    setFocusIndex(clamped);
    refs.current[clamped]?.focus();
  };
  return (
    <div className="strip" data-testid="partition-strip" role="group" aria-label={`Partitions (${cells.length}); arrow keys move, Enter picks`}>
      {cells.map((p, i) => (
        <button
          key={p.key}
          ref={(el) => {
            refs.current[i] = el;
          }}
          type="button"
          className={`cell s-${p.status}`}
          title={`${p.key}: ${p.status}`}
          aria-label={`${p.key}: ${p.status.toLowerCase().replace("_", " ")}`}
          aria-pressed={p.key === picked}
          tabIndex={i === active ? 0 : -1}
          data-key={p.key}
          onFocus={() => setFocusIndex(i)}
          onKeyDown={(e) => move(e, i)}
          onClick={() => props.pickable && props.onPick(p.key)}
        />
      ))}
    </div>
  );
}

export function AssetPage(props: { assetKey: string }) {
  const { query } = useLocation();
  const tab = query.get("tab") === "automation" ? "automation" : "overview";
  const { data, error, reload } = useQuery(ASSET, { key: props.assetKey }, 4000);
  const [partition, setPartition] = useState("");
  const [launchError, setLaunchError] = useState<string | null>(null);
  const canOperate = useCanOperate();
  if (error) return <p className="error">{error}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  const a = data.asset;
  if (!a) return <p>No asset {props.assetKey}. <Link to="/assets">All assets</Link></p>;
  // The newest 2,000 partitions, shown oldest first (an asset may have a million).
  const strip = [...(a.partitionStatus?.partitions.nodes ?? [])].reverse();
  const partitionKeys = strip.map((p) => p.key);
  const latest = a.materializations.nodes[0];
  const materialize = async () => {
    setLaunchError(null);
    const { launchRun } = await gql(LAUNCH, { selection: a.key, partition: a.partitions ? partition || partitionKeys[partitionKeys.length - 1] || null : null });
    if (launchRun.__typename === "LaunchRunSuccess") navigate(`/runs/${launchRun.run.runId}`);
    else setLaunchError(launchRun.message);
    reload();
  };
  return (
    <div>
      <h1>{a.key} <span className={`badge s-${a.status}`}>{a.status.replace("_", " ").toLowerCase()}</span> <SyncBadge sync={a.sync} /> <FreshnessBadge freshness={a.freshness} hasPolicy={a.freshnessPolicy !== null} /></h1>
      {a.sync.state === "UNSYNCED" && (
        <ul className="muted" data-testid="sync-causes">
          {a.sync.causes.map((c, i) => <li key={i}>{c.message}{c.upstream ? <> · <Link to={`/assets/${c.upstream}`}>open {c.upstream}</Link></> : null}</li>)}
        </ul>
      )}
      <div className="toolbar">
        {a.partitions && (
          <select aria-label="Partition" value={partition || partitionKeys[partitionKeys.length - 1] || ""} onChange={(e) => setPartition(e.target.value)}>
            {[...partitionKeys].reverse().map((k) => <option key={k} value={k}>{k}</option>)}
          </select>
        )}
        <button className="primary" disabled={!canOperate} title={canOperate ? undefined : NEEDS_OPERATOR} onClick={() => void materialize()}>Materialize</button>
        <Link to={`/lineage?focus=${encodeURIComponent(a.key)}`}>Show in lineage</Link>
        {a.latestRun && <span className="muted">latest run <Link to={`/runs/${a.latestRun.runId}`}>{a.latestRun.runId.slice(0, 8)}</Link> {a.latestRun.status}</span>}
      </div>
      {launchError && <p className="error" data-testid="launch-error">{launchError}</p>}
      <div className="toolbar" role="tablist">
        <button role="tab" aria-selected={tab === "overview"} className={tab === "overview" ? "primary" : ""} onClick={() => navigate(`/assets/${a.key}`)}>Overview</button>
        <button role="tab" aria-selected={tab === "automation"} className={tab === "automation" ? "primary" : ""} data-testid="automation-tab-button" onClick={() => navigate(`/assets/${a.key}?tab=automation`)}>Automation</button>
      </div>
      {tab === "automation" ? <AutomationTab assetKey={a.key} /> : <>
      <div className="grid2">
        <section>
          <h2>Definition</h2>
          <table><tbody>
            <tr><th>Description</th><td>{a.description ?? <span className="muted">none</span>}</td></tr>
            <tr><th>Location · group</th><td>{a.location} · <Link to={`/assets?group=${encodeURIComponent(a.group)}`}>{a.group}</Link></td></tr>
            <tr><th>Owners</th><td>{a.owners.join(", ") || "—"}</td></tr>
            <tr><th>Kinds · tags</th><td>{a.kinds.join(", ") || "—"} {a.tags.map((t) => <span key={t.key} className="muted"> {t.key}={t.value}</span>)}</td></tr>
            <tr><th>Code version</th><td>{a.codeVersion ?? "—"}</td></tr>
            <tr><th>Data version</th><td title="Of the latest materialization: the producer's, or derived from its code version and its inputs' data versions" data-testid="data-version">{a.dataVersion ? <code>{a.dataVersion.length > 16 ? `${a.dataVersion.slice(0, 16)}…` : a.dataVersion}</code> : "—"}</td></tr>
            <tr><th>Partitions</th><td>{a.partitions ? describePartitions(a.partitions) : "—"}</td></tr>
            <tr><th>Targeted by</th><td>{[...a.schedules.map((s) => <Link key={s.id} to={`/schedules/${encodeURIComponent(s.id)}`}>{s.name} ({s.cron}) </Link>), ...a.sensors.map((s) => <Link key={s.id} to={`/sensors/${encodeURIComponent(s.id)}`}>{s.name} </Link>)]}{a.schedules.length + a.sensors.length === 0 ? "—" : null}</td></tr>
            <tr><th>Upstream</th><td>{a.upstreamDependencies.map((d) => (
              <div key={d.key} data-testid="upstream-dependency">
                <Link to={`/assets/${d.key}`}>{d.key === a.key ? `${d.key} (itself)` : d.key}</Link>
                {d.partitionMapping ? <span className="muted" title={d.partitionMapping.declared ? "declared on the dependency" : "the default mapping"}> · {d.partitionMapping.description}</span> : null}
              </div>
            ))}{a.upstreamDependencies.length === 0 ? "—" : null}</td></tr>
            <tr><th>Downstream</th><td>{a.dependents.map((d) => <div key={d}><Link to={`/assets/${d}`}>{d}</Link></div>)}{a.dependents.length === 0 ? "—" : null}</td></tr>
          </tbody></table>
        </section>
        <section>
          <h2>Freshness</h2>
          <FreshnessPanel freshness={a.freshness} policy={a.freshnessPolicy} />
          <h2>Checks</h2>
          {a.checks.length === 0 ? <p className="muted">No checks.</p> : (
            <table data-testid="checks-table">
              <thead><tr><th>Check</th><th>Result</th><th>Severity</th><th>When</th><th>Run</th></tr></thead>
              <tbody>
                {a.checks.map((c) => (
                  <tr key={c.name} data-testid="check-row" data-check={c.name}>
                    <td>{c.name}{c.blocking ? <span className="muted"> · blocking</span> : null}{c.description ? <div className="muted">{c.description}</div> : null}</td>
                    <td>{c.passed === null ? <span className="badge s-PENDING">not run</span> : c.passed ? <span className="badge s-SUCCESS">passed</span> : <span className={`badge ${c.severity === "error" ? "s-FAILED" : "s-WARN"}`}>failed</span>}</td>
                    <td>{c.severity ?? "—"}</td>
                    <td>{formatTime(c.timestamp)}</td>
                    <td>{c.runId ? <Link to={`/runs/${c.runId}`}>{c.runId.slice(0, 8)}</Link> : "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {a.partitionStatus && (
            <>
              <h2>Partitions: {a.partitionStatus.materialized}/{a.partitionStatus.total} materialized{a.partitionStatus.failed ? `, ${a.partitionStatus.failed} failed` : ""}</h2>
              {a.partitionStatus.missing > 0 ? (
                <p className="muted" data-testid="missing-ranges">
                  {a.partitionStatus.missing} missing: {a.partitionStatus.missingRanges.map((r) => (r.count === 1 ? r.startKey : `${r.startKey} … ${r.endKey} (${r.count})`)).join(", ")}
                  {a.partitionStatus.missingRanges.length === 5 ? ", …" : ""}
                </p>
              ) : null}
              <PartitionStrip cells={strip} picked={partition || partitionKeys[partitionKeys.length - 1] || ""} onPick={setPartition} pickable={a.partitions !== null} />
            </>
          )}
          <h2>Metadata over time</h2>
          <MetadataPlot series={numericSeries(a.materializations.nodes)} />
        </section>
      </div>
      {latest && (
        <section data-testid="latest-materialization">
          <h2>Latest materialization <span className="muted">· {formatTime(latest.timestamp)}{latest.partition ? ` · ${latest.partition}` : ""} · <Link to={`/runs/${latest.runId}`}>run {latest.runId.slice(0, 8)}</Link></span></h2>
          <MetadataList entries={latest.metadata} />
        </section>
      )}
      <h2>Materializations</h2>
      <table>
        <thead><tr><th>When</th><th>Partition</th><th>Run</th><th>Metadata</th></tr></thead>
        <tbody>
          {a.materializations.nodes.map((m) => (
            <tr key={m.eventId}>
              <td>{formatTime(m.timestamp)}</td>
              <td>{m.partition ?? "—"}</td>
              <td><Link to={`/runs/${m.runId}`}>{m.runId.slice(0, 8)}</Link></td>
              <td><MetadataList entries={m.metadata} compact /></td>
            </tr>
          ))}
        </tbody>
      </table>
      {a.materializations.nodes.length === 0 && <p className="muted">Never materialized.</p>}
      </>}
    </div>
  );
}
