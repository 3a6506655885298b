/**
 * Changing and reading dynamic partitions from the API: the one path GraphQL
 * (`addDynamicPartitions`, `deleteDynamicPartitions`, `dynamicPartitions`) and REST
 * (`/api/v1/dynamic-partitions/{name}`) share. Requests are validated here — the name must be a
 * dynamic partitions definition a loaded asset declares (a typo would otherwise create a set no
 * asset reads), every key a valid partition key, at most 10,000 keys a request — and then applied
 * by storage, which gives each new key its stable position. Expected failures come back as union
 * members (`__typename`), never as thrown errors.
 */
import { MAX_DYNAMIC_PARTITION_KEYS_PER_REQUEST } from "@flyt/protocol";
import { dynamicPartitionsNameProblem, partitionKeyProblem } from "@flyt/partitions";
import type { Storage } from "@flyt/storage";
import type { MergedGraphView } from "./context.js";

export type DynamicPartitionsOutcome =
  | { __typename: "DynamicPartitionsChange"; name: string; added: number; deleted: number; count: number }
  /** `field` names the input at fault: `name`, `keys` or `keys.<i>`. */
  | { __typename: "InvalidPartitionError"; message: string; field: string };

/** Names of the dynamic partitions definitions the loaded assets declare. */
export function declaredDynamicPartitions(merged: MergedGraphView): Set<string> {
  const names = new Set<string>();
  for (const asset of merged.assets.values()) if (asset.partitions?.kind === "dynamic") names.add(asset.partitions.name);
  return names;
}

/**
 * Why `name` cannot be changed or listed, or null when it can. With no definitions (a webserver
 * without code locations) any well-formed name is accepted.
 */
export function dynamicNameProblem(name: string, merged: MergedGraphView | null): string | null {
  const nameProblem = dynamicPartitionsNameProblem(name);
  if (nameProblem !== null) return `The dynamic partitions name ${JSON.stringify(name.slice(0, 100))} ${nameProblem}.`;
  if (merged === null) return null;
  const declared = declaredDynamicPartitions(merged);
  if (declared.has(name)) return null;
  const known = [...declared].sort();
  return `No loaded asset has dynamic partitions ${JSON.stringify(name)}; ${known.length > 0 ? `the dynamic partitions definitions are ${known.map((n) => JSON.stringify(n)).join(", ")}` : "no loaded asset has dynamic partitions"}.`;
}

/** Adds or deletes keys of a dynamic partitions definition, after validating the request. */
export async function changeDynamicPartitions(
  storage: Storage,
  merged: MergedGraphView | null,
  change: "add" | "delete",
  name: string,
  keys: readonly string[],
): Promise<DynamicPartitionsOutcome> {
  const problem = dynamicNameProblem(name, merged);
  if (problem !== null) return { __typename: "InvalidPartitionError", message: problem, field: "name" };
  if (keys.length === 0) return { __typename: "InvalidPartitionError", message: `Give at least one partition key to ${change}.`, field: "keys" };
  if (keys.length > MAX_DYNAMIC_PARTITION_KEYS_PER_REQUEST) {
    return { __typename: "InvalidPartitionError", message: `At most ${MAX_DYNAMIC_PARTITION_KEYS_PER_REQUEST} keys a request (got ${keys.length}); send them in several requests.`, field: "keys" };
  }
  for (const [index, key] of keys.entries()) {
    const keyProblem = partitionKeyProblem(key);
    if (keyProblem !== null) {
      return { __typename: "InvalidPartitionError", message: `Partition key ${JSON.stringify(key.slice(0, 100))} (keys[${index}]) ${keyProblem}.`, field: `keys.${index}` };
    }
  }
  // A key listed twice is the same key: adding or deleting it once is what was meant.
  const unique = [...new Set(keys)];
  const result = change === "add" ? await storage.addDynamicPartitions(name, unique) : await storage.deleteDynamicPartitions(name, unique);
  const { count } = await storage.getDynamicPartitionsIndex(name);
  return { __typename: "DynamicPartitionsChange", name, added: result.added, deleted: result.deleted, count };
}
