/**
 * Shared by the scheduler and the sensor loop: the state in effect (the operator's override, else
 * the default declared in code) and turning run requests into runs. Ids and start/stop are
 * storage's (`instigatorId`, `setInstigatorStatus`), shared with the CLI and the GraphQL API.
 */
import type { RunOrigin } from "@flyt/core";
import type { Fence, InstigatorKind, InstigatorState, Storage, WriteOptions } from "@flyt/storage";
import type { ResolvedRunRequest } from "./evaluator.js";

/** The leader's fence for a write, as storage takes it (none outside a leader, e.g. tests). */
export type FenceSource = (() => Fence | null) | undefined;

export function fenced(fence: FenceSource): WriteOptions {
  return { fence: fence?.() ?? null };
}

/**
 * The state in effect. A schedule or sensor declared RUNNING that has no stored state yet gets
 * one now, so its start time (the catch-up floor) is fixed at the moment it was first seen.
 */
export async function effectiveState(
  storage: Storage,
  stored: InstigatorState | undefined,
  id: string,
  kind: InstigatorKind,
  defaultStatus: "RUNNING" | "STOPPED",
  now: number,
  fence?: FenceSource,
): Promise<InstigatorState | null> {
  if (stored !== undefined) return stored.status === "RUNNING" ? stored : null;
  if (defaultStatus !== "RUNNING") return null;
  return storage.upsertInstigatorState({ id, kind, status: "RUNNING", cursor: null, startedAt: now }, fenced(fence));
}

export async function createRequestedRuns(
  storage: Storage,
  input: {
    id: string;
    location: string;
    origin: RunOrigin;
    baseTags: Record<string, string>;
    requests: ResolvedRunRequest[];
    /** Run key of a request without its own (schedules: the tick time); null: no dedupe. */
    defaultRunKey: string | null;
    /** Prefix for request run keys (schedules: the tick time, so keys are per tick). */
    runKeyPrefix: string;
    fence?: FenceSource;
  },
): Promise<{ runIds: string[]; created: number }> {
  const runIds: string[] = [];
  let created = 0;
  for (const request of input.requests) {
    const runKey = request.runKey !== null ? `${input.runKeyPrefix}${request.runKey}` : input.defaultRunKey;
    const result = await storage.createRun({
      selection: request.selection,
      assetKeys: request.assetKeys,
      partitionKey: request.partitionKey,
      tags: { ...input.baseTags, ...request.tags },
      origin: input.origin,
      location: input.location,
      instigator: input.id,
      runKey,
    }, fenced(input.fence));
    runIds.push(result.run.runId);
    if (result.created) created += 1;
  }
  return { runIds, created };
}
