/**
 * SSB table 07221 (house price index by region, dwelling type and quarter): the per-year slice of
 * the JSON-stat cube that the raw ingest stores, the PxWebApi v0 query for one year, and the
 * cleaning step (typed columns, labels, suppressed and missing values dropped).
 */
import { SourceDataError } from "./errors.js";
import type { JsonStatDataset } from "./jsonstat.js";

export const HOUSE_PRICE_TABLE = "07221";
export const HOUSE_PRICE_SOURCE = `SSB table ${HOUSE_PRICE_TABLE}`;
/**
 * The years the raw ingest is partitioned by: the years the Atlas query for 07221 asks for
 * (2022K1–2023K4, see the fixture's query body). A new year is added here when SSB publishes it.
 */
export const HOUSE_PRICE_YEARS = ["2022", "2023"] as const;

/** A raw row: for each dimension `<id>` (code) and `<id>_label`, plus `value` and `status`. */
export type RawRow = Record<string, string | number | null>;

const COLUMN_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** The raw table's column names for a dataset, in order. Dimension ids become SQL column names, so they are checked. */
export function rawColumns(dataset: JsonStatDataset, sourceName: string): string[] {
  const columns: string[] = [];
  for (const dim of dataset.dimensions) {
    if (!COLUMN_NAME.test(dim.id)) throw new SourceDataError(sourceName, `id`, `dimension id ${JSON.stringify(dim.id)} is not usable as a column name`);
    columns.push(dim.id, `${dim.id}_label`);
  }
  return [...columns, "value", "status"];
}

/** The year of a period code: `2023K3` (quarter), `2023M07` (month) or `2023` (year). */
export function yearOfPeriod(code: string): string | null {
  const match = /^(\d{4})(?:[KM]\d{1,2})?$/.exec(code);
  return match ? match[1]! : null;
}

function timeDimension(dataset: JsonStatDataset, sourceName: string): string {
  const id = dataset.timeDimensions[0] ?? (dataset.dimensions.some((d) => d.id === "Tid") ? "Tid" : undefined);
  if (!id) throw new SourceDataError(sourceName, "role.time", "names no time dimension (and there is no `Tid` dimension)");
  return id;
}

/** Distinct years covered by the dataset's time dimension, ascending. */
export function yearsInDataset(dataset: JsonStatDataset, sourceName: string): string[] {
  const timeId = timeDimension(dataset, sourceName);
  const dim = dataset.dimensions.find((d) => d.id === timeId)!;
  const years = new Set<string>();
  for (const c of dim.categories) {
    const year = yearOfPeriod(c.code);
    if (!year) throw new SourceDataError(sourceName, `dimension.${timeId}.category.index.${c.code}`, "is not a period code like 2023, 2023K3 or 2023M07");
    years.add(year);
  }
  return [...years].sort();
}

/** Every cell of the dataset as a raw row (columns as `rawColumns` names them), nulls and status included. */
export function rawRows(dataset: JsonStatDataset, sourceName: string): RawRow[] {
  rawColumns(dataset, sourceName);
  return dataset.cells.map((cell) => {
    const row: RawRow = {};
    for (const dim of dataset.dimensions) {
      row[dim.id] = cell.codes[dim.id]!;
      row[`${dim.id}_label`] = cell.labels[dim.id]!;
    }
    row["value"] = cell.value;
    row["status"] = cell.status;
    return row;
  });
}

/**
 * The raw rows of one year: every cell whose period falls in `year`, nulls and status included
 * (the raw layer keeps what the source said).
 * @throws SourceDataError when the dataset has no period in that year: a declared year partition
 *   with no data means the source has not published it or the query is wrong, and a run that
 *   reported 0 rows would look like a successful, fresh materialization.
 */
export function rawRowsForYear(dataset: JsonStatDataset, sourceName: string, year: string): RawRow[] {
  const timeId = timeDimension(dataset, sourceName);
  const rows = rawRows({ ...dataset, cells: dataset.cells.filter((cell) => yearOfPeriod(cell.codes[timeId]!) === year) }, sourceName);
  if (rows.length === 0) {
    const periods = dataset.dimensions.find((d) => d.id === timeId)!.categories.map((c) => c.code);
    throw new SourceDataError(
      sourceName,
      `dimension.${timeId}`,
      `has no period in year ${year} (the response covers ${periods.length ? `${periods[0]} … ${periods[periods.length - 1]}` : "no periods"}); ` +
        "has SSB published it yet, and does the query ask for it?",
    );
  }
  return rows;
}

export interface PxQuerySelection {
  code: string;
  selection: { filter: string; values: string[] };
}
export interface PxQuery {
  query: PxQuerySelection[];
  response: { format: string };
}

