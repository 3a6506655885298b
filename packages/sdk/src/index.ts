/**
 * @flyt/sdk: what applications import to declare assets, partitions, resources, schedules,
 * sensors and their definitions. See docs/sdk.md for the reference with examples.
 *
 * (Skeleton: the SDK helper replaces these declarations with implementations in
 * asset.ts, partitions.ts, resources.ts, definitions.ts, schedules.ts, metadata.ts.)
 */
export type * from "./types.js";
import type {
  AssetDefinition,
  AssetSpec,
  Definitions,
  DefinitionsInput,
  EnvValue,
  MultiAssetSpec,
  PartitionsDefinition,
  ResourceConfigValue,
  ResourceDefinition,
  ResolvedConfig,
  Resources,
  ScheduleDefinition,
  SensorDefinition,
  SensorEvaluationContext,
  SensorResult,
  TimeWindowCadence,
} from "./types.js";
import type { MetadataValue, TableColumn } from "@flyt/core";

export declare function asset<R extends Resources = Resources>(spec: AssetSpec<R>): AssetDefinition;
export declare function multiAsset<R extends Resources = Resources>(spec: MultiAssetSpec<R>): AssetDefinition;
export declare function staticPartitions(keys: readonly string[]): PartitionsDefinition;
export declare function timeWindowPartitions(options: {
  cadence: TimeWindowCadence;
  start: string;
  end?: string;
  timezone?: string;
  format?: string;
}): PartitionsDefinition;
export declare function yearlyPartitions(options: { start: string; end?: string; timezone?: string }): PartitionsDefinition;
export declare function monthlyPartitions(options: { start: string; end?: string; timezone?: string }): PartitionsDefinition;
export declare function dailyPartitions(options: { start: string; end?: string; timezone?: string }): PartitionsDefinition;
export declare function hourlyPartitions(options: { start: string; end?: string; timezone?: string }): PartitionsDefinition;
export declare function env(name: string, options?: { default?: string }): EnvValue;
export declare function secret(name: string): EnvValue;
export declare function resource<T, C extends Record<string, ResourceConfigValue>>(spec: {
  config: C;
  description?: string;
  create: (config: ResolvedConfig<C>) => T | Promise<T>;
  dispose?: (value: T) => void | Promise<void>;
}): ResourceDefinition<T, C>;
export declare function schedule(spec: {
  name: string;
  cron: string;
  timezone?: string;
  target: string;
  tags?: Record<string, string>;
  defaultStatus?: "RUNNING" | "STOPPED";
  description?: string;
}): ScheduleDefinition;
export declare function sensor(spec: {
  name: string;
  target: string;
  minimumIntervalSeconds?: number;
  defaultStatus?: "RUNNING" | "STOPPED";
  description?: string;
  evaluate: (context: SensorEvaluationContext) => SensorResult | Promise<SensorResult>;
}): SensorDefinition;
export declare function defineDefinitions(input: DefinitionsInput): Definitions;
/** Typed metadata constructors: `meta.int(3)`, `meta.tableSchema([...])`, … */
export declare const meta: {
  int(value: number): MetadataValue;
  float(value: number): MetadataValue;
  bool(value: boolean): MetadataValue;
  text(value: string): MetadataValue;
  markdown(value: string): MetadataValue;
  url(value: string): MetadataValue;
  path(value: string): MetadataValue;
  json(value: unknown): MetadataValue;
  timestamp(value: Date | number): MetadataValue;
  tableSchema(columns: TableColumn[]): MetadataValue;
  table(columns: TableColumn[], rows: Record<string, unknown>[]): MetadataValue;
};
/** Normalises user metadata into typed metadata (used by the run worker). */
export declare function normalizeMetadata(input: Record<string, unknown>): Record<string, MetadataValue>;
/** True when a module export is a Definitions object (used by loaders). */
export declare function isDefinitions(value: unknown): value is Definitions;
