/**
 * The run-scoped event-ingest API (`/ingest/v1`). A run worker posts batches of its events and
 * heartbeats with the token minted at launch. The token is checked before anything is stored:
 * it must be live, issued for the run in the path, and every event must belong to that run and
 * — for materializations, observations and checks — to one of the run's assets. Any violation
 * refuses the whole batch (403, nothing stored). Storage deduplicates on (runId, seq), so a
 * redelivered batch is harmless; once the run has ended only exact redeliveries are accepted.
 *
 * It keeps its own limits, whatever the worker claims to have checked (a token holder runs user
 * code): the protocol version, each event within core's EVENT_LIMITS (413 naming the event and
 * field), seqs from 1 below MAX_EVENT_SEQ, step keys of the run's plan (RUN_PLANNED: one per run,
 * naming only the run's assets), and a per-run output budget kept in storage (`addRunOutputUsage`) —
 * beyond it LOG and STEP_OUTPUT events are dropped and the run gets one notice, while lifecycle,
 * materialization and check events still land.
 *
 * DYNAMIC_PARTITIONS_CHANGED (`ctx.addDynamicPartitions` / `deleteDynamicPartitions`) must come from
 * a step of the run's plan, carry valid partition keys, and — when the webserver knows the run's
 * location — name a dynamic partitions definition an asset of that location declares: a run
 * token changes only its own location's definitions. Storage applies the change as it stores the event.
 */
import { EVENT_LIMITS, eventLimitProblem, isRunOutput, isTerminalRunStatus, MAX_EVENT_SEQ, outputBytes, type EventRecord } from "@flyt/core";
import {
  ApiError,
  HeartbeatRequestSchema,
  IngestEventsRequestSchema,
  PROTOCOL_VERSION,
  PROTOCOL_VERSION_HEADER,
  readValidBody,
  sendJson,
  versionProblem,
  type IngestEventsResponse,
} from "@flyt/protocol";
import { partitionKeyProblem } from "@flyt/partitions";
import type { Storage } from "@flyt/storage";
import type { RunToken } from "@flyt/storage";
import { hashRunToken } from "@flyt/workspace";
import type { RouteContext, Router } from "../router.js";
import type { ServerDeps } from "../deps.js";

/** Event types only the platform writes (queueing, launching, cancel requests). */
const PLATFORM_ONLY = new Set(["RUN_QUEUED", "RUN_STARTING", "RUN_CANCELING"]);
const ASSET_EVENTS = new Set(["ASSET_MATERIALIZATION", "ASSET_OBSERVATION", "ASSET_CHECK_EVALUATION"]);
/** Largest request body: a full batch of events near their size limit. */
export const INGEST_BODY_LIMIT = 8 * 1024 * 1024;
/**
 * The server's per-run output budget is the worker's plus room for the worker's own notice and
 * a few redelivered batches (counted again: the server cannot tell a retry from new output cheaply).
 */
export const RUN_OUTPUT_BUDGET = { bytes: EVENT_LIMITS.runOutputBytes + 4 * 1024 * 1024, events: EVENT_LIMITS.runOutputEvents + 2_000 };
/** Runs whose plan (step keys) is remembered by this process. */
const PLAN_CACHE_SIZE = 5_000;

/**
 * The step keys of each run's plan. A run is planned once: the stored plan (cached here once read)
 * wins, and a batch may carry a plan only while none is stored — and then only the same plan again
 * (a redelivery). A plan is remembered only once read back from storage, so a batch refused after
 * this check leaves nothing behind.
 */
class PlanCache {
  private readonly plans = new Map<string, ReadonlySet<string>>();

  /** @throws ApiError BAD_REQUEST for a second plan in the batch or one that differs from the stored plan */
  async stepsOf(storage: Storage, runId: string, batch: EventRecord[]): Promise<ReadonlySet<string> | null> {
    const planned = batch.flatMap((event, index) => (event.body.type === "RUN_PLANNED" ? [{ index, steps: new Set(event.body.steps.map((s) => s.stepKey)) }] : []));
    if (planned.length > 1) throw new ApiError("BAD_REQUEST", `events.${planned[1]!.index}: a second RUN_PLANNED in one batch; a run is planned once.`, `events.${planned[1]!.index}.body.type`);
    const stored = await this.storedSteps(storage, runId);
    const inBatch = planned[0];
    if (stored === null) return inBatch?.steps ?? null;
    if (inBatch !== undefined && !sameSet(stored, inBatch.steps)) {
      throw new ApiError("BAD_REQUEST", `events.${inBatch.index}: run ${runId} already has a plan; a run is planned once, and this RUN_PLANNED differs from it.`, `events.${inBatch.index}.body.steps`);
    }
    return stored;
  }

