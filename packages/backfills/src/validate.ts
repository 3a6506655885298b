/**
 * Validating a backfill request against the asset graph, before it is stored: the webserver (API),
 * the CLI and the daemon (requests from sensors and schedules) call it, so every way in refuses the
 * same things with the same messages, each naming the field at fault. Pure: what it needs from
 * storage (whether dynamic partition keys and a previous backfill exist) comes in `context`.
 */
import {
  didYouMeanSuffix,
  InvalidSelectionError,
  resolveSelection,
  runTagProblem,
  type AssetGraph,
  type BackfillPartitionSet,
  type BackfillPolicySnapshot,
  type BackfillRequest,
  type PartitionsSnapshot,
} from "@flyt/core";
import { InvalidBackfillRequestError } from "./errors.js";
import { keySpaceOf } from "./space.js";

/** Most runs of one backfill at once a request may ask for. */
export const MAX_BACKFILL_CONCURRENT_RUNS = 10_000;
/** Largest `multi-run` chunk: a run over more partitions is a `single-run`. */
export const MAX_PARTITIONS_PER_RUN = 1_000_000;
/** Most keys a `keys` set may list (a longer set is a range, "all" or "missing"). */
export const MAX_BACKFILL_KEYS = 10_000;
/** Longest `requestedBy`. */
const MAX_REQUESTED_BY = 200;
/** Most tags on a request (each run gets them all). */
const MAX_TAGS = 50;
const MAX_TAG_CHARS = 1_000;

/** What validation needs besides the request and the graph. */
export interface BackfillValidationContext {
  /** Time windows that exist are those complete at this instant (epoch ms or a Date). */
  now: number | Date;
  /**
   * Whether `key` is a key of dynamic partitions definition `name` (storage knows; callers look up
   * the keys of the request first, see `requestedPartitionKeys`). Absent: dynamic keys are taken on
   * trust here and checked when the daemon plans.
   */
  dynamicKeyExists?: (name: string, key: string) => boolean;
  /** Whether a backfill with this id exists (for `{ kind: "failed", backfillId }`). Absent: not checked here. */
  backfillExists?: (backfillId: string) => boolean;
}

const REQUEST_FIELDS = new Set(["selection", "partitions", "policy", "tags", "maxConcurrentRuns", "requestedBy"]);
const SET_FIELDS: Record<BackfillPartitionSet["kind"], readonly string[]> = {
  range: ["kind", "from", "to"],
  keys: ["kind", "keys"],
  all: ["kind"],
  missing: ["kind"],
  failed: ["kind", "backfillId"],
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "string" ? JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value) : typeof value;
}

function refuseUnknownFields(value: Record<string, unknown>, allowed: Iterable<string>, path: string): void {
  const known = new Set(allowed);
  for (const key of Object.keys(value)) {
    if (!known.has(key)) throw new InvalidBackfillRequestError(path === "" ? key : `${path}.${key}`, `unknown field${didYouMeanSuffix(key, known)}; allowed: ${[...known].join(", ")}`);
  }
}

/**
 * The partition keys a request names (`range`: from and to; `keys`: the list), for a caller that must
 * look up dynamic keys in storage before validating. Empty for other sets or malformed input.
 * @example
 * const keys = requestedPartitionKeys(body); // ["2024-01-01", "2024-01-31"]
 */
export function requestedPartitionKeys(input: unknown): string[] {
  if (!isRecord(input) || !isRecord(input.partitions)) return [];
  const set = input.partitions;
  if (set.kind === "range") return [set.from, set.to].filter((k): k is string => typeof k === "string");
  if (set.kind === "keys" && Array.isArray(set.keys)) return set.keys.filter((k): k is string => typeof k === "string").slice(0, MAX_BACKFILL_KEYS);
  return [];
}

