/**
 * Launching, canceling and retrying backfills from the API: the one path GraphQL
 * (`launchBackfill`, `cancelBackfill`, `retryBackfill`) and REST (`/api/v1/backfills`) share. A
 * request is validated by @flyt/backfills against the merged asset graph of every location (with
 * dynamic partition keys and the previous backfill of a `failed` set looked up in storage first),
 * stored REQUESTED, and left to the daemon, which plans it and launches its runs through the run
 * queue (docs/backfills.md). Expected failures come back as union members (`__typename`).
 */
import { isTerminalBackfillStatus, type BackfillRecord, type BackfillStatus } from "@flyt/core";
import { InvalidBackfillRequestError, requestedPartitionKeys, validateBackfillRequest } from "@flyt/backfills";
import type { Storage } from "@flyt/storage";
import type { MergedGraphView } from "./context.js";
import { declaredDynamicPartitions } from "./dynamic-partitions.js";
import { assetProgress } from "./resolvers/backfills.js";

export interface BackfillDeps {
  storage: Storage;
  /** The merged graph of every loaded location (a backfill may span locations). */
  graph: () => MergedGraphView;
  now?: () => number;
}

export type LaunchBackfillOutcome =
  | { __typename: "LaunchBackfillSuccess"; backfill: BackfillRecord }
  /** `field` names the input at fault as it appears in the request (`partitions.to`, `policy.maxPartitionsPerRun`). */
  | { __typename: "InvalidBackfillError"; message: string; field: string | null }
  | { __typename: "BackfillNotFoundError"; id: string; message: string };

export type CancelBackfillOutcome =
  | { __typename: "CancelBackfillSuccess"; backfill: BackfillRecord }
  | { __typename: "BackfillNotFoundError"; id: string; message: string }
  | { __typename: "BackfillNotCancelableError"; status: BackfillStatus; message: string };

/** Backfills read to find the newest one of a selection, for a `failed` set without an id. */
const FAILED_DEFAULT_SCAN = 1_000;

