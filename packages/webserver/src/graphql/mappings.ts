/**
 * Partition mappings on lineage edges, as the API shows them: the mapping a downstream asset
 * reads an upstream one through (declared on the dependency, or the default of @flyt/partitions
 * for the pair) and a description in words — "daily → monthly: the month's days", "previous
 * partition", "the last 7 partitions" — for the graph and the asset page.
 */
import type { PartitionMappingSnapshot, PartitionsSnapshot } from "@flyt/core";
import { defaultPartitionMapping } from "@flyt/partitions";
import type { PartitionMapping } from "./generated/resolvers.js";

type Cadence = Extract<PartitionsSnapshot, { kind: "time-window" }>["cadence"];

const UNIT: Record<Cadence, { one: string; many: string; rank: number }> = {
  hourly: { one: "hour", many: "hours", rank: 0 },
  daily: { one: "day", many: "days", rank: 1 },
  monthly: { one: "month", many: "months", rank: 2 },
  yearly: { one: "year", many: "years", rank: 3 },
};

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** The shift of a same-cadence window in words: "previous partition", "the last 7 partitions", "partitions 3 to 1 before". */
function shiftWords(startOffset: number, endOffset: number): string {
  if (startOffset === 0 && endOffset === 0) return "the same partition";
  if (startOffset === endOffset) {
    if (startOffset === -1) return "previous partition";
    if (startOffset === 1) return "next partition";
    return startOffset < 0 ? `the partition ${-startOffset} before` : `the partition ${startOffset} after`;
  }
  if (endOffset === 0 && startOffset < 0) return `the last ${count(1 - startOffset, "partition")} (this one and ${count(-startOffset, "partition")} before)`;
  const where = (offset: number): string => (offset === 0 ? "this one" : offset < 0 ? `${-offset} before` : `${offset} after`);
  return `partitions from ${where(startOffset)} to ${where(endOffset)}`;
}

/**
 * A mapping in words, given the partitions on both sides: `downstream` reads `upstream` through it.
 * @example
 * describePartitionMapping({ kind: "time-window", startOffset: 0, endOffset: 0 }, monthly, daily); // "daily → monthly: the month's days"
 * describePartitionMapping({ kind: "time-window", startOffset: -1, endOffset: -1 }, daily, daily); // "previous partition"
 */
export function describePartitionMapping(mapping: PartitionMappingSnapshot, downstream: PartitionsSnapshot | null, upstream: PartitionsSnapshot | null): string {
  switch (mapping.kind) {
    case "identity":
      return "identity: each partition reads the upstream partition of the same key";
    case "all":
      if (upstream === null) return "each partition reads the unpartitioned upstream";
      return downstream === null ? "all partitions: reads every upstream partition" : "all partitions: each partition reads every upstream partition";
    case "static": {
      const n = Object.keys(mapping.upstreamKeysByDownstreamKey).length;
      const sample = Object.entries(mapping.upstreamKeysByDownstreamKey)
        .slice(0, 2)
        .map(([down, ups]) => `${down} ← ${ups.slice(0, 3).join(", ")}${ups.length > 3 ? ", …" : ""}`)
        .join("; ");
      return `static: ${count(n, "key")} mapped (${sample}${n > 2 ? "; …" : ""})`;
    }
    case "time-window": {
      const { startOffset, endOffset } = mapping;
      if (downstream?.kind !== "time-window" || upstream?.kind !== "time-window") return `time window shifted ${startOffset}…${endOffset}`;
      const down = UNIT[downstream.cadence];
      const up = UNIT[upstream.cadence];
      const shifted = startOffset === 0 && endOffset === 0 ? "" : `, shifted ${startOffset}…${endOffset} ${up.many}`;
      if (downstream.cadence === upstream.cadence) return shiftWords(startOffset, endOffset);
      // A coarser downstream rolls up the finer upstream windows inside it; a finer one reads the one containing it.
      const words = up.rank < down.rank ? `the ${down.one}'s ${up.many}` : `the containing ${up.one}`;
      return `${upstream.cadence} → ${downstream.cadence}: ${words}${shifted}`;
    }
  }
}

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
    description: describePartitionMapping(mapping, downstream.partitions, upstream.partitions),
    declared: declared !== undefined,
    startOffset: mapping.kind === "time-window" ? mapping.startOffset : null,
    endOffset: mapping.kind === "time-window" ? mapping.endOffset : null,
  };
}
