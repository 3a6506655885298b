/**
 * `flyt automation evaluate|start|stop|status|ticks` (docs/automation.md#running-it).
 *
 * `evaluate` is a dry run: it evaluates every automation condition of the given code locations
 * now, against the configured storage, exactly as the daemon's next tick would (same cursor, same
 * on/off switches), and prints per asset whether it would be requested and the explanation tree —
 * but writes nothing: no tick, no evaluation, no cursor, no run. `start` / `stop` turn automation
 * on or off globally or for one location (stored instigator states, as the API does); `status` and
 * `ticks` read what the daemon recorded.
 */
import { evaluateAutomationTick } from "@flyt/automation";
import {
  AUTOMATION_INSTIGATOR_ID,
  DEFAULT_LOCATION,
  InvalidConfigError,
  resolveSelection,
  type AssetGraph,
  type AutomationNodeResult,
} from "@flyt/core";
import { automationLocationStateId, readAutomationSwitches } from "@flyt/daemon";
import { setInstigatorStatus, type Tick } from "@flyt/storage";
import pc from "picocolors";
import type { CommandContext } from "../context.js";
import { colorStatus, formatTime, table } from "../render/format.js";
import { loadBackfillWorkspace } from "./backfill-driver.js";
import { daemonLocations, daemonRemoteLocations } from "./daemon.js";

export interface AutomationEvaluateOptions {
  select?: string;
  file?: string[];
  location?: string[];
  json?: boolean;
}

/** Location names as flyt.yaml accepts them. */
const LOCATION_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/** Exit code of bad input (an unknown selection, a malformed flag), as for `flyt backfill`. */
const BAD_INPUT_EXIT_CODE = 2;

/** The line of one node: its truth (over how many partitions, for a partitioned asset), description and detail. */
function nodeLine(node: AutomationNodeResult, partitioned: boolean): string {
  const truth = node.trueCount > 0 ? pc.green(partitioned ? `true (${node.trueCount})` : "true") : pc.red("false");
  return `${truth} ${node.description}${node.detail === null ? "" : pc.dim(` — ${node.detail}`)}`;
}

/** The explanation tree, indented two spaces a level. */
export function explanationLines(root: AutomationNodeResult, partitioned: boolean, indent = "    "): string[] {
  const lines: string[] = [];
  const visit = (node: AutomationNodeResult, depth: number): void => {
    lines.push(`${indent}${"  ".repeat(depth)}${nodeLine(node, partitioned)}`);
    for (const child of node.children) visit(child, depth + 1);
  };
  visit(root, 0);
  return lines;
}

function selectedKeys(graph: AssetGraph, selection: string | undefined): Set<string> | null {
  if (selection === undefined) return null;
  return new Set(resolveSelection(graph, selection));
}

/**
 * Evaluates now without writing anything and prints what the daemon would request, and why.
 * Exit 0 whatever it would do; 2 for a bad selection.
 */
