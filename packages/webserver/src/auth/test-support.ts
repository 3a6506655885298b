/**
 * The forwarded-auth setup the API tests share: the webserver trusts 127.0.0.1 as its proxy and
 * maps the proxy's group header to roles, so a test acts as an operator or a viewer by the headers
 * it sends (as Authentik behind Traefik would set them).
 */
import type { AuthOptions } from "./config.js";

export const FORWARDED_AUTH: Partial<AuthOptions> = {
  mode: "forwarded",
  trustedProxies: ["127.0.0.1/32", "::1"],
  roles: { admin: ["flyt-admins"], operator: ["flyt-ops"], viewer: ["readers"] },
  defaultRole: null,
};

/** Headers of a request by an operator (may launch, cancel, backfill). */
export const AS_OPERATOR = { "X-authentik-username": "otto", "X-authentik-groups": "flyt-ops" };
/** Headers of a request by a viewer (reads only). */
export const AS_VIEWER = { "X-authentik-username": "vera", "X-authentik-groups": "readers" };
