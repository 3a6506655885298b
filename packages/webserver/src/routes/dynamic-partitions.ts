/**
 * REST for dynamic partitions (`/api/v1/dynamic-partitions/{name}`), for automation: list a
 * definition's keys page by page, add keys (POST), delete keys (DELETE), each with a JSON body
 * `{ "keys": [...] }`. The same validation as GraphQL's `addDynamicPartitions` /
 * `deleteDynamicPartitions` (graphql/dynamic-partitions.ts): the name must be a dynamic partitions
 * definition a loaded asset declares, every key a valid partition key; a 400 names the field.
 */
import { ApiError, readValidBody, sendJson } from "@flyt/protocol";
import { z } from "zod";
import { changeDynamicPartitions, dynamicNameProblem } from "../graphql/dynamic-partitions.js";
import type { Router } from "../router.js";
import type { ServerDeps } from "../deps.js";
import { limitOf, withCursor } from "./backfills.js";

// Key checks (length, characters, how many) are changeDynamicPartitions', whose messages name the key.
const KeysSchema = z.object({ keys: z.array(z.string()) }).strict();

export function dynamicPartitionRoutes(router: Router, deps: ServerDeps): void {
  const merged = () => deps.workspace()?.graph() ?? null;

  router.add("GET", "/api/v1/dynamic-partitions/:name", async ({ response, params, url }) => {
    const name = params.name!;
    const problem = dynamicNameProblem(name, null);
    if (problem !== null) throw new ApiError("BAD_REQUEST", problem, "name");
    const limit = limitOf(url, 100, 1_000);
    const page = await withCursor(url, (cursor) => deps.storage.listDynamicPartitions(name, { limit, cursor }));
    const { count } = await deps.storage.getDynamicPartitionsIndex(name);
    sendJson(response, 200, { name, count, keys: page.items, nextCursor: page.nextCursor });
  }, { role: "viewer", what: "read dynamic partitions" });

  for (const [method, change] of [["POST", "add"], ["DELETE", "delete"]] as const) {
    router.add(method, "/api/v1/dynamic-partitions/:name", async ({ request, response, params }) => {
      const { keys } = await readValidBody(request, KeysSchema, `dynamic partitions ${change} request`);
      const outcome = await changeDynamicPartitions(deps.storage, merged(), change, params.name!, keys);
      if (outcome.__typename === "InvalidPartitionError") throw new ApiError("BAD_REQUEST", outcome.message, outcome.field);
      const { __typename: _typename, ...body } = outcome;
      deps.log({ level: "info", msg: `dynamic partitions ${change === "add" ? "added" : "deleted"}`, name: body.name, added: body.added, deleted: body.deleted });
      sendJson(response, 200, body);
    }, { role: "operator", what: "change dynamic partitions" });
  }
}
