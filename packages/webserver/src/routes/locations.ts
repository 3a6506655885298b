/**
 * REST for code locations (`/api/v1/locations`): list with status, error and snapshot summary;
 * one location with its full (current or last good) snapshot; reload one location; and the
 * merged cross-location asset graph (`/api/v1/assets`) with each asset's location and the
 * problems found across locations (conflicts, unresolved deps, partition mappings that do not fit).
 */
import { ApiError, sendJson } from "@flyt/protocol";
import { CodeLocationError, type LocationState, type Workspace } from "@flyt/workspace";
import type { Router } from "../router.js";
import type { ServerDeps } from "../deps.js";

function summary(state: LocationState) {
  return {
    name: state.name,
    kind: state.kind,
    source: state.source,
    url: state.url,
    status: state.status,
    error: state.error,
    hash: state.hash,
    loadedAt: state.loadedAt,
    updatedAt: state.updatedAt,
    assetCount: state.snapshot?.assets.length ?? 0,
    scheduleCount: state.snapshot?.schedules.length ?? 0,
    sensorCount: state.snapshot?.sensors.length ?? 0,
  };
}

function requireWorkspace(deps: ServerDeps): Workspace {
  const workspace = deps.workspace();
  if (workspace === null) throw new ApiError("NOT_FOUND", "This webserver has no code locations configured (flyt.yaml `locations:`), or they are still starting.");
  return workspace;
}

const READ = { role: "viewer", what: "read code locations and assets" } as const;

export function locationRoutes(router: Router, deps: ServerDeps): void {
  router.add("GET", "/api/v1/locations", async ({ response }) => {
    sendJson(response, 200, { locations: requireWorkspace(deps).list().map(summary) });
  }, READ);
  router.add("GET", "/api/v1/locations/:name", async ({ response, params }) => {
    const state = requireWorkspace(deps).get(params.name!);
    if (state === null) throw new ApiError("NOT_FOUND", `No code location named ${JSON.stringify(params.name)}.`);
    sendJson(response, 200, { ...summary(state), snapshot: state.snapshot });
  }, READ);
  router.add("POST", "/api/v1/locations/:name/reload", async ({ response, params }) => {
    const workspace = requireWorkspace(deps);
    if (workspace.get(params.name!) === null) throw new ApiError("NOT_FOUND", `No code location named ${JSON.stringify(params.name)}.`);
    try {
      const state = await workspace.reload(params.name!);
      deps.log({ level: "info", msg: "location reloaded", location: state.name, status: state.status });
      sendJson(response, 200, summary(state));
    } catch (error) {
      if (error instanceof CodeLocationError) throw new ApiError("UNAVAILABLE", error.message);
      throw error;
    }
  }, { role: "operator", what: "reload code locations" });
  router.add("GET", "/api/v1/assets", async ({ response }) => {
    const merged = requireWorkspace(deps).graph();
    sendJson(response, 200, {
      assets: [...merged.assets.values()].map((a) => ({
        key: a.key,
        location: a.location,
        group: a.group,
        deps: a.deps,
        downstream: [...merged.graph.downstreamOf(a.key)],
      })),
      conflicts: merged.conflicts,
      unresolved: merged.unresolved,
      partitionMappingProblems: merged.partitionMappingProblems,
    });
  }, READ);
}