function notFound(id: string): { __typename: "BackfillNotFoundError"; id: string; message: string } {
  return { __typename: "BackfillNotFoundError", id, message: `No backfill ${JSON.stringify(id)}.` };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The newest backfill of `selection`: what a `failed` set without an id means. Resolved when the
 * request is stored, so a backfill started meanwhile cannot change what it retries.
 */
async function newestOfSelection(storage: Storage, selection: string): Promise<BackfillRecord | null> {
  let cursor: string | null = null;
  let scanned = 0;
  do {
    const page = await storage.listBackfills({}, { limit: 200, cursor });
    for (const backfill of page.items) if (backfill.request.selection === selection) return backfill;
    scanned += page.items.length;
    cursor = page.nextCursor;
  } while (cursor !== null && scanned < FAILED_DEFAULT_SCAN);
  return null;
}

/**
 * Validates `input` (an untrusted request: parsed JSON or the GraphQL input turned into the same
 * shape) and stores it REQUESTED. `requestedBy` (the signed-in user or API token) replaces any
 * the input names.
 */
export async function launchBackfill(deps: BackfillDeps, input: unknown, requestedBy: string | null): Promise<LaunchBackfillOutcome> {
  const merged = deps.graph();
  const now = (deps.now ?? Date.now)();
  // What validation cannot see for itself: dynamic keys and the backfill a `failed` set names.
  const keys = requestedPartitionKeys(input);
  const dynamicKeys = new Map<string, Set<string>>();
  if (keys.length > 0) {
    for (const name of declaredDynamicPartitions(merged)) {
      dynamicKeys.set(name, new Set((await deps.storage.getDynamicPartitions(name, keys)).map((p) => p.key)));
    }
  }
  const set = isRecord(input) && isRecord(input.partitions) ? input.partitions : null;
  const namedId = set?.kind === "failed" && typeof set.backfillId === "string" && set.backfillId !== "" ? set.backfillId : null;
  const named = namedId === null ? null : await deps.storage.getBackfill(namedId);
  let request;
  try {
    request = validateBackfillRequest(input, merged.graph, {
      now,
      dynamicKeyExists: (name, key) => dynamicKeys.get(name)?.has(key) ?? false,
      backfillExists: (id) => id === namedId && named !== null,
    });
  } catch (error) {
    if (error instanceof InvalidBackfillRequestError) return { __typename: "InvalidBackfillError", message: error.message, field: error.field };
    throw error;
  }
  if (request.partitions.kind === "failed" && request.partitions.backfillId === undefined) {
    const previous = await newestOfSelection(deps.storage, request.selection);
    if (previous === null) {
      return {
        __typename: "InvalidBackfillError",
        message: `Invalid backfill request: partitions.backfillId: no earlier backfill of selection ${JSON.stringify(request.selection)} to take the failed targets of; name one with backfillId.`,
        field: "partitions.backfillId",
      };
    }
    request = { ...request, partitions: { kind: "failed" as const, backfillId: previous.backfillId } };
  }
  const backfill = await deps.storage.createBackfill({ request: { ...request, requestedBy: requestedBy ?? request.requestedBy ?? null } });
  return { __typename: "LaunchBackfillSuccess", backfill };
}

/** An operator's cancel: nothing more is launched; the daemon cancels the backfill's live runs. Canceling a CANCELING backfill again is a no-op. */
export async function cancelBackfill(storage: Storage, id: string): Promise<CancelBackfillOutcome> {
  const current = await storage.getBackfill(id);
  if (current === null) return notFound(id);
  if (isTerminalBackfillStatus(current.status)) {
    return { __typename: "BackfillNotCancelableError", status: current.status, message: `Backfill ${id} already ended ${current.status}.` };
  }
  if (current.status === "CANCELING") return { __typename: "CancelBackfillSuccess", backfill: current };
  const canceled = await storage.requestBackfillCancel(id);
  if (canceled === null) return notFound(id);
  return { __typename: "CancelBackfillSuccess", backfill: canceled };
}

/**
 * A new backfill over what an ended one left undone: the targets that failed, were skipped or
 * were canceled (`{ kind: "failed", backfillId }`), with the same selection, policy, tags and
 * concurrency. A backfill that could not be planned (FAILED) ran nothing, so its retry is the
 * same request again (planned against the definitions as they are now).
 */
export async function retryBackfill(deps: BackfillDeps, id: string, requestedBy: string | null): Promise<LaunchBackfillOutcome> {
  const previous = await deps.storage.getBackfill(id);
  if (previous === null) return notFound(id);
  if (!isTerminalBackfillStatus(previous.status)) {
    return { __typename: "InvalidBackfillError", message: `Backfill ${id} is ${previous.status}; retry it once it has ended (or cancel it first).`, field: "id" };
  }
  if (previous.status === "COMPLETED_SUCCESS") {
    return { __typename: "InvalidBackfillError", message: `Backfill ${id} materialized every target; there is nothing to retry.`, field: "id" };
  }
  const { selection, policy, tags, maxConcurrentRuns } = previous.request;
  const partitions = previous.status === "FAILED" ? previous.request.partitions : { kind: "failed", backfillId: id };
  return launchBackfill(deps, { selection, partitions, policy: policy ?? null, tags: tags ?? {}, maxConcurrentRuns: maxConcurrentRuns ?? null }, requestedBy);
}

/**
 * A backfill as REST and the live stream answer it: the stored record (without the daemon's
 * opaque plan) plus each asset's counts, decoded from its range-encoded sets.
 */
export function backfillView(backfill: BackfillRecord) {
  const { plan: _plan, ...record } = backfill;
  return {
    ...record,
    assets: backfill.progress.map((p) => {
      const a = assetProgress(backfill.backfillId, p);
      return {
        assetKey: a.assetKey,
        partitioned: a.partitioned,
        total: a.targets.size,
        requested: a.requested.size,
        inProgress: a.inProgress.size,
        materialized: a.materialized.size,
        failed: a.failed.size,
        skipped: a.skipped.size,
        canceled: a.canceled.size,
      };
    }),
  };
}
