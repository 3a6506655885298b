/**
 * The run-scoped event-ingest API (`/ingest/v1`). A run worker posts batches of its events and
 * heartbeats with the token minted at launch. The token is checked before anything is stored:
 * it must be live, issued for the run in the path, and every event must belong to that run and
 * — for materializations, observations and checks — to one of the run's assets. Any violation
 * refuses the whole batch (403, nothing stored). Storage deduplicates on (runId, seq), so a
 * redelivered batch is harmless; once the run has ended only exact redeliveries are accepted.
 */
import { isTerminalRunStatus, type EventRecord } from "@flyt/core";
import { ApiError, HeartbeatRequestSchema, IngestEventsRequestSchema, readValidBody, sendJson, type IngestEventsResponse } from "@flyt/protocol";
import type { RunToken } from "@flyt/storage";
import { hashRunToken } from "@flyt/workspace";
import type { RouteContext, Router } from "../router.js";
import type { ServerDeps } from "../deps.js";

/** Event types only the platform writes (queueing, launching, cancel requests). */
const PLATFORM_ONLY = new Set(["RUN_QUEUED", "RUN_STARTING", "RUN_CANCELING"]);
const ASSET_EVENTS = new Set(["ASSET_MATERIALIZATION", "ASSET_OBSERVATION", "ASSET_CHECK_EVALUATION"]);
const INGEST_BODY_LIMIT = 16 * 1024 * 1024;

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
  router.add("POST", "/ingest/v1/runs/:runId/events", async (context) => {
    const token = await authenticate(deps, context);
    const { events } = await readValidBody(context.request, IngestEventsRequestSchema, "event batch", INGEST_BODY_LIMIT);
    checkScope(token, events);
    const run = await deps.storage.getRun(token.runId);
    if (run === null) throw new ApiError("NOT_FOUND", `Run ${token.runId} does not exist.`);
    if (isTerminalRunStatus(run.status)) {
      // A redelivery of the final batch (its response was lost) is fine; anything new is not.
      const stored = new Set((await deps.storage.getEvents(run.runId)).map((e) => e.seq));
      if (!events.every((e) => stored.has(e.seq))) throw new ApiError("GONE", `Run ${run.runId} has ended (${run.status}); it accepts no new events.`);
      sendJson(context.response, 200, { received: events.length, inserted: 0 } satisfies IngestEventsResponse);
      return;
    }
    const inserted = await deps.storage.appendEvents(events);
    deps.metrics?.eventsIngested(token.location, inserted);
    sendJson(context.response, 200, { received: events.length, inserted } satisfies IngestEventsResponse);
  });

  // A worker started with only a run id (a Kubernetes Job) reads its run record here.
  router.add("GET", "/ingest/v1/runs/:runId", async (context) => {
    const token = await authenticate(deps, context);
    const run = await deps.storage.getRun(token.runId);
    if (run === null) throw new ApiError("NOT_FOUND", `Run ${token.runId} does not exist.`);
    sendJson(context.response, 200, { run });
  });

  router.add("POST", "/ingest/v1/runs/:runId/heartbeat", async (context) => {
    const token = await authenticate(deps, context);
    await readValidBody(context.request, HeartbeatRequestSchema, "heartbeat");
    // The platform's clock, not the worker's: the run monitor compares against its own.
    const recordedAt = Date.now();
    await deps.storage.recordRunHeartbeat(token.runId, recordedAt);
    sendJson(context.response, 200, { recordedAt });
  });
}
