/**
 * @flyt/observability: freshness evaluation, Prometheus metrics, structured logs and alerts.
 * Each concern is a folder; this barrel re-exports their public APIs.
 */
export * from "./freshness/index.js";
export * from "./metrics/index.js";
export * from "./logging/index.js";
export * from "./alerts/index.js";
