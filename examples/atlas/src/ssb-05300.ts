/**
 * SSB table 05300 (distance to the nearest place where cultural venues are regularly available,
 * percent, from the Norwegian culture barometer), read through PxWebApi v2: the table info
 * (`GET /api/pxwebapi/v2/tables/05300`: label, when it was updated, its first and last period, its
 * time unit, its variables and links) and the metadata it links to (`…/05300/metadata`: a JSON-stat
 * 2.0 dataset with the dimensions and categories and an empty `value`). Atlas polls the table info
 * monthly — it is the cheap way to see that SSB published a new period — and keeps the dimensions.
 *
 * The recorded metadata (updated 2022, periods up to 2021) is older than the recorded table info
 * (updated 2026, last period 2025): the metadata check reports that as a warning.
 */
import { SourceDataError } from "./errors.js";
import { parseJsonStatStructure, type JsonStatStructure } from "./jsonstat.js";

export const CULTURE_TABLE = "05300";
export const CULTURE_SOURCE = `SSB table ${CULTURE_TABLE}`;
/** PxWebApi v2's tables endpoint. */
export const SSB_V2_API = "https://data.ssb.no/api/pxwebapi/v2/tables";

/** PxWebApi v2's time units. */
const TIME_UNITS = ["Annual", "Quarterly", "Monthly", "Weekly", "Other"] as const;