  private async storedSteps(storage: Storage, runId: string): Promise<ReadonlySet<string> | null> {
    const known = this.plans.get(runId);
    if (known !== undefined) return known;
    const [stored] = await storage.getEvents(runId, { types: ["RUN_PLANNED"], limit: 1 });
    if (stored?.body.type !== "RUN_PLANNED") return null;
    const steps = new Set(stored.body.steps.map((s) => s.stepKey));
    if (this.plans.size >= PLAN_CACHE_SIZE) this.plans.delete(this.plans.keys().next().value!);
    this.plans.set(runId, steps);
    return steps;
  }
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}

function checkVersion(context: RouteContext): void {
  const problem = versionProblem(context.request.headers[PROTOCOL_VERSION_HEADER], PROTOCOL_VERSION);
  if (problem !== null) throw new ApiError("UNSUPPORTED_VERSION", problem);
}

/** Per-event limits and sequence numbers. @throws ApiError PAYLOAD_TOO_LARGE / BAD_REQUEST naming the event */
function checkLimits(events: EventRecord[]): void {
  events.forEach((event, index) => {
    const field = `events.${index}`;
    if (event.seq !== null && (event.seq < 1 || event.seq >= MAX_EVENT_SEQ)) {
      throw new ApiError("BAD_REQUEST", `${field}: seq ${event.seq} is outside the range a run's events can have (1 to ${MAX_EVENT_SEQ - 1}).`, `${field}.seq`);
    }
    const problem = eventLimitProblem(event.body);
    if (problem !== null) throw new ApiError("PAYLOAD_TOO_LARGE", `${field}: ${problem}.`, `${field}.${problem.startsWith("body.") ? problem.slice(0, problem.indexOf(":")) : "body"}`);
  });
}

async function checkSteps(plans: PlanCache, storage: Storage, runId: string, events: EventRecord[]): Promise<void> {
  if (events.every((e) => e.stepKey === null && e.body.type !== "RUN_PLANNED")) return;
  const steps = await plans.stepsOf(storage, runId, events);
  events.forEach((event, index) => {
    if (event.stepKey === null) return;
    if (steps === null) {
      throw new ApiError("BAD_REQUEST", `events.${index}: step ${JSON.stringify(event.stepKey)} before the run's plan; a worker sends RUN_PLANNED before any step event.`, `events.${index}.stepKey`);
    }
    if (!steps.has(event.stepKey)) {
      throw new ApiError("BAD_REQUEST", `events.${index}: step ${JSON.stringify(event.stepKey)} is not a step of run ${runId}'s plan.`, `events.${index}.stepKey`);
    }
  });
}

/**
 * The batch minus the output beyond the run's budget, plus one notice when this batch is the one
 * that crosses it. Nothing but LOG and STEP_OUTPUT is ever dropped.
 */
async function withinOutputBudget(storage: Storage, runId: string, events: EventRecord[]): Promise<EventRecord[]> {
  let bytes = 0;
  let count = 0;
  for (const event of events) {
    if (!isRunOutput(event.body)) continue;
    bytes += outputBytes(event.body);
    count += 1;
  }
  if (count === 0) return events;
  const after = await storage.addRunOutputUsage(runId, bytes, count);
  if (after.bytes <= RUN_OUTPUT_BUDGET.bytes && after.events <= RUN_OUTPUT_BUDGET.events) return events;
  let usedBytes = after.bytes - bytes;
  let usedEvents = after.events - count;
  const alreadyOver = usedBytes > RUN_OUTPUT_BUDGET.bytes || usedEvents > RUN_OUTPUT_BUDGET.events;
  const kept: EventRecord[] = [];
  let dropped = 0;
  for (const event of events) {
    if (!isRunOutput(event.body)) {
      kept.push(event);
      continue;
    }
    const size = outputBytes(event.body);
    if (usedBytes + size <= RUN_OUTPUT_BUDGET.bytes && usedEvents + 1 <= RUN_OUTPUT_BUDGET.events) {
      usedBytes += size;
      usedEvents += 1;
      kept.push(event);
    } else dropped += 1;
  }
  if (!alreadyOver && dropped > 0) {
    kept.push({
      runId,
      seq: null,
      timestamp: Date.now(),
      stepKey: null,
      body: {
        type: "LOG",
        level: "warn",
        message: `The platform stopped storing this run's log lines and captured output: it sent more than ${RUN_OUTPUT_BUDGET.events} output events or ${Math.round(RUN_OUTPUT_BUDGET.bytes / 1024 / 1024)} MiB. Materializations, checks and the run's outcome are still recorded.`,
      },
    });
  }
  return kept;
}

