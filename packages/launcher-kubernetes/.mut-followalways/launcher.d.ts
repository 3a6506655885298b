import { BatchV1Api, CoreV1Api, KubeConfig, type V1Job } from "@kubernetes/client-node";
import { type RunRecord } from "@flyt/core";
import { type CancelOptions, type LaunchRequest, type RunHandle, type RunLauncher } from "@flyt/contracts";
import { type KubernetesLauncherConfig, type KubernetesLauncherConfigInput, type KubernetesLocationConfig, type KubernetesLocationConfigInput } from "./config.js";
export interface KubernetesLauncherOptions {
    /** The `kubernetes:` block of flyt.yaml (validated here). */
    config: KubernetesLauncherConfigInput;
    /** Kubernetes settings of each code location, by location name (validated on use). */
    locations: Record<string, KubernetesLocationConfigInput> | ((location: string) => KubernetesLocationConfigInput | undefined);
    /** Mints the run-scoped ingest token (the ingest API owns tokens). */
    runToken: (run: RunRecord) => string | Promise<string>;
    /** Called once the run has ended and its outcome is stored (e.g. to revoke its tokens); errors are ignored. */
    onRunEnded?: (run: RunRecord) => void | Promise<void>;
    /** A ready KubeConfig (tests); default: from `config.kubeconfig`, else in-cluster / $KUBECONFIG / ~/.kube/config. */
    kubeConfig?: KubeConfig;
    /** Delay before a dropped watch reconnects (default 1000 ms; doubles on repeated failures). */
    watchRetryDelayMs?: number;
    /** Consecutive failed list/watch attempts before the run is failed (default 20). */
    watchMaxFailures?: number;
    /** After the pod ended, how long to wait for the worker's own terminal event before writing one (default 10000 ms). */
    terminalGraceMs?: number;
}
/** Loads the KubeConfig the config asks for. Throws InvalidConfigError when none can be loaded. */
export declare function loadKubeConfig(config: Pick<KubernetesLauncherConfig, "kubeconfig" | "context">): KubeConfig;
export declare function describeApiError(error: unknown): string;
export declare class KubernetesLauncher implements RunLauncher {
    readonly options: KubernetesLauncherOptions;
    readonly name = "kubernetes";
    readonly config: KubernetesLauncherConfig;
    readonly kubeConfig: KubeConfig;
    readonly namespace: string;
    readonly batch: BatchV1Api;
    readonly core: CoreV1Api;
    constructor(options: KubernetesLauncherOptions);
    /** The validated Kubernetes settings of a location; throws InvalidConfigError naming it. */
    locationConfig(location: string): KubernetesLocationConfig;
    launch(request: LaunchRequest): KubernetesRunHandle;
}
export declare class KubernetesRunHandle implements RunHandle {
    private readonly launcher;
    private readonly request;
    readonly runId: string;
    readonly done: Promise<RunRecord>;
    readonly jobName: string;
    readonly secretName: string;
    /** The Job as created (null before, or when creation failed). */
    job: V1Job | null;
    /** Watch connections opened for the Job and the Pods (tests check resumption). */
    get watchConnections(): number;
    private readonly storage;
    private cancelReason;
    private settle;
    private settled;
    private jobFollower;
    private podFollower;
    private unschedulableTimer;
    private jobDeletion;
    constructor(launcher: KubernetesLauncher, request: LaunchRequest);
    cancel(reason?: string, options?: CancelOptions): Promise<void>;
    private start;
    private run;
    private follow;
    private onJob;
    private onPod;
    private clearUnschedulableTimer;
    private stopFollowing;
    /** Deletes the Job with foreground propagation (its pods go first); a missing Job is fine. */
    private deleteJob;
    /** Writes the outcome unless the worker already reported one. */
    private finish;
    /** Polls storage for a terminal run status written by the worker, for up to `graceMs`. */
    private workerFinished;
    /** Ends the steps left unfinished (core's StepLedger rule: running fail, never started skipped), then the run. */
    private endRun;
    private writeAll;
    private write;
}
//# sourceMappingURL=launcher.d.ts.map