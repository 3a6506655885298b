/** Prometheus metrics: the registry with Flyt's metric definitions and the `/metrics` handler. */
export * from "./metrics.js";
export * from "./handler.js";
