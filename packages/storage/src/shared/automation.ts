/**
 * Validation and row mapping for asset definitions (provenance) and the automation loop's state,
 * shared by both backends, so a bad input fails the same way everywhere with a message naming the
 * culprit (docs/decisions/0022, docs/storage.md#data-versions-and-automation).
 */
import { createHash } from "node:crypto";
import {
  DEFINITION_LIMITS,
  normalizeAssetKey,
  type AutomationAssetEvaluation,
  type AutomationNodeResult,
  type NewRun,
} from "@flyt/core";
import { StorageInputError } from "../errors.js";
import type { AssetDefinitionEntry, AutomationTickDecision } from "../storage.js";
import { fromJson } from "./rows.js";
import { validateNewRun } from "./validate.js";

/** Most entries one `putAssetDefinitions` call may carry (a bigger location registers in batches). */
export const MAX_ASSET_DEFINITIONS_PER_CALL = 10_000;
/** Most dependencies one asset may declare. */
export const MAX_DEPS_PER_ASSET = 10_000;
/** An evaluation as JSON must fit in this many bytes (its explanation tree, not the partitions themselves). */
export const MAX_EVALUATION_BYTES = 256 * 1024;
/** Most evaluations one tick may store. */
export const MAX_EVALUATIONS_PER_TICK = 100_000;
/** Most runs one tick may plan. */
export const MAX_PLANNED_RUNS_PER_TICK = 100_000;
/** The automation cursor must fit in this many bytes. */
export const MAX_AUTOMATION_CURSOR_BYTES = 64 * 1024 * 1024;
/** `getMaterializationsSince`'s limit when none is given, and its largest. */
export const DEFAULT_MATERIALIZATIONS_SINCE_LIMIT = 100_000;
export const MAX_MATERIALIZATIONS_SINCE_LIMIT = 1_000_000;
/** Deepest explanation tree accepted (conditions are composed by hand: far below this). */
const MAX_NODE_DEPTH = 100;

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/** A printed asset key as the platform prints it (`a/b/c`, valid segments), else StorageInputError. */
export function validateAssetKey(value: unknown, subject: string): string {
  if (typeof value !== "string" || value.length === 0) throw new StorageInputError(subject, `must be a printed asset key, got ${describe(value)}`);
  let printed: string;
  try {
    printed = normalizeAssetKey(value);
  } catch (error) {
    throw new StorageInputError(subject, (error as Error).message);
  }
  if (printed !== value) throw new StorageInputError(subject, `must be printed as ${JSON.stringify(printed)}, got ${describe(value)}`);
  return printed;
}

export interface ValidAssetDefinition {
  assetKey: string;
  /** Distinct, sorted, without the asset itself. */
  deps: string[];
  codeVersion: string | null;
  /** sha256 of the canonical JSON of `deps` and `codeVersion`: an unchanged entry writes nothing. */
  fingerprint: string;
}

/**
 * Validates `putAssetDefinitions` entries: keys printed as the platform prints them, at most
 * `MAX_ASSET_DEFINITIONS_PER_CALL` entries and `MAX_DEPS_PER_ASSET` dependencies each. Duplicate
 * dependencies are dropped and a self-dependency (an asset reading its own earlier partitions) is
 * left out: its own data version is not one of its inputs. The last entry of an asset listed twice wins.
 *
 * @example
 * validateAssetDefinitions([{ assetKey: "atlas/b", deps: ["atlas/a"], codeVersion: "3" }]);
 */
export function validateAssetDefinitions(entries: AssetDefinitionEntry[]): ValidAssetDefinition[] {
  if (!Array.isArray(entries)) throw new StorageInputError("asset definitions", "must be an array of { assetKey, deps, codeVersion }");
  if (entries.length > MAX_ASSET_DEFINITIONS_PER_CALL) {
    throw new StorageInputError("asset definitions", `at most ${MAX_ASSET_DEFINITIONS_PER_CALL} per call, got ${entries.length}: register them in batches`);
  }
  const byAsset = new Map<string, ValidAssetDefinition>();
  entries.forEach((entry: unknown, index) => {
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
      throw new StorageInputError(`asset definition #${index}`, "must be an object { assetKey, deps, codeVersion }");
    }
    const { assetKey, deps, codeVersion } = entry as Record<string, unknown>;
    const key = validateAssetKey(assetKey, `asset definition #${index}: assetKey`);
    const subject = `asset definition of ${JSON.stringify(key)}`;
    if (!Array.isArray(deps)) throw new StorageInputError(subject, `deps must be an array of printed asset keys, got ${describe(deps)}`);
    if (deps.length > MAX_DEPS_PER_ASSET) throw new StorageInputError(subject, `at most ${MAX_DEPS_PER_ASSET} deps, got ${deps.length}`);
    const depSet = new Set<string>();
    deps.forEach((dep: unknown, i) => {
      const valid = validateAssetKey(dep, `${subject}: deps #${i}`);
      if (valid !== key) depSet.add(valid);
    });
    if (codeVersion !== null && (typeof codeVersion !== "string" || codeVersion.length > DEFINITION_LIMITS.codeVersionChars)) {
      throw new StorageInputError(subject, `codeVersion must be null or a string of at most ${DEFINITION_LIMITS.codeVersionChars} characters, got ${describe(codeVersion)}`);
    }
    const sorted = [...depSet].sort();
    const fingerprint = createHash("sha256").update(JSON.stringify({ deps: sorted, codeVersion })).digest("hex");
    byAsset.set(key, { assetKey: key, deps: sorted, codeVersion, fingerprint });
  });
  return [...byAsset.values()];
}

