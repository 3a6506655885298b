/**
 * Why a Pipes launch rejected: the closed set of `PipesProcessError.reason` values, in one list
 * that the error type and the launch paths take from. The pod reasons are given only by
 * `ctx.pipes.runPod` (@flyt/pipes-kubernetes) but are declared here, in the lower package that
 * owns the error: this package must not depend on a Kubernetes package for three names.
 */

/** Reasons any launch can give (a local process, or a pod). */
export const PROCESS_FAILURE_REASONS = ["exit", "signal", "spawn", "canceled", "exception", "invalid-options"] as const;

/**
 * Reasons only a pod gives: `pod-failed` (Kubernetes ended it: image pull, OOM, eviction,
 * deletion; `details.pod.reason` says which), `start-timeout` (not running after
 * startTimeoutSeconds), `kubernetes-api` (the API refused or could not be reached).
 */
export const POD_FAILURE_REASONS = ["pod-failed", "start-timeout", "kubernetes-api"] as const;

export type PodFailureReason = (typeof POD_FAILURE_REASONS)[number];
export type PipesFailureReason = (typeof PROCESS_FAILURE_REASONS)[number] | PodFailureReason;
