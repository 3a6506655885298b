/**
 * The run a backfill chunk becomes: its selection (the unit's assets that are targets over the
 * chunk), its code location, and its partitions — one key as the run's partition key, or a range
 * as Dagster's range tags (`flyt/partition_range_start/end`) that the run worker reads into
 * `ctx.partitionKeys`. Keys come from the plan's key spaces (at the instant it was planned) or,
 * for dynamic partitions, from storage.
 */
import { BACKFILL_TAG, DEFAULT_LOCATION, PARTITION_RANGE_END_TAG, PARTITION_RANGE_START_TAG, type BackfillRecord, type NewRun, type PartitionsSnapshot } from "@flyt/core";
import { keySpaceOf, type BackfillChunk, type BackfillPlan } from "@flyt/backfills";
import type { Storage } from "@flyt/storage";

/** The first and last partition key of a chunk (null for an unpartitioned one). */
export async function chunkKeys(storage: Storage, plan: BackfillPlan, chunk: BackfillChunk): Promise<{ first: string; last: string } | null> {
  const partitions = chunk.partitions;
  if (partitions === null) return null;
  if (partitions.kind === "dynamic") {
    const found = await storage.getDynamicPartitionsAt(partitions.name, chunk.end - 1 === chunk.start ? [chunk.start] : [chunk.start, chunk.end - 1]);
    const first = found.find((k) => k.index === chunk.start);
    const last = found.find((k) => k.index === chunk.end - 1);
    if (first === undefined || last === undefined) {
      throw new Error(`dynamic partitions ${JSON.stringify(partitions.name)} no longer have the keys at positions ${chunk.start} and ${chunk.end - 1} (deleted since the backfill was planned)`);
    }
    return { first: first.key, last: last.key };
  }
  const space = keySpaceOf(partitions, plan.plannedAt);
  return { first: space.keyAt(chunk.start), last: space.keyAt(chunk.end - 1) };
}

/** The fields of the chunk's run (without origin, instigator and run key, which the loop sets). */
export async function chunkRunFields(storage: Storage, backfill: BackfillRecord, plan: BackfillPlan, chunk: BackfillChunk): Promise<NewRun> {
  const keys = await chunkKeys(storage, plan, chunk);
  const tags: Record<string, string> = { ...(backfill.request.tags ?? {}), [BACKFILL_TAG]: backfill.backfillId };
  let partitionKey: string | null = null;
  if (keys !== null) {
    if (chunk.end - chunk.start === 1) partitionKey = keys.first;
    else {
      tags[PARTITION_RANGE_START_TAG] = keys.first;
      tags[PARTITION_RANGE_END_TAG] = keys.last;
    }
  }
  return {
    selection: chunk.assetKeys.join(", "),
    assetKeys: chunk.assetKeys,
    partitionKey,
    tags,
    location: chunk.location ?? DEFAULT_LOCATION,
  };
}

/** Positions of these keys in a plan's partitions (keys that are none are left out). */
export async function positionsOfKeys(storage: Storage, plan: BackfillPlan, partitions: PartitionsSnapshot, keys: string[]): Promise<number[]> {
  if (keys.length === 0) return [];
  if (partitions.kind === "dynamic") return (await storage.getDynamicPartitions(partitions.name, keys)).map((k) => k.index);
  const space = keySpaceOf(partitions, plan.plannedAt);
  return keys.map((key) => space.indexOf(key)).filter((p) => p >= 0);
}