/** An evaluation ready to store: the checked object as JSON, and the columns read from it. */
export interface ValidEvaluation {
  assetKey: string;
  evaluatedAt: number;
  requestedCount: number;
  json: string;
}

export interface ValidTickDecision {
  evaluations: ValidEvaluation[];
  cursor: string;
  plannedRuns: NewRun[];
}

const isCount = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

/**
 * Checks one node of an explanation tree and returns a copy with only its known fields (what is
 * stored is exactly the documented shape). Written by hand: a tick stores up to 100,000 trees.
 */
function checkNode(node: unknown, path: string, depth: number, fail: (path: string, why: string) => never): AutomationNodeResult {
  if (depth > MAX_NODE_DEPTH) fail(path, `is nested deeper than ${MAX_NODE_DEPTH} levels`);
  if (node === null || typeof node !== "object" || Array.isArray(node)) return fail(path, "must be an object { kind, description, trueCount, truePartitions, detail, children }");
  const n = node as Record<string, unknown>;
  if (typeof n.kind !== "string" || n.kind.length === 0 || n.kind.length > 100) fail(`${path}.kind`, `must be a condition kind, got ${describe(n.kind)}`);
  if (typeof n.description !== "string") fail(`${path}.description`, `must be a string, got ${describe(n.description)}`);
  if (!isCount(n.trueCount)) fail(`${path}.trueCount`, `must be a non-negative integer, got ${describe(n.trueCount)}`);
  if (typeof n.truePartitions !== "string") fail(`${path}.truePartitions`, `must be an encoded set of positions, got ${describe(n.truePartitions)}`);
  if (n.detail !== null && typeof n.detail !== "string") fail(`${path}.detail`, `must be a string or null, got ${describe(n.detail)}`);
  if (!Array.isArray(n.children)) return fail(`${path}.children`, `must be an array, got ${describe(n.children)}`);
  return {
    kind: n.kind as AutomationNodeResult["kind"],
    description: n.description,
    trueCount: n.trueCount,
    truePartitions: n.truePartitions,
    detail: n.detail,
    children: n.children.map((child, i) => checkNode(child, `${path}.children[${i}]`, depth + 1, fail)),
  };
}

/**
 * Validates what a tick decided (`recordAutomationTick`): every evaluation names this tick, an
 * asset at most once and fits in `MAX_EVALUATION_BYTES` as JSON; at most `MAX_EVALUATIONS_PER_TICK`
 * of them; each planned run is a valid NewRun with an instigator and a run key (distinct within
 * the plan: the run key is what makes a doubled launch come back as the same run).
 */
