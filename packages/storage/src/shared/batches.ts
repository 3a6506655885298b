/**
 * Validation and preparation shared by the batch methods (`createScheduledRuns`, `claimQueuedRuns`,
 * `getRuns`): the scheduler and the run queue write and read hundreds of runs per pass, and one
 * transaction of multi-row statements is what keeps that under a second.
 */
import type { EventRecord, NewRun, RunRecord } from "@flyt/core";
import { StorageInputError } from "../errors.js";
import type { ScheduledRun } from "../storage.js";
import { prepareNewRun } from "./runs.js";
import { validateEpochMs, validateId, validateNewRun } from "./validate.js";

/** Most items one batch call accepts (bounded memory and transaction length). */
export const MAX_BATCH = 10_000;

export interface PreparedScheduledRun {
  instigatorId: string;
  tickTime: number;
  record: RunRecord;
  event: EventRecord;
}

function checkBatch(items: unknown, what: string): void {
  if (!Array.isArray(items)) throw new StorageInputError(what, "must be an array");
  if (items.length > MAX_BATCH) throw new StorageInputError(what, `at most ${MAX_BATCH} items per call, got ${items.length}`);
}

/** Validates a batch of scheduled runs and builds each run's row and RUN_QUEUED event. */
export function prepareScheduledRuns(items: ScheduledRun[], now: number): PreparedScheduledRun[] {
  checkBatch(items, "scheduled runs");
  return items.map((item, index) => {
    if (item === null || typeof item !== "object") throw new StorageInputError(`scheduled run #${index}`, "must be an object");
    const instigatorId = validateId(item.instigatorId, `instigator id of scheduled run #${index}`);
    const tickTime = validateEpochMs(item.tickTime, `tick time of scheduled run #${index} (${instigatorId})`);
    if (item.run === null || typeof item.run !== "object") throw new StorageInputError(`scheduled run #${index} (${instigatorId})`, "run must be an object");
    if (item.run.instigator != null && item.run.instigator !== instigatorId) {
      throw new StorageInputError(`scheduled run #${index} (${instigatorId})`, `run.instigator ${JSON.stringify(item.run.instigator)} differs from the instigator id`);
    }
    if (typeof item.run.runKey !== "string" || item.run.runKey === "") {
      throw new StorageInputError(`scheduled run #${index} (${instigatorId})`, "needs a run key: scheduled runs are deduplicated by (instigator, run key)");
    }
    if (item.run.status !== undefined && item.run.status !== "QUEUED") {
      throw new StorageInputError(`scheduled run #${index} (${instigatorId})`, `scheduled runs start QUEUED, got status ${item.run.status}`);
    }
    const run: NewRun = validateNewRun({ ...item.run, instigator: instigatorId });
    const { record, event } = prepareNewRun(run, now);
    return { instigatorId, tickTime, record, event };
  });
}

/** Validates a list of run ids and drops duplicates (order kept). */
export function validateRunIdList(runIds: string[], what: string): string[] {
  checkBatch(runIds, what);
  runIds.forEach((id, i) => validateId(id, `${what} #${i}`));
  return [...new Set(runIds)];
}
