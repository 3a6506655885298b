/**
 * What the resolvers of each mapped GraphQL type receive as `parent`: the records storage and the
 * code location snapshots hold, not the GraphQL shapes. scripts/generate-graphql.mjs names these
 * as codegen mappers, so a resolver that returns an `Asset` is checked to return an `AssetNode`.
 */
import type { AssetSnapshot, ScheduleSnapshot, SensorSnapshot } from "@flyt/protocol";
import type { AssetStatus } from "../generated/resolvers.js";

export type { RunRecord } from "@flyt/core";
export type { Tick as TickRecord } from "@flyt/storage";

export type AssetNode = AssetSnapshot & { location: string };
export type ScheduleNode = ScheduleSnapshot & { location: string; kind: "schedule" };
export type SensorNode = SensorSnapshot & { location: string; kind: "sensor" };
export type InstigatorNode = ScheduleNode | SensorNode;

/** A node of the asset graph; `freshness` is resolved from the asset's policy and the daemon's verdict. */
export interface AssetGraphNodeParent {
  key: string;
  group: string;
  location: string;
  status: AssetStatus;
  kinds: string[];
  partitioned: boolean;
}

export interface PartitionStateParent {
  key: string;
  status: "MATERIALIZED" | "FAILED" | "MISSING";
  runId: string | null;
  timestamp: number | null;
}

/** Every partition's state; the `partitions` field returns the newest `first` of them. */
export interface PartitionStatusParent {
  total: number;
  materialized: number;
  failed: number;
  states: PartitionStateParent[];
}