export async function evaluateAutomation(ctx: CommandContext, options: AutomationEvaluateOptions): Promise<number> {
  const local = daemonLocations(ctx, options);
  if (local.length === 0 && daemonRemoteLocations(ctx, local).length === 0) {
    throw new InvalidConfigError("flyt automation evaluate", "no code location: pass -f <definitions file>, -l name=file, or list locations: in flyt.yaml");
  }
  const workspace = await loadBackfillWorkspace(ctx, options);
  const { graph, assets } = workspace;
  let selected: Set<string> | null;
  try {
    selected = selectedKeys(graph, options.select);
  } catch (error) {
    ctx.err(pc.red(`error: --select: ${(error as Error).message}`));
    return BAD_INPUT_EXIT_CODE;
  }
  const locations = new Map(assets.map((a) => [a.node.key, a.location]));
  const switches = await readAutomationSwitches(ctx.storage);
  const withCondition = assets.filter((a) => a.node.automationCondition !== null && a.node.automationCondition !== undefined);
  // As the daemon decides: every asset with a condition in a location where automation is on
  // (the selection only filters what is printed, so that coalescing is the daemon's).
  const now = Date.now();
  const { output: result, stats } = await evaluateAutomationTick(ctx.storage, graph, {
    now,
    tickId: 0,
    cursor: await ctx.storage.getAutomationCursor(),
    locationOf: (key: string) => locations.get(key) ?? DEFAULT_LOCATION,
    enabled: (location: string) => !switches.stoppedLocations.has(location),
  });
  const shown = result.evaluations.filter((e) => selected === null || selected.has(e.assetKey));
  const runs = result.runRequests.filter((r) => selected === null || r.assetKeys.some((k) => selected.has(k)));
  const notes: string[] = [];
  if (!switches.global) notes.push("automation is stopped (flyt automation start): the daemon requests nothing until it is started");
  for (const location of [...switches.stoppedLocations].sort()) {
    if (withCondition.some((a) => a.location === location)) notes.push(`automation is stopped for location ${location}: its assets are not evaluated`);
  }
  if (options.json) {
    const evaluations = shown.map(({ changed: _changed, runKeys: _runKeys, runIds: _runIds, tickId: _tickId, ...evaluation }) => evaluation);
    ctx.out(JSON.stringify({ evaluatedAt: now, automation: switches.global ? "RUNNING" : "STOPPED", stoppedLocations: [...switches.stoppedLocations].sort(), notes, warnings: result.warnings, stats, evaluations, runs }, null, 2));
    return 0;
  }
  for (const note of notes) ctx.err(pc.yellow(note));
  for (const warning of result.warnings) ctx.err(pc.yellow(`warning: ${warning}`));
  if (withCondition.length === 0) {
    ctx.out("No asset of these code locations declares an automation condition (automationCondition: AutomationCondition.eager(), …).");
    return 0;
  }
  for (const evaluation of shown) {
    const node = graph.get(evaluation.assetKey);
    const partitioned = node?.partitions !== null && node?.partitions !== undefined;
    const verdict =
      evaluation.requestedCount === 0
        ? pc.dim("not requested")
        : pc.green(partitioned ? `would be requested (${evaluation.requestedCount} partition${evaluation.requestedCount === 1 ? "" : "s"})` : "would be requested");
    ctx.out(`${pc.bold(evaluation.assetKey)}: ${verdict}`);
    for (const line of explanationLines(evaluation.root, partitioned)) ctx.out(line);
  }
  if (shown.length === 0) ctx.out(pc.dim(result.evaluations.length === 0 ? "No asset was evaluated (automation is stopped for their locations)." : "No asset with an automation condition in the selection."));
  ctx.out("");
  if (runs.length === 0) ctx.out("Would request no run.");
  else {
    ctx.out(`Would request ${runs.length} run${runs.length === 1 ? "" : "s"}:`);
    for (const run of runs) ctx.out(`  ${run.assetKeys.join(", ")}${run.partitionKey === null ? "" : ` [${run.partitionKey}]`}${run.location ? pc.dim(` (location ${run.location})`) : ""}`);
  }
  ctx.out(pc.dim(`Dry run: nothing was written (no tick, no run). ${stats.assets} asset(s) evaluated in ${Math.round(stats.evaluationMs)} ms, ${Math.round(stats.databaseMs)} ms reading storage.`));
  return 0;
}

/** Turns automation on or off, globally or for one location (stored: survives restarts; the daemon reads it every tick). */
export async function setAutomationStatus(ctx: CommandContext, status: "RUNNING" | "STOPPED", options: { location?: string }): Promise<number> {
  const location = options.location;
  if (location !== undefined && !LOCATION_NAME.test(location)) {
    throw new InvalidConfigError("--location", `expected a code location name (letters, digits, '_', '-', '.'), got ${JSON.stringify(location)}`);
  }
  const id = location === undefined ? AUTOMATION_INSTIGATOR_ID : automationLocationStateId(location);
  await setInstigatorStatus(ctx.storage, id, "automation", status);
  const switches = await readAutomationSwitches(ctx.storage);
  if (location === undefined) ctx.out(`automation is ${status}`);
  else {
    ctx.out(`automation for location ${location} is ${status}`);
    if (status === "RUNNING" && !switches.global) ctx.err(pc.yellow("automation as a whole is STOPPED: nothing is evaluated until `flyt automation start`"));
    const configured = ctx.config.locations.map((l) => l.name);
    if (configured.length > 0 && !configured.includes(location)) ctx.err(pc.yellow(`note: flyt.yaml lists no location named ${location} (${configured.join(", ")})`));
  }
  return 0;
}

