/** Alerts: config, channels (webhook, Slack, email), and the engine the daemon drives. */
export * from "./config.js";
export * from "./types.js";
export * from "./channels.js";
export * from "./engine.js";
export * from "./recorder.js";
