/**
 * Partition mappings as the planner uses them: which upstream positions a set of downstream
 * positions reads, and which downstream positions read a set of upstream ones. The mapping math
 * is @flyt/partitions'; this adds the unpartitioned sides (an unpartitioned asset reads, and is
 * read by, every partition of the other side) and resolves the mapping in effect on a dependency.
 */
import type { AssetNodeSnapshot, PartitionMappingSnapshot } from "@flyt/core";
import { defaultPartitionMapping, downstreamRangesFor, emptyRanges, upstreamRangesFor, type IndexRanges } from "@flyt/partitions";
import { BackfillPlanningError } from "./errors.js";
import type { AssetSpace } from "./space.js";

/**
 * The mapping on `node`'s dependency `dep`: the one declared, else the default for the two
 * definitions (identity for equal ones, time-window between cadences, all when either side is
 * unpartitioned).
 * @throws BackfillPlanningError when the definitions have no default and none is declared.
 */
export function mappingOn(node: AssetNodeSnapshot, dep: AssetNodeSnapshot): PartitionMappingSnapshot {
  const declared = node.partitionMappings?.[dep.key];
  if (declared !== undefined) return declared;
  const mapping = defaultPartitionMapping(dep.partitions ?? null, node.partitions ?? null);
  if ("problem" in mapping) throw new BackfillPlanningError("selection", `${node.key} depends on ${dep.key}: ${mapping.problem} (docs/partitions.md#mappings)`);
  return mapping;
}

function unpartitionedRelation(from: IndexRanges, toSide: AssetSpace): IndexRanges {
  return from.isEmpty() ? emptyRanges() : toSide.universe;
}

/** Upstream positions (of `up`) that the downstream positions `positions` (of `down`) read. */
export function upstreamPositions(mapping: PartitionMappingSnapshot, down: AssetSpace, up: AssetSpace, positions: IndexRanges): IndexRanges {
  if (positions.isEmpty()) return emptyRanges();
  if (down.partitions === null || up.partitions === null || mapping.kind === "all") return unpartitionedRelation(positions, up);
  return upstreamRangesFor(mapping, up.mapping, down.mapping, positions).intersect(up.universe);
}

/** Downstream positions (of `down`) that read any of the upstream positions `positions` (of `up`). */
export function downstreamPositions(mapping: PartitionMappingSnapshot, down: AssetSpace, up: AssetSpace, positions: IndexRanges): IndexRanges {
  if (positions.isEmpty()) return emptyRanges();
  if (down.partitions === null || up.partitions === null || mapping.kind === "all") return unpartitionedRelation(positions, down);
  return downstreamRangesFor(mapping, up.mapping, down.mapping, positions).intersect(down.universe);
}
