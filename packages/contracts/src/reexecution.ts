/**
 * Re-execution: a new run with the parent's selection, partition, tags and location. From
 * failure, only the steps that did not succeed run again — failed, skipped, canceled, and planned
 * but never started (the parent's RUN_PLANNED lists them) — while its successful steps are treated
 * as done (the planner counts upstream steps outside the plan as satisfied).
 */
import { FlytError, isTerminalRunStatus, RunNotFoundError, type NewRun } from "@flyt/core";
import type { Storage } from "@flyt/storage";
import { summarizeRun } from "./summary.js";

/** The parent run cannot be re-executed as asked (still running, or nothing failed). */
export class ReexecutionError extends FlytError {
  constructor(
    readonly parentRunId: string,
    message: string,
  ) {
    super("INVALID_SELECTION", message);
  }
}

/** Reads at most this many events per page while collecting a parent's step events. */
const PAGE = 1000;

export async function createReexecution(
  storage: Storage,
  parentRunId: string,
  options: { fromFailure: boolean },
): Promise<NewRun> {
  const parent = await storage.getRun(parentRunId);
  if (parent === null) throw new RunNotFoundError(parentRunId);
  if (!isTerminalRunStatus(parent.status)) {
    throw new ReexecutionError(
      parentRunId,
      `Run ${parentRunId} is still ${parent.status}; wait for it to finish (or cancel it with \`flyt runs cancel ${parentRunId}\`) before re-executing it.`,
    );
  }

  const run: NewRun = {
    selection: parent.selection,
    assetKeys: [...parent.assetKeys],
    stepKeys: parent.stepKeys === null ? null : [...parent.stepKeys],
    partitionKey: parent.partitionKey,
    tags: { ...parent.tags },
    origin: "manual",
    parentRunId: parent.runId,
    rootRunId: parent.rootRunId ?? parent.runId,
    location: parent.location,
  };
  if (!options.fromFailure) return run;

  if (parent.status === "SUCCESS") {
    throw new ReexecutionError(
      parentRunId,
      `Run ${parentRunId} succeeded: no step failed, so there is nothing to re-execute from failure. Re-execute it without --from-failure to run every step again.`,
    );
  }

  const events = [];
  let afterId: number | undefined = undefined;
  for (;;) {
    const page = await storage.getEvents(parentRunId, {
      limit: PAGE,
      ...(afterId === undefined ? {} : { afterId }),
      types: ["RUN_PLANNED", "STEP_START", "STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED", "STEP_CANCELED", "STEP_RETRY"],
    });
    events.push(...page);
    if (page.length < PAGE) break;
    afterId = page[page.length - 1]!.id;
  }
  const steps = summarizeRun(events).steps;
  if (steps.length === 0) {
    // The parent ended before planning (e.g. its definitions failed to load): every step is still to do.
    return run;
  }
  const notSucceeded = steps.filter((step) => step.status !== "SUCCESS").map((step) => step.stepKey);
  if (notSucceeded.length === 0) {
    throw new ReexecutionError(
      parentRunId,
      `Run ${parentRunId} ended ${parent.status}, but every step it started succeeded; re-execute it without --from-failure.`,
    );
  }
  run.stepKeys = notSucceeded;
  return run;
}
