/**
 * The asset catalog: filter by text, status, group, location, owner, kind and tag — every filter in
 * the URL, so a filtered view survives a reload and can be shared — grouped by group, with status,
 * the unsynced badge, freshness, checks and last materialization, paged forward and back by cursor.
 *
 * Launching: pick assets with a checkbox per row (shift-click picks a range, the toolbar box the
 * whole page) or by a selection expression (docs/selection.md) resolved by the API, then
 * Materialize selected / with upstream / with downstream / all, each through the launch dialog that
 * shows the plan first (features/launch). "Materialize unsynced" launches runs of the unsynced
 * assets the filter shows (every loaded asset without a filter) and backfills of the unsynced
 * partitions of partitioned ones, and says what it launched and what it left out.
 */
import { useEffect, useRef, useState } from "react";
import { formatTime, gql, graphql, NEEDS_OPERATOR, useCanOperate, useQuery, type AssetStatus } from "../../api.js";
import type { AssetFilter, CatalogQuery } from "../../generated/graphql.js";
import { Link, navigate, useLocation } from "../../router.js";
import { LaunchDialog } from "../launch/LaunchDialog.js";
import { UnsyncedResult, useMaterializeUnsynced } from "../launch/unsynced.js";
import { selectionOf, type Widen } from "../launch/selection.js";
import "../launch/launch.css";
import { ChecksSummary, FreshnessBadge } from "../observability/Observability.js";
import { SyncBadge } from "./Sync.js";

/** Assets per page (the API's maximum). */
const PAGE = 500;

const CATALOG = graphql(`query Catalog($filter: AssetFilter, $first: Int, $after: String, $before: String) {
  assets(filter: $filter, first: $first, after: $after, before: $before) {
    totalCount endCursor hasNextPage startCursor hasPreviousPage
    nodes { key group location kinds status sync { ...AssetSyncFields } latestMaterialization { timestamp runId } partitionStatus { total materialized } freshnessPolicy freshness { ...FreshnessFields } checks { ...CheckState } }
  }
  locations { name }
}`);

/** A typed selection expression, resolved by the API (its InvalidSelectionError message comes back as the error). */
const RESOLVE_SELECTION = graphql(`query CatalogResolveSelection($selection: String!) { assetGraph(selection: $selection) { nodes { key } } }`);


/** The URL filters, in the order the filter bar shows them (`q` is the text filter). */
const TEXT_FILTERS = [
  ["group", "group"],
  ["owner", "owner"],
  ["kind", "kind"],
  ["tag", "tag key or key=value"],
] as const;
const FILTER_KEYS = ["q", "status", "location", ...TEXT_FILTERS.map(([k]) => k)];

/** The current URL with one parameter changed (and the page cursor dropped: a new filter starts at page one). */
function withParam(key: string, value: string): string {
  const next = new URLSearchParams(window.location.search);
  if (value) next.set(key, value);
  else next.delete(key);
  next.delete("after");
  next.delete("before");
  const text = next.toString();
  return text ? `/assets?${text}` : "/assets";
}

/**
 * Writes the text filter into the URL while typing without a history entry per keystroke:
 * replaceState, then the popstate the router listens to, so every `useLocation` reads it.
 */
function replaceUrl(to: string): void {
  window.history.replaceState(null, "", to);
  window.dispatchEvent(new PopStateEvent("popstate"));
}

/** A filter typed into a box: applied to the URL on Enter or when the box loses focus. */
function FilterInput(props: { name: string; placeholder: string; value: string }) {
  const [text, setText] = useState(props.value);
  useEffect(() => setText(props.value), [props.value]);
  const apply = () => {
    if (text.trim() !== props.value) navigate(withParam(props.name, text.trim()));
  };
  return (
    <input
      aria-label={`Filter by ${props.name}`}
      data-testid={`filter-${props.name}`}
      placeholder={props.placeholder}
      value={text}
      onChange={(e) => setText(e.target.value)}
      onBlur={apply}
      onKeyDown={(e) => e.key === "Enter" && apply()}
    />
  );
}

