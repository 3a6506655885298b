/**
 * Launching a run from the CLI and following it to the end: used by `materialize` and
 * `runs reexecute`. Either this process runs it (the run was created claimed, STARTING, so no
 * daemon launches it too) or — for a run of a location this CLI cannot load, e.g. a `url:` one —
 * the run is queued for the daemon and followed through storage. Ctrl-C cancels the run (the run
 * ends CANCELED, its processes are reaped); a second Ctrl-C stops waiting for a graceful end.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { InvalidConfigError, isTerminalRunStatus, PARTITION_RANGE_END_TAG, PARTITION_RANGE_START_TAG, type RunRecord } from "@flyt/core";
import type { RunLauncher } from "@flyt/contracts";
import { InProcessLauncher, SubprocessLauncher } from "@flyt/run-worker";
import pc from "picocolors";
import type { LauncherName } from "../config.js";
import type { CommandContext } from "../context.js";
import { ProgressPrinter, runOutcomeLine } from "../render/progress.js";
import { formatDuration } from "../render/format.js";

/** Refuses launchers the CLI cannot drive itself; call before a run is recorded. */
export function assertCliLauncher(name: LauncherName): asserts name is "subprocess" | "in-process" {
  if (name === "kubernetes") {
    throw new InvalidConfigError(
      "launcher",
      "the kubernetes launcher starts runs from the daemon (`flyt daemon`), for code locations with an image; run this command with --launcher subprocess, or queue the run through the webserver",
    );
  }
}

/** The launcher for runs the CLI starts and follows itself (the Kubernetes launcher runs through the daemon). */
export function createLauncher(name: LauncherName): RunLauncher {
  assertCliLauncher(name);
  return localLauncher(name);
}

/**
 * The launcher for runs of file locations: in this process when `execution.launcher` says so,
 * else a subprocess per run (with `kubernetes`, only locations with an image run as Jobs).
 */
export function localLauncher(name: LauncherName): RunLauncher {
  return name === "in-process" ? new InProcessLauncher() : new SubprocessLauncher();
}

/** ", partition 2024", ", partitions 2000…2024" (a range run), or "" for a run of no partition. */
function partitionsOf(run: RunRecord): string {
  const start = run.tags[PARTITION_RANGE_START_TAG];
  const end = run.tags[PARTITION_RANGE_END_TAG];
  if (start !== undefined && end !== undefined) return start === end ? `, partition ${start}` : `, partitions ${start}…${end}`;
  return run.partitionKey ? `, partition ${run.partitionKey}` : "";
}

/** Exit codes: 0 success, 1 failure, 130 canceled (like a shell interrupted by SIGINT). */
export function exitCodeFor(run: RunRecord): number {
  switch (run.status) {
    case "SUCCESS":
      return 0;
    case "CANCELED":
    case "CANCELING":
      return 130;
    case "FAILURE":
    case "QUEUED":
    case "STARTING":
    case "STARTED":
      return 1;
  }
}

