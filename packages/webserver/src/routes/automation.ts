/**
 * REST for staleness and automation, for scripts: the unsynced assets of a selection with why
 * (`GET /api/v1/assets/unsynced`), the unsynced partitions of one partitioned asset
 * (`GET /api/v1/assets/<key>/unsynced-partitions`, the key percent-encoded: `s%2Fdaily`), launching
 * runs and backfills of them (`POST /api/v1/assets/materialize-unsynced`) and the automation loop's
 * ticks (`GET /api/v1/automation/ticks`). The same paths as GraphQL's `unsyncedAssets`,
 * `Asset.unsyncedPartitions`, `materializeUnsynced` and `automationTicks` (graphql/unsynced.ts,
 * automation.ts).
 */
import { AUTOMATION_INSTIGATOR_ID, InvalidSelectionError } from "@flyt/core";
import { ApiError, readValidBody, sendJson } from "@flyt/protocol";
import { principalOf } from "../auth/guard.js";
import { z } from "zod";
import { tickView } from "../graphql/automation.js";
import { materializeUnsynced, PartitionStaleness, selectedKeys, syncOfAll, unsyncedAssets, unsyncedPartitionsView } from "../graphql/unsynced.js";
import type { Router } from "../router.js";
import type { ServerDeps } from "../deps.js";
import { limitOf, withCursor } from "./backfills.js";

const MaterializeSchema = z.object({ selection: z.string().max(100_000).nullable().optional() }).strict();

async function latestIndex(deps: ServerDeps) {
  return new Map((await deps.storage.getLatestMaterializations()).map((e) => [e.assetKey, e]));
}

/** The selection as a caller fault (400 naming `selection`) when it does not resolve. */
function selectionError(error: unknown): never {
  if (error instanceof InvalidSelectionError) throw new ApiError("BAD_REQUEST", error.message, "selection");
  throw error;
}

export function automationRoutes(router: Router, deps: ServerDeps): void {
  const requireWorkspace = () => {
    const workspace = deps.workspace();
    if (workspace === null) throw new ApiError("NOT_FOUND", "This webserver has no code locations to compare materializations with (or they are still starting).");
    return workspace;
  };

  router.add("GET", "/api/v1/assets/unsynced", async ({ response, url }) => {
    const merged = requireWorkspace().graph();
    let keys: Set<string> | null = null;
    try {
      keys = selectedKeys(merged, url.searchParams.get("selection"));
    } catch (error) {
      selectionError(error);
    }
    const assets = unsyncedAssets(merged, syncOfAll(merged, await latestIndex(deps)), keys);
    sendJson(response, 200, { assets });
  }, { role: "viewer", what: "read asset staleness" });

  router.add("POST", "/api/v1/assets/materialize-unsynced", async ({ request, response }) => {
    const body = await readValidBody(request, MaterializeSchema, "materialize-unsynced request");
    const workspace = requireWorkspace();
    if (deps.runs === null) throw new ApiError("NOT_FOUND", "This webserver does not launch runs.");
    const outcome = await materializeUnsynced(
      { storage: deps.storage, definitions: workspace, runs: deps.runs },
      await latestIndex(deps),
      body.selection ?? null,
      principalOf(request)?.name ?? null,
    );
    if (outcome.__typename === "InvalidSelectionError") throw new ApiError("BAD_REQUEST", outcome.message, "selection");
    sendJson(response, outcome.runs.length > 0 || outcome.backfills.length > 0 ? 201 : 200, {
      runs: outcome.runs.map((r) => ({ runId: r.runId, status: r.status, location: r.location, assetKeys: r.assetKeys })),
      launched: outcome.launched,
      backfills: outcome.backfills,
      skipped: outcome.skipped,
      message: outcome.message,
    });
  }, { role: "operator", what: "launch runs" });

  router.add("GET", "/api/v1/assets/:key/unsynced-partitions", async ({ response, params, url }) => {
    const merged = requireWorkspace().graph();
    const key = params.key!;
    const asset = merged.assets.get(key);
    if (asset === undefined) throw new ApiError("NOT_FOUND", `No loaded asset ${JSON.stringify(key.slice(0, 200))}; percent-encode the key's slashes (s%2Fdaily).`, "key");
    if (asset.partitions === null) throw new ApiError("BAD_REQUEST", `Asset ${key} is not partitioned: its sync state is on GET /api/v1/assets/unsynced.`, "key");
    const limit = limitOf(url, 100, 1_000);
    const status = await new PartitionStaleness(deps.storage, merged, await latestIndex(deps), Date.now()).of(key);
    sendJson(response, 200, { assetKey: key, ...unsyncedPartitionsView(status!, limit) });
  }, { role: "viewer", what: "read asset staleness" });

  router.add("GET", "/api/v1/automation/ticks", async ({ response, url }) => {
    const limit = limitOf(url, 50, 200);
    const page = await withCursor(url, (cursor) => deps.storage.listTicks(AUTOMATION_INSTIGATOR_ID, { limit, cursor }));
    const ticks = await Promise.all(page.items.map(async (tick) => tickView(tick, await deps.storage.getAutomationEvaluationsOfTick(tick.tickId))));
    sendJson(response, 200, { ticks, nextCursor: page.nextCursor });
  }, { role: "viewer", what: "read automation ticks" });
}
