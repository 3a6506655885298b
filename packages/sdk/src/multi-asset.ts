/**
 * `multiAsset(spec)`: several assets produced by one step, e.g. one API call that yields a
 * table and its codebook, or a dbt invocation. The step key is the multi-asset's name.
 */
import { z } from "zod";
import { abbreviate, type AssetNodeSnapshot, type DefinitionProblem } from "@flyt/core";
import {
  automationConditionSchema,
  BACKFILL_POLICY_WITHOUT_PARTITIONS,
  buildNode,
  checkKey,
  checkPartitionMappings,
  type DeclaredPartitionMappings,
  commonAssetFields,
  freezeDefinition,
  normalizeRetryPolicy,
  partitionsSchema,
  printKeyForMessages,
  ownersSchema,
  resourcesSchema,
  retryPolicySchema,
} from "./asset.js";
import type { AssetDefinition, MultiAssetSpec, Resources, StepDefinition } from "./types.js";
import { externalDepsOf } from "./external-asset.js";
import { backfillPolicySchema, normalizeBackfillPolicy } from "./backfill-policy.js";
import { callerLocation, definitionsError, formatIssues, functionSchema, nameSchema, zodErrorMap } from "./validation.js";

const memberSchema = z
  .object({ key: z.union([z.string(), z.array(z.string())], { errorMap: () => ({ message: "must be an asset key (string or array)" }) }), ...commonAssetFields })
  .strict();

const multiAssetSpecSchema = z
  .object({
    name: z.string().min(1, "must not be empty"),
    assets: z.array(memberSchema).min(1, "must list at least one asset"),
    group: nameSchema.optional(),
    owners: ownersSchema.optional(),
    partitions: partitionsSchema.optional(),
    backfillPolicy: backfillPolicySchema.optional(),
    automationCondition: automationConditionSchema.optional(),
    retryPolicy: retryPolicySchema.optional(),
    resources: resourcesSchema,
    compute: functionSchema,
  })
  .strict();

/**
 * Declares assets computed together by one step. The compute function may return metadata
 * keyed by asset key, or call `context.addMetadata(metadata, assetKey)`.
 * Assets of one multi-asset cannot depend on each other (they are computed at once).
 * @throws InvalidDefinitionsError naming the multi-asset and the field at fault.
 * @example
 * export const ssbTables = multiAsset({
 *   name: "ssb_population_tables",
 *   group: "ssb",
 *   assets: [{ key: "atlas/ssb/population" }, { key: "atlas/ssb/population_codebook", kinds: ["json"] }],
 *   compute: async () => ({
 *     "atlas/ssb/population": { rows: 1200 },
 *     "atlas/ssb/population_codebook": { codes: 14 },
 *   }),
 * });
 */
export function multiAsset<R extends Resources = Resources>(spec: MultiAssetSpec<R>): AssetDefinition {
  const definedAt = callerLocation();
  const raw = spec as unknown;
  const name = typeof raw === "object" && raw !== null ? (raw as { name?: unknown }).name : undefined;
  const subject = `multi-asset ${JSON.stringify(typeof name === "string" ? abbreviate(name) : "(missing name)")}`;
  const fail = (problems: string[]): never => {
    const list: DefinitionProblem[] = problems.map((message) => ({ subject, message }));
    throw definitionsError(list, definedAt);
  };
  if (typeof raw !== "object" || raw === null) fail(["the spec must be an object like { name, assets, compute }"]);
  const parsed = multiAssetSpecSchema.safeParse(raw, { errorMap: zodErrorMap });
  if (!parsed.success) fail(formatIssues(parsed.error, Object.keys(multiAssetSpecSchema.shape)));
  const data = parsed.data!;
  const problems: string[] = [];
  // Step names print like asset keys (they share the step-key namespace), so they follow the same rules.
  const stepKey = checkKey(data.name, "name", problems) ?? data.name;
  const retryPolicy = normalizeRetryPolicy(data.retryPolicy);
  const backfillPolicy = normalizeBackfillPolicy(data.backfillPolicy);
  if (backfillPolicy !== null && data.partitions === undefined) problems.push(BACKFILL_POLICY_WITHOUT_PARTITIONS);
  const nodes: AssetNodeSnapshot[] = [];
  const mappings: DeclaredPartitionMappings = {};
  const seen = new Set<string>();
  data.assets.forEach((member, index) => {
    const field = `assets[${index}].`;
    const key = checkKey(member.key, `${field}key`, problems);
    const printed = key ?? printKeyForMessages(member.key);
    if (key !== null && seen.has(key)) problems.push(`${field}key ${JSON.stringify(key)} is listed twice`);
    if (key === stepKey) problems.push(`name ${JSON.stringify(stepKey)} is also the key of one of its assets; give the step its own name`);
    seen.add(printed);
    // The step's policy is every asset's: one run computes them all over the same partitions.
    const node = buildNode(printed, member, { stepKey, partitions: data.partitions, retryPolicy, backfillPolicy, group: data.group, owners: data.owners, automationCondition: data.automationCondition }, problems, field);
    nodes.push(node);
    mappings[printed] = checkPartitionMappings(member.partitionMappings, node.deps, field, problems);
  });
  // Deps between the step's own assets are allowed (dbt models in one `dbt build`): the step
  // orders them itself, and a run selecting a subset passes only those to compute.
  if (problems.length > 0) fail(problems);
  const step: StepDefinition = {
    stepKey,
    assetKeys: Object.freeze(nodes.map((n) => n.key)),
    partitions: data.partitions ?? null,
    retryPolicy,
    resourceKeys: Object.freeze([...new Set(data.resources ?? [])]),
    multi: true,
    compute: spec.compute as StepDefinition["compute"],
    definedAt,
  };
  return freezeDefinition(step, nodes, externalDepsOf(data.assets.flatMap((member) => member.deps ?? [])), mappings);
}