async function authenticate(deps: ServerDeps, context: RouteContext): Promise<RunToken> {
  const header = context.request.headers.authorization ?? "";
  const match = /^Bearer ([A-Za-z0-9_-]{32,512})$/.exec(header);
  if (!match) throw new ApiError("UNAUTHORIZED", "Missing or malformed run token: send `Authorization: Bearer <token>` with the token the run was launched with.");
  const token = await deps.storage.getRunToken(hashRunToken(match[1]!));
  if (token === null) throw new ApiError("UNAUTHORIZED", "Unknown run token.");
  if (token.revokedAt !== null) throw new ApiError("UNAUTHORIZED", `The run token of run ${token.runId} was revoked (the run has ended).`);
  if (token.expiresAt <= Date.now()) throw new ApiError("UNAUTHORIZED", `The run token of run ${token.runId} has expired.`);
  const runId = context.params.runId!;
  if (token.runId !== runId) throw new ApiError("FORBIDDEN", `This token is for run ${token.runId}; it cannot write to run ${runId}.`);
  return token;
}

function checkScope(token: RunToken, events: EventRecord[]): void {
  const assets = new Set(token.assetKeys);
  events.forEach((event, index) => {
    const field = `events.${index}`;
    if (event.runId !== token.runId) throw new ApiError("FORBIDDEN", `${field}: event for run ${event.runId}; this token may only write run ${token.runId}.`, `${field}.runId`);
    if (event.seq === null) throw new ApiError("BAD_REQUEST", `${field}: events from a run worker need a seq (idempotent delivery).`, `${field}.seq`);
    if (PLATFORM_ONLY.has(event.body.type)) throw new ApiError("FORBIDDEN", `${field}: ${event.body.type} is written by the platform, not by run workers.`, `${field}.body.type`);
    // A plan (and a step's start) may name only the run's assets: the step keys checked against
    // the plan below are then steps of this run, not another location's.
    const planned = event.body.type === "RUN_PLANNED" ? event.body.steps.flatMap((s) => s.assetKeys) : event.body.type === "STEP_START" ? event.body.assetKeys : [];
    const foreign = planned.find((key) => !assets.has(key));
    if (foreign !== undefined) {
      throw new ApiError("FORBIDDEN", `${field}: ${event.body.type} names asset ${foreign}, which is not an asset of run ${token.runId} (location ${token.location}).`, `${field}.body`);
    }
    if (ASSET_EVENTS.has(event.body.type)) {
      const assetKey = (event.body as { assetKey: string }).assetKey;
      if (!assets.has(assetKey)) {
        throw new ApiError("FORBIDDEN", `${field}: asset ${assetKey} is not an asset of run ${token.runId} (location ${token.location}); this token may only write ${[...assets].join(", ") || "no assets"}.`, `${field}.body.assetKey`);
      }
    }
  });
}

/**
 * Dynamic partitions changes: from a step, with keys that are valid partition keys, at most once
 * each, and for a definition the run's location declares (when this server has the location's
 * snapshot). @throws ApiError BAD_REQUEST / FORBIDDEN naming the event and field
 */
