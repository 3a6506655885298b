/**
 * What a Pod's status means, as one set of rules for every Flyt pod (a launcher's run pod, a
 * `runPod` Pipes child): still pending and why, running, succeeded, or failed with a cause a
 * person can act on (eviction, deadline, OOM at the memory limit, exit code, an image that will
 * not pull). Pure, on the JSON the API server sends. The wording around `description` is each
 * caller's: "the run worker …" for the launcher, "Pipes pod … " for runPod.
 */
import type { V1Pod } from "@kubernetes/client-node";

export type PodFailureCause = "evicted" | "deadline" | "oom" | "exit" | "not-started" | "pod-failed";

export interface PodFailure {
  cause: PodFailureCause;
  /** Kubernetes' reason (Evicted, DeadlineExceeded, OOMKilled, ErrImagePull, Error, …). */
  reason: string;
  /** The container's exit code; null when it never ran or Kubernetes gave none. */
  exitCode: number | null;
  /**
   * What happened, without a subject, e.g. "was OOM-killed at its 512Mi memory limit (exit code
   * 137)", "exited with code 3 (Error)", "image pull failed for r/x:1: ErrImagePull: …".
   */
  description: string;
  /** The pod's own status message, for callers that word evictions and deadlines themselves. */
  statusMessage: string | undefined;
}

export type PodStatus =
  | {
      kind: "pending";
      /** Set while the PodScheduled condition is False (reason Unschedulable: no node fits). */
      notScheduled: { reason: string | undefined; message: string | undefined } | null;
      /** The container's waiting reason while it is being created (ContainerCreating, a pull in progress). */
      waiting: { reason: string; message: string | undefined } | null;
    }
  | { kind: "running" }
  | { kind: "succeeded" }
  | { kind: "failed"; failure: PodFailure };

/** Waiting reasons that will not fix themselves: the pod fails at once rather than at a timeout. */
const FATAL_WAITING: Record<string, string> = {
  ErrImagePull: "image pull failed",
  ImagePullBackOff: "image pull failed",
  InvalidImageName: "invalid image name",
  ErrImageNeverPull: "image not present and imagePullPolicy is Never",
  CreateContainerConfigError: "container configuration error",
  CreateContainerError: "the container could not be created",
  RunContainerError: "the container could not be started",
};

/** The status of `pod`, judged by its container named `container` (else its first). */
export function readPodStatus(pod: V1Pod, container: string): PodStatus {
  const status = pod.status ?? {};
  const spec = pod.spec?.containers.find((c) => c.name === container) ?? pod.spec?.containers[0];
  const image = spec?.image ?? "the image";
  const limit = spec?.resources?.limits?.memory;
  const containerStatus = status.containerStatuses?.find((c) => c.name === container) ?? status.containerStatuses?.[0];
  const terminated = containerStatus?.state?.terminated;
  const failed = (failure: Omit<PodFailure, "statusMessage">): PodStatus => ({ kind: "failed", failure: { ...failure, statusMessage: status.message } });

  // Eviction and deadline first: the container is killed by them, and its exit code would hide why.
  if (status.phase === "Failed" && status.reason === "Evicted") {
    return failed({ cause: "evicted", reason: "Evicted", exitCode: terminated?.exitCode ?? null, description: `was evicted: ${status.message ?? "no reason given"}` });
  }
  if (status.phase === "Failed" && status.reason === "DeadlineExceeded") {
    return failed({
      cause: "deadline",
      reason: "DeadlineExceeded",
      exitCode: terminated?.exitCode ?? null,
      description: `exceeded its deadline${status.message ? `: ${status.message}` : ""}`,
    });
  }
  if (terminated !== undefined) {
    if (terminated.reason === "OOMKilled") {
      return failed({
        cause: "oom",
        reason: "OOMKilled",
        exitCode: terminated.exitCode,
        description: `was OOM-killed${limit !== undefined ? ` at its ${limit} memory limit` : ""} (exit code ${terminated.exitCode})`,
      });
    }
    if (terminated.exitCode === 0) return { kind: "succeeded" };
    const detail = [terminated.reason, terminated.message].filter((part) => part !== undefined && part !== "").join(": ");
    return failed({
      cause: "exit",
      reason: terminated.reason ?? "Error",
      exitCode: terminated.exitCode,
      description: `exited with code ${terminated.exitCode}${terminated.signal !== undefined ? ` (signal ${terminated.signal})` : ""}${detail !== "" ? ` (${detail})` : ""}`,
    });
  }
  const waiting = containerStatus?.state?.waiting;
  if (waiting?.reason !== undefined) {
    const what = FATAL_WAITING[waiting.reason];
    if (what !== undefined) {
      const subject = what.startsWith("image") || what.startsWith("invalid image") ? `${what} for ${image}` : what;
      return failed({ cause: "not-started", reason: waiting.reason, exitCode: null, description: `${subject}: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ""}` });
    }
  }
  if (status.phase === "Failed") {
    return failed({ cause: "pod-failed", reason: status.reason ?? "Failed", exitCode: null, description: `failed: ${status.message ?? status.reason ?? "no reason given"}` });
  }
  if (status.phase === "Succeeded") return { kind: "succeeded" };
  // A pod stays Pending until all its containers run; ours may already run beside a slow sidecar.
  if (status.phase === "Running" || containerStatus?.state?.running !== undefined) return { kind: "running" };
  const scheduled = status.conditions?.find((condition) => condition.type === "PodScheduled");
  return {
    kind: "pending",
    notScheduled: scheduled?.status === "False" ? { reason: scheduled.reason, message: scheduled.message } : null,
    waiting: waiting?.reason !== undefined ? { reason: waiting.reason, message: waiting.message } : null,
  };
}
