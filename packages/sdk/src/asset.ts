/**
 * `asset(spec)`: declares one software-defined asset. The spec is validated here, at
 * declaration time, so a mistake is reported with the asset's key, the field and the file:line
 * of the declaration instead of surfacing when a run starts.
 */
import { freshnessPolicySchema, normalizeFreshnessPolicy } from "./freshness.js";
import { z } from "zod";
import {
  abbreviate,
  DEFINITION_LIMITS,
  didYouMeanSuffix,
  InvalidAssetKeyError,
  normalizeAssetKey,
  overLimit,
  type AssetNodeSnapshot,
  type AutomationConditionSnapshot,
  type BackfillPolicySnapshot,
  type DefinitionProblem,
  type RetryPolicySnapshot,
} from "@flyt/core";
import { InvalidMetadataError, normalizeMetadata } from "./metadata.js";
import { isPartitionMapping, isPartitionsDefinition } from "@flyt/partitions";
import type { AssetDefinition, AssetSpec, ExternalAssetRef, PartitionMapping, PartitionsDefinition, Resources, RetryPolicy, StepDefinition } from "./types.js";
import { backfillPolicySchema, normalizeBackfillPolicy } from "./backfill-policy.js";
import { AutomationCondition, automationConditionProblem, isAutomationCondition } from "./automation-condition.js";
import { externalDepsOf, isExternalAssetRef } from "./external-asset.js";
import {
  callerLocation,
  definitionsError,
  formatIssues,
  functionSchema,
  limitedString,
  NAME_PATTERN,
  nameSchema,
  nonNegativeInt,
  stringRecord,
  withinLimit,
  zodErrorMap,
} from "./validation.js";

/**
 * Group of assets that do not name one.
 * @example
 * asset({ key: "a", compute }).nodes[0].group === DEFAULT_GROUP; // true
 */
export const DEFAULT_GROUP = "default";
/**
 * Delay before the first retry when a retry policy gives none.
 * @example
 * asset({ key: "a", retryPolicy: { maxRetries: 2 }, compute }).step.retryPolicy?.delayMs; // 1000
 */
export const DEFAULT_RETRY_DELAY_MS = 1000;

/**
 * True for objects shaped like what `asset()` / `multiAsset()` return.
 * @example
 * const assets = Object.values(await import("./assets.js")).filter(isAssetDefinition);
 */
export function isAssetDefinition(value: unknown): value is AssetDefinition {
  if (typeof value !== "object" || value === null) return false;
  const v = value as { step?: unknown; nodes?: unknown };
  const step = v.step as Partial<StepDefinition> | undefined;
  return (
    typeof step === "object" &&
    step !== null &&
    typeof step.stepKey === "string" &&
    typeof step.compute === "function" &&
    Array.isArray(v.nodes)
  );
}

const assetDefinitionSchema = z.custom<AssetDefinition>(isAssetDefinition, "must be an asset definition");
const keyInputSchema = z.union([z.string(), z.array(z.string())], {
  errorMap: (_issue, context) => ({
    message: `${context.data === undefined ? "is required" : "must be"} a string like "atlas/ssb/x" or an array like ["atlas","ssb","x"]`,
  }),
});
const depSchema = z.union([z.string(), z.array(z.string()), assetDefinitionSchema, z.custom<ExternalAssetRef>(isExternalAssetRef)], {
  errorMap: () => ({ message: "must be an asset key (string or array) or an asset definition" }),
});
const TAG_KEY = /^[A-Za-z0-9_.\-/:]+$/;

export const retryPolicySchema = z
  .object({
    maxRetries: nonNegativeInt(),
    delayMs: nonNegativeInt().optional(),
    backoff: z.enum(["constant", "linear", "exponential"]).optional(),
    maxDelayMs: nonNegativeInt().optional(),
  })
  .strict();

export const ownersSchema = z
  .array(z.string().min(1, "must not be empty").superRefine(withinLimit(DEFINITION_LIMITS.ownerChars)))
  .superRefine(withinLimit(DEFINITION_LIMITS.owners));

/** The `automationCondition` field of asset specs. */
export const automationConditionSchema = z.custom<AutomationCondition>(isAutomationCondition, {
  message: "must be an AutomationCondition (AutomationCondition.eager(), .onCron(cron, timezone), .onMissing(), or built from its blocks); plain data goes through AutomationCondition.fromSnapshot",
});

/**
 * The plain tree of a declared condition, or undefined when none is. One made by another copy
 * of the SDK is checked again (this copy cannot trust its constructor).
 */
