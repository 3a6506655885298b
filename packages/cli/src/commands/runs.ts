/**
 * `flyt runs list|show|reexecute`: inspect recorded runs and run them again.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { InvalidConfigError, RUN_STATUSES, RunNotFoundError, type RunRecord, type RunStatus, type StoredEvent } from "@flyt/core";
import { createReexecution, summarizeRun } from "@flyt/contracts";
import pc from "picocolors";
import type { CommandContext } from "../context.js";
import { colorStatus, formatDuration, formatMetadataValue, formatTime, table } from "../render/format.js";
import { assertCliLauncher, executeRun, followRun } from "./execute.js";
import { DEFINITIONS_FILE_TAG } from "./materialize.js";

export interface ListOptions {
  status?: string[];
  limit?: string;
  cursor?: string;
  json?: boolean;
}

export async function listRuns(ctx: CommandContext, options: ListOptions): Promise<number> {
  const statuses = (options.status ?? []).flatMap((s) => s.split(",")).map((s) => s.trim().toUpperCase());
  for (const status of statuses) {
    if (!(RUN_STATUSES as readonly string[]).includes(status)) {
      throw new InvalidConfigError("--status", `unknown run status ${JSON.stringify(status)}; use one of ${RUN_STATUSES.join(", ")}`);
    }
  }
  const limit = options.limit === undefined ? 20 : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new InvalidConfigError("--limit", `expected an integer from 1 to 1000, got ${JSON.stringify(options.limit)}`);
  }
  const page = await ctx.storage.listRuns(
    statuses.length ? { statuses: statuses as RunStatus[] } : {},
    { limit, cursor: options.cursor ?? null },
  );
  if (options.json) {
    ctx.out(JSON.stringify({ runs: page.items, nextCursor: page.nextCursor }, null, 2));
    return 0;
  }
  if (page.items.length === 0) {
    ctx.out("No runs yet. Start one with: flyt materialize -f <definitions.ts> --select '*'");
    return 0;
  }
  ctx.out(
    table(
      ["RUN ID", "STATUS", "SELECTION", "PARTITION", "CREATED", "DURATION"],
      page.items.map((run) => [
        run.runId,
        colorStatus(run.status),
        truncate(run.selection, 40),
        run.partitionKey ?? "-",
        formatTime(run.createdAt),
        formatDuration(run.startedAt && run.endedAt ? run.endedAt - run.startedAt : null),
      ]),
    ),
  );
  if (page.nextCursor) ctx.out(pc.dim(`More: flyt runs list --cursor ${page.nextCursor}`));
  return 0;
}

/** Loads every event of a run page by page (runs show needs all of them). */
async function allEvents(ctx: CommandContext, runId: string): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  let afterId: number | undefined;
  for (;;) {
    const page = await ctx.storage.getEvents(runId, { limit: 1000, ...(afterId !== undefined ? { afterId } : {}) });
    events.push(...page);
    if (page.length < 1000) return events;
    afterId = page[page.length - 1]!.id;
  }
}

async function requireRun(ctx: CommandContext, runId: string): Promise<RunRecord> {
  const run = await ctx.storage.getRun(runId);
  if (!run) throw new RunNotFoundError(runId);
  return run;
}

