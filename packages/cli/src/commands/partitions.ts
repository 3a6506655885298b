/**
 * `flyt partitions list|add|delete <name>`: the keys of a dynamic partitions definition
 * (`dynamicPartitions({ name })`, docs/partitions.md), read and changed in the configured storage
 * directly — as sensors, assets and the API change them. Adding a key makes it a partition of every
 * asset using the definition (a backfill or `flyt materialize --partition` can then target it);
 * deleting one keeps its materializations in the event log.
 */
import { InvalidConfigError } from "@flyt/core";
import { partitionKeyProblem } from "@flyt/partitions";
import pc from "picocolors";
import type { CommandContext } from "../context.js";
import { formatTime, table } from "../render/format.js";

/** The longest dynamic partitions name (the DYNAMIC_PARTITIONS_CHANGED event's limit). */
const MAX_NAME_LENGTH = 200;

export function checkDynamicPartitionsName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === "" || trimmed.length > MAX_NAME_LENGTH) {
    throw new InvalidConfigError("partitions", `a dynamic partitions name must be 1 to ${MAX_NAME_LENGTH} characters, got ${JSON.stringify(name)}`);
  }
  return trimmed;
}

/** Checks every key (all problems in one message) and drops repeats, keeping the order given. */
export function checkPartitionKeys(keys: readonly string[]): string[] {
  if (keys.length === 0) throw new InvalidConfigError("partitions", "give at least one partition key");
  const problems = keys.flatMap((key) => {
    const problem = partitionKeyProblem(key);
    return problem === null ? [] : [`${JSON.stringify(key)} ${problem}`];
  });
  if (problems.length > 0) throw new InvalidConfigError("partitions", `invalid partition key${problems.length === 1 ? "" : "s"}: ${problems.join("; ")}`);
  return [...new Set(keys)];
}

export async function listDynamicPartitions(
  ctx: CommandContext,
  name: string,
  options: { limit?: string; cursor?: string; json?: boolean },
): Promise<number> {
  const checked = checkDynamicPartitionsName(name);
  const limit = options.limit === undefined ? 100 : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new InvalidConfigError("--limit", `expected an integer from 1 to 1000, got ${JSON.stringify(options.limit)}`);
  }
  const [page, index] = await Promise.all([
    ctx.storage.listDynamicPartitions(checked, { limit, cursor: options.cursor ?? null }),
    ctx.storage.getDynamicPartitionsIndex(checked),
  ]);
  if (options.json) {
    ctx.out(JSON.stringify({ name: checked, count: index.count, partitions: page.items, nextCursor: page.nextCursor }, null, 2));
    return 0;
  }
  if (page.items.length === 0 && options.cursor === undefined) {
    ctx.out(`Dynamic partitions ${JSON.stringify(checked)} have no keys. Add some with: flyt partitions add ${checked} <key>...`);
    return 0;
  }
  ctx.out(table(["KEY", "INDEX", "ADDED"], page.items.map((p) => [p.key, String(p.index), formatTime(p.createdAt)])));
  ctx.out(pc.dim(`${index.count} key${index.count === 1 ? "" : "s"} in ${checked}`));
  if (page.nextCursor) ctx.out(pc.dim(`More: flyt partitions list ${checked} --cursor ${page.nextCursor}`));
  return 0;
}

export async function addDynamicPartitions(ctx: CommandContext, name: string, keys: string[], options: { json?: boolean }): Promise<number> {
  const checked = checkDynamicPartitionsName(name);
  const unique = checkPartitionKeys(keys);
  const change = await ctx.storage.addDynamicPartitions(checked, unique);
  if (options.json) ctx.out(JSON.stringify({ name: checked, ...change }));
  else {
    const existing = unique.length - change.added;
    ctx.out(`Added ${change.added} key${change.added === 1 ? "" : "s"} to ${checked}${existing > 0 ? ` (${existing} already existed)` : ""}`);
  }
  return 0;
}

export async function deleteDynamicPartitions(ctx: CommandContext, name: string, keys: string[], options: { json?: boolean }): Promise<number> {
  const checked = checkDynamicPartitionsName(name);
  const unique = checkPartitionKeys(keys);
  const change = await ctx.storage.deleteDynamicPartitions(checked, unique);
  if (options.json) ctx.out(JSON.stringify({ name: checked, ...change }));
  else {
    const unknown = unique.length - change.deleted;
    ctx.out(
      `Deleted ${change.deleted} key${change.deleted === 1 ? "" : "s"} from ${checked}${unknown > 0 ? ` (${unknown} did not exist)` : ""}; their materializations stay in the event log`,
    );
  }
  return 0;
}