export function automationConditionSnapshotOf(condition: AutomationCondition | undefined, field: string, problems: string[]): AutomationConditionSnapshot | undefined {
  if (condition === undefined) return undefined;
  if (condition instanceof AutomationCondition) return condition.snapshot();
  const snapshot = (condition as { snapshot(): unknown }).snapshot() as AutomationConditionSnapshot;
  const problem = automationConditionProblem(snapshot);
  if (problem === null) return snapshot;
  problems.push(`${field}automationCondition: ${problem}`);
  return undefined;
}

export const commonAssetFields = {
  deps: z.array(depSchema).optional(),
  description: limitedString(DEFINITION_LIMITS.descriptionChars).optional(),
  group: nameSchema.optional(),
  owners: ownersSchema.optional(),
  tags: stringRecord
    .refine((tags) => Object.keys(tags).every((k) => TAG_KEY.test(k)), "keys may only contain letters, digits, '_', '.', '-', '/' and ':'")
    .superRefine((tags, context) => {
      const entries = Object.entries(tags);
      if (entries.length > DEFINITION_LIMITS.tags) context.addIssue({ code: z.ZodIssueCode.custom, message: overLimit(entries.length, DEFINITION_LIMITS.tags, "entries") });
      for (const [key, value] of entries) {
        if (key.length > DEFINITION_LIMITS.tagKeyChars) {
          context.addIssue({ code: z.ZodIssueCode.custom, path: [abbreviate(key)], message: `(the key) ${overLimit(key.length, DEFINITION_LIMITS.tagKeyChars)}` });
        }
        if (value.length > DEFINITION_LIMITS.tagValueChars) {
          context.addIssue({ code: z.ZodIssueCode.custom, path: [abbreviate(key)], message: overLimit(value.length, DEFINITION_LIMITS.tagValueChars) });
        }
      }
    })
    .optional(),
  kinds: z
    .array(z.string().regex(/^\S+$/, "must be a non-empty word without spaces").superRefine(withinLimit(DEFINITION_LIMITS.kindChars)))
    .superRefine(withinLimit(DEFINITION_LIMITS.kinds))
    .optional(),
  codeVersion: z.string().min(1, "must not be empty").superRefine(withinLimit(DEFINITION_LIMITS.codeVersionChars)).optional(),
  metadata: z.record(z.unknown()).optional(),
  freshnessPolicy: freshnessPolicySchema.optional(),
  automationCondition: automationConditionSchema.optional(),
  partitionMappings: z
    .record(
      z.custom<PartitionMapping>(isPartitionMapping, {
        message: "must be a partition mapping (identityPartitionMapping(), timeWindowPartitionMapping(), allPartitionsMapping(), …)",
      }),
    )
    .optional(),
};

export const partitionsSchema = z.custom<PartitionsDefinition>(isPartitionsDefinition, "must be a partitions definition (staticPartitions, dailyPartitions, …)");
export const resourcesSchema = z
  .array(z.string().regex(NAME_PATTERN, "must be a resource name").superRefine(withinLimit(DEFINITION_LIMITS.nameChars)))
  .optional();

const assetSpecSchema = z
  .object({
    key: keyInputSchema,
    ...commonAssetFields,
    partitions: partitionsSchema.optional(),
    backfillPolicy: backfillPolicySchema.optional(),
    retryPolicy: retryPolicySchema.optional(),
    resources: resourcesSchema,
    compute: functionSchema,
  })
  .strict();

/** The key as the user wrote it, printed leniently for messages (it may be invalid). */
export function printKeyForMessages(key: unknown): string {
  // Long segments are shortened: a 5,000-character key would drown the message that names it.
  if (typeof key === "string") return key.split("/").map((segment) => abbreviate(segment)).join("/");
  if (Array.isArray(key)) return key.map((segment) => abbreviate(String(segment))).join("/");
  return "(missing key)";
}

/**
 * Default-filled retry policy as stored in snapshots (null when there is none).
 * @example
 * normalizeRetryPolicy({ maxRetries: 3 }); // { maxRetries: 3, delayMs: 1000, backoff: "exponential", maxDelayMs: null }
 */
export function normalizeRetryPolicy(policy: RetryPolicy | undefined): RetryPolicySnapshot | null {
  if (policy === undefined) return null;
  return {
    maxRetries: policy.maxRetries,
    delayMs: policy.delayMs ?? DEFAULT_RETRY_DELAY_MS,
    backoff: policy.backoff ?? "exponential",
    maxDelayMs: policy.maxDelayMs ?? null,
  };
}

/** Validates and prints a key, recording a problem instead of throwing. */
export function checkKey(input: string | readonly string[], field: string, problems: string[]): string | null {
  try {
    return normalizeAssetKey(input);
  } catch (error) {
    if (!(error instanceof InvalidAssetKeyError)) throw error;
    // The subject names the asset already; "key segment 2 is 5000 characters, over the limit of 255".
    if (error.overLimit && (field === "key" || field === "name")) problems.push(`${field} ${error.reason}`);
    else problems.push(`${field} ${JSON.stringify(printKeyForMessages(error.input))} is not a valid asset key: ${error.reason}`);
    return null;
  }
}

