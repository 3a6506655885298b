/**
 * The dbt command line of one step:
 *
 *   <executable> <command> --select <selection> --indirect-selection <mode> --log-format json
 *     --project-dir <project> [--profiles-dir …] [--target …] --target-path <per run> --log-path <same>
 *     [--vars <json>] [extraArgs…]
 *
 * Selection. A step materializes exactly the assets in `ctx.assetKeys`, and their checks are the
 * tests the step reports; dbt must build exactly those nodes and run exactly those tests, nothing
 * more (a node dbt builds but Flyt did not select would change a table behind the platform's back)
 * and nothing less. So the default ("explicit") lists every selected node's selector (its fqn,
 * from the mapping) and every one of their tests' selectors, with `--indirect-selection empty`:
 * dbt adds no test by itself. With dbt's default (eager) it would also run any test that touches a
 * selected node — e.g. a relationships test of an unselected model pointing at a selected one, whose
 * result no selected asset owns — and with `cautious`/`buildable` it would drop a test of a selected
 * node whose other parent is not selected, which Flyt asked for. Explicit names are exact.
 *
 * Long selections. Each selector is its own argv entry (dbt's --select takes many), so only the
 * total size of argv + environment is limited (Linux: ARG_MAX, 2 MiB with the usual 8 MiB stack;
 * macOS 1 MiB). A project of 5,000 models with ~3 tests each needs ~1.2 MB of names, close to
 * that. The command stays under `maxBytes` (512 KiB by default, under every limit with room for
 * the environment) by falling back, in order:
 *  1. "explicit": nodes and tests by name, `--indirect-selection empty` (above);
 *  2. "nodes": nodes by name only, `--indirect-selection cautious`: dbt runs the tests whose parents
 *     are all selected — the selected nodes' own tests; a test that also reads an unselected node
 *     is not run (its check gets no result in that run). 5,000 nodes fit (~200 KB);
 *  3. "project": when the step selects every asset of the definitions, dbt is told so in a few
 *     words — the definitions' own `select`/`exclude` intersected with the three built resource
 *     types (`resource_type:model resource_type:seed resource_type:snapshot` when there is none),
 *     with `cautious` tests as in 2; a generated selectors file would need writing selectors.yml
 *     into the project, which may be read-only and is shared by concurrent runs.
 * Past that, DbtSelectionTooLongError. Which mode was used is logged at the start of the step.
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import type { TimeWindow } from "@flyt/sdk";
import type { DbtAssetsOptions, DbtCommand } from "../types.js";
import { DbtSelectionTooLongError } from "./errors.js";

/** The command line budget, in bytes of argv (each argument plus its terminating NUL). */
export const DEFAULT_MAX_COMMAND_BYTES = 512 * 1024;

export type DbtSelectionMode = "explicit" | "nodes" | "project";

export interface DbtInvocationSpec {
  executable: string;
  /** `test` is used for source tests, run on their own. */
  command: DbtCommand | "test";
  projectDir: string;
  profilesDir?: string | undefined;
  target?: string | undefined;
  targetPath: string;
  /** Where dbt writes dbt.log; default the target path, so the project directory is never written to. */
  logPath?: string | undefined;
  /** The selected nodes' selectors (`DbtAssetNode.selector`). */
  nodes: readonly string[];
  /** Their tests' selectors (`DbtTestCheck.selector`). */
  tests: readonly string[];
  /** Set when every asset of the definitions is selected: what the definitions were made of. */
  whole?: { select?: string | undefined; exclude?: string | undefined } | null;
  vars: Record<string, unknown> | null;
  extraArgs?: readonly string[] | undefined;
  maxBytes?: number;
}

export interface DbtCommandLine {
  executable: string;
  args: string[];
  selection: DbtSelectionMode;
  /** The command for a log line: the selection shortened to a count beyond a few names. */
  printed: string;
}

