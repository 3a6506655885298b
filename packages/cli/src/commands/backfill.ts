/**
 * `flyt backfill` and `flyt backfills retry`: a backfill request from the command line, checked
 * against the loaded definitions (validateBackfillRequest, as the API checks it), stored
 * REQUESTED, then followed to its end. A running daemon drives it; when none is alive, this command
 * drives it itself with the daemon's components (backfill-driver.ts) and hands over to a daemon
 * that starts meanwhile. Run keys per chunk make either way launch every chunk exactly once.
 */
import { setTimeout as sleep } from "node:timers/promises";
import {
  BACKFILL_TAG,
  CALLER_FAULT_CODES,
  FlytError,
  InvalidConfigError,
  isTerminalBackfillStatus,
  PARTITION_RANGE_END_TAG,
  PARTITION_RANGE_START_TAG,
  type AssetGraph,
  type BackfillRecord,
  type BackfillRequest,
} from "@flyt/core";
import { requestedPartitionKeys, validateBackfillRequest } from "@flyt/backfills";
import pc from "picocolors";
import type { CommandContext } from "../context.js";
import { BackfillProgress, colorBackfillStatus, countsLine, describeIndexRanges, describePartitionSet, keysAtFor } from "../render/backfill.js";
import { formatDuration } from "../render/format.js";
import { backfillRequestFromFlags, cliRequester, type BackfillFlags } from "./backfill-request.js";
import { leaseHolder, liveDaemon, loadBackfillWorkspace, startBackfillDriver, type BackfillDriver, type BackfillWorkspace } from "./backfill-driver.js";
import { requireBackfill } from "./backfills.js";

export interface BackfillCommandOptions extends BackfillFlags {
  file?: string[];
  location?: string[];
  /** false with --no-wait. */
  wait?: boolean;
  json?: boolean;
}

/** Exit code of bad input: a malformed flag, an unknown selection, a key that is no partition. */
export const BAD_INPUT_EXIT_CODE = 2;
/** Exit code after Ctrl-C, as for a run (a shell interrupted by SIGINT). */
export const INTERRUPTED_EXIT_CODE = 130;
/** How often a followed backfill is read. */
const FOLLOW_POLL_MS = 250;
/** How often it checks who drives: while this command drives, whether a daemon waits to take over; else whether nobody drives any more. */
const DAEMON_CHECK_MS = 2_000;
/** A backfill still REQUESTED after this long while a daemon is said to drive it gets a hint. */
const UNPLANNED_HINT_MS = 15_000;

/** Exit code for a backfill that ended: 0 only for COMPLETED_SUCCESS. */
export function exitCodeForBackfill(backfill: BackfillRecord): number {
  return backfill.status === "COMPLETED_SUCCESS" ? 0 : 1;
}

/** Bad input (exit 2): an error whose message is meant for whoever typed the command. */
function isBadInput(error: unknown): error is FlytError {
  return error instanceof FlytError && (CALLER_FAULT_CODES as ReadonlySet<string>).has(error.code);
}

async function badInput<T>(ctx: CommandContext, work: () => Promise<T> | T): Promise<{ value: T } | { code: number }> {
  try {
    return { value: await work() };
  } catch (error) {
    if (!isBadInput(error)) throw error;
    ctx.err(pc.red(`error: ${error.message}`));
    return { code: BAD_INPUT_EXIT_CODE };
  }
}

/**
 * Checks a request against the graph, looking up first in storage what validation cannot know
 * (whether dynamic partition keys and a referenced backfill exist).
 */
export async function validateAgainst(ctx: CommandContext, graph: AssetGraph, request: BackfillRequest): Promise<BackfillRequest> {
  const keys = requestedPartitionKeys(request);
  const dynamicNames = new Set<string>();
  for (const node of graph.nodes.values()) if (node.partitions?.kind === "dynamic") dynamicNames.add(node.partitions.name);
  const existing = new Map<string, Set<string>>();
  if (keys.length > 0) {
    for (const name of dynamicNames) existing.set(name, new Set((await ctx.storage.getDynamicPartitions(name, keys)).map((p) => p.key)));
  }
  const set = request.partitions;
  const referenced = set.kind === "failed" && set.backfillId !== undefined ? await ctx.storage.getBackfill(set.backfillId) : null;
  return validateBackfillRequest(request, graph, {
    now: Date.now(),
    dynamicKeyExists: (name, key) => existing.get(name)?.has(key) ?? false,
    backfillExists: (id) => referenced?.backfillId === id,
  });
}

