/** `/healthz` (the process serves) and `/readyz` (storage answers; locations are reported, not required). */
import { sendJson } from "@flyt/protocol";
import type { Router } from "../router.js";
import type { ServerDeps } from "../deps.js";

export function healthRoutes(router: Router, deps: ServerDeps): void {
  router.add("GET", "/healthz", async ({ response }) => {
    sendJson(response, 200, { status: "ok" });
  });
  router.add("GET", "/readyz", async ({ response }) => {
    try {
      const schemaVersion = await deps.storage.schemaVersion();
      const locations = deps.workspace?.list().map((l) => ({ name: l.name, status: l.status })) ?? [];
      sendJson(response, 200, { status: "ready", storage: { kind: deps.storage.kind, schemaVersion }, locations });
    } catch (error) {
      sendJson(response, 503, { status: "unavailable", error: `storage: ${(error as Error).message}` });
    }
  });
}
