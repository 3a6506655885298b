/**
 * `check(spec)`: declares an asset check — a function that verifies an asset's data after it
 * is materialized (row counts, non-null columns). Validated at declaration time; attached to
 * its asset's node snapshot by `defineDefinitions({ checks })` and run by the run worker after
 * the asset in the same run (docs/checks.md). A check without `evaluate` is evaluated by the step
 * that materializes its asset, which reports the result itself (`ctx.reportCheck`): how a dbt
 * test or an external process's own check becomes a Flyt check.
 */
import { z } from "zod";
import { abbreviate, DEFINITION_LIMITS, normalizeAssetKey, InvalidAssetKeyError, type AssetCheckSnapshot } from "@flyt/core";
import type { AssetLogger, MetadataInput, Resources } from "./types.js";
import { callerLocation, definitionsError, formatIssues, functionSchema, limitedString, nameSchema, zodErrorMap } from "./validation.js";
import { printKeyForMessages } from "./asset.js";

export type CheckSeverity = "warn" | "error";

/** What `evaluate` receives. */
export interface CheckContext<R extends Resources = Resources> {
  runId: string;
  /** The checked asset's printed key. */
  assetKey: string;
  checkName: string;
  /** The run's partition key when the asset is partitioned. */
  partitionKey: string | null;
  /** Metadata of the materialization the check follows (already normalized). */
  materializationMetadata: Record<string, unknown>;
  log: AssetLogger;
  /** The resources the check names in `resources`. */
  resources: R;
  signal: AbortSignal;
}

/** What `evaluate` returns: a boolean, or passed with metadata and a description. */
export type CheckResult = boolean | { passed: boolean; metadata?: MetadataInput; description?: string };

export interface CheckSpec<R extends Resources = Resources> {
  /** The checked asset: printed key or key array. */
  asset: string | readonly string[];
  /** Unique per asset. */
  name: string;
  /** "error" failures can alert (`on: check_failure`); "warn" ones are only recorded. Default "error". */
  severity?: CheckSeverity;
  /** A failing blocking check skips the asset's downstream steps in the same run. Default false. */
  blocking?: boolean;
  description?: string;
  /** Resource names the check needs; they must be in `defineDefinitions({ resources })`. */
  resources?: ReadonlyArray<keyof R & string>;
  /**
   * Runs after the asset is materialized. Leave it out when the asset's own step evaluates the
   * check and reports it with `ctx.reportCheck` (e.g. a dbt test run by `dbt build`).
   */
  evaluate?: (context: CheckContext<R>) => CheckResult | Promise<CheckResult>;
}

/** What `check()` returns; pass it to `defineDefinitions({ checks })`. */
export interface CheckDefinition {
  readonly kind: "check";
  /** Printed key of the checked asset. */
  readonly assetKey: string;
  readonly name: string;
  readonly severity: CheckSeverity;
  readonly blocking: boolean;
  readonly description: string | null;
  readonly resourceKeys: readonly string[];
  /** Null: the asset's step evaluates the check and reports its result (`ctx.reportCheck`). */
  readonly evaluate: ((context: CheckContext) => CheckResult | Promise<CheckResult>) | null;
  readonly definedAt: string | null;
}

const checkSpecSchema = z
  .object({
    asset: z.union([z.string(), z.array(z.string())], { errorMap: () => ({ message: 'must be an asset key like "atlas/ssb/x" or ["atlas","ssb","x"]' }) }),
    name: nameSchema,
    severity: z.enum(["warn", "error"]).optional(),
    blocking: z.boolean().optional(),
    description: limitedString(DEFINITION_LIMITS.descriptionChars).optional(),
    resources: z.array(nameSchema).optional(),
    evaluate: functionSchema.optional(),
  })
  .strict();

