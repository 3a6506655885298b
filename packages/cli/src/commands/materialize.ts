/**
 * `flyt materialize -f <definitions> --select <selection> [--partition <key> | --partition-range
 * <start>..<end>]`: loads the definitions, resolves the selection, validates the plan, records a
 * run and follows it. A range is one run over several partitions (the range tags a backfill's
 * single-run chunks carry): the compute sees every key (`ctx.partitionKeys`).
 */
import { resolve } from "node:path";
import { InvalidConfigError, PARTITION_RANGE_END_TAG, PARTITION_RANGE_START_TAG, resolveSelection, runTagProblem } from "@flyt/core";
import { loadDefinitions, planRun } from "@flyt/run-worker";
import type { CommandContext } from "../context.js";
import { locationForFile } from "../location-names.js";
import { assertCliLauncher, executeRun } from "./execute.js";

/** System tag recording which definitions file a CLI run came from, so re-execution can find it. */
export const DEFINITIONS_FILE_TAG = "flyt/definitions_file";

export interface MaterializeOptions {
  file: string;
  select: string;
  partition?: string;
  /** `<start>..<end>`: first and last partition key, both included. */
  partitionRange?: string;
  tag?: string[];
  verbose?: boolean;
}

/**
 * `--partition-range 2000..2024` as its first and last key (both included). The separator is
 * the first `..`, so keys may hold single dots (`2024.1..2024.4`).
 * @example
 * parsePartitionRange("2000..2024"); // { start: "2000", end: "2024" }
 */
export function parsePartitionRange(text: string): { start: string; end: string } {
  const at = text.indexOf("..");
  const start = at < 0 ? "" : text.slice(0, at).trim();
  const end = at < 0 ? "" : text.slice(at + 2).trim();
  if (start === "" || end === "" || end.startsWith(".")) {
    throw new InvalidConfigError("--partition-range", `expected <first key>..<last key>, e.g. 2000..2024, got ${JSON.stringify(text)}`);
  }
  return { start, end };
}

export function parseTags(pairs: string[] | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const at = pair.indexOf("=");
    if (at <= 0) throw new InvalidConfigError("--tag", `expected key=value, got ${JSON.stringify(pair)}`);
    const key = pair.slice(0, at).trim();
    const value = pair.slice(at + 1);
    const problem = runTagProblem(key, value);
    if (problem !== null) throw new InvalidConfigError("--tag", problem);
    tags[key] = value;
  }
  return tags;
}

export async function materialize(ctx: CommandContext, options: MaterializeOptions): Promise<number> {
  assertCliLauncher(ctx.config.execution.launcher);
  const file = resolve(options.file);
  const definitions = await loadDefinitions(file);
  const selected = resolveSelection(definitions.graph, options.select);
  const assetKeys = definitions.graph.topologicalOrder(selected);
  if (options.partition !== undefined && options.partitionRange !== undefined) {
    throw new InvalidConfigError("--partition-range", "give either --partition (one key) or --partition-range (first..last), not both");
  }
  const partitionKey = options.partition ?? null;
  const range = options.partitionRange === undefined ? null : parsePartitionRange(options.partitionRange);
  const rangeTags: Record<string, string> = range === null ? {} : { [PARTITION_RANGE_START_TAG]: range.start, [PARTITION_RANGE_END_TAG]: range.end };
  const tags = { ...parseTags(options.tag), [DEFINITIONS_FILE_TAG]: file, ...rangeTags };
  // Plan now so that a bad partition, range or selection fails before a run is recorded.
  planRun(definitions, { assetKeys, stepKeys: null, partitionKey, tags });
  // Created claimed (STARTING): this process runs it, so no daemon's queue may launch it too.
  const { run } = await ctx.storage.createRun({
    selection: options.select,
    assetKeys,
    partitionKey,
    tags,
    origin: "manual",
    location: locationForFile(ctx.config.locations, file),
    status: "STARTING",
  });
  return executeRun(ctx, run, file, { verbose: options.verbose ?? false });
}