export async function launchBackfill(ctx: CommandContext, options: BackfillCommandOptions): Promise<number> {
  const flags = await badInput(ctx, () => backfillRequestFromFlags(options));
  if ("code" in flags) return flags.code;
  // Loading is not the user's input: a definitions file that does not load fails with exit 1.
  const workspace = await loadBackfillWorkspace(ctx, options);
  const checked = await badInput(ctx, () => validateAgainst(ctx, workspace.graph, flags.value));
  if ("code" in checked) return checked.code;
  return storeAndFollow(ctx, checked.value, workspace, options);
}

/**
 * A new backfill over the targets of `backfillId` that failed or were skipped, with its selection,
 * policy, tags and limit. Refused (exit 2) while it is still going or when nothing failed.
 */
export async function retryBackfill(ctx: CommandContext, backfillId: string, options: BackfillCommandOptions): Promise<number> {
  const found = await badInput(ctx, async () => {
    const previous = await requireBackfill(ctx, backfillId);
    if (!isTerminalBackfillStatus(previous.status)) {
      throw new InvalidConfigError("backfills retry", `backfill ${backfillId} is still ${previous.status}; wait for it to end (flyt backfills show ${backfillId}) or cancel it first`);
    }
    if (previous.status === "FAILED") {
      throw new InvalidConfigError("backfills retry", `backfill ${backfillId} could not be planned (${previous.error ?? "no reason recorded"}), so it has no targets to retry; start a new one with flyt backfill`);
    }
    if (previous.counts.failed + previous.counts.skipped === 0) {
      throw new InvalidConfigError(
        "backfills retry",
        `backfill ${backfillId} has no failed or skipped targets to retry${previous.counts.canceled > 0 ? ` (${previous.counts.canceled} were canceled: flyt backfill --missing covers those)` : ""}`,
      );
    }
    return previous;
  });
  if ("code" in found) return found.code;
  const previous = found.value;
  const workspace = await loadBackfillWorkspace(ctx, options);
  const request: BackfillRequest = { ...previous.request, partitions: { kind: "failed", backfillId: previous.backfillId }, requestedBy: cliRequester() };
  const checked = await badInput(ctx, () => validateAgainst(ctx, workspace.graph, request));
  if ("code" in checked) return checked.code;
  return storeAndFollow(ctx, checked.value, workspace, options);
}

async function storeAndFollow(ctx: CommandContext, request: BackfillRequest, workspace: BackfillWorkspace, options: BackfillCommandOptions): Promise<number> {
  const backfill = await ctx.storage.createBackfill({ request });
  // With --json stdout carries only the record: what people read goes to stderr.
  const say = options.json ? ctx.err : ctx.out;
  say(pc.dim(`Backfill ${backfill.backfillId}: ${request.selection} × ${describePartitionSet(request)}`));
  if (options.wait === false) {
    const daemon = await liveDaemon(ctx);
    if (options.json) ctx.out(JSON.stringify(backfill, null, 2));
    say(`Requested. Follow it with: flyt backfills show ${backfill.backfillId}`);
    if (daemon === null) ctx.err(pc.yellow("No daemon is running: start `flyt daemon` (or `flyt dev`) to drive it, or run this command without --no-wait."));
    return 0;
  }
  return followBackfill(ctx, backfill, workspace, { json: options.json ?? false });
}

/**
 * Follows a backfill until it ends: drives it while no daemon leads (handing over to one that
 * starts), shows progress, prints the outcome. Ctrl-C stops following — and driving: no new run,
 * runs in flight end (a second Ctrl-C cancels them); the backfill itself goes on in a daemon, or
 * waits for one.
 */
