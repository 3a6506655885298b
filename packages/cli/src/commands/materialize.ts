/**
 * `flyt materialize -f <definitions> --select <selection> [--partition <key>]`: loads the
 * definitions, resolves the selection, validates the plan, records a run and follows it.
 */
import { resolve } from "node:path";
import { InvalidConfigError, resolveSelection, runTagProblem } from "@flyt/core";
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
  tag?: string[];
  verbose?: boolean;
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
  const partitionKey = options.partition ?? null;
  // Plan now so that a bad partition or selection fails before a run is recorded.
  planRun(definitions, { assetKeys, stepKeys: null, partitionKey });
  // Created claimed (STARTING): this process runs it, so no daemon's queue may launch it too.
  const { run } = await ctx.storage.createRun({
    selection: options.select,
    assetKeys,
    partitionKey,
    tags: { ...parseTags(options.tag), [DEFINITIONS_FILE_TAG]: file },
    origin: "manual",
    location: locationForFile(ctx.config.locations, file),
    status: "STARTING",
  });
  return executeRun(ctx, run, file, { verbose: options.verbose ?? false });
}