export function depKeys(
  deps: ReadonlyArray<string | readonly string[] | AssetDefinition | ExternalAssetRef> | undefined,
  field: string,
  problems: string[],
): string[] {
  const out: string[] = [];
  (deps ?? []).forEach((dep, index) => {
    if (isAssetDefinition(dep)) out.push(...dep.nodes.map((n) => n.key));
    else if (isExternalAssetRef(dep)) out.push(dep.key);
    else {
      const key = checkKey(dep, `${field}[${index}]`, problems);
      if (key !== null) out.push(key);
    }
  });
  return [...new Set(out)];
}

export function checkMetadata(metadata: Record<string, unknown> | undefined, problems: string[]): Record<string, unknown> {
  if (metadata === undefined) return {};
  try {
    const normalized = normalizeMetadata(metadata);
    const size = Buffer.byteLength(JSON.stringify(normalized), "utf8");
    if (size > DEFINITION_LIMITS.metadataBytes) {
      problems.push(`metadata ${overLimit(size, DEFINITION_LIMITS.metadataBytes, "bytes")} serialized (every reload carries it); attach large data to a materialization or store it elsewhere`);
      return {};
    }
    return normalized;
  } catch (error) {
    if (!(error instanceof InvalidMetadataError)) throw error;
    problems.push(`metadata ${JSON.stringify(error.label)}: ${error.reason}`);
    return {};
  }
}

export type CommonAssetFields = z.output<z.ZodObject<typeof commonAssetFields>>;

/**
 * The declared partition mappings by printed dep key, each key checked to be one of `deps` (a
 * mapping on anything else would be silently ignored). Resolved against the two assets'
 * partitions in `defineDefinitions`, where the upstream definition is known.
 */
export function checkPartitionMappings(
  mappings: Record<string, PartitionMapping> | undefined,
  deps: readonly string[],
  field: string,
  problems: string[],
): Record<string, PartitionMapping> {
  const out: Record<string, PartitionMapping> = {};
  for (const [written, mapping] of Object.entries(mappings ?? {})) {
    let key: string;
    try {
      key = normalizeAssetKey(written);
    } catch (error) {
      if (!(error instanceof InvalidAssetKeyError)) throw error;
      problems.push(`${field}partitionMappings: ${JSON.stringify(printKeyForMessages(written))} is not a valid asset key: ${error.reason}`);
      continue;
    }
    if (!deps.includes(key)) {
      const listed = deps.length === 0 ? "the asset has no deps" : `its deps: ${deps.map((dep) => abbreviate(dep, 80)).join(", ")}`;
      problems.push(`${field}partitionMappings names ${JSON.stringify(printKeyForMessages(written))}, which is not a dep of this asset${didYouMeanSuffix(key, deps)} (${listed})`);
      continue;
    }
    if (Object.hasOwn(out, key)) {
      problems.push(`${field}partitionMappings names ${JSON.stringify(key)} twice (written differently)`);
      continue;
    }
    out[key] = mapping;
  }
  return out;
}

/** Builds the plain node of one asset; the caller has validated the fields' shapes. */
export function buildNode(
  key: string,
  fields: CommonAssetFields,
  step: {
    stepKey: string;
    partitions: PartitionsDefinition | undefined;
    retryPolicy: RetryPolicySnapshot | null;
    backfillPolicy?: BackfillPolicySnapshot | null;
    group?: string | undefined;
    owners?: string[] | undefined;
    /** A multi-asset's condition for the assets that declare none. */
    automationCondition?: AutomationCondition | undefined;
  },
  problems: string[],
  field = "",
): AssetNodeSnapshot {
  const automationCondition = automationConditionSnapshotOf(fields.automationCondition ?? step.automationCondition, field, problems);
  const deps = depKeys(fields.deps, `${field}deps`, problems);
  // A partitioned asset may read its own earlier partitions; defineDefinitions checks its mapping.
  if (deps.includes(key) && step.partitions === undefined) {
    problems.push(`${field}deps: an unpartitioned asset cannot depend on itself (a partitioned one may read its own earlier partitions)`);
  }
  return {
    key,
    deps,
    description: fields.description ?? null,
    group: fields.group ?? step.group ?? DEFAULT_GROUP,
    owners: [...(fields.owners ?? step.owners ?? [])],
    tags: { ...(fields.tags ?? {}) },
    kinds: [...new Set(fields.kinds ?? [])],
    codeVersion: fields.codeVersion ?? null,
    partitions: step.partitions ? step.partitions.snapshot() : null,
    retryPolicy: step.retryPolicy,
    stepKey: step.stepKey,
    metadata: checkMetadata(fields.metadata, problems),
    // Only set when declared, so snapshots of assets without a policy keep their old shape.
    ...(fields.freshnessPolicy === undefined ? {} : { freshnessPolicy: normalizeFreshnessPolicy(fields.freshnessPolicy) }),
    ...(step.backfillPolicy === undefined || step.backfillPolicy === null ? {} : { backfillPolicy: step.backfillPolicy }),
    ...(automationCondition === undefined ? {} : { automationCondition }),
  };
}

