/**
 * @flyt/webserver: the platform's HTTP server — event ingest for run workers, health, and REST
 * for code locations and runs. See docs/code-locations.md and docs/protocol/README.md.
 */
export { Webserver, startWebserver, type WebserverOptions } from "./server.js";
export { Router, type Handler, type RouteContext } from "./router.js";
export type { ServerDeps } from "./deps.js";
export * from "./graphql/index.js";
export * from "./auth/index.js";
