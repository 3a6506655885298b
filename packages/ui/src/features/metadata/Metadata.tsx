/**
 * Metadata shown as data, not as JSON text: each typed value the API sends (MetadataEntry.json is
 * `{ type, value }`, the set of packages/core/src/metadata.ts) gets its own renderer — a table
 * schema as a table of columns, a table preview as a real table, a timestamp (seconds since the
 * epoch) as a local date-time with its zone and how long ago, markdown as formatted text (built
 * as React elements: no HTML from metadata ever reaches the DOM), url and path, json collapsible,
 * run ids and asset keys as links. Also the freshness policy in words and a plot of numeric
 * metadata over time that stays small with one or a few points.
 */
import { useEffect, useState, type ReactNode } from "react";
import { gql, graphql } from "../../api.js";
import { Link } from "../../router.js";
import "./metadata.css";

/** What a renderer needs of an entry: spread `...MetadataEntryFields` into a selection. */
graphql(`fragment MetadataEntryFields on MetadataEntry { label type text number json }`);

export interface MetadataEntryLike {
  label: string;
  type: string;
  text: string;
  number?: number | null;
  json: string;
}

interface Column {
  name: string;
  type: string;
  description?: string;
}

/** The typed value of an entry; null when its JSON is not the `{ type, value }` the API promises. */
function valueOf(entry: MetadataEntryLike): unknown {
  try {
    const parsed = JSON.parse(entry.json) as { value?: unknown };
    return parsed !== null && typeof parsed === "object" && "value" in parsed ? parsed.value : undefined;
  } catch {
    return undefined;
  }
}

const RUN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Asset keys as printed: at least two parts joined by "/", no spaces or dots (paths have them). */
const ASSET_KEY_LIKE = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)+$/;

const ASSET_KEYS = graphql(`query MetadataAssetKeys { assetGraph { nodes { key } } }`);
let assetKeys: Promise<Set<string>> | null = null;

/** Every asset key, asked once per page load and only when some text looks like a key. */
function useIsAssetKey(candidate: string | null): boolean {
  const [known, setKnown] = useState(false);
  useEffect(() => {
    if (candidate === null || !ASSET_KEY_LIKE.test(candidate)) return undefined;
    let live = true;
    assetKeys ??= gql(ASSET_KEYS).then(
      (d) => new Set(d.assetGraph.nodes.map((n) => n.key)),
      () => new Set<string>(),
    );
    void assetKeys.then((keys) => live && setKnown(keys.has(candidate)));
    return () => {
      live = false;
    };
  }, [candidate]);
  return known;
}

function TextValue(props: { text: string }) {
  const isAsset = useIsAssetKey(props.text);
  if (RUN_ID.test(props.text)) return <Link to={`/runs/${props.text}`} data-testid="metadata-run-link" title={props.text}>run {props.text.slice(0, 8)}</Link>;
  if (isAsset) return <Link to={`/assets/${props.text}`} data-testid="metadata-asset-link">{props.text}</Link>;
  return <span className="md-text">{props.text}</span>;
}

function relative(ms: number, now = Date.now()): string {
  const diff = ms - now;
  const abs = Math.abs(diff);
  const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [["year", 365 * 86_400_000], ["month", 30 * 86_400_000], ["day", 86_400_000], ["hour", 3_600_000], ["minute", 60_000], ["second", 1000]];
  const [unit, size] = units.find(([, size]) => abs >= size) ?? ["second", 1000];
  return new Intl.RelativeTimeFormat(undefined, { numeric: "auto" }).format(Math.round(diff / size), unit);
}

