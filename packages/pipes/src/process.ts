/**
 * `@flyt/pipes/process`: how Flyt runs a child process as part of a step, for other integrations
 * (the dbt runner) without loading the Pipes protocol: process groups that are killed whole and
 * never outlive the worker, and a bounded line splitter for the child's output.
 */
export { killGroup, trackGroup, untrackGroup } from "./process-group.js";
export { LineSplitter, type LineSplitterEvents } from "./lines.js";
