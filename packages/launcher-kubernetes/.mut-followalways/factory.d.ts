/**
 * Builds a KubernetesLauncher from compiled configuration: the launcher block, each code
 * location's Kubernetes settings, and storage for run tokens. Tokens are minted the same way
 * the code-location launcher mints them (`mintRunToken` of @flyt/workspace: random 256 bits,
 * only the SHA-256 stored), scoped to the run, its location and its asset keys, and revoked when
 * the run ends, so the webserver's ingest API accepts a pod's events for that run only.
 */
import type { KubeConfig } from "@kubernetes/client-node";
import type { Storage } from "@flyt/storage";
import type { KubernetesLauncherConfigInput, KubernetesLocationConfigInput } from "./config.js";
import { KubernetesLauncher, type KubernetesLauncherOptions } from "./launcher.js";
/** Default token lifetime: a day; tokens are revoked earlier, when the run ends. */
export declare const DEFAULT_RUN_TOKEN_TTL_MS: number;
export interface KubernetesLauncherFactoryOptions {
    /** Platform storage: where run tokens are recorded (and later checked by the ingest API). */
    storage: Storage;
    /** The `kubernetes:` block of flyt.yaml. */
    config: KubernetesLauncherConfigInput;
    /** Kubernetes settings (image, tag/digest, overrides) by code location name. */
    locations: Readonly<Record<string, KubernetesLocationConfigInput>>;
    /** Token lifetime in ms (default 24 h). Set it above the longest run you expect. */
    tokenTtlMs?: number;
    /** A ready KubeConfig (tests); default from the config (in-cluster, $KUBECONFIG, ~/.kube/config). */
    kubeConfig?: KubeConfig;
    /** Passed through to the launcher (tests shorten them). */
    tuning?: Pick<KubernetesLauncherOptions, "watchRetryDelayMs" | "watchMaxFailures" | "terminalGraceMs">;
}
export declare function createKubernetesLauncher(options: KubernetesLauncherFactoryOptions): KubernetesLauncher;
//# sourceMappingURL=factory.d.ts.map