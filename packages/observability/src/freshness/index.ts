/** Freshness: the pure evaluator and the partition clock it uses for "latest partition" policies. */
export * from "./evaluate.js";
export * from "./partitions.js";
export * from "./monitor.js";
