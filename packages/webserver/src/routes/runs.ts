/**
 * REST for runs (`/api/v1/runs`): launch a run of a location's assets, re-execute a run, and read
 * a run with its events. Launching goes the same way as GraphQL's `launchRun` (graphql/launch.ts):
 * validated against the loaded locations, created QUEUED and handed to the server's
 * RunController — the daemon's queue in production, so exactly one party ever starts the worker.
 */
import { ApiError, readValidBody, sendJson, type ErrorCode } from "@flyt/protocol";
import { z } from "zod";
import { launchSelection, reexecute, type LaunchOutcome } from "../graphql/launch.js";
import type { Router } from "../router.js";
import type { ServerDeps } from "../deps.js";

const LaunchSchema = z.object({
  location: z.string().min(1),
  selection: z.string().min(1).default("*"),
  partitionKey: z.string().min(1).nullable().optional(),
  /** One run over the partitions from start to end inclusive (instead of partitionKey). */
  partitionRange: z.object({ start: z.string().min(1), end: z.string().min(1) }).strict().nullable().optional(),
  tags: z.record(z.string()).optional(),
});

const ReexecuteSchema = z.object({ fromFailure: z.boolean().default(false) });

/** An expected failure of a launch as the REST error it is. */
function failure(outcome: Exclude<LaunchOutcome, { __typename: "LaunchRunSuccess" }>): ApiError {
  const codes: Record<typeof outcome.__typename, [ErrorCode, string | undefined]> = {
    InvalidSelectionError: ["BAD_REQUEST", "selection"],
    // The message says whether the key or the range is at fault.
    InvalidPartitionError: ["BAD_REQUEST", "partitionKey"],
    InvalidTagError: ["BAD_REQUEST", "tags"],
    LocationUnavailableError: ["UNAVAILABLE", "location"],
    RunNotFoundError: ["NOT_FOUND", undefined],
    ReexecutionError: ["CONFLICT", undefined],
  };
  const [code, field] = codes[outcome.__typename];
  return new ApiError(code, outcome.message, field);
}

export function runRoutes(router: Router, deps: ServerDeps): void {
  const launchDeps = () => {
    const workspace = deps.workspace();
    if (workspace === null || deps.runs === null) throw new ApiError("NOT_FOUND", "This webserver has no code locations to launch runs on (or they are still starting).");
    return { storage: deps.storage, definitions: workspace, runs: deps.runs };
  };

  router.add("POST", "/api/v1/runs", async ({ request, response }) => {
    const body = await readValidBody(request, LaunchSchema, "launch request");
    const services = launchDeps();
    if (services.definitions.get(body.location) === null) throw new ApiError("NOT_FOUND", `No code location named ${JSON.stringify(body.location)}.`, "location");
    const outcome = await launchSelection(services, {
      location: body.location,
      selection: body.selection,
      partition: body.partitionKey ?? null,
      partitionRange: body.partitionRange ?? null,
      tags: body.tags ?? {},
    });
    if (outcome.__typename !== "LaunchRunSuccess") throw failure(outcome);
    sendJson(response, 201, { runId: outcome.run.runId, status: outcome.run.status, assetKeys: outcome.run.assetKeys });
  }, { role: "operator", what: "launch runs" });

  router.add("POST", "/api/v1/runs/:runId/reexecute", async ({ request, response, params }) => {
    const body = await readValidBody(request, ReexecuteSchema, "re-execution request");
    const outcome = await reexecute(launchDeps(), params.runId!, body.fromFailure);
    if (outcome.__typename !== "LaunchRunSuccess") throw failure(outcome);
    sendJson(response, 201, { runId: outcome.run.runId, status: outcome.run.status, parentRunId: outcome.run.parentRunId, stepKeys: outcome.run.stepKeys });
  }, { role: "operator", what: "re-execute runs" });

  router.add("GET", "/api/v1/runs/:runId", async ({ response, params }) => {
    const run = await deps.storage.getRun(params.runId!);
    if (run === null) throw new ApiError("NOT_FOUND", `No run ${JSON.stringify(params.runId)}.`);
    sendJson(response, 200, { run, events: await deps.storage.getEvents(run.runId) });
  }, { role: "viewer", what: "read runs" });
}