export interface TableInfo {
  id: string;
  label: string;
  /** ISO time SSB last updated the table. */
  updated: string;
  firstPeriod: string;
  lastPeriod: string;
  timeUnit: (typeof TIME_UNITS)[number];
  /** The variables' labels, in the table's order. */
  variableNames: string[];
  subjectCode: string | null;
  source: string | null;
  /** The `rel: "metadata"` link: where the table's dimensions are. */
  metadataUrl: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;

/** True when `url` is PxWebApi v2's metadata endpoint of `tableId` (the only link Atlas follows). */
export function isMetadataUrl(url: string, tableId: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === "https:" && parsed.host === "data.ssb.no" && parsed.pathname === `/api/pxwebapi/v2/tables/${tableId}/metadata`;
}

/**
 * Validates a PxWebApi v2 table info response for `tableId`.
 * @throws SourceDataError naming the field at fault.
 */
export function parseTableInfo(sourceName: string, body: unknown, tableId: string): TableInfo {
  if (!isRecord(body)) throw new SourceDataError(sourceName, "$", "is not a JSON object");
  const text = (field: string): string => {
    const value = body[field];
    if (typeof value !== "string" || value.trim() === "") throw new SourceDataError(sourceName, field, `${JSON.stringify(value)} is not a non-empty string`);
    return value;
  };
  const id = text("id");
  if (id !== tableId) throw new SourceDataError(sourceName, "id", `is ${JSON.stringify(id)}, but table ${tableId} was asked for`);
  const updated = text("updated");
  if (!ISO_TIME.test(updated) || Number.isNaN(Date.parse(updated))) throw new SourceDataError(sourceName, "updated", `${JSON.stringify(updated)} is not an ISO UTC time`);
  const timeUnit = text("timeUnit");
  if (!(TIME_UNITS as readonly string[]).includes(timeUnit)) throw new SourceDataError(sourceName, "timeUnit", `${JSON.stringify(timeUnit)} is not one of ${TIME_UNITS.join(", ")}`);
  const firstPeriod = text("firstPeriod");
  const lastPeriod = text("lastPeriod");
  if (lastPeriod < firstPeriod) throw new SourceDataError(sourceName, "lastPeriod", `${lastPeriod} is before firstPeriod ${firstPeriod}`);
  const names = body["variableNames"];
  if (!Array.isArray(names) || names.length === 0 || !names.every((n): n is string => typeof n === "string")) {
    throw new SourceDataError(sourceName, "variableNames", "is not a non-empty array of strings");
  }
  const links = body["links"];
  if (!Array.isArray(links)) throw new SourceDataError(sourceName, "links", "is not an array");
  let metadataUrl: string | null = null;
  links.forEach((link, i) => {
    if (!isRecord(link) || typeof link["rel"] !== "string" || typeof link["href"] !== "string") {
      throw new SourceDataError(sourceName, `links[${i}]`, "is not {rel, href}");
    }
    if (link["rel"] !== "metadata" || metadataUrl !== null) return;
    if (!isMetadataUrl(link["href"], tableId)) {
      throw new SourceDataError(sourceName, `links[${i}].href`, `${JSON.stringify(link["href"])} is not ${SSB_V2_API}/${tableId}/metadata; Atlas follows no other link`);
    }
    metadataUrl = link["href"];
  });
  if (metadataUrl === null) throw new SourceDataError(sourceName, "links", 'has no link with rel "metadata"');
  const optional = (field: string): string | null => (typeof body[field] === "string" ? (body[field]) : null);
  return {
    id,
    label: text("label"),
    updated,
    firstPeriod,
    lastPeriod,
    timeUnit: timeUnit as TableInfo["timeUnit"],
    variableNames: names,
    subjectCode: optional("subjectCode"),
    source: optional("source"),
    metadataUrl,
  };
}

export interface TableMetadata extends JsonStatStructure {
  /** Dimension id → may it be left out of a query (`extension.elimination`). */
  elimination: Record<string, boolean>;
}

/**
 * Validates PxWebApi v2 table metadata (JSON-stat 2.0 with `extension.px.tableid`): the dimensions
 * and their categories; `value` is not read (the metadata endpoint sends none).
 * @throws SourceDataError naming the field at fault.
 */
export function parseTableMetadata(sourceName: string, body: unknown, tableId: string): TableMetadata {
  const structure = parseJsonStatStructure(sourceName, body);
  const record = body as Record<string, unknown>;
  const px = isRecord(record["extension"]) ? record["extension"]["px"] : undefined;
  const answered = isRecord(px) ? px["tableid"] : undefined;
  if (answered !== tableId) throw new SourceDataError(sourceName, "extension.px.tableid", `is ${JSON.stringify(answered)}, but table ${tableId} was asked for`);
  const dimensions = record["dimension"] as Record<string, Record<string, unknown>>;
  const elimination: Record<string, boolean> = {};
  for (const dim of structure.dimensions) {
    const extension = dimensions[dim.id]!["extension"];
    const value = isRecord(extension) ? extension["elimination"] : undefined;
    if (value !== undefined && typeof value !== "boolean") throw new SourceDataError(sourceName, `dimension.${dim.id}.extension.elimination`, `${JSON.stringify(value)} is not a boolean`);
    elimination[dim.id] = value ?? false;
  }
  if (structure.timeDimensions.length !== 1) throw new SourceDataError(sourceName, "role.time", `names ${structure.timeDimensions.length} dimensions; one time dimension expected`);
  return { ...structure, elimination };
}

/** A row of the dimensions table: one per category. */
export interface DimensionRow {
  [column: string]: string | number | null;
  dimension: string;
  dimension_label: string;
  code: string;
  label: string;
  position: number;
  elimination: number;
  is_time: number;
}

export function dimensionRows(metadata: TableMetadata): DimensionRow[] {
  return metadata.dimensions.flatMap((dim) =>
    dim.categories.map((category, position) => ({
      dimension: dim.id,
      dimension_label: dim.label,
      code: category.code,
      label: category.label,
      position,
      elimination: metadata.elimination[dim.id] ? 1 : 0,
      is_time: metadata.timeDimensions.includes(dim.id) ? 1 : 0,
    })),
  );
}

/**
 * Whether the stored dimensions (rows as `dimensionRows` makes them) describe the table the table
 * info describes: the same variables, in order, and periods up to the table info's last one.
 * Recorded or fetched at different times they can disagree (SSB published a period in between);
 * the answer says how.
 */
export function dimensionsMatchTableInfo(
  rows: readonly Record<string, string | number | null>[],
  info: { variableNames: readonly string[]; lastPeriod: string },
): { matches: boolean; problems: string[] } {
  const problems: string[] = [];
  const labels: string[] = [];
  for (const row of rows) if (typeof row["dimension_label"] === "string" && !labels.includes(row["dimension_label"])) labels.push(row["dimension_label"]);
  if (labels.join("\u0000") !== info.variableNames.join("\u0000")) {
    problems.push(`the metadata's variables (${labels.join(", ")}) are not the table info's (${info.variableNames.join(", ")})`);
  }
  const periods = rows.filter((r) => r["is_time"] === 1).sort((a, b) => Number(a["position"]) - Number(b["position"]));
  const last = periods.at(-1)?.["code"] ?? null;
  if (last !== info.lastPeriod) problems.push(`the metadata's last period is ${last ?? "none"}, the table info's ${info.lastPeriod}`);
  return { matches: problems.length === 0, problems };
}
