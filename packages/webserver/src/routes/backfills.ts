/**
 * REST for backfills (`/api/v1/backfills`), for automation: request one, list them, read one with
 * its per-asset progress, cancel, retry what failed. The same path as GraphQL's
 * `launchBackfill`/`cancelBackfill`/`retryBackfill` (graphql/backfills.ts): validated by
 * @flyt/backfills against the merged asset graph, stored REQUESTED, planned and launched by the
 * daemon. A refused request is a 400 whose `field` names the input at fault (`partitions.to`).
 */
import type { IncomingMessage } from "node:http";
import { BACKFILL_STATUSES, InvalidInputError, type BackfillStatus } from "@flyt/core";
import { ApiError, readJsonBody, sendJson } from "@flyt/protocol";
import { principalOf } from "../auth/guard.js";
import { backfillView, cancelBackfill, launchBackfill, retryBackfill, type LaunchBackfillOutcome } from "../graphql/backfills.js";
import type { Router } from "../router.js";
import type { ServerDeps } from "../deps.js";

/** Largest backfill request body: 10,000 keys of 255 characters fit. */
const BODY_LIMIT = 4 * 1024 * 1024;

function requestedBy(request: IncomingMessage): string | null {
  return principalOf(request)?.name ?? null;
}

function answer(outcome: LaunchBackfillOutcome): { status: number; body: unknown } {
  switch (outcome.__typename) {
    case "LaunchBackfillSuccess":
      return { status: 201, body: { backfill: backfillView(outcome.backfill) } };
    case "InvalidBackfillError":
      throw new ApiError("BAD_REQUEST", outcome.message, outcome.field);
    case "BackfillNotFoundError":
      throw new ApiError("NOT_FOUND", outcome.message, "id");
  }
}

function statusesOf(url: URL): BackfillStatus[] | undefined {
  const given = url.searchParams.getAll("status").flatMap((s) => s.split(",")).filter((s) => s !== "");
  if (given.length === 0) return undefined;
  for (const status of given) {
    if (!(BACKFILL_STATUSES as readonly string[]).includes(status)) {
      throw new ApiError("BAD_REQUEST", `Unknown backfill status ${JSON.stringify(status.slice(0, 50))}; the statuses are ${BACKFILL_STATUSES.join(", ")}.`, "status");
    }
  }
  return given as BackfillStatus[];
}

/** `?limit=` as a page size from 1 to `max` (default `fallback`). @throws ApiError BAD_REQUEST naming `limit` */
export function limitOf(url: URL, fallback: number, max: number): number {
  const given = url.searchParams.get("limit");
  if (given === null) return fallback;
  const n = Number(given);
  if (!/^[0-9]{1,6}$/.test(given) || n < 1 || n > max) throw new ApiError("BAD_REQUEST", `limit must be an integer from 1 to ${max}, got ${JSON.stringify(given.slice(0, 20))}.`, "limit");
  return n;
}

/**
 * Reads a page with the `?cursor=` given; a cursor storage cannot decode (not from this listing)
 * is the caller's 400 naming `cursor`, not a 500. @throws ApiError BAD_REQUEST
 */
export async function withCursor<T>(url: URL, read: (cursor: string | null) => Promise<T>): Promise<T> {
  const cursor = url.searchParams.get("cursor");
  try {
    return await read(cursor === "" ? null : cursor);
  } catch (error) {
    if (error instanceof InvalidInputError && cursor !== null) throw new ApiError("BAD_REQUEST", error.message, "cursor");
    throw error;
  }
}

export function backfillRoutes(router: Router, deps: ServerDeps): void {
  const backfillDeps = () => {
    const workspace = deps.workspace();
    if (workspace === null) throw new ApiError("NOT_FOUND", "This webserver has no code locations to validate backfills against (or they are still starting).");
    return { storage: deps.storage, graph: () => workspace.graph() };
  };

  router.add("POST", "/api/v1/backfills", async ({ request, response }) => {
    const body = await readJsonBody(request, BODY_LIMIT);
    const { status, body: out } = answer(await launchBackfill(backfillDeps(), body, requestedBy(request)));
    sendJson(response, status, out);
  }, { role: "operator", what: "launch backfills" });

  router.add("GET", "/api/v1/backfills", async ({ response, url }) => {
    const statuses = statusesOf(url);
    const limit = limitOf(url, 50, 200);
    const page = await withCursor(url, (cursor) => deps.storage.listBackfills(statuses ? { statuses } : {}, { limit, cursor }));
    sendJson(response, 200, { backfills: page.items.map(backfillView), nextCursor: page.nextCursor });
  }, { role: "viewer", what: "read backfills" });

  router.add("GET", "/api/v1/backfills/:id", async ({ response, params }) => {
    const backfill = await deps.storage.getBackfill(params.id!);
    if (backfill === null) throw new ApiError("NOT_FOUND", `No backfill ${JSON.stringify(params.id)}.`);
    sendJson(response, 200, { backfill: backfillView(backfill) });
  }, { role: "viewer", what: "read backfills" });

  router.add("POST", "/api/v1/backfills/:id/cancel", async ({ response, params }) => {
    const outcome = await cancelBackfill(deps.storage, params.id!);
    if (outcome.__typename === "BackfillNotFoundError") throw new ApiError("NOT_FOUND", outcome.message);
    if (outcome.__typename === "BackfillNotCancelableError") throw new ApiError("CONFLICT", outcome.message);
    sendJson(response, 200, { backfill: backfillView(outcome.backfill) });
  }, { role: "operator", what: "cancel backfills" });

  router.add("POST", "/api/v1/backfills/:id/retry", async ({ request, response, params }) => {
    const outcome = await retryBackfill(backfillDeps(), params.id!, requestedBy(request));
    if (outcome.__typename === "BackfillNotFoundError") throw new ApiError("NOT_FOUND", outcome.message);
    if (outcome.__typename === "InvalidBackfillError" && outcome.field === "id") throw new ApiError("CONFLICT", outcome.message);
    const { status, body } = answer(outcome);
    sendJson(response, status, body);
  }, { role: "operator", what: "retry backfills" });
}
