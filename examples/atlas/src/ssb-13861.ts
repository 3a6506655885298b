/**
 * SSB table 13861 (the wage distribution by the inequality measures Gini coefficient and P90/P10,
 * by industry, sex and year), an annual table read through PxWebApi v0 in two steps, as the API
 * is meant to be used: `GET /api/v0/no/table/13861/` answers the table's metadata (its variables,
 * their value codes and texts, which may be left out of a query, which is time); Atlas builds its
 * query from that metadata (refusing values or variables the table no longer has), POSTs it for
 * JSON-stat 2.0, and checks that the answer holds exactly what the query selected.
 *
 * The recorded metadata and data were captured at different times: the metadata lists the variable
 * `Kjonn` (sex), the data does not. Atlas leaves `Kjonn` out of its query — the metadata says it
 * may be eliminated, so SSB answers for both sexes together — which is what the recorded data is.
 */
import { SourceDataError } from "./errors.js";
import type { JsonStatDataset } from "./jsonstat.js";
import type { PxQuery } from "./ssb.js";

export const WAGE_TABLE = "13861";
export const WAGE_SOURCE = `SSB table ${WAGE_TABLE}`;

/**
 * What Atlas asks of table 13861: every industry total it shows (all industries, and the primary,
 * extraction and manufacturing sections), both measures and every year. A variable left out here
 * is eliminated by SSB (allowed only when its metadata says `elimination: true`).
 */
export const WAGE_SELECTION: Readonly<Record<string, readonly string[] | "all">> = {
  NACE2007: ["A-Z", "A", "B", "C"],
  ContentsCode: "all",
  Tid: "all",
};

export interface PxValue {
  code: string;
  text: string;
}

export interface PxVariable {
  code: string;
  text: string;
  values: PxValue[];
  /** The variable may be left out of a query; SSB then answers for its total. */
  elimination: boolean;
  /** The variable is the table's time. */
  time: boolean;
}