function validatePartitionSet(value: unknown): BackfillPartitionSet {
  if (!isRecord(value)) throw new InvalidBackfillRequestError("partitions", `must be an object like { "kind": "range", "from": "2000", "to": "2024" }, got ${describe(value)}`);
  const kind = value.kind;
  if (typeof kind !== "string" || !Object.hasOwn(SET_FIELDS, kind)) {
    throw new InvalidBackfillRequestError("partitions.kind", `must be one of ${Object.keys(SET_FIELDS).join(", ")}, got ${describe(kind)}${typeof kind === "string" ? didYouMeanSuffix(kind, Object.keys(SET_FIELDS)) : ""}`);
  }
  const k = kind as BackfillPartitionSet["kind"];
  refuseUnknownFields(value, SET_FIELDS[k], "partitions");
  switch (k) {
    case "range": {
      for (const field of ["from", "to"] as const) {
        const key = value[field];
        if (typeof key !== "string" || key === "") throw new InvalidBackfillRequestError(`partitions.${field}`, `must be a partition key (a non-empty string), got ${describe(key)}`);
      }
      return { kind: "range", from: value.from as string, to: value.to as string };
    }
    case "keys": {
      const keys = value.keys;
      if (!Array.isArray(keys) || keys.length === 0) throw new InvalidBackfillRequestError("partitions.keys", `must be a non-empty array of partition keys, got ${describe(keys)}`);
      if (keys.length > MAX_BACKFILL_KEYS) throw new InvalidBackfillRequestError("partitions.keys", `lists ${keys.length} keys; at most ${MAX_BACKFILL_KEYS} may be listed (use a range, "all" or "missing" for more)`);
      const seen = new Set<string>();
      keys.forEach((key, i) => {
        if (typeof key !== "string" || key === "") throw new InvalidBackfillRequestError(`partitions.keys[${i}]`, `must be a partition key (a non-empty string), got ${describe(key)}`);
        if (seen.has(key)) throw new InvalidBackfillRequestError(`partitions.keys[${i}]`, `${JSON.stringify(key)} is listed twice`);
        seen.add(key);
      });
      return { kind: "keys", keys: [...(keys as string[])] };
    }
    case "all":
      return { kind: "all" };
    case "missing":
      return { kind: "missing" };
    case "failed": {
      const id = value.backfillId;
      if (id !== undefined && id !== null && (typeof id !== "string" || id === "")) throw new InvalidBackfillRequestError("partitions.backfillId", `must be a backfill id, got ${describe(id)}`);
      return typeof id === "string" ? { kind: "failed", backfillId: id } : { kind: "failed" };
    }
  }
}

/**
 * Checks `policy`; null/undefined means "each asset's own policy".
 * @example
 * validateBackfillPolicy({ kind: "multi-run", maxPartitionsPerRun: 7 }, "policy");
 */
export function validateBackfillPolicy(value: unknown, field = "policy"): BackfillPolicySnapshot | null {
  if (value === undefined || value === null) return null;
  if (!isRecord(value)) throw new InvalidBackfillRequestError(field, `must be { "kind": "single-run" } or { "kind": "multi-run", "maxPartitionsPerRun": N }, got ${describe(value)}`);
  if (value.kind === "single-run") {
    refuseUnknownFields(value, ["kind"], field);
    return { kind: "single-run" };
  }
  if (value.kind === "multi-run") {
    refuseUnknownFields(value, ["kind", "maxPartitionsPerRun"], field);
    const n = value.maxPartitionsPerRun;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > MAX_PARTITIONS_PER_RUN) {
      throw new InvalidBackfillRequestError(`${field}.maxPartitionsPerRun`, `must be an integer from 1 to ${MAX_PARTITIONS_PER_RUN}, got ${describe(n)}${typeof n === "number" ? ` (${n})` : ""}`);
    }
    return { kind: "multi-run", maxPartitionsPerRun: n };
  }
  throw new InvalidBackfillRequestError(`${field}.kind`, `must be "single-run" or "multi-run", got ${describe(value.kind)}`);
}