/** Checked, unchecked or some: the "select the page" box. */
function PageCheckbox(props: { all: boolean; some: boolean; disabled: boolean; onChange: (on: boolean) => void; count: number }) {
  const box = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (box.current) box.current.indeterminate = props.some && !props.all;
  }, [props.all, props.some]);
  return (
    <label title="Select every asset on this page">
      <input ref={box} type="checkbox" data-testid="select-page" checked={props.all} disabled={props.disabled} onChange={(e) => props.onChange(e.target.checked)} /> page ({props.count})
    </label>
  );
}

/** What the launch dialog is opened for: an expression and a title. */
interface LaunchRequest {
  selection: string;
  title: string;
}

export function Catalog() {
  const { query } = useLocation();
  const urlText = query.get("q") ?? "";
  const status = query.get("status") ?? "";
  const location = query.get("location") ?? "";
  const after = query.get("after");
  const before = after === null ? query.get("before") : null;
  const filter: AssetFilter = {};
  if (urlText) filter.search = urlText;
  // From the URL: a value that is no AssetStatus comes back as the server's error message.
  if (status) filter.status = status as AssetStatus;
  if (location) filter.location = location;
  for (const [key] of TEXT_FILTERS) {
    const value = query.get(key);
    if (value) filter[key] = value;
  }
  const { data, error, reload } = useQuery(CATALOG, { filter, first: PAGE, after, before }, 5000);
  const canOperate = useCanOperate();

  // The text filter follows typing into the URL (300 ms after the last key), and the URL (back, forward) into the box.
  const [text, setText] = useState(urlText);
  const written = useRef(urlText);
  useEffect(() => {
    if (urlText !== written.current) setText(urlText);
    written.current = urlText;
  }, [urlText]);
  useEffect(() => {
    if (text.trim() === urlText) return undefined;
    const timer = setTimeout(() => {
      written.current = text.trim();
      replaceUrl(withParam("q", text.trim()));
    }, 300);
    return () => clearTimeout(timer);
  }, [text, urlText]);

  const unsynced = useMaterializeUnsynced(reload);
  const filtered = FILTER_KEYS.some((k) => query.get(k));
  // Unsynced assets the page lists; without a filter the server takes every loaded asset (beyond this page too).
  const listedUnsynced = (data?.assets.nodes ?? []).filter((a) => a.sync.state === "UNSYNCED").map((a) => a.key);

  // The picked assets survive paging and filtering (an operator may collect them across pages).
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  // The expression the picked set came from, while nothing was toggled since: launched as typed (a "*" stays short).
  const [pickedBy, setPickedBy] = useState<string | null>(null);
  const [expression, setExpression] = useState("");
  const [expressionNote, setExpressionNote] = useState<{ error: boolean; text: string } | null>(null);
  const [resolving, setResolving] = useState(false);
  const lastClicked = useRef<string | null>(null);
  const [launch, setLaunch] = useState<LaunchRequest | null>(null);

  const groups = new Map<string, CatalogQuery["assets"]["nodes"]>();
  for (const a of data?.assets.nodes ?? []) groups.set(a.group, [...(groups.get(a.group) ?? []), a]);
  const shown = [...groups.values()].flat().map((a) => a.key);
  const shownSelected = shown.filter((k) => selected.has(k)).length;

  const pick = (keys: Iterable<string>, on: boolean) => {
    const next = new Set(selected);
    for (const k of keys) {
      if (on) next.add(k);
      else next.delete(k);
    }
    setSelected(next);
    setPickedBy(null);
  };
  const toggle = (key: string, shift: boolean) => {
    const on = !selected.has(key);
    const anchor = lastClicked.current;
    const i = anchor === null ? -1 : shown.indexOf(anchor);
    const j = shown.indexOf(key);
    // Shift-click: everything between the last clicked row and this one takes this row's new state.
    if (shift && i >= 0 && j >= 0) pick(shown.slice(Math.min(i, j), Math.max(i, j) + 1), on);
    else pick([key], on);
    lastClicked.current = key;
  };
  const resolveExpression = async () => {
    const typed = expression.trim();
    if (typed === "") return;
    setResolving(true);
    try {
      const { assetGraph } = await gql(RESOLVE_SELECTION, { selection: typed });
      const keys = assetGraph.nodes.map((n) => n.key);
      setSelected(new Set(keys));
      setPickedBy(typed);
      setExpressionNote({ error: false, text: `${keys.length} asset${keys.length === 1 ? "" : "s"} selected by ${typed}` });
    } catch (e) {
      setExpressionNote({ error: true, text: String((e as Error).message ?? e) });
    } finally {
      setResolving(false);
    }
  };
  const open = (widen: Widen) => {
    const base = widen === "none" && pickedBy !== null ? pickedBy : selectionOf(selected, widen);
    const what = `${selected.size} selected asset${selected.size === 1 ? "" : "s"}`;
    const title = widen === "upstream" ? `Materialize ${what} and everything upstream` : widen === "downstream" ? `Materialize ${what} and everything downstream` : `Materialize ${what}`;
    setLaunch({ selection: base, title });
  };
  const none = selected.size === 0;
  const noneWhy = !canOperate ? NEEDS_OPERATOR : none ? "Select assets first (checkboxes or an expression)" : undefined;

  const page = (cursor: "after" | "before", value: string | null | undefined) => {
    const next = new URLSearchParams(window.location.search);
    next.delete("after");
    next.delete("before");
    if (value) next.set(cursor, value);
    navigate(`/assets?${next.toString()}`);
  };
  const hasPrevious = data?.assets.hasPreviousPage ?? false;
  const hasNext = data?.assets.hasNextPage ?? false;
  // Above and below the list (a page is up to 500 rows); the bottom one carries the test ids.
  const pager = (where: "top" | "bottom") => (
    <div className="catalog-pager" data-testid={`catalog-pager-${where}`}>
      <button data-testid={where === "bottom" ? "previous-page" : "previous-page-top"} disabled={!hasPrevious} title={hasPrevious ? undefined : "This is the first page"} onClick={() => page("before", data?.assets.startCursor)}>
        ← Previous page
      </button>
      <span className="muted">
        {data?.assets.nodes.length ?? 0} of {data?.assets.totalCount ?? 0}: {data?.assets.startCursor} … {data?.assets.endCursor}
      </span>
      <button data-testid={where === "bottom" ? "next-page" : "next-page-top"} disabled={!hasNext} title={hasNext ? undefined : "This is the last page"} onClick={() => page("after", data?.assets.endCursor)}>
        Next page →
      </button>
    </div>
  );

  return (
    <div className="launch-ui">
      <h1>Assets {data ? <span className="muted">({data.assets.totalCount})</span> : null}</h1>
      <div className="catalog-filters" data-testid="catalog-filters">
        <input className="text" aria-label="Filter by text" data-testid="filter-q" placeholder="Filter by key, description, group" value={text} onChange={(e) => setText(e.target.value)} />
        <select value={status} onChange={(e) => navigate(withParam("status", e.target.value))} aria-label="Status" data-testid="filter-status">
          <option value="">any status</option>
          <option value="FAILED">failed</option>
          <option value="IN_PROGRESS">in progress</option>
          <option value="MATERIALIZED">materialized</option>
          <option value="NEVER_MATERIALIZED">never materialized</option>
        </select>
        <select value={location} onChange={(e) => navigate(withParam("location", e.target.value))} aria-label="Code location" data-testid="filter-location">
          <option value="">any location</option>
          {(data?.locations ?? []).map((l) => <option key={l.name} value={l.name}>{l.name}</option>)}
          {location && !(data?.locations ?? []).some((l) => l.name === location) && <option value={location}>{location}</option>}
        </select>
        {TEXT_FILTERS.map(([key, placeholder]) => <FilterInput key={key} name={key} placeholder={placeholder} value={query.get(key) ?? ""} />)}
        {filtered && (
          <button data-testid="clear-filters" onClick={() => { setText(""); written.current = ""; navigate("/assets"); }}>
            Clear filters
          </button>
        )}
      </div>
      <div className="launch-bar" data-testid="launch-bar">
        <PageCheckbox all={shown.length > 0 && shownSelected === shown.length} some={shownSelected > 0} disabled={shown.length === 0} count={shown.length} onChange={(on) => pick(shown, on)} />
        <span className="count" data-testid="selected-count">{selected.size} selected</span>
        <button disabled={none} onClick={() => { setSelected(new Set()); setPickedBy(null); }} title={none ? "Nothing is selected" : "Unselect every asset"}>Clear</button>
        <input className="expr" aria-label="Select by expression" data-testid="selection-expression" placeholder="Select by expression: group:met+, +atlas/marts/overview, tag:layer=mart" value={expression} onChange={(e) => setExpression(e.target.value)} onKeyDown={(e) => e.key === "Enter" && void resolveExpression()} />
        <button data-testid="selection-apply" disabled={expression.trim() === "" || resolving} title={expression.trim() === "" ? "Type an expression (docs/selection.md)" : "Select the assets it matches"} onClick={() => void resolveExpression()}>
          Select
        </button>
        <button className="primary" data-testid="materialize-selected" disabled={!canOperate || none} title={noneWhy} onClick={() => open("none")}>
          Materialize selected
        </button>
        <button data-testid="materialize-upstream" disabled={!canOperate || none} title={noneWhy ?? "The selected assets and everything upstream of them"} onClick={() => open("upstream")}>
          + upstream
        </button>
        <button data-testid="materialize-downstream" disabled={!canOperate || none} title={noneWhy ?? "The selected assets and everything downstream of them"} onClick={() => open("downstream")}>
          + downstream
        </button>
        <button data-testid="materialize-all" disabled={!canOperate} title={!canOperate ? NEEDS_OPERATOR : "Every asset of every location (the dialog shows the plan first)"} onClick={() => setLaunch({ selection: "*", title: "Materialize every asset" })}>
          Materialize all
        </button>
        <button
          data-testid="materialize-unsynced"
          disabled={!canOperate || unsynced.pending || (filtered && listedUnsynced.length === 0)}
          title={!canOperate ? NEEDS_OPERATOR : filtered ? `The ${listedUnsynced.length} unsynced assets the filter shows` : "Every unsynced asset of every location"}
          onClick={() => unsynced.run(filtered ? listedUnsynced.join(", ") : null)}
        >
          Materialize unsynced{filtered ? ` (${listedUnsynced.length})` : ""}
        </button>
      </div>
      {expressionNote && <p className={expressionNote.error ? "error" : "muted"} data-testid="selection-note">{expressionNote.text}</p>}
      {launch && <LaunchDialog selection={launch.selection} title={launch.title} onClose={() => setLaunch(null)} />}
      {unsynced.result && <UnsyncedResult result={unsynced.result} onClose={unsynced.dismiss} />}
      {error && <p className="error">{error}</p>}
      {(hasPrevious || hasNext) && pager("top")}
      {data && data.assets.nodes.length === 0 && <p className="muted" data-testid="catalog-empty">No asset matches {filtered ? "these filters" : "— no code location defines any"}.</p>}
      {[...groups].map(([name, assets]) => (
        <section key={name}>
          <h2><a href={withParam("group", name)} onClick={(e) => { e.preventDefault(); navigate(withParam("group", name)); }}>{name}</a> <span className="muted">({assets.length})</span></h2>
          <table>
            <thead><tr><th className="pick"><span className="visually-hidden">Select</span></th><th>Asset</th><th>Status</th><th>Freshness</th><th>Checks</th><th>Location</th><th>Last materialized</th><th>Partitions</th></tr></thead>
            <tbody>
              {assets.map((a) => (
                <tr key={a.key} data-testid="asset-row" data-key={a.key} className={selected.has(a.key) ? "selected" : undefined}>
                  <td className="pick">
                    <input
                      type="checkbox"
                      data-testid="asset-select"
                      aria-label={`Select ${a.key}`}
                      checked={selected.has(a.key)}
                      // React reports a checkbox's change from its click event, which carries the Shift key.
                      onChange={(e) => toggle(a.key, (e.nativeEvent as MouseEvent).shiftKey === true)}
                    />
                  </td>
                  <td>
                    <Link to={`/assets/${a.key}`}>{a.key}</Link>{" "}
                    {a.kinds.map((k) => <button key={k} className="kind-chip" title={`Only assets of kind ${k}`} onClick={() => navigate(withParam("kind", k))}>{k}</button>)}
                  </td>
                  <td><span className={`badge s-${a.status}`}>{a.status.replace("_", " ").toLowerCase()}</span> <SyncBadge sync={a.sync} /></td>
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
      {(hasPrevious || hasNext) && pager("bottom")}
    </div>
  );
}
