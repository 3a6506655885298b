/**
 * Backfill policies: how a backfill groups an asset's partitions into runs. Plain frozen data
 * (core's `BackfillPolicySnapshot`), so the snapshot carries them as they are and the platform's
 * planner reads them without user code (docs/backfills.md#policies).
 */
import { z } from "zod";
import type { BackfillPolicySnapshot } from "@flyt/core";
import { callerLocation, definitionsError } from "./validation.js";

/**
 * Most partitions one run of a multi-run backfill may cover.
 * @example
 * multiRunBackfill(MAX_PARTITIONS_PER_RUN); // the largest chunk allowed
 */
export const MAX_PARTITIONS_PER_RUN = 1_000_000;

/**
 * One run over the whole range of partitions a backfill targets: the compute reads
 * `ctx.partitionKeys` / `ctx.partitionKeyRange` / `ctx.partitionTimeWindow` (the whole range), and
 * may record each partition as it finishes it (`ctx.reportMaterialization(key, metadata, { partition })`).
 * @example
 * asset({
 *   key: "atlas/ssb/house_prices",
 *   partitions: yearlyPartitions({ start: "1992", timezone: "Europe/Oslo" }),
 *   backfillPolicy: singleRunBackfill(),
 *   compute: async (ctx) => {
 *     for (const year of ctx.partitionKeys) ctx.reportMaterialization(ctx.assetKey, await load(year), { partition: year });
 *   },
 * });
 */
export function singleRunBackfill(): BackfillPolicySnapshot {
  return Object.freeze({ kind: "single-run" as const });
}

/**
 * One run per at most `maxPartitionsPerRun` partitions (the default policy is
 * `multiRunBackfill(1)`: one run per partition). Runs over more than one partition see the range
 * as with `singleRunBackfill()`.
 * @throws InvalidDefinitionsError when `maxPartitionsPerRun` is not an integer from 1 to 1,000,000.
 * @example
 * asset({ key: "atlas/met/daily", partitions: dailyPartitions({ start: "1950-01-01" }), backfillPolicy: multiRunBackfill(366), compute });
 */
export function multiRunBackfill(maxPartitionsPerRun: number): BackfillPolicySnapshot {
  const problem = maxPartitionsProblem(maxPartitionsPerRun);
  if (problem !== null) throw definitionsError([{ subject: "multiRunBackfill", message: `maxPartitionsPerRun ${problem}` }], callerLocation());
  return Object.freeze({ kind: "multi-run" as const, maxPartitionsPerRun });
}

function maxPartitionsProblem(value: unknown): string | null {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > MAX_PARTITIONS_PER_RUN) {
    return `must be an integer from 1 to ${MAX_PARTITIONS_PER_RUN.toLocaleString("en-US")}, got ${typeof value === "number" ? String(value) : typeof value}`;
  }
  return null;
}

/**
 * Why `value` is not a backfill policy, or null when it is one.
 * @example
 * backfillPolicyProblem({ kind: "multi-run", maxPartitionsPerRun: 0 }); // "maxPartitionsPerRun must be an integer from 1 to 1,000,000, got 0"
 */
export function backfillPolicyProblem(value: unknown): string | null {
  const shape = "must be singleRunBackfill() or multiRunBackfill(maxPartitionsPerRun)";
  if (typeof value !== "object" || value === null) return shape;
  const { kind, ...rest } = value as Record<string, unknown>;
  const extra = (allowed: string[]): string | null => {
    const unknown = Object.keys(rest).filter((key) => !allowed.includes(key));
    return unknown.length === 0 ? null : `has unknown field ${JSON.stringify(unknown[0])}; ${shape}`;
  };
  if (kind === "single-run") return extra([]);
  if (kind === "multi-run") {
    const problem = maxPartitionsProblem(rest.maxPartitionsPerRun);
    return problem === null ? extra(["maxPartitionsPerRun"]) : `maxPartitionsPerRun ${problem}`;
  }
  return shape;
}

/** The `backfillPolicy` field of asset specs: what the two constructors return (or the same plain data). */
export const backfillPolicySchema = z.custom<BackfillPolicySnapshot>().superRefine((value, context) => {
  const problem = backfillPolicyProblem(value);
  if (problem !== null) context.addIssue({ code: z.ZodIssueCode.custom, message: problem });
});

/** The policy as the snapshot stores it (a fresh plain copy), or null when none is declared. */
export function normalizeBackfillPolicy(policy: BackfillPolicySnapshot | undefined): BackfillPolicySnapshot | null {
  if (policy === undefined) return null;
  return policy.kind === "single-run" ? { kind: "single-run" } : { kind: "multi-run", maxPartitionsPerRun: policy.maxPartitionsPerRun };
}