function tickNote(tick: Tick): string {
  if (tick.error !== null) return tick.error;
  return tick.skipReason ?? "";
}

/** On or off globally and per location (stored states; flyt.yaml's locations shown with theirs), and the last ticks. */
export async function automationStatus(ctx: CommandContext, options: { json?: boolean }): Promise<number> {
  const states = await ctx.storage.listInstigatorStates("automation");
  const switches = await readAutomationSwitches(ctx.storage);
  const prefix = `${AUTOMATION_INSTIGATOR_ID}:`;
  const names = new Set([...ctx.config.locations.map((l) => l.name), ...states.filter((s) => s.id.startsWith(prefix)).map((s) => s.id.slice(prefix.length))]);
  const locations = [...names].sort().map((name) => {
    const state = states.find((s) => s.id === automationLocationStateId(name));
    return { location: name, status: switches.stoppedLocations.has(name) ? "STOPPED" : "RUNNING", overridden: state !== undefined, updatedAt: state?.updatedAt ?? null };
  });
  const global = states.find((s) => s.id === AUTOMATION_INSTIGATOR_ID);
  const ticks = (await ctx.storage.listTicks(AUTOMATION_INSTIGATOR_ID, { limit: 5 })).items;
  if (options.json) {
    ctx.out(JSON.stringify({ status: switches.global ? "RUNNING" : "STOPPED", overridden: global !== undefined, locations, ticks }, null, 2));
    return 0;
  }
  ctx.out(`automation: ${switches.global ? pc.green("RUNNING") : pc.yellow("STOPPED")}${global === undefined ? pc.dim(" (default)") : ""}`);
  if (locations.length > 0) {
    ctx.out(table(["LOCATION", "AUTOMATION"], locations.map((l) => [l.location, `${l.status}${l.overridden ? "" : " (default)"}`])));
  }
  if (ticks.length === 0) ctx.out("no automation tick yet (a running daemon ticks every 30 s when some asset declares a condition)");
  else {
    ctx.out("last ticks:");
    ctx.out(tickTable(ticks));
  }
  return 0;
}

function tickTable(ticks: readonly Tick[]): string {
  return table(
    ["TICK", "TIME", "STATUS", "RUNS", "NOTE"],
    ticks.map((t) => [String(t.tickId), formatTime(t.tickTime), colorStatus(t.status), String(t.runIds.length), tickNote(t)]),
  );
}

/** The automation loop's ticks, newest first. */
export async function listAutomationTicks(ctx: CommandContext, options: { limit?: string; cursor?: string; json?: boolean }): Promise<number> {
  const limit = options.limit === undefined ? 20 : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new InvalidConfigError("--limit", `expected an integer from 1 to 1000, got ${JSON.stringify(options.limit)}`);
  const page = await ctx.storage.listTicks(AUTOMATION_INSTIGATOR_ID, { limit, cursor: options.cursor ?? null });
  if (options.json) {
    ctx.out(JSON.stringify({ ticks: page.items, nextCursor: page.nextCursor }, null, 2));
    return 0;
  }
  if (page.items.length === 0) {
    ctx.out("no automation tick yet");
    return 0;
  }
  ctx.out(tickTable(page.items));
  if (page.nextCursor !== null) ctx.out(pc.dim(`more: flyt automation ticks --cursor ${page.nextCursor}`));
  return 0;
}