export async function executeRun(
  ctx: CommandContext,
  run: RunRecord,
  definitionsFile: string,
  options: { verbose: boolean },
): Promise<number> {
  const launcher = createLauncher(ctx.config.execution.launcher);
  const printer = new ProgressPrinter({ write: ctx.out, verbose: options.verbose });
  ctx.out(
    pc.dim(
      `Run ${run.runId}: ${run.assetKeys.length} asset${run.assetKeys.length === 1 ? "" : "s"}` +
        `${partitionsOf(run)} · ${launcher.name} launcher · parallelism ${ctx.config.execution.parallelism}`,
    ),
  );
  const handle = launcher.launch({
    run,
    definitionsFile,
    storage: ctx.storage,
    parallelism: ctx.config.execution.parallelism,
    onEvent: (event) => printer.onEvent(event),
  });

  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts += 1;
    if (interrupts === 1) {
      ctx.err(pc.yellow(`\n${signal} received: canceling run ${run.runId} (press Ctrl-C again to stop waiting)`));
      handle.cancel(`${signal} from the terminal`).catch((error: unknown) => ctx.err(`cancel failed: ${String(error)}`));
    } else {
      ctx.err(pc.red("Stopping without waiting for the run to end."));
      process.exit(130);
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // Canceled elsewhere (the UI, the API): RUN_CANCELING is recorded; stop the worker this process runs.
  const watchCancel = setInterval(() => {
    if (interrupts > 0) return;
    void ctx.storage
      .getRun(run.runId)
      .then(async (current) => {
        if (current?.status !== "CANCELING" || interrupts > 0) return;
        interrupts = 1;
        const last = (await ctx.storage.getEvents(run.runId, { types: ["RUN_CANCELING"] })).at(-1)?.body;
        const reason = last?.type === "RUN_CANCELING" && last.message !== undefined ? last.message : "Run canceled";
        ctx.err(pc.yellow(`\nRun ${run.runId} was canceled elsewhere (${reason}); stopping it`));
        await handle.cancel(reason, { recorded: true });
      })
      .catch(() => undefined);
  }, EXTERNAL_CANCEL_POLL_MS);
  watchCancel.unref();
  try {
    const finished = await handle.done;
    ctx.out(runOutcomeLine(finished));
    if (finished.status === "FAILURE") await printFailure(ctx, finished);
    return exitCodeFor(finished);
  } finally {
    clearInterval(watchCancel);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/** How often a run this process executes is checked for a cancel recorded elsewhere. */
const EXTERNAL_CANCEL_POLL_MS = 1_000;

/** How often a followed run's new events are read. */
const FOLLOW_POLL_MS = 200;
/** A queued run not claimed after this long gets a hint that no daemon may be launching it. */
const UNCLAIMED_HINT_MS = 15_000;

/**
 * Follows a run someone else launches (the daemon's queue): prints its events as they are
 * stored until it ends. Ctrl-C records the cancellation (RUN_CANCELING, or RUN_CANCELED while it
 * is still queued); the daemon that launched it stops its worker.
 */
export async function followRun(ctx: CommandContext, run: RunRecord, options: { verbose: boolean }): Promise<number> {
  const printer = new ProgressPrinter({ write: ctx.out, verbose: options.verbose });
  ctx.out(pc.dim(`Run ${run.runId}: ${run.assetKeys.length} asset${run.assetKeys.length === 1 ? "" : "s"}${partitionsOf(run)} · queued for the daemon (location ${run.location})`));
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts += 1;
    if (interrupts === 1) {
      ctx.err(pc.yellow(`\n${signal} received: canceling run ${run.runId} (press Ctrl-C again to stop waiting)`));
      void cancelFollowed(ctx, run.runId, `${signal} from the terminal`).catch((error: unknown) => ctx.err(`cancel failed: ${String(error)}`));
    } else {
      ctx.err(pc.red("Stopping without waiting for the run to end."));
      process.exit(130);
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const started = Date.now();
  let hinted = false;
  let afterId = 0;
  try {
    for (;;) {
      const current = await ctx.storage.getRun(run.runId);
      for (;;) {
        const events = await ctx.storage.getEvents(run.runId, { afterId, limit: 1000 });
        for (const event of events) {
          afterId = event.id;
          printer.onEvent(event);
        }
        if (events.length < 1000) break;
      }
      if (current === null) throw new InvalidConfigError("runs", `run ${run.runId} disappeared from storage`);
      if (isTerminalRunStatus(current.status)) {
        ctx.out(runOutcomeLine(current));
        if (current.status === "FAILURE") await printFailure(ctx, current);
        return exitCodeFor(current);
      }
      if (!hinted && current.status === "QUEUED" && Date.now() - started > UNCLAIMED_HINT_MS) {
        hinted = true;
        ctx.err(pc.yellow(`Run ${run.runId} is still QUEUED after ${Math.round(UNCLAIMED_HINT_MS / 1000)} s: is a daemon running (\`flyt daemon status\`), and are queue limits full?`));
      }
      await sleep(FOLLOW_POLL_MS);
    }
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

async function cancelFollowed(ctx: CommandContext, runId: string, reason: string): Promise<void> {
  const current = await ctx.storage.getRun(runId);
  if (current === null || isTerminalRunStatus(current.status) || current.status === "CANCELING") return;
  // Still queued: nobody runs it, it ends here (a racing claim loses: claims need QUEUED).
  const type = current.status === "QUEUED" ? "RUN_CANCELED" : "RUN_CANCELING";
  await ctx.storage.appendEvents([{ runId, seq: null, timestamp: Date.now(), stepKey: null, body: { type, message: reason } }]);
}

/** Prints each failed step's asset keys and error (message and the top of the stack). */
async function printFailure(ctx: CommandContext, run: RunRecord): Promise<void> {
  const failures = await ctx.storage.getEvents(run.runId, { types: ["STEP_FAILURE", "RUN_FAILURE"], limit: 100 });
  for (const event of failures) {
    if (event.body.type === "STEP_FAILURE") {
      ctx.err(pc.red(`\nStep ${event.stepKey ?? "?"} failed (asset ${event.body.assetKeys.join(", ")}) after ${formatDuration(event.body.durationMs)}:`));
      const stack = event.body.error.stack ?? `${event.body.error.name}: ${event.body.error.message}`;
      ctx.err(stack.split("\n").slice(0, 12).map((l) => `  ${l}`).join("\n"));
    } else if (event.body.type === "RUN_FAILURE" && failures.every((e) => e.body.type !== "STEP_FAILURE")) {
      ctx.err(pc.red(`\n${event.body.message}`));
      if (event.body.error?.stack) ctx.err(event.body.error.stack.split("\n").slice(0, 12).map((l) => `  ${l}`).join("\n"));
    }
  }
  ctx.err(pc.dim(`\nDetails: flyt runs show ${run.runId}   Retry: flyt runs reexecute ${run.runId} --from-failure`));
}
