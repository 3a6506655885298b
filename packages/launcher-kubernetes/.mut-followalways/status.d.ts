/**
 * Reading a run's Job and Pod status into "still going" or a terminal outcome with a reason a
 * person can act on ("image pull failed for registry/x:1.2: …", "OOM-killed at the 512Mi memory
 * limit", "evicted: …"). The pod rules are @flyt/kubernetes' (runPod judges its pods by the same);
 * the wording, about the run worker and its pod, and the Job rules are the launcher's.
 */
import type { V1Job, V1Pod } from "@kubernetes/client-node";
export type PodVerdict = {
    kind: "pending";
} | {
    kind: "unschedulable";
    message: string;
} | {
    kind: "running";
} | {
    kind: "succeeded";
} | {
    kind: "failed";
    reason: string;
    message: string;
};
export declare function classifyPod(pod: V1Pod): PodVerdict;
export type JobVerdict = {
    kind: "active";
} | {
    kind: "complete";
} | {
    kind: "failed";
    reason: string;
    message: string;
};
export declare function classifyJob(job: V1Job): JobVerdict;
//# sourceMappingURL=status.d.ts.map