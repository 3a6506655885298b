/**
 * @flyt/protocol: protocol v1 between the platform, code-location servers and run workers —
 * zod schemas (the contract), their JSON Schema files, canonical JSON and content hashes.
 * See docs/protocol/README.md.
 */
export * from "./schemas.js";
export { canonicalJson, contentHash } from "./canonical.js";
export { parseWith, versionProblem, type ParseResult } from "./validate.js";
export { ApiError, readJsonBody, readTextBody, readValidBody, sendJson, sendError, checkedBody, DEFAULT_BODY_LIMIT_BYTES, discardRequestBody, OVERSIZE_DRAIN_BYTES } from "./http.js";
export { boundedLocationError, LOCATION_ERROR_LIMITS } from "./location-error.js";
