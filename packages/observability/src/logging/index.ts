/** Structured logs: the pino logger factory used by every Flyt process. */
export * from "./logger.js";
