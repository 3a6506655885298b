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
 * field), seqs from 1 below MAX_EVENT_SEQ, step keys of the run's plan (RUN_PLANNED), and a per-run
 * output budget kept in storage (`addRunOutputUsage`) — beyond it LOG and STEP_OUTPUT events are
 * dropped and the run gets one notice, while lifecycle, materialization and check events still land.
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

/** The step keys of each run's plan, read once (from the batch that carries RUN_PLANNED, or from storage). */
class PlanCache {
  private readonly plans = new Map<string, ReadonlySet<string>>();

  async stepsOf(storage: Storage, runId: string, batch: EventRecord[]): Promise<ReadonlySet<string> | null> {
    const inBatch = batch.find((e) => e.body.type === "RUN_PLANNED");
    if (inBatch?.body.type === "RUN_PLANNED") return this.remember(runId, new Set(inBatch.body.steps.map((s) => s.stepKey)));
    const known = this.plans.get(runId);
    if (known !== undefined) return known;
    const [stored] = await storage.getEvents(runId, { types: ["RUN_PLANNED"], limit: 1 });
    return stored?.body.type === "RUN_PLANNED" ? this.remember(runId, new Set(stored.body.steps.map((s) => s.stepKey))) : null;
  }

  private remember(runId: string, steps: ReadonlySet<string>): ReadonlySet<string> {
    if (this.plans.size >= PLAN_CACHE_SIZE) this.plans.delete(this.plans.keys().next().value!);
    this.plans.set(runId, steps);
    return steps;
  }
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
  if (events.every((e) => e.stepKey === null)) return;
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
    if (ASSET_EVENTS.has(event.body.type)) {
      const assetKey = (event.body as { assetKey: string }).assetKey;
      if (!assets.has(assetKey)) {
        throw new ApiError("FORBIDDEN", `${field}: asset ${assetKey} is not an asset of run ${token.runId} (location ${token.location}); this token may only write ${[...assets].join(", ") || "no assets"}.`, `${field}.body.assetKey`);
      }
    }
  });
}

export function ingestRoutes(router: Router, deps: ServerDeps): void {
  const plans = new PlanCache();
  router.add("POST", "/ingest/v1/runs/:runId/events", async (context) => {
    checkVersion(context);
    const token = await authenticate(deps, context);
    const { events } = await readValidBody(context.request, IngestEventsRequestSchema, "event batch", INGEST_BODY_LIMIT);
    checkScope(token, events);
    checkLimits(events);
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