function checkDynamicPartitions(deps: ServerDeps, token: RunToken, events: EventRecord[]): void {
  let declared: Set<string> | null | undefined;
  events.forEach((event, index) => {
    const body = event.body;
    if (body.type !== "DYNAMIC_PARTITIONS_CHANGED") return;
    const field = `events.${index}`;
    if (event.stepKey === null) {
      throw new ApiError("BAD_REQUEST", `${field}: DYNAMIC_PARTITIONS_CHANGED comes from a step (ctx.addDynamicPartitions); give its stepKey.`, `${field}.stepKey`);
    }
    if (body.added.length === 0 && body.deleted.length === 0) {
      throw new ApiError("BAD_REQUEST", `${field}: DYNAMIC_PARTITIONS_CHANGED adds and deletes no key.`, `${field}.body`);
    }
    for (const list of ["added", "deleted"] as const) {
      const seen = new Set<string>();
      body[list].forEach((key, at) => {
        const problem = partitionKeyProblem(key);
        if (problem !== null) throw new ApiError("BAD_REQUEST", `${field}: partition key ${JSON.stringify(key.slice(0, 100))} ${problem}.`, `${field}.body.${list}.${at}`);
        if (seen.has(key)) throw new ApiError("BAD_REQUEST", `${field}: partition key ${JSON.stringify(key.slice(0, 100))} is listed twice.`, `${field}.body.${list}.${at}`);
        seen.add(key);
      });
    }
    declared ??= dynamicDefinitionsOf(deps, token.location);
    if (declared !== null && !declared.has(body.name)) {
      const known = [...declared].sort();
      throw new ApiError(
        "FORBIDDEN",
        `${field}: no asset of location ${token.location} has dynamic partitions ${JSON.stringify(body.name)}; this run may change ${known.length > 0 ? known.map((n) => JSON.stringify(n)).join(", ") : "no dynamic partitions definition"}.`,
        `${field}.body.name`,
      );
    }
  });
}

/** Names of the dynamic partitions definitions a location's assets declare; null when this server does not have its snapshot. */
function dynamicDefinitionsOf(deps: ServerDeps, location: string): Set<string> | null {
  const snapshot = deps.workspace()?.get(location)?.snapshot ?? null;
  if (snapshot === null) return null;
  const names = new Set<string>();
  for (const asset of snapshot.assets) if (asset.partitions?.kind === "dynamic") names.add(asset.partitions.name);
  return names;
}

export function ingestRoutes(router: Router, deps: ServerDeps): void {
  const plans = new PlanCache();
  router.add("POST", "/ingest/v1/runs/:runId/events", async (context) => {
    checkVersion(context);
    const token = await authenticate(deps, context);
    const { events } = await readValidBody(context.request, IngestEventsRequestSchema, "event batch", INGEST_BODY_LIMIT);
    checkScope(token, events);
    checkLimits(events);
    checkDynamicPartitions(deps, token, events);
    await checkSteps(plans, deps.storage, token.runId, events);
    const run = await deps.storage.getRun(token.runId);
    if (run === null) throw new ApiError("NOT_FOUND", `Run ${token.runId} does not exist.`);
    if (isTerminalRunStatus(run.status)) {
      // A redelivery of the final batch (its response was lost) is fine; anything new is not.
      const stored = new Set((await deps.storage.getEvents(run.runId)).map((e) => e.seq));
      if (!events.every((e) => stored.has(e.seq))) throw new ApiError("GONE", `Run ${run.runId} has ended (${run.status}); it accepts no new events.`);
      sendJson(context.response, 200, { received: events.length, inserted: 0 } satisfies IngestEventsResponse);
      return;
    }
    const kept = await withinOutputBudget(deps.storage, token.runId, events);
    const inserted = await deps.storage.appendEvents(kept);
    deps.metrics?.eventsIngested(token.location, inserted);
    sendJson(context.response, 200, { received: events.length, inserted } satisfies IngestEventsResponse);
  });

  // A worker started with only a run id (a Kubernetes Job) reads its run record here.
  router.add("GET", "/ingest/v1/runs/:runId", async (context) => {
    checkVersion(context);
    const token = await authenticate(deps, context);
    const run = await deps.storage.getRun(token.runId);
    if (run === null) throw new ApiError("NOT_FOUND", `Run ${token.runId} does not exist.`);
    sendJson(context.response, 200, { run });
  });

  router.add("POST", "/ingest/v1/runs/:runId/heartbeat", async (context) => {
    checkVersion(context);
    const token = await authenticate(deps, context);
    await readValidBody(context.request, HeartbeatRequestSchema, "heartbeat");
    // The platform's clock, not the worker's: the run monitor compares against its own.
    const recordedAt = Date.now();
    await deps.storage.recordRunHeartbeat(token.runId, recordedAt);
    sendJson(context.response, 200, { recordedAt });
  });
}
