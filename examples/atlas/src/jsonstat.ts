/**
 * A generic JSON-stat 2.0 dataset reader (https://json-stat.org/full/): turns the cube of
 * `id` × `size` × `dimension[*].category` and the row-major `value` array into tidy rows,
 * one per cell, with each dimension's category code and label. Nothing here knows SSB tables;
 * `ssb.ts` builds on it.
 */
import { SourceDataError } from "./errors.js";

export interface JsonStatCategory {
  code: string;
  label: string;
}

export interface JsonStatDimension {
  id: string;
  label: string;
  /** Categories in cube order (by their `category.index` position). */
  categories: JsonStatCategory[];
}

/** One cell of the cube. `codes` and `labels` are keyed by dimension id. */
export interface JsonStatCell {
  codes: Record<string, string>;
  labels: Record<string, string>;
  value: number | null;
  /** The cell's status symbol (SSB uses `..` for "not available", `:` for suppressed), or null. */
  status: string | null;
}

export interface JsonStatDataset {
  label: string | null;
  source: string | null;
  updated: string | null;
  /** Dimension ids with the `time` role, e.g. `["Tid"]`. */
  timeDimensions: string[];
  dimensions: JsonStatDimension[];
  /** All cells in row-major order (the last dimension varies fastest). */
  cells: JsonStatCell[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

/**
 * Reads a dimension's categories in index order. JSON-stat allows `index` as an object
 * (code → position) or an array of codes, and omits it for single-category dimensions.
 */
function readCategories(sourceName: string, dimId: string, dim: Record<string, unknown>, size: number): JsonStatCategory[] {
  const at = `dimension.${dimId}.category`;
  const category = dim["category"];
  if (!isRecord(category)) throw new SourceDataError(sourceName, at, "is missing or not an object");
  const labels = category["label"];
  if (labels !== undefined && !isRecord(labels)) throw new SourceDataError(sourceName, `${at}.label`, "is not an object");
  const index = category["index"];
  let codes: string[];
  if (index === undefined) {
    const labelCodes = labels ? Object.keys(labels) : [];
    if (labelCodes.length !== 1) {
      throw new SourceDataError(sourceName, `${at}.index`, "is missing, which JSON-stat allows only for a dimension with exactly one labelled category");
    }
    codes = labelCodes;
  } else if (Array.isArray(index)) {
    if (!index.every((c): c is string => typeof c === "string")) {
      throw new SourceDataError(sourceName, `${at}.index`, "array holds a non-string category code");
    }
    codes = index;
  } else if (isRecord(index)) {
    codes = new Array<string>(Object.keys(index).length);
    for (const [code, position] of Object.entries(index)) {
      if (typeof position !== "number" || !Number.isInteger(position) || position < 0 || position >= codes.length) {
        throw new SourceDataError(sourceName, `${at}.index.${code}`, `position ${JSON.stringify(position)} is not an integer in [0, ${codes.length})`);
      }
      if (codes[position] !== undefined) {
        throw new SourceDataError(sourceName, `${at}.index.${code}`, `position ${position} is also used by category ${JSON.stringify(codes[position])}`);
      }
      codes[position] = code;
    }
  } else {
    throw new SourceDataError(sourceName, `${at}.index`, "is neither an object nor an array");
  }
  if (codes.length !== size) {
    throw new SourceDataError(sourceName, `${at}.index`, `has ${codes.length} categories but size says ${size}`);
  }
  return codes.map((code) => {
    const label = labels?.[code];
    if (label !== undefined && typeof label !== "string") {
      throw new SourceDataError(sourceName, `${at}.label.${code}`, "is not a string");
    }
    return { code, label: label ?? code };
  });
}

/** Reads `value` (dense array or sparse object keyed by cell index) into a dense array of `total` cells. */
function readValues(sourceName: string, raw: unknown, total: number): (number | null)[] {
  if (Array.isArray(raw)) {
    if (raw.length !== total) {
      throw new SourceDataError(sourceName, "value", `has ${raw.length} entries but the product of size is ${total}`);
    }
    return raw.map((v, i) => {
      if (v === null || (typeof v === "number" && Number.isFinite(v))) return v;
      throw new SourceDataError(sourceName, `value[${i}]`, `${JSON.stringify(v)} is neither a number nor null`);
    });
  }
  if (isRecord(raw)) {
    const values = new Array<number | null>(total).fill(null);
    for (const [key, v] of Object.entries(raw)) {
      const i = Number(key);
      if (!Number.isInteger(i) || i < 0 || i >= total) {
        throw new SourceDataError(sourceName, `value.${key}`, `is not a cell index in [0, ${total})`);
      }
      if (v !== null && (typeof v !== "number" || !Number.isFinite(v))) {
        throw new SourceDataError(sourceName, `value.${key}`, `${JSON.stringify(v)} is neither a number nor null`);
      }
      values[i] = v;
    }
    return values;
  }
  throw new SourceDataError(sourceName, "value", "is missing or neither an array nor an object");
}

/** Reads `status`: absent, one string for every cell, an array (one entry, or one per cell), or a sparse object keyed by cell index. */
function readStatus(sourceName: string, raw: unknown, total: number): (string | null)[] {
  const status = new Array<string | null>(total).fill(null);
  if (raw === undefined || raw === null) return status;
  if (typeof raw === "string") return status.fill(raw);
  let entries: [string, unknown][];
  if (Array.isArray(raw)) {
    if (raw.length === 1) return status.fill(optionalString(raw[0]));
    if (raw.length !== total) throw new SourceDataError(sourceName, "status", `array has ${raw.length} entries but the cube has ${total} cells`);
    entries = raw.map((v, i) => [String(i), v]);
  } else if (isRecord(raw)) {
    entries = Object.entries(raw);
  } else {
    throw new SourceDataError(sourceName, "status", "is neither a string, an array nor an object");
  }
  for (const [key, v] of entries) {
    const i = Number(key);
    if (!Number.isInteger(i) || i < 0 || i >= total) throw new SourceDataError(sourceName, `status.${key}`, `is not a cell index in [0, ${total})`);
    if (v !== null && typeof v !== "string") throw new SourceDataError(sourceName, `status.${key}`, "is not a string");
    status[i] = v;
  }
  return status;
}

/** A JSON-stat 2.0 dataset's structure: its dimensions and categories, without the values. */
export type JsonStatStructure = Omit<JsonStatDataset, "cells">;

/**
 * Reads the structure of a JSON-stat 2.0 dataset (`version`, `class`, `id`, `size`, `dimension`,
 * `role`) and ignores `value`: what a metadata endpoint answers, such as PxWebApi v2's
 * `/tables/<id>/metadata`, which is a dataset with an empty `value`.
 * @throws SourceDataError naming the JSON path at fault.
 */
export function parseJsonStatStructure(sourceName: string, body: unknown): JsonStatStructure {
  return readStructure(sourceName, body).structure;
}

function readStructure(sourceName: string, body: unknown): { structure: JsonStatStructure; sizes: number[]; record: Record<string, unknown> } {
  if (!isRecord(body)) throw new SourceDataError(sourceName, "$", "is not a JSON object");
  if (body["version"] !== "2.0") throw new SourceDataError(sourceName, "version", `is ${JSON.stringify(body["version"])}, expected "2.0"`);
  if (body["class"] !== "dataset") throw new SourceDataError(sourceName, "class", `is ${JSON.stringify(body["class"])}, expected "dataset"`);
  const ids = body["id"];
  const sizes = body["size"];
  if (!Array.isArray(ids) || !ids.every((i): i is string => typeof i === "string") || ids.length === 0) {
    throw new SourceDataError(sourceName, "id", "is not a non-empty array of dimension ids");
  }
  if (new Set(ids).size !== ids.length) throw new SourceDataError(sourceName, "id", "repeats a dimension id");
  if (!Array.isArray(sizes) || sizes.length !== ids.length) {
    throw new SourceDataError(sourceName, "size", `must be an array with one size per id (${ids.length})`);
  }
  const sizeList = sizes.map((s, i) => {
    if (typeof s !== "number" || !Number.isInteger(s) || s < 0) throw new SourceDataError(sourceName, `size[${i}]`, `${JSON.stringify(s)} is not a non-negative integer`);
    return s;
  });
  const dimensionObj = body["dimension"];
  if (!isRecord(dimensionObj)) throw new SourceDataError(sourceName, "dimension", "is missing or not an object");

  const dimensions: JsonStatDimension[] = ids.map((id, i) => {
    const dim = dimensionObj[id];
    if (!isRecord(dim)) throw new SourceDataError(sourceName, `dimension.${id}`, "is missing (listed in id)");
    return { id, label: optionalString(dim["label"]) ?? id, categories: readCategories(sourceName, id, dim, sizeList[i]!) };
  });

  const role = body["role"];
  const time = isRecord(role) ? role["time"] : undefined;
  const timeDimensions = Array.isArray(time) ? time.filter((t): t is string => typeof t === "string" && ids.includes(t)) : [];
  return {
    structure: { label: optionalString(body["label"]), source: optionalString(body["source"]), updated: optionalString(body["updated"]), timeDimensions, dimensions },
    sizes: sizeList,
    record: body,
  };
}

/**
 * Parses a JSON-stat 2.0 dataset response into tidy cells.
 * @param sourceName names the source in error messages, e.g. `SSB table 07221`.
 * @throws SourceDataError naming the JSON path at fault.
 */
export function parseJsonStatDataset(sourceName: string, body: unknown): JsonStatDataset {
  const { structure, sizes: sizeList, record } = readStructure(sourceName, body);
  const { dimensions } = structure;
  const total = sizeList.reduce((a, b) => a * b, 1);
  const values = readValues(sourceName, record["value"], total);
  const status = readStatus(sourceName, record["status"], total);

  // Row-major: the stride of dimension i is the product of the sizes after it.
  const strides = sizeList.map((_, i) => sizeList.slice(i + 1).reduce((a, b) => a * b, 1));
  const cells: JsonStatCell[] = [];
  for (let n = 0; n < total; n++) {
    const codes: Record<string, string> = {};
    const labels: Record<string, string> = {};
    dimensions.forEach((dim, i) => {
      const category = dim.categories[Math.floor(n / strides[i]!) % sizeList[i]!]!;
      codes[dim.id] = category.code;
      labels[dim.id] = category.label;
    });
    cells.push({ codes, labels, value: values[n]!, status: status[n]! });
  }
  return { ...structure, cells };
}
