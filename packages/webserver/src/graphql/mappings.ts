/**
 * Partition mappings on lineage edges, as the API shows them: the mapping a downstream asset
 * reads an upstream one through (declared on the dependency, or the default of @flyt/partitions
 * for the pair) and a description in words — "daily → monthly: the month's days", "previous
 * partition", "the last 7 partitions" — for the graph and the asset page.
 */
import type { PartitionMappingSnapshot, PartitionsSnapshot } from "@flyt/core";
import { defaultPartitionMapping, describePartitionMapping } from "@flyt/partitions";
import type { PartitionMapping } from "./generated/resolvers.js";

/**
 * The mapping of one edge as the API shows it, or null when it means nothing: neither side is
 * partitioned, or the upstream asset is not loaded (its partitions are unknown).
 */
export function edgeMapping(
  downstream: { partitions: PartitionsSnapshot | null; partitionMappings?: Record<string, PartitionMappingSnapshot> | undefined },
  dep: string,
  upstream: { partitions: PartitionsSnapshot | null } | undefined,
): PartitionMapping | null {
  if (upstream === undefined) return null;
  if (downstream.partitions === null && upstream.partitions === null) return null;
  const declared = downstream.partitionMappings?.[dep];
  const mapping = declared ?? defaultPartitionMapping(upstream.partitions, downstream.partitions);
  // No default for the pair (static ↔ time windows, …): the location reports it as a warning.
  if ("problem" in mapping) return null;
  return {
    kind: mapping.kind,
    description: describePartitionMapping(mapping, { downstream: downstream.partitions, upstream: upstream.partitions }),
    declared: declared !== undefined,
    startOffset: mapping.kind === "time-window" ? mapping.startOffset : null,
    endOffset: mapping.kind === "time-window" ? mapping.endOffset : null,
  };
}