export interface PxTableMetadata {
  title: string;
  variables: PxVariable[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const optionalBoolean = (sourceName: string, value: unknown, at: string): boolean => {
  if (value === undefined) return false;
  if (typeof value !== "boolean") throw new SourceDataError(sourceName, at, `${JSON.stringify(value)} is not a boolean`);
  return value;
};

/**
 * Validates a PxWebApi v0 table metadata response (`{title, variables: [{code, text, values,
 * valueTexts, elimination?, time?}]}`).
 * @throws SourceDataError naming the field at fault.
 */
export function parsePxTableMetadata(sourceName: string, body: unknown): PxTableMetadata {
  if (!isRecord(body)) throw new SourceDataError(sourceName, "$", "is not a JSON object");
  const title = body["title"];
  if (typeof title !== "string" || title.trim() === "") throw new SourceDataError(sourceName, "title", "is missing or empty");
  const variables = body["variables"];
  if (!Array.isArray(variables) || variables.length === 0) throw new SourceDataError(sourceName, "variables", "is not a non-empty array");
  const seen = new Set<string>();
  const parsed = variables.map((raw, i): PxVariable => {
    const at = `variables[${i}]`;
    if (!isRecord(raw)) throw new SourceDataError(sourceName, at, "is not an object");
    const { code, text, values, valueTexts } = raw;
    if (typeof code !== "string" || !/^[A-Za-z][A-Za-z0-9_]*$/.test(code)) {
      throw new SourceDataError(sourceName, `${at}.code`, `${JSON.stringify(code)} is not a variable code (letters, digits, _)`);
    }
    if (seen.has(code)) throw new SourceDataError(sourceName, `${at}.code`, `repeats variable ${code}`);
    seen.add(code);
    if (typeof text !== "string") throw new SourceDataError(sourceName, `${at}.text`, "is not a string");
    if (!Array.isArray(values) || values.length === 0 || !values.every((v): v is string => typeof v === "string" && v !== "")) {
      throw new SourceDataError(sourceName, `${at}.values`, "is not a non-empty array of value codes");
    }
    if (new Set(values).size !== values.length) throw new SourceDataError(sourceName, `${at}.values`, "repeats a value code");
    if (!Array.isArray(valueTexts) || valueTexts.length !== values.length || !valueTexts.every((v) => typeof v === "string")) {
      throw new SourceDataError(sourceName, `${at}.valueTexts`, `must be ${values.length} strings, one per value`);
    }
    return {
      code,
      text,
      values: values.map((v, j) => ({ code: v, text: valueTexts[j] as string })),
      elimination: optionalBoolean(sourceName, raw["elimination"], `${at}.elimination`),
      time: optionalBoolean(sourceName, raw["time"], `${at}.time`),
    };
  });
  if (parsed.filter((v) => v.time).length > 1) throw new SourceDataError(sourceName, "variables", "marks more than one variable as time");
  return { title, variables: parsed };
}

/**
 * The PxWebApi v0 query for `selection` over a table with `metadata`: each selected variable with
 * its values (`"all"`: every value the metadata lists, in its order), the others left out.
 * @throws SourceDataError when the table no longer has a selected variable or value, or a
 *   variable left out may not be eliminated: the query would fail at SSB or answer something else.
 */
export function buildPxQuery(sourceName: string, metadata: PxTableMetadata, selection: Readonly<Record<string, readonly string[] | "all">>): PxQuery {
  for (const code of Object.keys(selection)) {
    if (!metadata.variables.some((v) => v.code === code)) {
      throw new SourceDataError(sourceName, "variables", `has no variable ${code}, which Atlas selects (the table has ${metadata.variables.map((v) => v.code).join(", ")})`);
    }
  }
  const query: PxQuery["query"] = [];
  metadata.variables.forEach((variable, i) => {
    const wanted = selection[variable.code];
    if (wanted === undefined) {
      if (!variable.elimination) {
        throw new SourceDataError(sourceName, `variables[${i}].elimination`, `is false: variable ${variable.code} cannot be left out, so Atlas's selection must name it`);
      }
      return;
    }
    const known = new Set(variable.values.map((v) => v.code));
    const values = wanted === "all" ? variable.values.map((v) => v.code) : [...wanted];
    const unknown = values.find((v) => !known.has(v));
    if (unknown !== undefined) throw new SourceDataError(sourceName, `variables[${i}].values`, `has no value ${JSON.stringify(unknown)} of ${variable.code}, which Atlas selects`);
    query.push({ code: variable.code, selection: { filter: "item", values } });
  });
  return { query, response: { format: "json-stat2" } };
}

/**
 * Checks that a JSON-stat answer holds exactly what `query` selected: one dimension per selected
 * variable (no other), and for each exactly the selected values. `tableId`, when the answer carries
 * `extension.px.tableid`, must match too (a proxy or a typo in the URL would answer another table).
 * @throws SourceDataError naming the dimension or category at fault.
 */
export function checkAnswersQuery(sourceName: string, dataset: JsonStatDataset, query: PxQuery, tableId: string, body: unknown): void {
  const px = isRecord(body) && isRecord(body["extension"]) ? body["extension"]["px"] : undefined;
  const answeredTable = isRecord(px) ? px["tableid"] : undefined;
  if (answeredTable !== undefined && answeredTable !== tableId) {
    throw new SourceDataError(sourceName, "extension.px.tableid", `is ${JSON.stringify(answeredTable)}, but table ${tableId} was asked for`);
  }
  const asked = new Map(query.query.map((q) => [q.code, q.selection.values]));
  for (const dim of dataset.dimensions) {
    const values = asked.get(dim.id);
    if (values === undefined) throw new SourceDataError(sourceName, `dimension.${dim.id}`, `was not asked for (the query selects ${[...asked.keys()].join(", ")})`);
    const selected = new Set(values);
    const extra = dim.categories.find((c) => !selected.has(c.code));
    if (extra !== undefined) throw new SourceDataError(sourceName, `dimension.${dim.id}.category.index.${extra.code}`, `is not a value the query selected for ${dim.id}`);
    const got = new Set(dim.categories.map((c) => c.code));
    const missing = values.find((v) => !got.has(v));
    if (missing !== undefined) throw new SourceDataError(sourceName, `dimension.${dim.id}.category.index`, `lacks ${JSON.stringify(missing)}, which the query selected`);
  }
  const absent = [...asked.keys()].find((code) => !dataset.dimensions.some((d) => d.id === code));
  if (absent !== undefined) throw new SourceDataError(sourceName, "id", `lacks dimension ${absent}, which the query selected`);
}

/** A row of the variables table: one per variable value. */
export interface VariableRow {
  [column: string]: string | number | null;
  variable: string;
  variable_text: string;
  code: string;
  text: string;
  /** Position of the value within its variable, from 0. */
  position: number;
  /** 1 when the variable may be left out of a query. */
  elimination: number;
  /** 1 for the time variable. */
  is_time: number;
}

/** The metadata as rows, one per variable value, in the metadata's order. */
export function variableRows(metadata: PxTableMetadata): VariableRow[] {
  return metadata.variables.flatMap((v) =>
    v.values.map((value, position) => ({
      variable: v.code,
      variable_text: v.text,
      code: value.code,
      text: value.text,
      position,
      elimination: v.elimination ? 1 : 0,
      is_time: v.time ? 1 : 0,
    })),
  );
}

/**
 * The metadata back from the rows `variableRows` made (the variables asset's table), so the data
 * ingest builds its query from what its upstream asset stored. Variables keep the order of their
 * first row, values their `position`.
 */
export function metadataFromRows(title: string, rows: readonly Record<string, string | number | null>[]): PxTableMetadata {
  const byCode = new Map<string, PxVariable & { positions: number[] }>();
  rows.forEach((row, i) => {
    const at = `variables table row ${i}`;
    const { variable, variable_text, code, text, position, elimination, is_time } = row;
    if (typeof variable !== "string" || typeof code !== "string" || typeof text !== "string" || typeof position !== "number") {
      throw new SourceDataError(WAGE_SOURCE, at, "lacks variable, code, text or position");
    }
    let entry = byCode.get(variable);
    if (!entry) {
      entry = { code: variable, text: typeof variable_text === "string" ? variable_text : variable, values: [], elimination: elimination === 1, time: is_time === 1, positions: [] };
      byCode.set(variable, entry);
    }
    entry.values.push({ code, text });
    entry.positions.push(position);
  });
  return {
    title,
    variables: [...byCode.values()].map(({ positions, values, ...variable }) => ({
      ...variable,
      values: values.map((v, i) => ({ v, p: positions[i]! })).sort((a, b) => a.p - b.p).map(({ v }) => v),
    })),
  };
}