export async function showRun(ctx: CommandContext, runId: string, options: { json?: boolean }): Promise<number> {
  const run = await requireRun(ctx, runId);
  const events = await allEvents(ctx, runId);
  const summary = summarizeRun(events);
  if (options.json) {
    ctx.out(JSON.stringify({ run, summary, events }, null, 2));
    return 0;
  }
  const o = ctx.out;
  o(`${pc.bold("Run")} ${run.runId}  ${colorStatus(run.status)}`);
  o(`  selection  ${run.selection}  (${run.assetKeys.length} assets)`);
  if (run.partitionKey) o(`  partition  ${run.partitionKey}`);
  o(`  origin     ${run.origin}${run.parentRunId ? `, re-execution of ${run.parentRunId}` : ""}`);
  o(`  created    ${formatTime(run.createdAt)}`);
  o(`  started    ${formatTime(run.startedAt)}   ended ${formatTime(run.endedAt)}   took ${formatDuration(run.startedAt && run.endedAt ? run.endedAt - run.startedAt : null)}`);
  const userTags = Object.entries(run.tags).filter(([k]) => !k.startsWith("flyt/"));
  if (userTags.length) o(`  tags       ${userTags.map(([k, v]) => `${k}=${v}`).join(" ")}`);

  o("");
  o(pc.bold("Steps"));
  o(
    table(
      ["STEP", "STATUS", "ATTEMPTS", "STARTED", "DURATION"],
      summary.steps.map((s) => [s.stepKey, colorStatus(s.status), String(s.attempts), formatTime(s.startedAt), formatDuration(s.durationMs)]),
    ),
  );
  for (const step of summary.steps) {
    if (step.error) o(pc.red(`  ${step.stepKey}: ${step.error.name}: ${step.error.message.split("\n")[0] ?? ""}`));
  }

  const materializations = events.filter((e) => e.body.type === "ASSET_MATERIALIZATION");
  if (materializations.length) {
    o("");
    o(pc.bold("Materializations"));
    for (const event of materializations) {
      if (event.body.type !== "ASSET_MATERIALIZATION") continue;
      o(`  ${event.body.assetKey}${event.body.partition ? ` [${event.body.partition}]` : ""}`);
      for (const [label, value] of Object.entries(event.body.metadata)) o(`    ${pc.dim(label)}  ${formatMetadataValue(value)}`);
    }
  }

  const output = events.filter((e) => e.body.type === "LOG" || e.body.type === "STEP_OUTPUT");
  if (output.length) {
    o("");
    o(pc.bold("Logs and captured output"));
    for (const event of output) {
      const time = new Date(event.timestamp).toISOString().slice(11, 23);
      const where = event.stepKey ?? "run";
      if (event.body.type === "LOG") {
        const fields = event.body.fields && Object.keys(event.body.fields).length ? ` ${pc.dim(JSON.stringify(event.body.fields))}` : "";
        o(`  ${pc.dim(time)} ${where} ${levelColor(event.body.level)} ${event.body.message}${fields}`);
      } else if (event.body.type === "STEP_OUTPUT") {
        for (const line of event.body.text.replace(/\n$/, "").split("\n")) o(`  ${pc.dim(time)} ${where} ${pc.dim(event.body.stream)} ${line}`);
        if (event.body.truncated) o(pc.yellow(`  ${where} ${event.body.stream} truncated: output beyond the per-step limit was dropped`));
      }
    }
  }
  return 0;
}

/**
 * Where a re-execution runs: here, with a definitions file (`-f`, the file the parent run came
 * from, or the file flyt.yaml gives its location), or — for a location this CLI has no file for,
 * such as a `url:` location — through the daemon, which launches runs of every configured location.
 */
function reexecutionFile(ctx: CommandContext, parent: RunRecord, given: string | undefined): string | null {
  if (given) {
    const file = resolve(given);
    if (!existsSync(file)) throw new InvalidConfigError("runs reexecute", `-f ${given}: no such file`);
    return file;
  }
  const tagged = parent.tags[DEFINITIONS_FILE_TAG];
  if (tagged) {
    if (!existsSync(tagged)) throw new InvalidConfigError("runs reexecute", `the definitions file of run ${parent.runId} (${tagged}) no longer exists; pass another with -f`);
    return tagged;
  }
  const location = ctx.config.locations.find((l) => l.name === parent.location);
  return location !== undefined && "file" in location ? location.file : null;
}

export async function reexecuteRun(
  ctx: CommandContext,
  runId: string,
  options: { fromFailure?: boolean; file?: string; verbose?: boolean },
): Promise<number> {
  const parent = await requireRun(ctx, runId);
  const file = reexecutionFile(ctx, parent, options.file);
  const request = await createReexecution(ctx.storage, runId, { fromFailure: options.fromFailure ?? false });
  if (file === null) {
    // The daemon launches it: refuse early rather than leave a run nobody will start.
    const { DAEMON_LEASE_NAME } = await import("@flyt/daemon");
    if ((await ctx.storage.getLease(DAEMON_LEASE_NAME)) === null) {
      throw new InvalidConfigError(
        "runs reexecute",
        `run ${runId} belongs to code location ${JSON.stringify(parent.location)}, which this command has no definitions file for, and no daemon is running to launch it: start \`flyt daemon\` (or \`flyt dev\`), or pass -f <definitions.ts>`,
      );
    }
    const { run } = await ctx.storage.createRun(request);
    if (run.stepKeys) ctx.out(pc.dim(`Re-executing from failure: ${run.stepKeys.join(", ")}`));
    return followRun(ctx, run, { verbose: options.verbose ?? false });
  }
  assertCliLauncher(ctx.config.execution.launcher);
  // Created claimed (STARTING): this process runs it, so no daemon's queue may launch it too.
  const { run } = await ctx.storage.createRun({ ...request, tags: { ...request.tags, [DEFINITIONS_FILE_TAG]: file }, status: "STARTING" });
  if (run.stepKeys) ctx.out(pc.dim(`Re-executing from failure: ${run.stepKeys.join(", ")}`));
  return executeRun(ctx, run, file, { verbose: options.verbose ?? false });
}

function levelColor(level: string): string {
  switch (level) {
    case "error":
      return pc.red("ERROR");
    case "warn":
      return pc.yellow("WARN ");
    case "debug":
      return pc.dim("DEBUG");
    default:
      return pc.cyan("INFO ");
  }
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
