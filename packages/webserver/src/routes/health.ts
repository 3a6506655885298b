/**
 * `/healthz` (the process serves) and `/readyz` (storage answers and its schema is the one this
 * binary was built for; code locations are reported, not required — a broken application must
 * not take the platform out of its load balancer). An older schema means migrations are pending;
 * a newer one means this binary is older than the database: both answer 503. While storage is
 * unreachable (a PostgreSQL restart) `/readyz` says "not ready: storage unreachable" and recovers
 * by itself when it is back; `/healthz` keeps answering 200, so the process is not restarted.
 */
import { sendJson } from "@flyt/protocol";
import type { Router } from "../router.js";
import type { ServerDeps } from "../deps.js";
import type { LocationStatusView } from "./metrics.js";

/**
 * How long `/readyz` waits for storage. A database host that stops answering (rather than
 * refusing) would otherwise hold the probe for the pool's 15 s connect timeout, past any probe
 * timeout, so the answer would be a timeout instead of a 503 that says why.
 */
export const READY_TIMEOUT_MS = 5_000;

async function withinReadyTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(router: Router, deps: ServerDeps, locations: () => LocationStatusView[]): void {
  router.add("GET", "/healthz", async ({ response }) => {
    sendJson(response, 200, { status: "ok" });
  });
  router.add("GET", "/readyz", async ({ response }) => {
    const expected = deps.storage.expectedSchemaVersion;
    let schemaVersion: number;
    try {
      schemaVersion = await withinReadyTimeout(deps.storage.schemaVersion());
    } catch (error) {
      // Nothing to repair here: the pool reconnects on the next probe once storage is back.
      sendJson(response, 503, {
        status: "unavailable",
        storage: { kind: deps.storage.kind, reachable: false, expectedSchemaVersion: expected },
        error: `not ready: storage unreachable: ${(error as Error).message}`,
      });
      return;
    }
    const schemaCurrent = schemaVersion === expected;
    const storage = { kind: deps.storage.kind, reachable: true, schemaVersion, expectedSchemaVersion: expected, schemaCurrent };
    const located = locations().map((l) => ({ name: l.name, status: l.status }));
    if (!schemaCurrent) {
      const error =
        schemaVersion < expected
          ? `storage schema is at version ${schemaVersion}, this Flyt needs ${expected}: run \`flyt migrate\``
          : `storage schema version ${schemaVersion} is newer than this Flyt (knows up to ${expected}): upgrade Flyt`;
      sendJson(response, 503, { status: "unavailable", storage, locations: located, error });
      return;
    }
    sendJson(response, 200, { status: "ready", storage, locations: located });
  });
}
