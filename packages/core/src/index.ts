/**
 * @flyt/core: the domain vocabulary shared by every Flyt component: asset keys, metadata,
 * events, runs, the asset graph, selection and errors. No I/O lives here.
 */
export * from "./abandoned-run.js";
export * from "./asset-key.js";
export * from "./asset-graph.js";
export * from "./automation.js";
export * from "./backfills.js";
export * from "./declaration-site.js";
export * from "./definition-limits.js";
export * from "./did-you-mean.js";
export * from "./errors.js";
export * from "./event-limits.js";
export * from "./events.js";
export * from "./metadata.js";
export * from "./ports.js";
export * from "./runs.js";
export * from "./selection.js";