/** A local date-time with the zone's name, and "3 hours ago" beside it; the ISO instant on hover. */
export function Timestamp(props: { ms: number }) {
  const date = new Date(props.ms);
  if (!Number.isFinite(date.getTime())) return <span>{String(props.ms)}</span>;
  const local = date.toLocaleString(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23", timeZoneName: "short" });
  return (
    <time dateTime={date.toISOString()} title={date.toISOString()} data-testid="metadata-timestamp">
      {local} <span className="muted">({relative(props.ms)})</span>
    </time>
  );
}

function ColumnsTable(props: { columns: Column[] }) {
  return (
    <div className="scroll-x" role="region" aria-label="Table schema" tabIndex={0}>
      <table className="md-table" data-testid="metadata-schema">
        <thead><tr><th>Column</th><th>Type</th><th>Description</th></tr></thead>
        <tbody>
          {props.columns.map((c) => (
            <tr key={c.name}><td><code>{c.name}</code></td><td className="muted">{c.type}</td><td>{c.description ?? ""}</td></tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function cell(value: unknown): ReactNode {
  if (value === null || value === undefined) return <span className="muted">null</span>;
  if (typeof value === "object") return <code>{JSON.stringify(value)}</code>;
  return typeof value === "string" ? value : JSON.stringify(value);
}

function PreviewTable(props: { columns: Column[]; rows: Array<Record<string, unknown>> }) {
  const columns: Column[] = props.columns.length > 0 ? props.columns : Object.keys(props.rows[0] ?? {}).map((name) => ({ name, type: "" }));
  return (
    // Focusable: it scrolls on its own, and a keyboard must be able to scroll it.
    <div className="scroll-x md-preview" role="region" aria-label="Table preview" tabIndex={0}>
      <table className="md-table" data-testid="metadata-preview">
        <thead><tr>{columns.map((c) => <th key={c.name} title={[c.type, c.description].filter(Boolean).join(" · ")}>{c.name}</th>)}</tr></thead>
        <tbody>
          {props.rows.map((row, i) => <tr key={i}>{columns.map((c) => <td key={c.name} className={typeof row[c.name] === "number" ? "num" : ""}>{cell(row[c.name])}</td>)}</tr>)}
        </tbody>
      </table>
      <div className="muted">{props.rows.length} row{props.rows.length === 1 ? "" : "s"} shown</div>
    </div>
  );
}

/** JSON folded to one line; opened, pretty-printed. */
function JsonValue(props: { value: unknown }) {
  const text = JSON.stringify(props.value, null, 2) ?? "null";
  const flat = JSON.stringify(props.value) ?? "null";
  if (flat.length <= 60) return <code>{flat}</code>;
  return (
    <details className="md-json" data-testid="metadata-json">
      <summary><code>{flat.slice(0, 60)}…</code></summary>
      <pre>{text}</pre>
    </details>
  );
}

/** Inline markdown: `code`, **bold**, *italic*, [text](http…) links; everything else is text. */
function inline(text: string): ReactNode[] {
  const out: ReactNode[] = [];
  const pattern = /(`[^`]+`)|(\*\*[^*]+\*\*)|(\*[^*]+\*|_[^_]+_)|(\[[^\]]+\]\([^)\s]+\))/g;
  let last = 0;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text)) !== null) {
    if (match.index > last) out.push(text.slice(last, match.index));
    const token = match[0];
    const key = out.length;
    if (match[1]) out.push(<code key={key}>{token.slice(1, -1)}</code>);
    else if (match[2]) out.push(<strong key={key}>{token.slice(2, -2)}</strong>);
    else if (match[3]) out.push(<em key={key}>{token.slice(1, -1)}</em>);
    else {
      const [, label, href] = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(token)!;
      out.push(/^https?:\/\//i.test(href!) ? <a key={key} href={href} target="_blank" rel="noopener noreferrer">{label}</a> : `${label} (${href})`);
    }
    last = match.index + token.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** Block markdown: headings, bullet and numbered lists, fenced code, paragraphs. */
export function Markdown(props: { text: string }) {
  const blocks: ReactNode[] = [];
  const lines = props.text.replace(/\r\n/g, "\n").split("\n");
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.startsWith("```")) {
      const code: string[] = [];
      for (i++; i < lines.length && !lines[i]!.startsWith("```"); i++) code.push(lines[i]!);
      i++;
      blocks.push(<pre key={blocks.length}>{code.join("\n")}</pre>);
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      // Headings inside metadata are small: the page's own headings keep their rank.
      blocks.push(<div key={blocks.length} className="md-heading">{inline(heading[2]!)}</div>);
      i++;
      continue;
    }
    if (/^\s*([-*+]|\d+\.)\s+/.test(line)) {
      const ordered = /^\s*\d+\./.test(line);
      const items: ReactNode[] = [];
      for (; i < lines.length && /^\s*([-*+]|\d+\.)\s+/.test(lines[i]!); i++) items.push(<li key={items.length}>{inline(lines[i]!.replace(/^\s*([-*+]|\d+\.)\s+/, ""))}</li>);
      blocks.push(ordered ? <ol key={blocks.length}>{items}</ol> : <ul key={blocks.length}>{items}</ul>);
      continue;
    }
    if (line.trim() === "") {
      i++;
      continue;
    }
    const paragraph: string[] = [];
    for (; i < lines.length && lines[i]!.trim() !== "" && !/^(#{1,6}\s|```|\s*([-*+]|\d+\.)\s+)/.test(lines[i]!); i++) paragraph.push(lines[i]!);
    blocks.push(<p key={blocks.length}>{inline(paragraph.join(" "))}</p>);
  }
  return <div className="md-markdown" data-testid="metadata-markdown">{blocks}</div>;
}

function isColumns(value: unknown): value is Column[] {
  return Array.isArray(value) && value.every((c) => c !== null && typeof c === "object" && typeof (c as Column).name === "string");
}

/** One metadata value, rendered by its type. */
export function MetadataValue(props: { entry: MetadataEntryLike }) {
  const { entry } = props;
  const value = valueOf(entry);
  switch (entry.type) {
    case "int":
    case "float":
      return typeof value === "number" ? <span className="num" title={String(value)}>{value.toLocaleString()}</span> : <span>{entry.text}</span>;
    case "bool":
      return <span>{value === true ? "✓ true" : value === false ? "✗ false" : entry.text}</span>;
    case "null":
      return <span className="muted">null</span>;
    case "timestamp":
      // Seconds since the epoch, as Dagster stores timestamps.
      return typeof value === "number" ? <Timestamp ms={value * 1000} /> : <span>{entry.text}</span>;
    case "url":
      return typeof value === "string" && /^https?:\/\//i.test(value) ? (
        <a href={value} target="_blank" rel="noopener noreferrer" className="md-url" data-testid="metadata-url">{value}</a>
      ) : <span>{entry.text}</span>;
    case "path":
      return <code className="md-path" data-testid="metadata-path">{typeof value === "string" ? value : entry.text}</code>;
    case "markdown":
      return typeof value === "string" ? <Markdown text={value} /> : <span>{entry.text}</span>;
    case "json":
      return <JsonValue value={value} />;
    case "table_schema": {
      const columns = (value as { columns?: unknown } | undefined)?.columns;
      return isColumns(columns) ? <ColumnsTable columns={columns} /> : <JsonValue value={value} />;
    }
    case "table": {
      const table = value as { columns?: unknown; rows?: unknown } | undefined;
      return isColumns(table?.columns) && Array.isArray(table?.rows) ? <PreviewTable columns={table.columns} rows={table.rows as Array<Record<string, unknown>>} /> : <JsonValue value={value} />;
    }
    case "text":
      return typeof value === "string" ? <TextValue text={value} /> : <span>{entry.text}</span>;
    default:
      return value === undefined ? <span>{entry.text}</span> : <JsonValue value={value} />;
  }
}

/** Wide values (tables, markdown) take a row of their own under their label. */
const BLOCK_TYPES = new Set(["table", "table_schema", "markdown"]);

/** What a folded wide value says before it is opened: "12 columns", "50 rows". */
function blockSummary(entry: MetadataEntryLike): string {
  const value = valueOf(entry) as { columns?: unknown[]; rows?: unknown[] } | string | undefined;
  if (entry.type === "table_schema") return `schema: ${Array.isArray((value as { columns?: unknown[] })?.columns) ? (value as { columns: unknown[] }).columns.length : "?"} columns`;
  if (entry.type === "table") return `preview: ${Array.isArray((value as { rows?: unknown[] })?.rows) ? (value as { rows: unknown[] }).rows.length : "?"} rows`;
  return typeof value === "string" ? `${value.slice(0, 40)}${value.length > 40 ? "…" : ""}` : entry.type;
}

/**
 * A list of metadata entries: label, then the value rendered by its type. `compact` (a history
 * table's cell): tables and markdown stay folded until opened.
 */
export function MetadataList(props: { entries: MetadataEntryLike[]; compact?: boolean }) {
  if (props.entries.length === 0) return <span className="muted">—</span>;
  return (
    <dl className="md-list" data-testid="metadata-list">
      {props.entries.map((e) => {
        const block = BLOCK_TYPES.has(e.type);
        return (
          <div key={e.label} className={block && !props.compact ? "md-row block" : "md-row"} data-label={e.label} data-type={e.type}>
            <dt className="muted">{e.label}</dt>
            <dd>
              {block && props.compact ? (
                <details className="md-json"><summary>{blockSummary(e)}</summary><MetadataValue entry={e} /></details>
              ) : <MetadataValue entry={e} />}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}

function minutes(n: number): string {
  if (n % 1440 === 0) return `${n / 1440} day${n === 1440 ? "" : "s"}`;
  if (n >= 120 && n % 60 === 0) return `${n / 60} hours`;
  if (n > 90) return `${Math.floor(n / 60)} h ${n % 60} min`;
  return `${n} minute${n === 1 ? "" : "s"}`;
}

/** The freshness policy (Asset.freshnessPolicy, a snapshot as JSON) as a sentence. */
export function freshnessPolicyText(json: string): string {
  let p: Record<string, unknown>;
  try {
    p = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const lag = typeof p.maximumLagMinutes === "number" ? p.maximumLagMinutes : null;
  const which = p.partitions === "latest" ? " (the latest partition)" : "";
  if (p.kind === "time-window" && lag !== null) {
    const warn = typeof p.warnAfterMinutes === "number" ? `; warns once it is ${minutes(p.warnAfterMinutes)} old` : "";
    return `Fresh while its newest materialization${which} is at most ${minutes(lag)} old${warn}.`;
  }
  if (p.kind === "cron" && lag !== null && typeof p.cron === "string") {
    const warn = typeof p.warnBeforeMinutes === "number" ? `; warns ${minutes(p.warnBeforeMinutes)} before a deadline` : "";
    return `By each deadline of cron "${p.cron}" (${typeof p.timezone === "string" ? p.timezone : "UTC"}), holds data${which} at most ${minutes(lag)} older than the deadline${warn}.`;
  }
  return json;
}

export interface Series {
  label: string;
  points: Array<{ at: number; value: number; partition?: string | null }>;
}

/** Numeric metadata per materialization, one series per label, oldest first (timestamps are not plotted: they are times, not amounts). */
export function numericSeries(rows: Array<{ timestamp: number; partition?: string | null; metadata: MetadataEntryLike[] }>): Series[] {
  const byLabel = new Map<string, Series>();
  for (const row of rows) {
    for (const m of row.metadata) {
      if ((m.type !== "int" && m.type !== "float") || typeof m.number !== "number") continue;
      const series = byLabel.get(m.label) ?? { label: m.label, points: [] };
      series.points.push({ at: row.timestamp, value: m.number, partition: row.partition ?? null });
      byLabel.set(m.label, series);
    }
  }
  for (const s of byLabel.values()) s.points.sort((a, b) => a.at - b.at);
  return [...byLabel.values()];
}

/**
 * Numeric metadata over time. One point is a value, not a chart (no empty box); two or more
 * draw a line sized to its content, its axis labelled with the range of values and of times.
 */
export function MetadataPlot(props: { series: Series[] }) {
  const [picked, setPicked] = useState<string | null>(null);
  if (props.series.length === 0) return <p className="muted" data-testid="metadata-plot-empty">No numeric metadata yet.</p>;
  const series = props.series.find((s) => s.label === picked) ?? props.series[0]!;
  const points = series.points;
  const last = points[points.length - 1]!;
  return (
    <figure className="md-plot">
      {props.series.length > 1 && (
        <div className="toolbar" role="group" aria-label="Metadata to plot">
          {props.series.map((s) => (
            <button key={s.label} aria-pressed={s === series} className={s === series ? "primary" : ""} onClick={() => setPicked(s.label)}>{s.label}</button>
          ))}
        </div>
      )}
      {points.length === 1 ? (
        <p data-testid="metadata-plot-single">
          <strong>{series.label}</strong>: <span className="md-big">{last.value.toLocaleString()}</span>{" "}
          <span className="muted">— one materialization so far, {new Date(last.at).toLocaleString()}</span>
        </p>
      ) : (
        <Line series={series} />
      )}
    </figure>
  );
}

function Line(props: { series: Series }) {
  const points = props.series.points;
  const xs = points.map((p) => p.at);
  const ys = points.map((p) => p.value);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (y0 === y1) [y0, y1] = [y0 - Math.max(1, Math.abs(y0) * 0.1), y1 + Math.max(1, Math.abs(y1) * 0.1)];
  // Few points: a shorter chart; the height grows with the data, never an empty box.
  const W = 520;
  const H = points.length < 5 ? 90 : 140;
  const left = 56, right = 10, top = 8, bottom = 22;
  const sx = (x: number) => (x1 === x0 ? left + (W - left - right) / 2 : left + ((x - x0) / (x1 - x0)) * (W - left - right));
  const sy = (y: number) => top + (1 - (y - y0) / (y1 - y0)) * (H - top - bottom);
  const fmt = (n: number) => n.toLocaleString(undefined, { maximumFractionDigits: 2 });
  const last = points[points.length - 1]!;
  return (
    <>
      <figcaption className="muted">{props.series.label} per materialization: {points.length} points, latest {fmt(last.value)}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" style={{ maxWidth: W }} role="img" aria-label={`${props.series.label} over time, ${points.length} points from ${fmt(Math.min(...ys))} to ${fmt(Math.max(...ys))}`} data-testid="metadata-plot" data-points={points.length}>
        <line x1={left} y1={H - bottom} x2={W - right} y2={H - bottom} stroke="currentColor" opacity={0.3} />
        <text x={left - 4} y={sy(Math.max(...ys)) + 4} fontSize={10} fill="currentColor" textAnchor="end">{fmt(Math.max(...ys))}</text>
        {Math.min(...ys) !== Math.max(...ys) && <text x={left - 4} y={sy(Math.min(...ys)) + 4} fontSize={10} fill="currentColor" textAnchor="end">{fmt(Math.min(...ys))}</text>}
        <text x={left} y={H - 6} fontSize={10} fill="currentColor">{new Date(x0).toLocaleDateString()}</text>
        <text x={W - right} y={H - 6} fontSize={10} fill="currentColor" textAnchor="end">{new Date(x1).toLocaleDateString()}</text>
        <polyline fill="none" stroke="var(--accent)" strokeWidth={2} points={points.map((p) => `${sx(p.at)},${sy(p.value)}`).join(" ")} />
        {points.map((p, i) => <circle key={i} cx={sx(p.at)} cy={sy(p.value)} r={3} fill="var(--accent)"><title>{`${new Date(p.at).toLocaleString()}${p.partition ? ` [${p.partition}]` : ""}: ${fmt(p.value)}`}</title></circle>)}
      </svg>
    </>
  );
}
