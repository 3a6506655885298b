/**
 * The launch dialog: shows what a selection expression would launch before anything runs — its
 * assets in dependency order, grouped by code location (a run belongs to one location, so one run
 * per location), and for partitioned assets a partition range or set, which makes it one backfill
 * (docs/backfills.md) instead of runs. Run tags are edited as key=value rows (reserved `flyt/` keys
 * refused here as the API refuses them). Every failure of the launch stays in the dialog, by
 * location for runs and by field for a backfill.
 */
import { useEffect, useMemo, useRef, useState } from "react";
import { gql, graphql, NEEDS_OPERATOR, useCanOperate, useQuery } from "../../api.js";
import type { BackfillPartitionsInput, BackfillPolicyInput } from "../../generated/graphql.js";
import { Link, navigate } from "../../router.js";
import { dependencyOrder, MAX_TAGS, parseKeySet, tagProblems, tagsInput, type TagRow } from "./selection.js";
import "./launch.css";

const PLAN = graphql(`query LaunchPlan($selection: String!) {
  assetGraph(selection: $selection) { nodes { key location partitioned } edges { from to } }
  locations { name status }
}`);

const PARTITION_KEYS = graphql(`query LaunchPartitionKeys($key: String!) { asset(key: $key) {
  key partitions { kind cadence name }
  partitionStatus { total partitions(first: 500, newestFirst: true) { nodes { key } } }
} }`);

const LAUNCH_RUN = graphql(`mutation LaunchSelection($selection: String!, $tags: [TagInput!]) {
  launchRun(selection: $selection, tags: $tags) { __typename ... on LaunchRunSuccess { run { runId location assetKeys } } ... on Error { message } }
}`);

const LAUNCH_BACKFILL = graphql(`mutation LaunchBackfillFromDialog($input: LaunchBackfillInput!) {
  launchBackfill(input: $input) { __typename ... on LaunchBackfillSuccess { backfill { id } } ... on InvalidBackfillError { field } ... on Error { message } }
}`);

/** How many assets a location's list shows before "… N more" (a selection may be every asset). */
const SHOWN = 40;
/** Partitioned assets whose keys feed the from/to suggestions (each costs one query). */
const KEY_SOURCES = 8;

type PartitionMode = "RANGE" | "KEYS" | "MISSING" | "ALL";
type Policy = "OWN" | "PER_PARTITION" | "SINGLE_RUN";

interface RunOutcome {
  location: string;
  runId: string | null;
  assetKeys: string[];
  error: string | null;
}

function AssetList(props: { keys: string[]; partitioned: Set<string> }) {
  const [all, setAll] = useState(false);
  const shown = all ? props.keys : props.keys.slice(0, SHOWN);
  return (
    <>
      <ol className="plan-assets">
        {shown.map((k) => (
          <li key={k} data-testid="plan-asset">
            {k}
            {props.partitioned.has(k) && <span className="muted"> · partitioned</span>}
          </li>
        ))}
      </ol>
      {props.keys.length > shown.length && (
        <button type="button" className="linkish" onClick={() => setAll(true)}>
          … {props.keys.length - shown.length} more
        </button>
      )}
    </>
  );
}

/** Partition keys of the selection's partitioned assets (newest 500 of each of the first few), for the from/to suggestions. */
function usePartitionKeys(assets: string[]): { keys: string[]; describe: string[] } {
  const [state, setState] = useState<{ keys: string[]; describe: string[] }>({ keys: [], describe: [] });
  const wanted = assets.slice(0, KEY_SOURCES).join("\n");
  useEffect(() => {
    if (wanted === "") return;
    let live = true;
    void Promise.all(wanted.split("\n").map((key) => gql(PARTITION_KEYS, { key }).catch(() => null))).then((results) => {
      if (!live) return;
      const keys = new Set<string>();
      const describe: string[] = [];
      for (const r of results) {
        const a = r?.asset;
        if (!a || !a.partitionStatus) continue;
        // Newest first from the API; suggestions read oldest first.
        for (const n of [...a.partitionStatus.partitions.nodes].reverse()) keys.add(n.key);
        const p = a.partitions;
        describe.push(`${a.key}: ${a.partitionStatus.total} ${p?.kind === "time-window" ? `${p.cadence ?? ""} ` : p?.kind === "dynamic" ? `dynamic (${p.name ?? ""}) ` : ""}partitions`);
      }
      setState({ keys: [...keys], describe });
    });
    return () => {
      live = false;
    };
  }, [wanted]);
  return state;
}