export function validateTickDecision(tickId: number, decision: AutomationTickDecision): ValidTickDecision {
  const subject = `decision of automation tick ${tickId}`;
  if (decision === null || typeof decision !== "object") throw new StorageInputError(subject, "must be an object { evaluations, cursor, plannedRuns }");
  const { evaluations, cursor, plannedRuns } = decision;
  if (!Array.isArray(evaluations)) throw new StorageInputError(subject, "evaluations must be an array");
  if (evaluations.length > MAX_EVALUATIONS_PER_TICK) {
    throw new StorageInputError(subject, `at most ${MAX_EVALUATIONS_PER_TICK} evaluations per tick, got ${evaluations.length}`);
  }
  if (typeof cursor !== "string") throw new StorageInputError(subject, `cursor must be a string, got ${describe(cursor)}`);
  if (cursor.length > MAX_AUTOMATION_CURSOR_BYTES / 3 && Buffer.byteLength(cursor) > MAX_AUTOMATION_CURSOR_BYTES) {
    throw new StorageInputError(subject, `cursor is ${Buffer.byteLength(cursor)} bytes, over the limit of ${MAX_AUTOMATION_CURSOR_BYTES}`);
  }
  if (!Array.isArray(plannedRuns)) throw new StorageInputError(subject, "plannedRuns must be an array of runs");
  if (plannedRuns.length > MAX_PLANNED_RUNS_PER_TICK) {
    throw new StorageInputError(subject, `at most ${MAX_PLANNED_RUNS_PER_TICK} planned runs per tick, got ${plannedRuns.length}`);
  }

  const seen = new Set<string>();
  const valid = evaluations.map((evaluation: unknown, index): ValidEvaluation => {
    const at = `${subject}: evaluation #${index}`;
    if (evaluation === null || typeof evaluation !== "object" || Array.isArray(evaluation)) throw new StorageInputError(at, "must be an object");
    const e = evaluation as Record<string, unknown>;
    const assetKey = validateAssetKey(e.assetKey, `${at}: assetKey`);
    const where = `${subject}: evaluation of ${JSON.stringify(assetKey)}`;
    const fail = (path: string, why: string): never => {
      throw new StorageInputError(`${where}: ${path}`, why);
    };
    if (seen.has(assetKey)) throw new StorageInputError(where, "is listed twice: a tick stores one evaluation per asset");
    seen.add(assetKey);
    if (e.tickId !== tickId) fail("tickId", `must be the tick it is recorded with (${tickId}), got ${describe(e.tickId)}`);
    if (!isCount(e.evaluatedAt)) fail("evaluatedAt", `must be epoch milliseconds, got ${describe(e.evaluatedAt)}`);
    if (!isCount(e.requestedCount)) fail("requestedCount", `must be a non-negative integer, got ${describe(e.requestedCount)}`);
    if (typeof e.requestedPartitions !== "string") fail("requestedPartitions", `must be an encoded set of positions, got ${describe(e.requestedPartitions)}`);
    if (!Array.isArray(e.runIds) || !e.runIds.every((id) => typeof id === "string" && id.length > 0)) fail("runIds", "must be an array of run ids");
    const clean: AutomationAssetEvaluation = {
      assetKey,
      tickId,
      evaluatedAt: e.evaluatedAt as number,
      requestedCount: e.requestedCount as number,
      requestedPartitions: e.requestedPartitions as string,
      runIds: [...(e.runIds as string[])],
      root: checkNode(e.root, "root", 0, fail),
    };
    const json = JSON.stringify(clean);
    // A UTF-8 byte is at least one UTF-16 unit and at most three: count bytes only near the limit.
    if (json.length * 3 > MAX_EVALUATION_BYTES) {
      const bytes = Buffer.byteLength(json);
      if (bytes > MAX_EVALUATION_BYTES) throw new StorageInputError(where, `is ${bytes} bytes as JSON, over the limit of ${MAX_EVALUATION_BYTES}: shorten its details`);
    }
    return { assetKey, evaluatedAt: clean.evaluatedAt, requestedCount: clean.requestedCount, json };
  });

  const runKeys = new Set<string>();
  const runs = plannedRuns.map((run, index) => {
    const checked = validateNewRun(run);
    if (checked.instigator == null || checked.runKey == null) {
      throw new StorageInputError(`${subject}: planned run #${index}`, "needs an instigator and a runKey: they keep a resumed plan from launching it twice");
    }
    const id = `${checked.instigator}\u0000${checked.runKey}`;
    if (runKeys.has(id)) throw new StorageInputError(`${subject}: planned run #${index}`, `run key ${JSON.stringify(checked.runKey)} is planned twice`);
    runKeys.add(id);
    return checked;
  });
  return { evaluations: valid, cursor, plannedRuns: runs };
}

/** A stored evaluation (JSON text on SQLite, JSONB on PostgreSQL). */
export function evaluationFromColumn(value: unknown): AutomationAssetEvaluation {
  return fromJson<AutomationAssetEvaluation>(value);
}

/** A validated limit of `getMaterializationsSince`. */
export function validateSinceLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_MATERIALIZATIONS_SINCE_LIMIT;
  if (typeof limit !== "number" || !Number.isSafeInteger(limit) || limit < 1 || limit > MAX_MATERIALIZATIONS_SINCE_LIMIT) {
    throw new StorageInputError("limit of getMaterializationsSince", `must be an integer from 1 to ${MAX_MATERIALIZATIONS_SINCE_LIMIT}, got ${describe(limit)}`);
  }
  return limit;
}
