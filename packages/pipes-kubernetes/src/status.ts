/**
 * What a Pipes pod's status means: still starting, running, done, or failed with a reason a
 * person can act on (image pull error, OOM at the memory limit, eviction, non-zero exit). Pure,
 * on the JSON the API server sends; the same rules as the Kubernetes launcher's run pods, with
 * messages about the Pipes child.
 */
import type { V1Pod } from "@kubernetes/client-node";
import { PIPES_CONTAINER } from "./pod.js";

export type PipesPodVerdict =
  | { kind: "pending"; detail: string | null }
  | { kind: "running" }
  | { kind: "succeeded" }
  /** `exitCode` is null when the container never ran or Kubernetes gave none. */
  | { kind: "failed"; reason: string; message: string; exitCode: number | null };

/** Waiting reasons that will not fix themselves: the step fails at once. */
const FATAL_WAITING: Record<string, string> = {
  ErrImagePull: "image pull failed",
  ImagePullBackOff: "image pull failed",
  InvalidImageName: "invalid image name",
  ErrImageNeverPull: "image not present and imagePullPolicy is Never",
  CreateContainerConfigError: "container configuration error",
  CreateContainerError: "the container could not be created",
  RunContainerError: "the container could not be started",
};

export function classifyPipesPod(pod: V1Pod): PipesPodVerdict {
  const status = pod.status ?? {};
  const container = pod.spec?.containers.find((c) => c.name === PIPES_CONTAINER) ?? pod.spec?.containers[0];
  const image = container?.image ?? "the image";
  const limit = container?.resources?.limits?.memory;
  const containerStatus = status.containerStatuses?.find((c) => c.name === PIPES_CONTAINER) ?? status.containerStatuses?.[0];

  const terminated = containerStatus?.state?.terminated;
  if (status.phase === "Failed" && status.reason === "Evicted") {
    return { kind: "failed", reason: "Evicted", message: `was evicted: ${status.message ?? "no reason given"}`, exitCode: terminated?.exitCode ?? null };
  }
  if (status.phase === "Failed" && status.reason === "DeadlineExceeded") {
    return { kind: "failed", reason: "DeadlineExceeded", message: `exceeded its activeDeadlineSeconds${status.message ? `: ${status.message}` : ""}`, exitCode: terminated?.exitCode ?? null };
  }
  if (terminated !== undefined) {
    if (terminated.reason === "OOMKilled") {
      return {
        kind: "failed",
        reason: "OOMKilled",
        message: `was OOM-killed${limit !== undefined ? ` at its ${limit} memory limit` : ""} (exit code ${terminated.exitCode}); raise resources.limits.memory`,
        exitCode: terminated.exitCode,
      };
    }
    if (terminated.exitCode === 0) return { kind: "succeeded" };
    const detail = [terminated.reason, terminated.message].filter((part) => part !== undefined && part !== "").join(": ");
    return {
      kind: "failed",
      reason: terminated.reason ?? "Error",
      message: `exited with code ${terminated.exitCode}${terminated.signal !== undefined ? ` (signal ${terminated.signal})` : ""}${detail !== "" ? ` (${detail})` : ""}`,
      exitCode: terminated.exitCode,
    };
  }
  const waiting = containerStatus?.state?.waiting;
  if (waiting?.reason !== undefined) {
    const what = FATAL_WAITING[waiting.reason];
    if (what !== undefined) {
      const subject = what.startsWith("image") || what.startsWith("invalid image") ? `${what} for ${image}` : what;
      return { kind: "failed", reason: waiting.reason, message: `did not start: ${subject}: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ""}`, exitCode: null };
    }
  }
  if (status.phase === "Failed") {
    return { kind: "failed", reason: status.reason ?? "Failed", message: `failed: ${status.message ?? status.reason ?? "no reason given"}`, exitCode: null };
  }
  if (status.phase === "Succeeded") return { kind: "succeeded" };
  if (status.phase === "Running" || containerStatus?.state?.running !== undefined) return { kind: "running" };
  const scheduled = status.conditions?.find((condition) => condition.type === "PodScheduled");
  if (scheduled?.status === "False") return { kind: "pending", detail: `${scheduled.reason ?? "not scheduled"}: ${scheduled.message ?? "no node fits the pod"}` };
  if (waiting?.reason !== undefined) return { kind: "pending", detail: `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ""}` };
  return { kind: "pending", detail: null };
}
