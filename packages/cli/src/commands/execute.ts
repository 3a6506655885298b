/**
 * Launching a run from the CLI and following it to the end: used by `materialize` and
 * `runs reexecute`. Ctrl-C cancels the run (the run ends CANCELED, its processes are reaped);
 * a second Ctrl-C stops waiting for a graceful end.
 */
import { InvalidConfigError, type RunRecord } from "@flyt/core";
import { InProcessLauncher, SubprocessLauncher, type RunLauncher } from "@flyt/run-worker";
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
  return name === "in-process" ? new InProcessLauncher() : new SubprocessLauncher();
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
        `${run.partitionKey ? `, partition ${run.partitionKey}` : ""} · ${launcher.name} launcher · parallelism ${ctx.config.execution.parallelism}`,
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
  try {
    const finished = await handle.done;
    ctx.out(runOutcomeLine(finished));
    if (finished.status === "FAILURE") await printFailure(ctx, finished);
    return exitCodeFor(finished);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
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