function validateTags(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw new InvalidBackfillRequestError("tags", `must be an object of string values, got ${describe(value)}`);
  const entries = Object.entries(value);
  if (entries.length > MAX_TAGS) throw new InvalidBackfillRequestError("tags", `has ${entries.length} tags; at most ${MAX_TAGS} are allowed`);
  const tags: Record<string, string> = {};
  for (const [key, tagValue] of entries) {
    if (key === "" || key.length > MAX_TAG_CHARS) throw new InvalidBackfillRequestError("tags", `a tag key must have 1 to ${MAX_TAG_CHARS} characters, got ${JSON.stringify(key.slice(0, 60))}`);
    if (typeof tagValue !== "string") throw new InvalidBackfillRequestError(`tags.${key}`, `must be a string, got ${describe(tagValue)}`);
    if (tagValue.length > MAX_TAG_CHARS) throw new InvalidBackfillRequestError(`tags.${key}`, `must have at most ${MAX_TAG_CHARS} characters (has ${tagValue.length})`);
    const problem = runTagProblem(key, tagValue);
    if (problem !== null) throw new InvalidBackfillRequestError(`tags.${key}`, problem);
    tags[key] = tagValue;
  }
  return tags;
}

function describePartitions(snapshot: PartitionsSnapshot | null): string {
  if (snapshot === null) return "unpartitioned";
  switch (snapshot.kind) {
    case "static":
      return `static: ${snapshot.keys.slice(0, 3).join(", ")}${snapshot.keys.length > 3 ? ", …" : ""}`;
    case "time-window":
      return `${snapshot.cadence} from ${snapshot.start}${snapshot.end === null ? "" : ` to ${snapshot.end}`} in ${snapshot.timezone}`;
    case "dynamic":
      return `dynamic ${JSON.stringify(snapshot.name)}`;
  }
}

/** Where `key` sits in an asset's partitions: its position, -1 when it is none of them, null when unknown (dynamic without a lookup). */
function positionIn(snapshot: PartitionsSnapshot, key: string, context: BackfillValidationContext): number | null {
  if (snapshot.kind === "dynamic") {
    if (context.dynamicKeyExists === undefined) return null;
    return context.dynamicKeyExists(snapshot.name, key) ? 0 : -1;
  }
  return keySpaceOf(snapshot, context.now).indexOf(key);
}

/**
 * Validates an untrusted backfill request (parsed JSON from the API, CLI flags turned into an
 * object, a sensor's request) against the asset graph; returns it normalized.
 * @throws InvalidBackfillRequestError naming the field at fault: an unknown field, a selection that
 *   matches nothing (with a did-you-mean), partition keys that are partitions of no selected asset,
 *   a range or key list over a selection with no partitioned asset, a `from` after its `to`, a policy
 *   out of bounds, a tag under `flyt/`, a `maxConcurrentRuns` out of bounds.
 * @example
 * const request = validateBackfillRequest(
 *   { selection: "atlas/ssb/house_prices+", partitions: { kind: "range", from: "2000", to: "2024" } },
 *   graph,
 *   { now: Date.now() },
 * );
 */