export async function followBackfill(
  ctx: CommandContext,
  backfill: BackfillRecord,
  workspace: BackfillWorkspace,
  options: { json: boolean },
): Promise<number> {
  const id = backfill.backfillId;
  const say = options.json ? ctx.err : ctx.out;
  const progress = new BackfillProgress({ tty: options.json ? null : (ctx.tty ?? null), line: (text) => say(pc.dim(text)) });
  let driver: BackfillDriver | null = null;
  /** What was last said about who drives, so each change is said once. */
  let drivenBy = "";
  const tell = (key: string, text: string): void => {
    if (key === drivenBy) return;
    drivenBy = key;
    progress.finish();
    say(pc.dim(text));
  };
  /** Drives the backfill when nobody leads; otherwise says who does. */
  const settleDriver = async (): Promise<void> => {
    const holder = await leaseHolder(ctx);
    if (holder.kind === "daemon") {
      tell(`daemon:${holder.lease.holder}`, `Daemon ${holder.lease.holder} drives the backfill; following it (Ctrl-C stops following, not the backfill).`);
      return;
    }
    if (holder.kind === "none") {
      driver = await startBackfillDriver(ctx, workspace, id);
      if (driver !== null) {
        tell("self", `No daemon is running: this command drives the backfill (${driver.describe()}); a daemon that starts meanwhile takes over.`);
        return;
      }
    }
    const other = holder.kind === "cli" ? holder.lease.holder : "another process";
    tell(
      `wait:${other}`,
      `The daemon's lease is held by ${other} (a \`flyt backfill\` driving its own backfill): this backfill waits until it ends or a daemon starts.`,
    );
  };
  await settleDriver();

  let interrupts = 0;
  /** The driver's stop after Ctrl-C (resolved until then). */
  let stopping: Promise<void> = Promise.resolve();
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupts += 1;
    progress.finish();
    if (driver === null) {
      ctx.err(pc.yellow(`\n${signal}: stopped following backfill ${id}; it goes on without this command (flyt backfills show ${id}; flyt backfills cancel ${id} stops it).`));
      return;
    }
    if (interrupts === 1) {
      ctx.err(pc.yellow(`\n${signal}: launching no more runs of backfill ${id}; waiting for the ${driver.inFlight()} run(s) in flight to end (Ctrl-C again cancels them).`));
      stopping = driver.stop({ cancelRuns: false });
    } else if (interrupts === 2) {
      ctx.err(pc.yellow(`${signal}: canceling the runs in flight.`));
      stopping = driver.stop({ cancelRuns: true });
    } else {
      ctx.err(pc.red("Stopping without waiting for the runs to end."));
      process.exit(INTERRUPTED_EXIT_CODE);
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const started = Date.now();
  let lastCheck = Date.now();
  let hinted = false;
  try {
    for (;;) {
      const current = await ctx.storage.getBackfill(id);
      if (current === null) throw new InvalidConfigError("backfills", `backfill ${id} disappeared from storage`);
      if (interrupts === 0) progress.update(current);
      if (isTerminalBackfillStatus(current.status)) {
        progress.finish();
        if (driver !== null) await (driver as BackfillDriver).stop({ cancelRuns: false });
        await printOutcome(ctx, current, options.json);
        return exitCodeForBackfill(current);
      }
      if (interrupts > 0) {
        if (driver === null) return INTERRUPTED_EXIT_CODE;
        await stopping;
        const after = (await ctx.storage.getBackfill(id)) ?? current;
        ctx.err(
          `Backfill ${id} is ${colorBackfillStatus(after.status)} (${countsLine(after.counts)}). Nothing more is launched until a daemon ` +
            `(flyt daemon, flyt dev) takes it up, launching only what was not launched yet; flyt backfills cancel ${id} abandons it.`,
        );
        return INTERRUPTED_EXIT_CODE;
      }
      if (Date.now() - lastCheck >= DAEMON_CHECK_MS) {
        lastCheck = Date.now();
        if (driver === null) await settleDriver();
        else {
          const standby = await (driver as BackfillDriver).standbyWaiting();
          if (standby !== null) {
            const handedOver: BackfillDriver = driver;
            driver = null;
            // Released now, so the daemon leads at once; the runs launched here end here.
            await handedOver.handOver();
            tell(`daemon:${standby}`, `Daemon ${standby} started: it takes the backfill over; this command launches nothing more and follows it.`);
          }
        }
      }
      if (!hinted && driver === null && current.status === "REQUESTED" && Date.now() - started > UNPLANNED_HINT_MS) {
        hinted = true;
        progress.finish();
        ctx.err(pc.yellow(`Backfill ${id} is still REQUESTED after ${Math.round(UNPLANNED_HINT_MS / 1000)} s: does the daemon serve these code locations (\`flyt daemon status\`)?`));
      }
      await sleep(FOLLOW_POLL_MS);
    }
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    if (driver !== null) await (driver as BackfillDriver).stop({ cancelRuns: false });
  }
}

/** The closing lines: status and counts; what failed, as keys, and how to retry. With --json, the record on stdout. */
async function printOutcome(ctx: CommandContext, backfill: BackfillRecord, json: boolean): Promise<void> {
  const say = json ? ctx.err : ctx.out;
  const took = formatDuration((backfill.endedAt ?? Date.now()) - backfill.createdAt);
  say(`Backfill ${backfill.backfillId} ${colorBackfillStatus(backfill.status)} in ${took}: ${countsLine(backfill.counts)}`);
  if (backfill.error) ctx.err(pc.red(backfill.error));
  for (const asset of backfill.progress) {
    if (asset.failed === "" && asset.skipped === "") continue;
    const status = asset.partitions === "partitioned" ? await ctx.storage.getPartitionStatus(asset.assetKey) : null;
    const keysAt = keysAtFor(ctx.storage, status?.partitions ?? null);
    if (asset.failed !== "") ctx.err(pc.red(`  ${asset.assetKey} failed: ${await describeIndexRanges(asset.failed, keysAt)}`));
    if (asset.skipped !== "") ctx.err(pc.yellow(`  ${asset.assetKey} skipped (upstream failed): ${await describeIndexRanges(asset.skipped, keysAt)}`));
  }
  await printRunFailures(ctx, backfill);
  if (backfill.counts.failed + backfill.counts.skipped > 0) {
    ctx.err(pc.dim(`Details: flyt backfills show ${backfill.backfillId}   Retry the failed targets: flyt backfills retry ${backfill.backfillId}`));
  }
  if (json) ctx.out(JSON.stringify(backfill, null, 2));
}

/** Failed runs of the backfill shown with their first step error (at most this many). */
const FAILURES_SHOWN = 3;

/** The first failed runs of the backfill, each with its partitions and the first line of each step's error. */
async function printRunFailures(ctx: CommandContext, backfill: BackfillRecord): Promise<void> {
  if (backfill.counts.failed === 0) return;
  const failed = await ctx.storage.listRuns({ tags: { [BACKFILL_TAG]: backfill.backfillId }, statuses: ["FAILURE"] }, { limit: FAILURES_SHOWN + 1 });
  for (const run of failed.items.slice(0, FAILURES_SHOWN)) {
    const range = run.tags[PARTITION_RANGE_START_TAG] === undefined ? run.partitionKey : `${run.tags[PARTITION_RANGE_START_TAG]}…${run.tags[PARTITION_RANGE_END_TAG] ?? "?"}`;
    const events = await ctx.storage.getEvents(run.runId, { types: ["STEP_FAILURE", "RUN_FAILURE"], limit: 20 });
    const reasons = events.flatMap((event) =>
      event.body.type === "STEP_FAILURE" ? [`${event.stepKey ?? "?"}: ${firstLine(event.body.error.message)}`] : event.body.type === "RUN_FAILURE" && events.length === 1 ? [firstLine(event.body.message)] : [],
    );
    ctx.err(pc.red(`  run ${run.runId}${range ? ` [${range}]` : ""} failed: ${reasons.join("; ") || "see flyt runs show"}`));
  }
  if (failed.items.length > FAILURES_SHOWN) ctx.err(pc.dim(`  … more failed runs: flyt runs list --status FAILURE`));
}

function firstLine(text: string): string {
  const line = text.split("\n")[0] ?? "";
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}
