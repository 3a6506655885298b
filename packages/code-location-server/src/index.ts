/**
 * @flyt/code-location-server: serves one application's definitions over protocol v1 and
 * launches remote run workers for its runs. See docs/code-locations.md.
 */
export { CodeLocationServer, startCodeLocationServer, type CodeLocationServerOptions } from "./server.js";
export { buildSnapshot } from "./snapshot.js";
export { evaluateSchedule, evaluateSensor, checkDynamicPartitionsRequests, checkBackfillRequests } from "./evaluate.js";
export { main as codeServerMain } from "./main.js";