export function validateBackfillRequest(input: unknown, graph: AssetGraph, context: BackfillValidationContext): BackfillRequest {
  if (!isRecord(input)) throw new InvalidBackfillRequestError("request", `must be an object with selection and partitions, got ${describe(input)}`);
  refuseUnknownFields(input, REQUEST_FIELDS, "");
  const { selection } = input;
  if (typeof selection !== "string" || selection.trim() === "") throw new InvalidBackfillRequestError("selection", `must be a selection expression like "atlas/ssb/house_prices+" (docs/selection.md), got ${describe(selection)}`);
  if (selection.length > 10_000) throw new InvalidBackfillRequestError("selection", `must have at most 10000 characters (has ${selection.length})`);
  let selected: Set<string>;
  try {
    selected = resolveSelection(graph, selection);
  } catch (error) {
    if (error instanceof InvalidSelectionError) throw new InvalidBackfillRequestError("selection", error.message, { cause: error });
    throw error;
  }
  const partitions = validatePartitionSet(input.partitions);
  const policy = validateBackfillPolicy(input.policy);
  const tags = validateTags(input.tags);

  let maxConcurrentRuns: number | null = null;
  if (input.maxConcurrentRuns !== undefined && input.maxConcurrentRuns !== null) {
    const n = input.maxConcurrentRuns;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > MAX_BACKFILL_CONCURRENT_RUNS) {
      throw new InvalidBackfillRequestError("maxConcurrentRuns", `must be an integer from 1 to ${MAX_BACKFILL_CONCURRENT_RUNS} (or null: only the queue's limits), got ${describe(n)}${typeof n === "number" ? ` (${n})` : ""}`);
    }
    maxConcurrentRuns = n;
  }
  let requestedBy: string | null = null;
  if (input.requestedBy !== undefined && input.requestedBy !== null) {
    if (typeof input.requestedBy !== "string" || input.requestedBy.length > MAX_REQUESTED_BY) {
      throw new InvalidBackfillRequestError("requestedBy", `must be a string of at most ${MAX_REQUESTED_BY} characters, got ${describe(input.requestedBy)}`);
    }
    requestedBy = input.requestedBy;
  }

  const nodes = [...selected].map((key) => graph.get(key)!);
  const partitioned = nodes.filter((n) => n.partitions !== null && n.partitions !== undefined);
  if (partitions.kind === "range" || partitions.kind === "keys") {
    if (partitioned.length === 0) {
      throw new InvalidBackfillRequestError(
        "partitions",
        `selection ${JSON.stringify(selection)} has no partitioned asset (${[...selected].slice(0, 5).join(", ")}${selected.size > 5 ? ", …" : ""}), so a ${partitions.kind === "range" ? "range" : "list of keys"} means nothing; use { "kind": "all" } to materialize them once`,
      );
    }
    const keys = partitions.kind === "range" ? [partitions.from, partitions.to] : partitions.keys;
    const fields = partitions.kind === "range" ? ["partitions.from", "partitions.to"] : keys.map((_, i) => `partitions.keys[${i}]`);
    // A key must be a partition of some selected asset; for a range, both ends of the same asset.
    const holders = new Map<string, string[]>();
    keys.forEach((key, i) => {
      const holding = partitioned.filter((n) => positionIn(n.partitions!, key, context) !== -1).map((n) => n.key);
      if (holding.length === 0) {
        const staticKeys = partitioned.flatMap((n) => (n.partitions!.kind === "static" ? n.partitions!.keys : []));
        throw new InvalidBackfillRequestError(
          fields[i]!,
          `${JSON.stringify(key)} is not a partition of any selected asset${didYouMeanSuffix(key, staticKeys)}; selected partitioned assets: ` +
            partitioned.slice(0, 4).map((n) => `${n.key} (${describePartitions(n.partitions ?? null)})`).join("; ") +
            (partitioned.length > 4 ? `; and ${partitioned.length - 4} more` : ""),
        );
      }
      holders.set(key, holding);
    });
    if (partitions.kind === "range") {
      const both = holders.get(partitions.from)!.filter((k) => holders.get(partitions.to)!.includes(k));
      if (both.length === 0) {
        throw new InvalidBackfillRequestError(
          "partitions",
          `no selected asset has both ${JSON.stringify(partitions.from)} (a partition of ${holders.get(partitions.from)!.join(", ")}) and ${JSON.stringify(partitions.to)} (a partition of ${holders.get(partitions.to)!.join(", ")}); a range runs from one key to another of the same partitions`,
        );
      }
      for (const key of both) {
        const snapshot = graph.get(key)!.partitions!;
        if (snapshot.kind === "dynamic") continue;
        const space = keySpaceOf(snapshot, context.now);
        if (space.indexOf(partitions.from) > space.indexOf(partitions.to)) {
          throw new InvalidBackfillRequestError("partitions.from", `${JSON.stringify(partitions.from)} comes after partitions.to ${JSON.stringify(partitions.to)} in the partitions of ${key}; swap them`);
        }
      }
    }
  }
  if (partitions.kind === "failed" && partitions.backfillId !== undefined && context.backfillExists !== undefined && !context.backfillExists(partitions.backfillId)) {
    throw new InvalidBackfillRequestError("partitions.backfillId", `no backfill with id ${JSON.stringify(partitions.backfillId)} (list them with \`flyt backfills list\`)`);
  }
  return { selection, partitions, policy, tags, maxConcurrentRuns, requestedBy };
}
