/**
 * The compute of a dbt step (`runDbtStep`) and the run of a source asset's dbt tests
 * (`runDbtTests`): map the selection to dbt nodes, run dbt once, report each node and test as dbt
 * finishes it, reconcile with run_results.json, and decide the step's outcome.
 *
 * The step's outcome, and why:
 * - Every selected node built → the step succeeds, even when dbt exited 1 because a test failed.
 *   The failed test is already recorded as a failed check, and Flyt acts on it as on any check: a
 *   failed blocking check (an error-severity test, `blocking` in the mapping) skips the asset's
 *   downstream steps and ends the run FAILURE ("Blocking check failed"); a non-blocking failure is
 *   recorded and the run stays SUCCESS. Failing the step as well would say the same thing twice,
 *   and would make Flyt retry the step (rebuilding every model) for a data problem a retry cannot
 *   fix.
 * - A selected node errored, was skipped (dbt skips what is downstream of a failed node or of a
 *   failed error-severity test), or has no result → the step fails with an error that lists each
 *   with dbt's message or the skip's cause. The nodes reported before stay materialized: the
 *   step's failure names only the others, and only their downstream steps are skipped.
 * - dbt exited non-zero with no node or test result explaining it (a failing hook, a compilation
 *   or profile error, an invalid selection) → the step fails with dbt's error lines and stderr.
 * - The run was canceled → dbt is interrupted (process.ts) and the step rejects with an AbortError
 *   (DbtCanceledError); the executor records STEP_CANCELED since the run's signal is aborted.
 */
import { copyFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { AssetContext, AssetLogger, MetadataInput, TimeWindow } from "@flyt/sdk";
import type { DbtAssetNode, DbtAssetsOptions, DbtCommand, DbtProjectMap, DbtTestCheck } from "../types.js";
import { buildDbtCommand, freshTargetPath, partitionVarsFor, resolveExecutable, type DbtCommandLine } from "./command.js";
import { DbtCanceledError, DbtStepError, type DbtNodeProblem } from "./errors.js";
import { parseDbtLogLine, type DbtLogEvent } from "./log.js";
import { DEFAULT_CANCEL_GRACE_MS, runDbtProcess, type DbtProcessExit } from "./process.js";
import { DbtEventReporter, type DbtReportSink } from "./reporter.js";
import { readRunResults } from "./run-results.js";

/** Hooks for tests and benchmarks; a step never needs them. */
export interface DbtRunHooks {
  /** dbt's plain output (non-JSON stdout lines, stderr); default the step's own stdout/stderr, which Flyt captures as STEP_OUTPUT. */
  output?(stream: "stdout" | "stderr", text: string): void;
  /** Each parsed line, before it is acted on; `receivedAt` is performance.now(). */
  onEvent?(event: DbtLogEvent, receivedAt: number): void;
  onSpawn?(pid: number, command: DbtCommandLine): void;
  onExit?(exit: DbtProcessExit): void;
  /** Command line budget (tests of the long-selection fallback). */
  maxCommandBytes?: number;
}

/** A source test's result, for the check that evaluates it (`runDbtTests`). */
export interface DbtTestOutcome {
  passed: boolean;
  metadata: MetadataInput;
  /** dbt's message, or a short description of the failure; null for a pass. */
  message: string | null;
}

/** Nodes a step failure lists by name. */
const MAX_LISTED_PROBLEMS = 50;

/** Files of a per-run target path that dbt can write again and that are large for big projects. */
const BULKY_ARTIFACTS = ["manifest.json", "semantic_manifest.json", "graph.gpickle", "graph_summary.json", "partial_parse.msgpack"];

/**
 * The compute of the dbt step: builds exactly `ctx.assetKeys` and runs their tests, reporting each
 * as dbt finishes it. Resolves when every selected node was built; rejects otherwise (see the
 * module comment for the rules).
 */
export async function runDbtStep(map: DbtProjectMap, options: DbtAssetsOptions, ctx: AssetContext, hooks: DbtRunHooks = {}): Promise<void> {
  const command = options.command ?? "build";
  if (ctx.assetKeys.length === 0) return;
  const nodes = ctx.assetKeys.map((key) => {
    const node = map.byAssetKey.get(key);
    if (node === undefined) throw new Error(`dbt step ${ctx.stepKey}: asset ${key} is not a node of dbt project ${map.projectName}`);
    return node;
  });
  const selected = new Set(ctx.assetKeys);
  // The selected assets' own tests. A source test's asset is the source's upstream asset, never
  // one this step builds, so it is not run here (dbtAssets runs it as a check of that asset).
  const tests = command === "build" ? map.checks.filter((test) => selected.has(test.assetKey) && !test.onSource) : [];
  const sink: DbtReportSink = {
    materialize: (assetKey, metadata) => ctx.reportMaterialization(assetKey, metadata),
    check: (result) => ctx.reportCheck(result),
    log: (level, message, fields) => ctx.log[level](message, fields),
  };
  const { exit, reporter, line } = await invokeDbt({
    map,
    options,
    command,
    nodes,
    tests,
    targetPath: options.targetPath ?? freshTargetPath(ctx.runId, ctx.stepKey, ctx.attempt),
    vars: partitionVarsFor(options, ctx.partitionKey, ctx.partitionTimeWindow),
    whole: nodes.length === map.assets.length ? { select: options.select, exclude: options.exclude } : null,
    signal: ctx.signal,
    log: ctx.log,
    sink,
    hooks,
  });

  if (exit.canceled) throw canceledError(exit, ctx.signal);
  if (reporter.sinkErrors.length > 0) {
    const [first, ...rest] = reporter.sinkErrors;
    throw new Error(`dbt step ${ctx.stepKey}: a report was refused: ${first!.message}${rest.length > 0 ? ` (and ${rest.length} more)` : ""}`, { cause: first });
  }
  const problems = reporter.problems();
  for (const problem of problems) {
    if (problem.kind === "skipped") ctx.log.warn(`${problem.assetKey} (${problem.uniqueId}) was ${problem.message}`, { unique_id: problem.uniqueId });
  }
  if (problems.length > 0) throw stepError(command, nodes.length, problems, exit, line, reporter.generalErrors);
  if (exit.code !== 0) {
    const failed = reporter.failedTests();
    if (failed.length === 0) throw stepError(command, nodes.length, [], exit, line, reporter.generalErrors);
    ctx.log.info(
      `dbt exited with code ${String(exit.code)} because ${failed.length} test${failed.length === 1 ? "" : "s"} failed (${failed.map((t) => `${t.assetKey}:${t.checkName}`).join(", ")}); ` +
        "every selected node was built, so the step succeeds and the failures stand as failed checks",
    );
  }
}

/**
 * Runs the given tests (a source asset's) with `dbt test` and returns each one's outcome by dbt
 * unique id; tests dbt did not run are absent. Rejects when dbt could not run them at all (and
 * with an AbortError when the run is canceled).
 */
export async function runDbtTests(
  map: DbtProjectMap,
  options: DbtAssetsOptions,
  tests: readonly DbtTestCheck[],
  ctx: { runId: string; partitionKey: string | null; log: AssetLogger; signal: AbortSignal },
  hooks: DbtRunHooks = {},
): Promise<Map<string, DbtTestOutcome>> {
  const outcomes = new Map<string, DbtTestOutcome>();
  const sink: DbtReportSink = {
    materialize: () => undefined,
    check: (result, test) => outcomes.set(test.uniqueId, { passed: result.passed, metadata: result.metadata ?? {}, message: result.description ?? null }),
    log: (level, message, fields) => ctx.log[level](message, fields),
  };
  let window: TimeWindow | null = null;
  if (ctx.partitionKey !== null && options.partitions !== undefined) {
    try {
      window = options.partitions.timeWindow(ctx.partitionKey);
    } catch {
      window = null;
    }
  }
  const { exit, reporter, line } = await invokeDbt({
    map,
    options,
    command: "test",
    nodes: [],
    tests,
    targetPath: options.targetPath ?? freshTargetPath(ctx.runId, "dbt_source_tests", 1),
    vars: partitionVarsFor(options, ctx.partitionKey, window),
    whole: null,
    signal: ctx.signal,
    log: ctx.log,
    sink,
    hooks,
  });
  if (exit.canceled) throw canceledError(exit, ctx.signal);
  if (exit.code !== 0 && outcomes.size === 0) throw stepError("test", 0, [], exit, line, reporter.generalErrors);
  return outcomes;
}

interface Invocation {
  map: DbtProjectMap;
  options: DbtAssetsOptions;
  command: DbtCommand | "test";
  nodes: readonly DbtAssetNode[];
  tests: readonly DbtTestCheck[];
  targetPath: string;
  vars: Record<string, unknown> | null;
  whole: { select?: string | undefined; exclude?: string | undefined } | null;
  signal: AbortSignal;
  log: AssetLogger;
  sink: DbtReportSink;
  hooks: DbtRunHooks;
}

async function invokeDbt(run: Invocation): Promise<{ exit: DbtProcessExit; reporter: DbtEventReporter; line: DbtCommandLine }> {
  const { options, hooks } = run;
  if (run.signal.aborted) throw new DbtCanceledError("dbt was not started: the run was canceled", null, { cause: run.signal.reason });
  const project = resolve(options.project);
  const fresh = options.targetPath === undefined;
  const targetPath = resolve(project, run.targetPath);
  prepareTargetPath(targetPath, fresh, options, project);

  const line = buildDbtCommand({
    executable: resolveExecutable(options),
    command: run.command,
    projectDir: project,
    profilesDir: options.profilesDir === undefined ? undefined : resolve(options.profilesDir),
    target: options.target,
    targetPath,
    nodes: run.nodes.map((n) => n.selector),
    tests: run.tests.map((t) => t.selector),
    whole: run.whole,
    vars: run.vars,
    extraArgs: options.extraArgs,
    ...(hooks.maxCommandBytes === undefined ? {} : { maxBytes: hooks.maxCommandBytes }),
  });
  run.log.info(`Running ${line.printed}`, {
    selection: line.selection,
    nodes: run.nodes.length,
    tests: run.tests.length,
    target_path: targetPath,
  });

  const reporter = new DbtEventReporter({ map: run.map, command: run.command, nodes: run.nodes, tests: run.tests, targetPath }, run.sink);
  const output = hooks.output === undefined ? (stream: "stdout" | "stderr", text: string) => void process[stream].write(text) : hooks.output.bind(hooks);
  const exit = await runDbtProcess({
    executable: line.executable,
    args: line.args,
    // Python block-buffers a piped stdout; dbt flushes each line itself, this makes sure of it.
    env: { ...process.env, PYTHONUNBUFFERED: process.env.PYTHONUNBUFFERED ?? "1", ...(options.env ?? {}) },
    // Relative paths in profiles (a DuckDB file) resolve against the project, as when dbt is run there.
    cwd: project,
    signal: run.signal,
    cancelGraceMs: options.cancelGraceMs ?? DEFAULT_CANCEL_GRACE_MS,
    onLine: (text) => {
      const event = parseDbtLogLine(text);
      hooks.onEvent?.(event, performance.now());
      if (event.kind === "text") output("stdout", text + "\n");
      else reporter.handle(event);
    },
    onStderr: (text) => output("stderr", text),
    onSpawn: (pid) => hooks.onSpawn?.(pid, line),
  });
  hooks.onExit?.(exit);

  let results = null;
  try {
    results = readRunResults(join(targetPath, "run_results.json"));
    if (results === null && !exit.canceled) run.log.warn(`dbt wrote no run_results.json in ${targetPath}: only what its log said is known`);
  } catch (error) {
    run.log.warn(`Could not read dbt's run_results.json: ${(error as Error).message}`);
  }
  reporter.reconcile(results);
  if (fresh) {
    for (const name of BULKY_ARTIFACTS) rmSync(join(targetPath, name), { force: true });
  }
  return { exit, reporter, line };
}

/**
 * A target path without dbt's partial-parse state gets the project's (`partial_parse.msgpack`
 * beside the manifest), so dbt does not re-parse the whole project on every run — that is most of
 * dbt's start-up on a large project (a fresh per-run path always starts without one). A reused path
 * loses its old run_results.json first, so a dbt that dies before writing one is never reconciled
 * against the previous run.
 */
function prepareTargetPath(targetPath: string, fresh: boolean, options: DbtAssetsOptions, project: string): void {
  mkdirSync(targetPath, { recursive: true });
  if (!fresh) rmSync(join(targetPath, "run_results.json"), { force: true });
  const manifest = options.manifest === undefined ? join(project, "target", "manifest.json") : resolve(project, options.manifest);
  const saved = join(dirname(manifest), "partial_parse.msgpack");
  const here = join(targetPath, "partial_parse.msgpack");
  if (saved !== here && existsSync(saved) && !existsSync(here)) {
    try {
      copyFileSync(saved, here);
    } catch {
      // Only an optimisation: dbt parses from scratch without it.
    }
  }
}

function canceledError(exit: DbtProcessExit, signal: AbortSignal): DbtCanceledError {
  const took = exit.canceledAt === null ? "" : ` ${Math.round(exit.exitedAt - exit.canceledAt)} ms after SIGINT`;
  const how = exit.signal !== null ? `was killed by ${exit.signal}` : `exited with code ${String(exit.code)}`;
  return new DbtCanceledError(`dbt was interrupted because the run was canceled: it ${how}${took}`, exit.cancelSignal === "SIGINT" ? null : exit.cancelSignal, { cause: signal.reason });
}

function stepError(command: string, selected: number, problems: DbtNodeProblem[], exit: DbtProcessExit, line: DbtCommandLine, generalErrors: readonly string[]): DbtStepError {
  const how = exit.signal !== null ? `dbt was killed by ${exit.signal}` : `dbt exited with code ${String(exit.code)}`;
  const indent = (text: string): string => text.trim().replace(/\n/g, "\n      ");
  const parts: string[] = [];
  if (problems.length > 0) {
    parts.push(`dbt ${command} did not build ${problems.length} of ${selected} selected node${selected === 1 ? "" : "s"} (${how}):`);
    // Failures first (problems() sorts them); a message listing thousands of nodes helps nobody.
    for (const p of problems.slice(0, MAX_LISTED_PROBLEMS)) {
      const what = p.kind === "error" ? "failed: " : p.kind === "skipped" ? "" : "not built: ";
      parts.push(`  - ${p.assetKey} (${p.uniqueId}) ${what}${indent(p.message)}`);
    }
    if (problems.length > MAX_LISTED_PROBLEMS) parts.push(`  … and ${problems.length - MAX_LISTED_PROBLEMS} more (all in the error's \`problems\`)`);
    const built = selected - problems.filter((p) => p.kind !== "error" || !p.message.startsWith("dbt reported a partial")).length;
    if (built > 0) parts.push(`The other ${built} were built and stay materialized.`);
  } else {
    parts.push(`dbt ${command} failed: ${how}.`);
  }
  if (generalErrors.length > 0) parts.push(`dbt said:\n  ${generalErrors.slice(-10).map(indent).join("\n  ")}`);
  // When dbt reported nothing about the nodes (it crashed, or stopped before running any), its stderr says why.
  if (problems.every((p) => p.kind === "missing") && exit.stderrTail.trim() !== "") parts.push(`--- stderr (last ${exit.stderrTail.length} characters) ---\n${exit.stderrTail.trimEnd()}`);
  parts.push(`Command: ${line.printed}`);
  return new DbtStepError(parts.join("\n"), problems, exit.code, line.printed);
}