export function buildDbtCommand(spec: DbtInvocationSpec): DbtCommandLine {
  const maxBytes = spec.maxBytes ?? DEFAULT_MAX_COMMAND_BYTES;
  const before = [spec.command];
  const after = ["--log-format", "json", "--project-dir", spec.projectDir];
  if (spec.profilesDir !== undefined) after.push("--profiles-dir", spec.profilesDir);
  if (spec.target !== undefined) after.push("--target", spec.target);
  after.push("--target-path", spec.targetPath, "--log-path", spec.logPath ?? spec.targetPath);
  if (spec.vars !== null) after.push("--vars", JSON.stringify(spec.vars));
  after.push(...(spec.extraArgs ?? []));

  const candidates: Array<{ mode: DbtSelectionMode; selection: string[] }> = [];
  // dbt test of source tests: the tests are the whole selection.
  if (spec.command === "test" || spec.command === "build") {
    candidates.push({ mode: "explicit", selection: ["--select", ...spec.nodes, ...spec.tests, "--indirect-selection", "empty"] });
  } else {
    // run/seed/snapshot run no tests: the nodes are the selection either way.
    candidates.push({ mode: "explicit", selection: ["--select", ...spec.nodes] });
  }
  if (spec.command !== "test") {
    if (spec.command === "build") candidates.push({ mode: "nodes", selection: ["--select", ...spec.nodes, "--indirect-selection", "cautious"] });
    if (spec.whole) candidates.push({ mode: "project", selection: wholeSelection(spec.command, spec.whole) });
  }

  const fixed = argvBytes([spec.executable, ...before, ...after]);
  for (const { mode, selection } of candidates) {
    if (fixed + argvBytes(selection) <= maxBytes) {
      const args = [...before, ...selection, ...after];
      return { executable: spec.executable, args, selection: mode, printed: printCommand(spec.executable, args) };
    }
  }
  const smallest = Math.min(...candidates.map((c) => argvBytes(c.selection)));
  throw new DbtSelectionTooLongError(spec.nodes.length + (spec.command === "test" ? spec.tests.length : 0), fixed + smallest, maxBytes);
}

function wholeSelection(command: DbtCommand, whole: { select?: string | undefined; exclude?: string | undefined }): string[] {
  const types = command === "build" ? ["model", "seed", "snapshot"] : command === "run" ? ["model"] : [command];
  const terms = (whole.select ?? "").split(/\s+/).filter((t) => t !== "");
  // dbt's --select is a union of its space-separated terms; "a,b" intersects: each term of the
  // definitions' selection is intersected with each built resource type.
  const select = terms.length === 0 ? types.map((t) => `resource_type:${t}`) : terms.flatMap((term) => types.map((t) => `${term},resource_type:${t}`));
  const exclude = (whole.exclude ?? "").split(/\s+/).filter((t) => t !== "");
  return [
    "--select",
    ...select,
    ...(exclude.length > 0 ? ["--exclude", ...exclude] : []),
    ...(command === "build" ? ["--indirect-selection", "cautious"] : []),
  ];
}

function argvBytes(args: readonly string[]): number {
  let total = 0;
  for (const arg of args) total += Buffer.byteLength(arg) + 1;
  return total;
}

/** The command line for logs: shell-quoted where needed, long selections shortened. */
export function printCommand(executable: string, args: readonly string[]): string {
  const out: string[] = [];
  let inSelection = false;
  let shown = 0;
  let hidden = 0;
  const flush = (): void => {
    if (hidden > 0) out.push(`…(${hidden} more)`);
    hidden = 0;
  };
  for (const arg of args) {
    if (arg.startsWith("--")) {
      flush();
      inSelection = arg === "--select" || arg === "--exclude";
      shown = 0;
      out.push(arg);
      continue;
    }
    if (inSelection && shown >= 8) {
      hidden += 1;
      continue;
    }
    if (inSelection) shown += 1;
    out.push(/^[\w./:=@,+*-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);
  }
  flush();
  return [executable, ...out].join(" ");
}

/** The executable: the option, else FLYT_DBT_EXECUTABLE, else `dbt` on PATH. */
export function resolveExecutable(options: Pick<DbtAssetsOptions, "executable">, env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.FLYT_DBT_EXECUTABLE?.trim();
  return options.executable ?? (fromEnv ? fromEnv : "dbt");
}

/**
 * The `--vars` of a partitioned run: `options.partitionVars`, else
 * `{ flyt_partition_key, flyt_partition_start, flyt_partition_end }` (ISO-8601 instants for a time
 * window, null otherwise). Null (no --vars) for an unpartitioned run, so that dbt's partial parsing
 * stays valid (dbt re-parses the whole project when the vars change).
 */
export function partitionVarsFor(options: Pick<DbtAssetsOptions, "partitionVars">, key: string | null, window: TimeWindow | null): Record<string, unknown> | null {
  if (key === null) return null;
  if (options.partitionVars !== undefined) return options.partitionVars({ key, timeWindow: window });
  return {
    flyt_partition_key: key,
    flyt_partition_start: window === null ? null : window.start.toISOString(),
    flyt_partition_end: window === null ? null : window.end.toISOString(),
  };
}

/**
 * A fresh target path for one attempt of one step, so concurrent runs (and retries) never share
 * run_results.json or compiled SQL: `<tmp>/flyt-dbt/<run>-<step>-a<attempt>-<random>`. It is kept
 * after the step (the materializations point at its compiled SQL); its large reproducible files
 * are removed then (see execute.ts).
 */
export function freshTargetPath(runId: string, stepKey: string, attempt: number): string {
  const safe = (s: string): string => s.replace(/[^\w.-]+/g, "_").slice(0, 60);
  return join(tmpdir(), "flyt-dbt", `${safe(runId)}-${safe(stepKey)}-a${attempt}-${randomBytes(3).toString("hex")}`);
}
