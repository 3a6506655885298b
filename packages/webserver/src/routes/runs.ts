/**
 * REST for runs (`/api/v1/runs`): launch a run of a location's assets through the configured
 * launcher (the code location's server in production), and read a run with its events.
 */
import { AssetGraph, InvalidSelectionError, resolveSelection, type AssetNodeSnapshot } from "@flyt/core";
import { ApiError, readValidBody, sendJson } from "@flyt/protocol";
import { z } from "zod";
import type { Router } from "../router.js";
import type { ServerDeps } from "../deps.js";

const LaunchSchema = z.object({
  location: z.string().min(1),
  selection: z.string().min(1).default("*"),
  partitionKey: z.string().min(1).nullable().optional(),
  tags: z.record(z.string()).optional(),
});

export function runRoutes(router: Router, deps: ServerDeps): void {
  router.add("POST", "/api/v1/runs", async ({ request, response }) => {
    const body = await readValidBody(request, LaunchSchema, "launch request");
    if (deps.workspace === null || deps.launcher === null) throw new ApiError("NOT_FOUND", "This webserver has no code locations to launch runs on.");
    const state = deps.workspace.get(body.location);
    if (state === null) throw new ApiError("NOT_FOUND", `No code location named ${JSON.stringify(body.location)}.`, "location");
    if (state.status !== "LOADED" || state.snapshot === null) {
      throw new ApiError("UNAVAILABLE", `Code location ${body.location} is ${state.status}${state.error ? `: ${state.error.message}` : ""}.`, "location");
    }
    const graph = new AssetGraph(state.snapshot.assets as AssetNodeSnapshot[]);
    let keys: Set<string>;
    try {
      keys = resolveSelection(graph, body.selection);
    } catch (error) {
      if (error instanceof InvalidSelectionError) throw new ApiError("BAD_REQUEST", error.message, "selection");
      throw error;
    }
    const { run } = await deps.storage.createRun({
      selection: body.selection,
      assetKeys: [...keys].sort(),
      partitionKey: body.partitionKey ?? null,
      tags: body.tags ?? {},
      location: body.location,
      origin: "manual",
    });
    const handle = deps.launcher.launch({ run, definitionsFile: state.source, storage: deps.storage });
    handle.done.catch((error: unknown) => deps.log({ level: "error", msg: "run launch failed", runId: run.runId, error: (error as Error).message }));
    sendJson(response, 201, { runId: run.runId, assetKeys: run.assetKeys });
  }, { role: "operator", what: "launch runs" });

  router.add("GET", "/api/v1/runs/:runId", async ({ response, params }) => {
    const run = await deps.storage.getRun(params.runId!);
    if (run === null) throw new ApiError("NOT_FOUND", `No run ${JSON.stringify(params.runId)}.`);
    sendJson(response, 200, { run, events: await deps.storage.getEvents(run.runId) });
  }, { role: "viewer", what: "read runs" });
}