export function LaunchDialog(props: { selection: string; title: string; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const canOperate = useCanOperate();
  const plan = useQuery(PLAN, { selection: props.selection });
  const [tags, setTags] = useState<TagRow[]>([{ key: "", value: "" }]);
  const [mode, setMode] = useState<PartitionMode>("RANGE");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [keySet, setKeySet] = useState("");
  const [policy, setPolicy] = useState<Policy>("OWN");
  const [launching, setLaunching] = useState(false);
  const [runs, setRuns] = useState<RunOutcome[] | null>(null);
  const [launchError, setLaunchError] = useState<string | null>(null);

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
  }, []);

  const nodes = plan.data?.assetGraph.nodes ?? [];
  const order = useMemo(() => dependencyOrder(nodes.map((n) => n.key), plan.data?.assetGraph.edges ?? []), [plan.data]);
  const locationOf = new Map(nodes.map((n) => [n.key, n.location]));
  const partitioned = new Set(nodes.filter((n) => n.partitioned).map((n) => n.key));
  const byLocation = new Map<string, string[]>();
  for (const key of order) {
    const loc = locationOf.get(key) ?? "?";
    byLocation.set(loc, [...(byLocation.get(loc) ?? []), key]);
  }
  const unloaded = (plan.data?.locations ?? []).filter((l) => byLocation.has(l.name) && l.status !== "LOADED");
  const isBackfill = partitioned.size > 0;
  const suggestions = usePartitionKeys(order.filter((k) => partitioned.has(k)));
  const problems = tagProblems(tags);
  const tagCount = tagsInput(tags).length;

  // Why Launch is disabled, first reason only (shown beside the button and as its title).
  let blocked: string | null = null;
  if (!canOperate) blocked = NEEDS_OPERATOR;
  else if (plan.loading) blocked = "Resolving the selection…";
  else if (plan.error) blocked = "The selection does not resolve (see above).";
  else if (nodes.length === 0) blocked = "The selection matches no asset.";
  else if (problems.size > 0) blocked = "Fix the tags first.";
  else if (tagCount > MAX_TAGS) blocked = `At most ${MAX_TAGS} tags.`;
  else if (isBackfill && mode === "RANGE" && (from.trim() === "" || to.trim() === "")) blocked = "Give the first and last partition of the range.";
  else if (isBackfill && mode === "KEYS" && parseKeySet(keySet).length === 0) blocked = "List at least one partition key.";
  else if (launching) blocked = "Launching…";
  else if (runs !== null && runs.every((r) => r.error === null)) blocked = "Launched.";

  const close = () => {
    dialog.current?.close();
    props.onClose();
  };

  const launchRuns = async () => {
    const input = tagsInput(tags);
    // Launching again after a partial failure retries only the locations whose run was refused.
    const failed = new Set((runs ?? []).filter((r) => r.error !== null).map((r) => r.location));
    const kept = (runs ?? []).filter((r) => r.error === null);
    const pending = [...byLocation].filter(([location]) => runs === null || failed.has(location));
    const launched = await Promise.all(
      pending.map(async ([location, keys]): Promise<RunOutcome> => {
        // One run per location: the keys of this location only, so the selection resolves inside it.
        try {
          const { launchRun: r } = await gql(LAUNCH_RUN, { selection: keys.join(", "), tags: input });
          if (r.__typename === "LaunchRunSuccess") return { location, runId: r.run.runId, assetKeys: r.run.assetKeys, error: null };
          return { location, runId: null, assetKeys: keys, error: r.message };
        } catch (e) {
          return { location, runId: null, assetKeys: keys, error: String((e as Error).message ?? e) };
        }
      }),
    );
    const outcomes = [...kept, ...launched].sort((a, b) => a.location.localeCompare(b.location));
    setRuns(outcomes);
    const [only] = outcomes;
    if (outcomes.length === 1 && only?.runId) navigate(`/runs/${only.runId}`);
  };

  const launchBackfill = async () => {
    let partitions: BackfillPartitionsInput;
    if (mode === "RANGE") partitions = { kind: "RANGE", from: from.trim(), to: to.trim() };
    else if (mode === "KEYS") partitions = { kind: "KEYS", keys: parseKeySet(keySet) };
    else partitions = { kind: mode };
    const chosen: BackfillPolicyInput | null = policy === "OWN" ? null : policy === "SINGLE_RUN" ? { kind: "SINGLE_RUN" } : { kind: "MULTI_RUN", maxPartitionsPerRun: 1 };
    const { launchBackfill: r } = await gql(LAUNCH_BACKFILL, { input: { selection: props.selection, partitions, policy: chosen, tags: tagsInput(tags) } });
    if (r.__typename === "LaunchBackfillSuccess") navigate(`/backfills/${r.backfill.id}`);
    else setLaunchError(r.__typename === "InvalidBackfillError" && r.field ? `${r.message} (field ${r.field})` : r.message);
  };

  const launch = async () => {
    setLaunching(true);
    setLaunchError(null);
    try {
      if (isBackfill) await launchBackfill();
      else await launchRuns();
    } catch (e) {
      setLaunchError(String((e as Error).message ?? e));
    } finally {
      setLaunching(false);
    }
  };

  const setTag = (i: number, patch: Partial<TagRow>) => setTags((rows) => rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  return (
    <dialog ref={dialog} className="launch-dialog launch-ui" data-testid="launch-dialog" aria-labelledby="launch-title" onCancel={(e) => { e.preventDefault(); close(); }}>
      <form method="dialog" onSubmit={(e) => { e.preventDefault(); if (blocked === null) void launch(); }}>
        <div className="launch-head">
          <h2 id="launch-title">{props.title}</h2>
          <button type="button" aria-label="Close" onClick={close}>✕</button>
        </div>
        <p className="muted">Selection <code data-testid="launch-selection">{props.selection}</code></p>
        {plan.error && <p className="error" data-testid="launch-plan-error">{plan.error}</p>}
        {plan.loading && !plan.data && <p className="muted">Resolving the selection…</p>}
        {plan.data && nodes.length > 0 && (
          <section data-testid="launch-plan">
            <h3>
              {nodes.length} asset{nodes.length === 1 ? "" : "s"} in {byLocation.size} code location{byLocation.size === 1 ? "" : "s"}
              {" → "}
              {isBackfill ? "one backfill" : `${byLocation.size} run${byLocation.size === 1 ? "" : "s"} (one per location)`}
            </h3>
            {[...byLocation].map(([location, keys]) => (
              <div key={location} className="plan-location" data-testid="plan-location" data-location={location}>
                <div>
                  <strong>{location}</strong> <span className="muted">— {keys.length} asset{keys.length === 1 ? "" : "s"}, in dependency order{isBackfill ? "" : ", one run"}</span>
                </div>
                <AssetList keys={keys} partitioned={partitioned} />
              </div>
            ))}
            {unloaded.map((l) => (
              <p key={l.name} className="error">Code location {l.name} is {l.status}: its run will be refused until it loads.</p>
            ))}
          </section>
        )}
        {isBackfill && (
          <fieldset className="plan-partitions" data-testid="launch-partitions">
            <legend>Partitions — {partitioned.size} of these assets are partitioned, so this launches a backfill</legend>
            {suggestions.describe.length > 0 && <p className="muted">{suggestions.describe.join("; ")}</p>}
            <div className="radio-row" role="radiogroup" aria-label="Partitions">
              {([["RANGE", "Range"], ["KEYS", "Set of keys"], ["MISSING", "Missing ones"], ["ALL", "All"]] as const).map(([value, label]) => (
                <label key={value}><input type="radio" name="partition-mode" value={value} checked={mode === value} onChange={() => setMode(value)} /> {label}</label>
              ))}
            </div>
            {mode === "RANGE" && (
              <div className="row">
                <label>From <input list="launch-partition-keys" value={from} onChange={(e) => setFrom(e.target.value)} aria-label="First partition" data-testid="partition-from" placeholder={suggestions.keys[0] ?? "first key"} /></label>
                <label>to <input list="launch-partition-keys" value={to} onChange={(e) => setTo(e.target.value)} aria-label="Last partition" data-testid="partition-to" placeholder={suggestions.keys[suggestions.keys.length - 1] ?? "last key"} /></label>
                <span className="muted">inclusive</span>
              </div>
            )}
            {mode === "KEYS" && (
              <textarea value={keySet} onChange={(e) => setKeySet(e.target.value)} aria-label="Partition keys" data-testid="partition-keys" rows={3} placeholder="One key per line, or separated by commas" />
            )}
            <datalist id="launch-partition-keys">
              {suggestions.keys.map((k) => <option key={k} value={k} />)}
            </datalist>
            <label className="row">
              Runs{" "}
              <select value={policy} onChange={(e) => setPolicy(e.target.value as Policy)} aria-label="Backfill policy">
                <option value="OWN">each asset's own backfill policy</option>
                <option value="PER_PARTITION">one run per partition</option>
                <option value="SINGLE_RUN">one run over each stretch of partitions</option>
              </select>
            </label>
          </fieldset>
        )}
        <fieldset className="plan-tags" data-testid="launch-tags">
          <legend>Run tags</legend>
          {tags.map((row, i) => (
            <div className="row" key={i}>
              <input aria-label={`Tag ${i + 1} key`} data-testid="tag-key" placeholder="key" value={row.key} onChange={(e) => setTag(i, { key: e.target.value })} aria-invalid={problems.has(i)} />
              <span>=</span>
              <input aria-label={`Tag ${i + 1} value`} data-testid="tag-value" placeholder="value" value={row.value} onChange={(e) => setTag(i, { value: e.target.value })} />
              <button type="button" aria-label={`Remove tag ${i + 1}`} onClick={() => setTags((rows) => (rows.length === 1 ? [{ key: "", value: "" }] : rows.filter((_, j) => j !== i)))}>✕</button>
              {problems.has(i) && <span className="error" data-testid="tag-error">{problems.get(i)}</span>}
            </div>
          ))}
          <button type="button" className="add-tag" onClick={() => setTags((rows) => [...rows, { key: "", value: "" }])} disabled={tags.length >= MAX_TAGS} title={tags.length >= MAX_TAGS ? `At most ${MAX_TAGS} tags` : undefined}>
            + Add tag
          </button>
        </fieldset>
        {launchError && <p className="error" data-testid="launch-error">{launchError}</p>}
        {runs && (
          <ul className="launch-runs" data-testid="launch-result">
            {runs.map((r) => (
              <li key={r.location} data-testid="launched-run" data-location={r.location}>
                {r.runId ? (
                  <>
                    <Link to={`/runs/${r.runId}`}>Run {r.runId.slice(0, 8)}</Link> <span className="muted">({r.location})</span>: {r.assetKeys.join(", ")}
                  </>
                ) : (
                  <span className="error">{r.location}: {r.error}</span>
                )}
              </li>
            ))}
          </ul>
        )}
        <div className="launch-foot">
          {blocked !== null && <span className="muted" data-testid="launch-blocked">{blocked}</span>}
          <button type="button" data-testid="launch-close" onClick={close}>{runs ? "Done" : "Cancel"}</button>
          <button type="submit" className="primary" data-testid="launch-submit" disabled={blocked !== null} title={blocked ?? undefined}>
            {isBackfill ? "Launch backfill" : nodes.length > 0 && byLocation.size > 1 ? `Launch ${byLocation.size} runs` : "Launch run"}
          </button>
        </div>
      </form>
    </dialog>
  );
}
