/**
 * The errors of backfill validation and planning. Both are the caller's fault (code INVALID_INPUT),
 * so an API edge shows their message, which names the field at fault (`partitions.from`,
 * `policy.maxPartitionsPerRun`, …) as it appears in the request.
 */
import { FlytError } from "@flyt/core";

/**
 * A backfill request that cannot be accepted: `field` is the path of the offending field in the
 * request (`selection`, `partitions.keys[3]`, `tags.flyt/x`).
 * @example
 * try { validateBackfillRequest(input, graph, { now: Date.now() }); }
 * catch (error) { if (error instanceof InvalidBackfillRequestError) console.log(error.field); }
 */
export class InvalidBackfillRequestError extends FlytError {
  constructor(
    readonly field: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super("INVALID_INPUT", `Invalid backfill request: ${field}: ${reason}`, options);
  }
}

/**
 * A stored request the daemon could not plan against the workspace as it is now (an asset was
 * removed, a partition key no longer exists, the previous backfill of a `failed` set is unknown).
 * The backfill is marked FAILED with this message.
 * @example
 * throw new BackfillPlanningError("partitions.backfillId", "no backfill with id \"b-1\"");
 */
export class BackfillPlanningError extends FlytError {
  constructor(
    readonly field: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super("INVALID_INPUT", `Cannot plan the backfill: ${field}: ${reason}`, options);
  }
}
