/**
 * What a Pipes pod's status means: still starting (and why), running, done, or failed with a
 * reason a person can act on. The rules are @flyt/kubernetes' — the launcher judges its run pods
 * by the same — and the wording here is about the Pipes child, after "Pipes pod <ns>/<name> (<image>)".
 */
import type { V1Pod } from "@kubernetes/client-node";
import { readPodStatus, type PodFailure } from "@flyt/kubernetes";
import { PIPES_CONTAINER } from "./pod.js";

export type PipesPodVerdict =
  | { kind: "pending"; detail: string | null }
  | { kind: "running" }
  | { kind: "succeeded" }
  /** `exitCode` is null when the container never ran or Kubernetes gave none. */
  | { kind: "failed"; reason: string; message: string; exitCode: number | null };

export function classifyPipesPod(pod: V1Pod): PipesPodVerdict {
  const status = readPodStatus(pod, PIPES_CONTAINER);
  switch (status.kind) {
    case "failed": {
      const { failure } = status;
      return { kind: "failed", reason: failure.reason, message: describeFailure(failure), exitCode: failure.exitCode };
    }
    case "pending": {
      // Shown when the pod does not start in time: what Kubernetes last said it was waiting for.
      const { notScheduled, waiting } = status;
      if (notScheduled !== null) return { kind: "pending", detail: `${notScheduled.reason ?? "not scheduled"}: ${notScheduled.message ?? "no node fits the pod"}` };
      if (waiting !== null) return { kind: "pending", detail: `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ""}` };
      return { kind: "pending", detail: null };
    }
    case "running":
    case "succeeded":
      return status;
  }
}

function describeFailure(failure: PodFailure): string {
  switch (failure.cause) {
    case "deadline":
      return `exceeded its activeDeadlineSeconds${failure.statusMessage ? `: ${failure.statusMessage}` : ""}`;
    case "oom":
      return `${failure.description}; raise resources.limits.memory`;
    case "not-started":
      return `did not start: ${failure.description}`;
    case "evicted":
    case "exit":
    case "pod-failed":
      return failure.description;
  }
}