/**
 * Declares a check of one asset.
 * @throws InvalidDefinitionsError naming the check and the field at fault.
 * @example
 * export const populationRows = check({
 *   asset: "atlas/ssb/population",
 *   name: "row_count",
 *   severity: "error",
 *   blocking: true,
 *   evaluate: ({ materializationMetadata }) => ({ passed: Number(materializationMetadata.rows) > 0 }),
 * });
 * // Evaluated by the asset's own step, which calls ctx.reportCheck({ assetKey, checkName: "unique_id", passed }):
 * export const uniqueIds = check({ asset: "atlas/ssb/population", name: "unique_id" });
 */
export function check<R extends Resources = Resources>(spec: CheckSpec<R>): CheckDefinition {
  const definedAt = callerLocation();
  const raw = spec as unknown;
  const fields = typeof raw === "object" && raw !== null ? (raw as { asset?: unknown; name?: unknown }) : {};
  const subject = `check ${JSON.stringify(`${printKeyForMessages(fields.asset)}:${typeof fields.name === "string" ? abbreviate(fields.name) : "?"}`)}`;
  if (typeof raw !== "object" || raw === null) {
    throw definitionsError([{ subject, message: "the spec must be an object like { asset, name, evaluate }" }], definedAt);
  }
  const parsed = checkSpecSchema.safeParse(raw, { errorMap: zodErrorMap });
  if (!parsed.success) {
    throw definitionsError(formatIssues(parsed.error, Object.keys(checkSpecSchema.shape)).map((message) => ({ subject, message })), definedAt);
  }
  const data = parsed.data;
  if (data.evaluate === undefined && (data.resources?.length ?? 0) > 0) {
    throw definitionsError([{ subject, message: "resources are handed to evaluate; a check without evaluate (reported by its asset's step) takes none" }], definedAt);
  }
  let assetKey: string;
  try {
    assetKey = normalizeAssetKey(data.asset);
  } catch (error) {
    if (!(error instanceof InvalidAssetKeyError)) throw error;
    throw definitionsError([{ subject, message: `asset ${JSON.stringify(abbreviate(error.input))} is not a valid asset key: ${error.reason}` }], definedAt);
  }
  return Object.freeze({
    kind: "check" as const,
    assetKey,
    name: data.name,
    severity: data.severity ?? "error",
    blocking: data.blocking ?? false,
    description: data.description ?? null,
    resourceKeys: Object.freeze([...new Set(data.resources ?? [])]),
    evaluate: (spec.evaluate ?? null) as CheckDefinition["evaluate"],
    definedAt,
  });
}

/** True for objects shaped like what `check()` returns (also from another copy of the SDK). */
export function isCheckDefinition(value: unknown): value is CheckDefinition {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Partial<CheckDefinition>;
  return v.kind === "check" && typeof v.assetKey === "string" && typeof v.name === "string" && (typeof v.evaluate === "function" || v.evaluate === null);
}

/** The plain snapshot of a check (what the platform stores and shows). */
export function checkSnapshot(definition: CheckDefinition): AssetCheckSnapshot {
  return { name: definition.name, severity: definition.severity, blocking: definition.blocking, description: definition.description };
}

/**
 * Normalizes what `evaluate` returned. @throws TypeError naming the check when it is neither
 * a boolean nor `{ passed }`.
 */
export function normalizeCheckResult(value: unknown, label: string): { passed: boolean; metadata: MetadataInput; description: string | undefined } {
  if (typeof value === "boolean") return { passed: value, metadata: {}, description: undefined };
  if (typeof value === "object" && value !== null && !Array.isArray(value) && typeof (value as { passed?: unknown }).passed === "boolean") {
    const v = value as { passed: boolean; metadata?: unknown; description?: unknown };
    if (v.metadata !== undefined && (typeof v.metadata !== "object" || v.metadata === null || Array.isArray(v.metadata))) {
      throw new TypeError(`check ${label} returned metadata that is not an object of label → value`);
    }
    if (v.description !== undefined && typeof v.description !== "string") throw new TypeError(`check ${label} returned a description that is not a string`);
    return { passed: v.passed, metadata: (v.metadata ?? {}) as MetadataInput, description: v.description };
  }
  throw new TypeError(`check ${label} must return a boolean or { passed: boolean, metadata?, description? }`);
}