export const BACKFILL_POLICY_WITHOUT_PARTITIONS = "backfillPolicy is set but partitions is not; a backfill policy groups partitions into runs";

/** Declared partition mappings of a definition's assets: asset key → printed dep key → mapping. */
export type DeclaredPartitionMappings = Record<string, Record<string, PartitionMapping>>;

export function freezeDefinition(
  step: StepDefinition,
  nodes: AssetNodeSnapshot[],
  externalDeps: ExternalAssetRef[] = [],
  partitionMappings: DeclaredPartitionMappings = {},
): AssetDefinition {
  for (const node of nodes) Object.freeze(node);
  const mappings = Object.fromEntries(
    Object.entries(partitionMappings)
      .filter(([, byDep]) => Object.keys(byDep).length > 0)
      .map(([assetKey, byDep]) => [assetKey, Object.freeze({ ...byDep })]),
  );
  return Object.freeze({
    step: Object.freeze(step),
    nodes: Object.freeze(nodes),
    externalDeps: Object.freeze(externalDeps),
    // Only when declared: definitions without mappings keep their old shape.
    ...(Object.keys(mappings).length === 0 ? {} : { partitionMappings: Object.freeze(mappings) }),
  });
}

/**
 * Declares one asset computed by its own step (the step key is the asset key).
 * @throws InvalidDefinitionsError listing every problem with the spec, naming the asset key and field.
 * @example
 * export const population = asset({
 *   key: "atlas/ssb/population_08764",
 *   group: "ssb",
 *   owners: ["data@atlas.no"],
 *   kinds: ["typescript"],
 *   partitions: yearlyPartitions({ start: "2015" }),
 *   retryPolicy: { maxRetries: 3, delayMs: 2000 },
 *   resources: ["ssb"],
 *   compute: async ({ partitionKey, resources, log }) => {
 *     const rows = await resources.ssb.table("08764", partitionKey);
 *     log.info("fetched", { rows: rows.length });
 *     return { rows: rows.length };
 *   },
 * });
 */
export function asset<R extends Resources = Resources>(spec: AssetSpec<R>): AssetDefinition {
  const definedAt = callerLocation();
  const raw = spec as unknown;
  const printed = printKeyForMessages(typeof raw === "object" && raw !== null ? (raw as { key?: unknown }).key : undefined);
  const subject = `asset ${JSON.stringify(printed)}`;
  const fail = (problems: string[]): never => {
    const list: DefinitionProblem[] = problems.map((message) => ({ subject, message }));
    throw definitionsError(list, definedAt);
  };
  if (typeof raw !== "object" || raw === null) fail(["the spec must be an object like { key, compute }"]);
  const parsed = assetSpecSchema.safeParse(raw, { errorMap: zodErrorMap });
  if (!parsed.success) fail(formatIssues(parsed.error, Object.keys(assetSpecSchema.shape)));
  const data = parsed.data!;
  const problems: string[] = [];
  const key = checkKey(data.key, "key", problems);
  const retryPolicy = normalizeRetryPolicy(data.retryPolicy);
  const backfillPolicy = normalizeBackfillPolicy(data.backfillPolicy);
  if (backfillPolicy !== null && data.partitions === undefined) problems.push(BACKFILL_POLICY_WITHOUT_PARTITIONS);
  const node = buildNode(key ?? printed, data, { stepKey: key ?? printed, partitions: data.partitions, retryPolicy, backfillPolicy }, problems);
  const mappings = checkPartitionMappings(data.partitionMappings, node.deps, "", problems);
  if (problems.length > 0 || key === null) fail(problems);
  const step: StepDefinition = {
    stepKey: key!,
    assetKeys: Object.freeze([key!]),
    partitions: data.partitions ?? null,
    retryPolicy,
    resourceKeys: Object.freeze([...new Set(data.resources ?? [])]),
    multi: false,
    compute: spec.compute as StepDefinition["compute"],
    definedAt,
  };
  return freezeDefinition(step, [node], externalDepsOf(data.deps), { [key!]: mappings });
}
