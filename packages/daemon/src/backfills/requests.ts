/**
 * What a schedule or sensor tick asks for besides runs: dynamic partition keys to add and delete
 * (applied first, so the tick's runs and backfills may name the keys just added) and backfills to
 * start. A tick's backfills get ids derived from the tick, so a tick evaluated again after a crash
 * asks for the same backfills and storage's unique id keeps them single: a schedule's tick is
 * redone at the same instant; a sensor's redo starts from the same cursor (the cursor moves only
 * when a tick succeeds), so a sensor with a cursor keys its backfills on it. A sensor without a
 * cursor has nothing stable to key on but its tick time.
 */
import { createHash } from "node:crypto";
import type { Storage } from "@flyt/storage";
import type { EvaluationResult } from "../evaluator.js";

export interface TickRequestsContext {
  /** `<location>:<name>` of the schedule or sensor. */
  instigatorId: string;
  kind: "schedule" | "sensor";
  /** Schedules: the scheduled instant; sensors: the evaluation time. */
  tickTime: number;
  /** Sensors: the cursor the evaluation started from (null: none). */
  cursor?: string | null;
}

/** The id of the `index`-th backfill a tick requests: stable for the same tick (see the module comment). */
export function tickBackfillId(context: TickRequestsContext, index: number): string {
  const basis = context.kind === "sensor" && context.cursor !== undefined && context.cursor !== null ? `cursor:${context.cursor}` : `tick:${context.tickTime}`;
  const digest = createHash("sha256").update(`${context.instigatorId}\u0000${basis}\u0000${index}`).digest("hex").slice(0, 16);
  const readable = context.instigatorId.replace(/[^A-Za-z0-9_.-]+/g, "_").slice(0, 120);
  return `${context.kind}-${readable}-${digest}`;
}

/** Applies a tick's dynamic partitions requests: adds, then deletes (idempotent). */
export async function applyDynamicPartitionsRequests(storage: Storage, result: EvaluationResult): Promise<void> {
  for (const request of result.dynamicPartitionsRequests ?? []) {
    if (request.add.length > 0) await storage.addDynamicPartitions(request.name, request.add);
    if (request.delete.length > 0) await storage.deleteDynamicPartitions(request.name, request.delete);
  }
}

/**
 * Stores a tick's backfill requests REQUESTED (the backfill loop validates and plans them against
 * the workspace; one that does not fit it is marked FAILED with the reason). Returns their ids;
 * a backfill this tick already created is found, not created again.
 */
export async function createRequestedBackfills(storage: Storage, result: EvaluationResult, context: TickRequestsContext): Promise<string[]> {
  const ids: string[] = [];
  const requests = result.backfillRequests ?? [];
  for (const [index, request] of requests.entries()) {
    const backfillId = tickBackfillId(context, index);
    if ((await storage.getBackfill(backfillId)) === null) {
      try {
        await storage.createBackfill({
          backfillId,
          request: { selection: request.selection, partitions: request.partitions, policy: request.policy, tags: request.tags, maxConcurrentRuns: null, requestedBy: `${context.kind} ${context.instigatorId}` },
        });
      } catch (error) {
        // Created meanwhile by a daemon redoing the same tick: that is the one.
        if ((await storage.getBackfill(backfillId)) === null) throw error;
      }
    }
    ids.push(backfillId);
  }
  return ids;
}
