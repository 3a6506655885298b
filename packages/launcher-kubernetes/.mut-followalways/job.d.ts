/**
 * The Kubernetes objects of one run, built by pure functions: the Job that runs the Flyt run
 * worker from the code location's image, and the Secret holding the run-scoped ingest token.
 * Every manifest built here is validated against the official Kubernetes JSON schemas in the
 * tests (kubeconform), and documented in docs/launchers/kubernetes.md.
 *
 * Worker contract: the container runs `<command> --run-id <id> --location <name>
 * [--definitions <file>]` with FLYT_RUN_ID, FLYT_LOCATION, FLYT_INGEST_URL and FLYT_RUN_TOKEN (from
 * the Secret) in its environment, and sends its events to the ingest URL with that token. It
 * never receives the platform's database credentials.
 */
import type { V1Job, V1ResourceRequirements, V1Secret } from "@kubernetes/client-node";
import { type RunRecord } from "@flyt/core";
import type { KubernetesLauncherConfig, KubernetesLocationConfig, Resources } from "./config.js";
/** Run tags that override the resources of one run. */
export declare const RESOURCE_TAGS: {
    readonly "flyt/k8s-cpu-request": readonly ["requests", "cpu"];
    readonly "flyt/k8s-cpu-limit": readonly ["limits", "cpu"];
    readonly "flyt/k8s-memory-request": readonly ["requests", "memory"];
    readonly "flyt/k8s-memory-limit": readonly ["limits", "memory"];
};
/** The key of the run token in the per-run Secret. */
export declare const RUN_TOKEN_KEY = "token";
export declare const WORKER_CONTAINER = "run-worker";
export interface RunJobOptions {
    run: Pick<RunRecord, "runId" | "location" | "assetKeys" | "tags">;
    location: KubernetesLocationConfig;
    config: KubernetesLauncherConfig;
    /** Namespace of the Job (default: config.namespace or "default"). */
    namespace?: string;
}
/** The image reference: repository@digest when a digest is given (with the tag kept for readers), else repository:tag. */
export declare function imageReference(location: KubernetesLocationConfig): string;
/**
 * Resources of a run: the launcher's defaults, overridden per location, then per run by the
 * tags in RESOURCE_TAGS. Throws InvalidConfigError naming the tag or setting at fault, also when
 * a request is larger than its limit.
 */
export declare function resolveResources(defaults: Resources, location: Resources | undefined, tags: Record<string, string>): V1ResourceRequirements;
/** Labels shared by the Job, its pod template and the token Secret. */
export declare function runLabels(run: Pick<RunRecord, "runId" | "location" | "assetKeys">): Record<string, string>;
/** The ingest API path of the webserver; run workers post to `<endpoint>/runs/<id>/events`. */
export declare const INGEST_PATH = "/ingest/v1";
/**
 * The worker's FLYT_INGEST_URL from the configured `ingestUrl`: the webserver's URL as pods reach
 * it, with the ingest API path appended unless it is already there.
 */
export declare function ingestEndpoint(ingestUrl: string): string;
/** The Job manifest of a run. Pure: the same options give the same manifest. */
export declare function buildRunJob(options: RunJobOptions): V1Job;
export interface RunTokenSecretOptions {
    run: Pick<RunRecord, "runId" | "location" | "assetKeys">;
    config: KubernetesLauncherConfig;
    token: string;
    namespace?: string;
    /** The Job that owns the Secret, so deleting the Job deletes the token with it. */
    owner?: {
        name: string;
        uid: string;
    };
}
/** The Secret holding a run's ingest token (base64 in `data`, never in the Job's env). */
export declare function buildRunTokenSecret(options: RunTokenSecretOptions): V1Secret;
//# sourceMappingURL=job.d.ts.map