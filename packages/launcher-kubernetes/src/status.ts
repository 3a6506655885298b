/**
 * Reading a run's Job and Pod status: pure functions that turn what Kubernetes reports into
 * "still going" or a terminal outcome with a reason a person can act on ("image pull failed for
 * registry/x:1.2: …", "OOM-killed at the 512Mi memory limit", "evicted: …").
 */
import type { V1Job, V1Pod } from "@kubernetes/client-node";
import { WORKER_CONTAINER } from "./job.js";

export type PodVerdict =
  | { kind: "pending" }
  | { kind: "unschedulable"; message: string }
  | { kind: "running" }
  | { kind: "succeeded" }
  | { kind: "failed"; reason: string; message: string };

/** Waiting reasons that will not fix themselves: the run fails at once. */
const FATAL_WAITING: Record<string, string> = {
  ErrImagePull: "image pull failed",
  ImagePullBackOff: "image pull failed",
  InvalidImageName: "invalid image name",
  ErrImageNeverPull: "image not present and imagePullPolicy is Never",
  CreateContainerConfigError: "container configuration error",
  CreateContainerError: "the container could not be created",
  RunContainerError: "the container could not be started",
};

export function classifyPod(pod: V1Pod): PodVerdict {
  const status = pod.status ?? {};
  const container = pod.spec?.containers.find((c) => c.name === WORKER_CONTAINER) ?? pod.spec?.containers[0];
  const image = container?.image ?? "the image";
  const limit = container?.resources?.limits?.memory;
  const containerStatus =
    status.containerStatuses?.find((c) => c.name === WORKER_CONTAINER) ?? status.containerStatuses?.[0];

  if (status.phase === "Failed" && status.reason === "Evicted") {
    return { kind: "failed", reason: "Evicted", message: `the run's pod was evicted: ${status.message ?? "no reason given"}` };
  }
  if (status.phase === "Failed" && status.reason === "DeadlineExceeded") {
    return { kind: "failed", reason: "DeadlineExceeded", message: `the run's pod exceeded its deadline: ${status.message ?? ""}`.trim() };
  }
  const terminated = containerStatus?.state?.terminated;
  if (terminated !== undefined) {
    if (terminated.reason === "OOMKilled") {
      return {
        kind: "failed",
        reason: "OOMKilled",
        message: `the run worker was OOM-killed${limit !== undefined ? ` at its ${limit} memory limit` : ""} (exit code ${terminated.exitCode}); raise the memory limit, e.g. with the run tag flyt/k8s-memory-limit`,
      };
    }
    if (terminated.exitCode === 0) return { kind: "succeeded" };
    const detail = [terminated.reason, terminated.message].filter((part) => part !== undefined && part !== "").join(": ");
    return {
      kind: "failed",
      reason: terminated.reason ?? "Error",
      message: `the run worker exited with code ${terminated.exitCode}${terminated.signal !== undefined ? ` (signal ${terminated.signal})` : ""}${detail !== "" ? ` (${detail})` : ""}`,
    };
  }
  const waiting = containerStatus?.state?.waiting;
  if (waiting?.reason !== undefined) {
    const what = FATAL_WAITING[waiting.reason];
    if (what !== undefined) {
      const subject = what.startsWith("image") || what.startsWith("invalid image") ? `${what} for ${image}` : what;
      return { kind: "failed", reason: waiting.reason, message: `${subject}: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ""}` };
    }
  }
  if (status.phase === "Failed") {
    return { kind: "failed", reason: status.reason ?? "Failed", message: `the run's pod failed: ${status.message ?? status.reason ?? "no reason given"}` };
  }
  if (status.phase === "Succeeded") return { kind: "succeeded" };
  const scheduled = status.conditions?.find((condition) => condition.type === "PodScheduled");
  if (scheduled?.status === "False" && scheduled.reason === "Unschedulable") {
    return { kind: "unschedulable", message: scheduled.message ?? "no node fits the pod" };
  }
  if (status.phase === "Running") return { kind: "running" };
  return { kind: "pending" };
}

export type JobVerdict = { kind: "active" } | { kind: "complete" } | { kind: "failed"; reason: string; message: string };

export function classifyJob(job: V1Job): JobVerdict {
  const conditions = job.status?.conditions ?? [];
  const isTrue = (type: string) => conditions.find((condition) => condition.type === type && condition.status === "True");
  const failed = isTrue("Failed") ?? isTrue("FailureTarget");
  if (failed !== undefined) {
    if (failed.reason === "DeadlineExceeded") {
      const seconds = job.spec?.activeDeadlineSeconds;
      return {
        kind: "failed",
        reason: "DeadlineExceeded",
        message: `the run exceeded its deadline${seconds !== undefined ? ` of ${seconds} s (activeDeadlineSeconds)` : ""} and was stopped`,
      };
    }
    return { kind: "failed", reason: failed.reason ?? "Failed", message: `the run's Job failed: ${failed.message ?? failed.reason ?? "no reason given"}` };
  }
  if (isTrue("Complete") !== undefined || isTrue("SuccessCriteriaMet") !== undefined) return { kind: "complete" };
  return { kind: "active" };
}
