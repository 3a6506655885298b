import { readPodStatus } from "@flyt/kubernetes";
import { WORKER_CONTAINER } from "./job.js";
export function classifyPod(pod) {
    const status = readPodStatus(pod, WORKER_CONTAINER);
    switch (status.kind) {
        case "failed":
            return { kind: "failed", reason: status.failure.reason, message: describeFailure(status.failure) };
        case "pending":
            // Only "no node fits" waits for scheduleTimeoutSeconds; other scheduling gates clear by themselves.
            if (status.notScheduled?.reason === "Unschedulable")
                return { kind: "unschedulable", message: status.notScheduled.message ?? "no node fits the pod" };
            return { kind: "pending" };
        case "running":
        case "succeeded":
            return status;
    }
}
function describeFailure(failure) {
    switch (failure.cause) {
        case "evicted":
        case "pod-failed":
            return `the run's pod ${failure.description}`;
        case "deadline":
            return `the run's pod exceeded its deadline: ${failure.statusMessage ?? ""}`.trim();
        case "oom":
            return `the run worker ${failure.description}; raise the memory limit, e.g. with the run tag flyt/k8s-memory-limit`;
        case "exit":
            return `the run worker ${failure.description}`;
        case "not-started":
            return failure.description;
    }
}
export function classifyJob(job) {
    const conditions = job.status?.conditions ?? [];
    const isTrue = (type) => conditions.find((condition) => condition.type === type && condition.status === "True");
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
    if (isTrue("Complete") !== undefined || isTrue("SuccessCriteriaMet") !== undefined)
        return { kind: "complete" };
    return { kind: "active" };
}
//# sourceMappingURL=status.js.map