/** Validates a PxWebApi v0 query body (as in the fixture `ssb_v0_table07221_post_query.json`). */
export function parsePxQuery(sourceName: string, body: unknown): PxQuery {
  if (typeof body !== "object" || body === null) throw new SourceDataError(sourceName, "$", "query body is not an object");
  const { query, response } = body as Record<string, unknown>;
  if (!Array.isArray(query)) throw new SourceDataError(sourceName, "query", "is not an array");
  const selections = query.map((q, i): PxQuerySelection => {
    const item = q as { code?: unknown; selection?: { filter?: unknown; values?: unknown } } | null;
    const values = item?.selection?.values;
    if (typeof item?.code !== "string" || typeof item.selection?.filter !== "string" || !Array.isArray(values) || !values.every((v) => typeof v === "string")) {
      throw new SourceDataError(sourceName, `query[${i}]`, "must be {code, selection: {filter, values: string[]}}");
    }
    return { code: item.code, selection: { filter: item.selection.filter, values: values } };
  });
  const format = (response as { format?: unknown } | undefined)?.format;
  if (typeof format !== "string") throw new SourceDataError(sourceName, "response.format", "is missing");
  return { query: selections, response: { format } };
}

/** The query for one year of quarterly data: the base query with the time selection narrowed to that year's four quarters. */
export function quarterlyQueryForYear(base: PxQuery, year: string, timeCode = "Tid"): PxQuery {
  if (!/^\d{4}$/.test(year)) throw new RangeError(`Year ${JSON.stringify(year)} is not a four-digit year`);
  if (!base.query.some((q) => q.code === timeCode)) throw new SourceDataError(HOUSE_PRICE_SOURCE, "query", `has no selection for the time variable ${timeCode}`);
  return {
    query: base.query.map((q) =>
      q.code === timeCode ? { code: q.code, selection: { filter: "item", values: [1, 2, 3, 4].map((n) => `${year}K${n}`) } } : q,
    ),
    response: { format: "json-stat2" },
  };
}

/** A cleaned 07221 row: typed, labelled, only published values. */
export interface HousePriceRow {
  region_code: string;
  region: string;
  dwelling_type_code: string;
  dwelling_type: string;
  /** SSB's period code, e.g. `2023K3`. */
  quarter: string;
  year: number;
  quarter_number: number;
  /** First day of the quarter, ISO date. */
  quarter_start: string;
  /** Index value (2015 = 100). */
  index_value: number;
}

export interface CleanResult {
  rows: HousePriceRow[];
  /** Cells without a value (SSB status `..`: not available, or `:`: suppressed). */
  droppedMissing: number;
}

/** Parses `2023K3` into its year and quarter. */
export function parseQuarter(code: string): { year: number; quarter: number } | null {
  const match = /^(\d{4})K([1-4])$/.exec(code);
  return match ? { year: Number(match[1]), quarter: Number(match[2]) } : null;
}

/** The quarter code a calendar date (ISO `YYYY-MM-DD`) falls in, e.g. `2023-09-17` → `2023K3`. */
export function quarterOfDate(isoDate: string): string {
  const match = /^(\d{4})-(\d{2})-\d{2}$/.exec(isoDate);
  if (!match) throw new RangeError(`${JSON.stringify(isoDate)} is not an ISO date`);
  return `${match[1]}K${Math.floor((Number(match[2]) - 1) / 3) + 1}`;
}

function text(row: RawRow, column: string, at: string): string {
  const v = row[column];
  if (typeof v !== "string" || v === "") throw new SourceDataError(HOUSE_PRICE_SOURCE, at, `column ${column} is ${JSON.stringify(v)}, expected text`);
  return v;
}

/**
 * Cleans raw 07221 rows (as stored by the raw ingest) into typed rows, dropping cells without a
 * value or with a status symbol, ordered by region, dwelling type and quarter.
 */
export function cleanHousePriceRows(raw: readonly RawRow[]): CleanResult {
  const rows: HousePriceRow[] = [];
  let droppedMissing = 0;
  raw.forEach((r, i) => {
    const at = `raw row ${i}`;
    const value = r["value"];
    if (value === null || (r["status"] !== null && r["status"] !== undefined)) {
      droppedMissing++;
      return;
    }
    if (typeof value !== "number" || !Number.isFinite(value)) throw new SourceDataError(HOUSE_PRICE_SOURCE, at, `value ${JSON.stringify(value)} is not a number`);
    const quarter = text(r, "Tid", at);
    const parsed = parseQuarter(quarter);
    if (!parsed) throw new SourceDataError(HOUSE_PRICE_SOURCE, at, `period ${JSON.stringify(quarter)} is not a quarter like 2023K3`);
    rows.push({
      region_code: text(r, "Region", at),
      region: text(r, "Region_label", at),
      dwelling_type_code: text(r, "Boligtype", at),
      dwelling_type: text(r, "Boligtype_label", at),
      quarter,
      year: parsed.year,
      quarter_number: parsed.quarter,
      quarter_start: `${parsed.year}-${String((parsed.quarter - 1) * 3 + 1).padStart(2, "0")}-01`,
      index_value: value,
    });
  });
  rows.sort((a, b) =>
    a.region_code.localeCompare(b.region_code) || a.dwelling_type_code.localeCompare(b.dwelling_type_code) || a.quarter.localeCompare(b.quarter),
  );
  return { rows, droppedMissing };
}
