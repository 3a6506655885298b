/**
 * Configuration of the Kubernetes launcher, validated with zod in stages: what flyt.yaml gives
 * (`launcher: kubernetes` plus a `kubernetes:` block, and per-location `kubernetes:` settings),
 * then the parsed, defaulted shape the launcher and `buildRunJob` use. The schemas are exported
 * so that the CLI's config loader can embed them.
 */
import { z } from "zod";
/** Environment variables the launcher sets itself; user env may not override them. */
export declare const RESERVED_ENV: readonly ["FLYT_RUN_ID", "FLYT_LOCATION", "FLYT_INGEST_URL", "FLYT_RUN_TOKEN", "FLYT_DEFINITIONS_FILE"];
export declare const ResourcesSchema: z.ZodObject<{
    requests: z.ZodOptional<z.ZodObject<{
        cpu: z.ZodOptional<z.ZodEffects<z.ZodString, string, string>>;
        memory: z.ZodOptional<z.ZodEffects<z.ZodString, string, string>>;
    }, "strict", z.ZodTypeAny, {
        cpu?: string | undefined;
        memory?: string | undefined;
    }, {
        cpu?: string | undefined;
        memory?: string | undefined;
    }>>;
    limits: z.ZodOptional<z.ZodObject<{
        cpu: z.ZodOptional<z.ZodEffects<z.ZodString, string, string>>;
        memory: z.ZodOptional<z.ZodEffects<z.ZodString, string, string>>;
    }, "strict", z.ZodTypeAny, {
        cpu?: string | undefined;
        memory?: string | undefined;
    }, {
        cpu?: string | undefined;
        memory?: string | undefined;
    }>>;
}, "strict", z.ZodTypeAny, {
    requests?: {
        cpu?: string | undefined;
        memory?: string | undefined;
    } | undefined;
    limits?: {
        cpu?: string | undefined;
        memory?: string | undefined;
    } | undefined;
}, {
    requests?: {
        cpu?: string | undefined;
        memory?: string | undefined;
    } | undefined;
    limits?: {
        cpu?: string | undefined;
        memory?: string | undefined;
    } | undefined;
}>;
export type Resources = z.infer<typeof ResourcesSchema>;
/** The `kubernetes:` block of flyt.yaml (with `launcher: kubernetes`). */
export declare const KubernetesLauncherConfigSchema: z.ZodObject<{
    /** Namespace for run Jobs and Secrets; defaults to the launcher's own namespace in-cluster, else "default". */
    namespace: z.ZodOptional<z.ZodString>;
    /** The platform's event ingest endpoint as reachable from run pods. */
    ingestUrl: z.ZodEffects<z.ZodString, string, string>;
    serviceAccount: z.ZodOptional<z.ZodString>;
    imagePullSecrets: z.ZodDefault<z.ZodArray<z.ZodString, "many">>;
    ttlSecondsAfterFinished: z.ZodDefault<z.ZodNumber>;
    activeDeadlineSeconds: z.ZodOptional<z.ZodNumber>;
    /** How long a pod may stay unschedulable before the run fails (0: fail on the first Unschedulable). */
    scheduleTimeoutSeconds: z.ZodDefault<z.ZodNumber>;
    resources: z.ZodDefault<z.ZodObject<{
        requests: z.ZodOptional<z.ZodObject<{
            cpu: z.ZodOptional<z.ZodEffects<z.ZodString, string, string>>;
            memory: z.ZodOptional<z.ZodEffects<z.ZodString, string, string>>;
        }, "strict", z.ZodTypeAny, {
            cpu?: string | undefined;
            memory?: string | undefined;
        }, {
            cpu?: string | undefined;
            memory?: string | undefined;
        }>>;
        limits: z.ZodOptional<z.ZodObject<{
            cpu: z.ZodOptional<z.ZodEffects<z.ZodString, string, string>>;
            memory: z.ZodOptional<z.ZodEffects<z.ZodString, string, string>>;
        }, "strict", z.ZodTypeAny, {
            cpu?: string | undefined;
            memory?: string | undefined;
        }, {
            cpu?: string | undefined;
            memory?: string | undefined;
        }>>;
    }, "strict", z.ZodTypeAny, {
        requests?: {
            cpu?: string | undefined;
            memory?: string | undefined;
        } | undefined;
        limits?: {
            cpu?: string | undefined;
            memory?: string | undefined;
        } | undefined;
    }, {
        requests?: {
            cpu?: string | undefined;
            memory?: string | undefined;
        } | undefined;
        limits?: {
            cpu?: string | undefined;
            memory?: string | undefined;
        } | undefined;
    }>>;
    env: z.ZodDefault<z.ZodRecord<z.ZodEffects<z.ZodEffects<z.ZodString, string, string>, string, string>, z.ZodString>>;
    envSecrets: z.ZodDefault<z.ZodRecord<z.ZodEffects<z.ZodEffects<z.ZodString, string, string>, string, string>, z.ZodObject<{
        secret: z.ZodString;
        key: z.ZodString;
    }, "strict", z.ZodTypeAny, {
        secret: string;
        key: string;
    }, {
        secret: string;
        key: string;
    }>>>;
    envFromSecrets: z.ZodDefault<z.ZodArray<z.ZodString, "many">>;
    /** The run worker's command in the image. */
    command: z.ZodDefault<z.ZodArray<z.ZodString, "many">>;
    /** Numeric user for the worker (runAsNonRoot needs a numeric user when the image names none). */
    runAsUser: z.ZodOptional<z.ZodNumber>;
    /** Path of a kubeconfig file; default: in-cluster when running in a pod, else ~/.kube/config or $KUBECONFIG. */
    kubeconfig: z.ZodOptional<z.ZodString>;
    /** Context of the kubeconfig to use. */
    context: z.ZodOptional<z.ZodString>;
}, "strict", z.ZodTypeAny, {
    ingestUrl: string;
    imagePullSecrets: string[];
    ttlSecondsAfterFinished: number;
    scheduleTimeoutSeconds: number;
    resources: {
        requests?: {
            cpu?: string | undefined;
            memory?: string | undefined;
        } | undefined;
        limits?: {
            cpu?: string | undefined;
            memory?: string | undefined;
        } | undefined;
    };
    env: Record<string, string>;
    envSecrets: Record<string, {
        secret: string;
        key: string;
    }>;
    envFromSecrets: string[];
    command: string[];
    namespace?: string | undefined;
    serviceAccount?: string | undefined;
    activeDeadlineSeconds?: number | undefined;
    runAsUser?: number | undefined;
    kubeconfig?: string | undefined;
    context?: string | undefined;
}, {
    ingestUrl: string;
    namespace?: string | undefined;
    serviceAccount?: string | undefined;
    imagePullSecrets?: string[] | undefined;
    ttlSecondsAfterFinished?: number | undefined;
    activeDeadlineSeconds?: number | undefined;
    scheduleTimeoutSeconds?: number | undefined;
    resources?: {
        requests?: {
            cpu?: string | undefined;
            memory?: string | undefined;
        } | undefined;
        limits?: {
            cpu?: string | undefined;
            memory?: string | undefined;
        } | undefined;
    } | undefined;
    env?: Record<string, string> | undefined;
    envSecrets?: Record<string, {
        secret: string;
        key: string;
    }> | undefined;
    envFromSecrets?: string[] | undefined;
    command?: string[] | undefined;
    runAsUser?: number | undefined;
    kubeconfig?: string | undefined;
    context?: string | undefined;
}>;
export type KubernetesLauncherConfigInput = z.input<typeof KubernetesLauncherConfigSchema>;
export type KubernetesLauncherConfig = z.output<typeof KubernetesLauncherConfigSchema>;
/** The part of flyt.yaml that selects this launcher: `launcher: kubernetes` with its block. */
export declare const KubernetesLauncherSelectionSchema: z.ZodObject<{
    launcher: z.ZodLiteral<"kubernetes">;
    kubernetes: z.ZodObject<{
        /** Namespace for run Jobs and Secrets; defaults to the launcher's own namespace in-cluster, else "default". */
        namespace: z.ZodOptional<z.ZodString>;
        /** The platform's event ingest endpoint as reachable from run pods. */
        ingestUrl: z.ZodEffects<z.ZodString, string, string>;
        serviceAccount: z.ZodOptional<z.ZodString>;
        imagePullSecrets: z.ZodDefault<z.ZodArray<z.ZodString, "many">>;
        ttlSecondsAfterFinished: z.ZodDefault<z.ZodNumber>;
        activeDeadlineSeconds: z.ZodOptional<z.ZodNumber>;
        /** How long a pod may stay unschedulable before the run fails (0: fail on the first Unschedulable). */
        scheduleTimeoutSeconds: z.ZodDefault<z.ZodNumber>;
        resources: z.ZodDefault<z.ZodObject<{
            requests: z.ZodOptional<z.ZodObject<{
                cpu: z.ZodOptional<z.ZodEffects<z.ZodString, string, string>>;
                memory: z.ZodOptional<z.ZodEffects<z.ZodString, string, string>>;
            }, "strict", z.ZodTypeAny, {
                cpu?: string | undefined;
                memory?: string | undefined;
            }, {
                cpu?: string | undefined;
                memory?: string | undefined;
            }>>;
            limits: z.ZodOptional<z.ZodObject<{
                cpu: z.ZodOptional<z.ZodEffects<z.ZodString, string, string>>;
                memory: z.ZodOptional<z.ZodEffects<z.ZodString, string, string>>;
            }, "strict", z.ZodTypeAny, {
                cpu?: string | undefined;
                memory?: string | undefined;
            }, {
                cpu?: string | undefined;
                memory?: string | undefined;
            }>>;
        }, "strict", z.ZodTypeAny, {
            requests?: {
                cpu?: string | undefined;
                memory?: string | undefined;
            } | undefined;
            limits?: {
                cpu?: string | undefined;
                memory?: string | undefined;
            } | undefined;
        }, {
            requests?: {
                cpu?: string | undefined;
                memory?: string | undefined;
            } | undefined;
            limits?: {
                cpu?: string | undefined;
                memory?: string | undefined;
            } | undefined;
        }>>;
        env: z.ZodDefault<z.ZodRecord<z.ZodEffects<z.ZodEffects<z.ZodString, string, string>, string, string>, z.ZodString>>;
        envSecrets: z.ZodDefault<z.ZodRecord<z.ZodEffects<z.ZodEffects<z.ZodString, string, string>, string, string>, z.ZodObject<{
            secret: z.ZodString;
            key: z.ZodString;
        }, "strict", z.ZodTypeAny, {
            secret: string;
            key: string;
        }, {
            secret: string;
            key: string;
        }>>>;
        envFromSecrets: z.ZodDefault<z.ZodArray<z.ZodString, "many">>;
        /** The run worker's command in the image. */
        command: z.ZodDefault<z.ZodArray<z.ZodString, "many">>;
        /** Numeric user for the worker (runAsNonRoot needs a numeric user when the image names none). */
        runAsUser: z.ZodOptional<z.ZodNumber>;
        /** Path of a kubeconfig file; default: in-cluster when running in a pod, else ~/.kube/config or $KUBECONFIG. */
        kubeconfig: z.ZodOptional<z.ZodString>;
        /** Context of the kubeconfig to use. */
        context: z.ZodOptional<z.ZodString>;
    }, "strict", z.ZodTypeAny, {
        ingestUrl: string;
        imagePullSecrets: string[];
        ttlSecondsAfterFinished: number;
        scheduleTimeoutSeconds: number;
        resources: {
            requests?: {
                cpu?: string | undefined;
                memory?: string | undefined;
            } | undefined;
            limits?: {
                cpu?: string | undefined;
                memory?: string | undefined;
            } | undefined;
        };
        env: Record<string, string>;
        envSecrets: Record<string, {
            secret: string;
            key: string;
        }>;
        envFromSecrets: string[];
        command: string[];
        namespace?: string | undefined;
        serviceAccount?: string | undefined;
        activeDeadlineSeconds?: number | undefined;
        runAsUser?: number | undefined;
        kubeconfig?: string | undefined;
        context?: string | undefined;
    }, {
        ingestUrl: string;
        namespace?: string | undefined;
        serviceAccount?: string | undefined;
        imagePullSecrets?: string[] | undefined;
        ttlSecondsAfterFinished?: number | undefined;
        activeDeadlineSeconds?: number | undefined;
        scheduleTimeoutSeconds?: number | undefined;
        resources?: {
            requests?: {
                cpu?: string | undefined;
                memory?: string | undefined;
            } | undefined;
            limits?: {
                cpu?: string | undefined;
                memory?: string | undefined;
            } | undefined;
        } | undefined;
        env?: Record<string, string> | undefined;
        envSecrets?: Record<string, {
            secret: string;
            key: string;
        }> | undefined;
        envFromSecrets?: string[] | undefined;
        command?: string[] | undefined;
        runAsUser?: number | undefined;
        kubeconfig?: string | undefined;
        context?: string | undefined;
    }>;
}, "strip", z.ZodTypeAny, {
    launcher: "kubernetes";
    kubernetes: {
        ingestUrl: string;
        imagePullSecrets: string[];
        ttlSecondsAfterFinished: number;
        scheduleTimeoutSeconds: number;
        resources: {
            requests?: {
                cpu?: string | undefined;
                memory?: string | undefined;
            } | undefined;
            limits?: {
                cpu?: string | undefined;
                memory?: string | undefined;
            } | undefined;
        };
        env: Record<string, string>;
        envSecrets: Record<string, {
            secret: string;
            key: string;
        }>;
        envFromSecrets: string[];
        command: string[];
        namespace?: string | undefined;
        serviceAccount?: string | undefined;
        activeDeadlineSeconds?: number | undefined;
        runAsUser?: number | undefined;
        kubeconfig?: string | undefined;
        context?: string | undefined;
    };
}, {
    launcher: "kubernetes";
    kubernetes: {
        ingestUrl: string;
        namespace?: string | undefined;
        serviceAccount?: string | undefined;
        imagePullSecrets?: string[] | undefined;
        ttlSecondsAfterFinished?: number | undefined;
        activeDeadlineSeconds?: number | undefined;
        scheduleTimeoutSeconds?: number | undefined;
        resources?: {
            requests?: {
                cpu?: string | undefined;
                memory?: string | undefined;
            } | undefined;
            limits?: {
                cpu?: string | undefined;
                memory?: string | undefined;
            } | undefined;
        } | undefined;
        env?: Record<string, string> | undefined;
        envSecrets?: Record<string, {
            secret: string;
            key: string;
        }> | undefined;
        envFromSecrets?: string[] | undefined;
        command?: string[] | undefined;
        runAsUser?: number | undefined;
        kubeconfig?: string | undefined;
        context?: string | undefined;
    };
}>;
/** A code location's Kubernetes settings: its image and per-location overrides. */
export declare const KubernetesLocationConfigSchema: z.ZodEffects<z.ZodObject<{
    /** Repository without tag or digest, e.g. "registry.example.com/atlas/flyt-code". */
    image: z.ZodString;
    tag: z.ZodOptional<z.ZodEffects<z.ZodString, string, string>>;
    digest: z.ZodOptional<z.ZodString>;
    /** Path of the definitions module inside the image (default: the image's own FLYT_DEFINITIONS_FILE or workdir default). */
    definitionsFile: z.ZodOptional<z.ZodString>;
    resources: z.ZodOptional<z.ZodObject<{
        requests: z.ZodOptional<z.ZodObject<{
            cpu: z.ZodOptional<z.ZodEffects<z.ZodString, string, string>>;
            memory: z.ZodOptional<z.ZodEffects<z.ZodString, string, string>>;
        }, "strict", z.ZodTypeAny, {
            cpu?: string | undefined;
            memory?: string | undefined;
        }, {
            cpu?: string | undefined;
            memory?: string | undefined;
        }>>;
        limits: z.ZodOptional<z.ZodObject<{
            cpu: z.ZodOptional<z.ZodEffects<z.ZodString, string, string>>;
            memory: z.ZodOptional<z.ZodEffects<z.ZodString, string, string>>;
        }, "strict", z.ZodTypeAny, {
            cpu?: string | undefined;
            memory?: string | undefined;
        }, {
            cpu?: string | undefined;
            memory?: string | undefined;
        }>>;
    }, "strict", z.ZodTypeAny, {
        requests?: {
            cpu?: string | undefined;
            memory?: string | undefined;
        } | undefined;
        limits?: {
            cpu?: string | undefined;
            memory?: string | undefined;
        } | undefined;
    }, {
        requests?: {
            cpu?: string | undefined;
            memory?: string | undefined;
        } | undefined;
        limits?: {
            cpu?: string | undefined;
            memory?: string | undefined;
        } | undefined;
    }>>;
    env: z.ZodDefault<z.ZodRecord<z.ZodEffects<z.ZodEffects<z.ZodString, string, string>, string, string>, z.ZodString>>;
    envSecrets: z.ZodDefault<z.ZodRecord<z.ZodEffects<z.ZodEffects<z.ZodString, string, string>, string, string>, z.ZodObject<{
        secret: z.ZodString;
        key: z.ZodString;
    }, "strict", z.ZodTypeAny, {
        secret: string;
        key: string;
    }, {
        secret: string;
        key: string;
    }>>>;
    envFromSecrets: z.ZodDefault<z.ZodArray<z.ZodString, "many">>;
    serviceAccount: z.ZodOptional<z.ZodString>;
    imagePullSecrets: z.ZodOptional<z.ZodArray<z.ZodString, "many">>;
    /**
     * Mount the service account's API token into run pods. Off by default (the worker only talks to
     * the ingest API); turn it on for locations whose assets start Pipes pods (`ctx.pipes.runPod`),
     * with a service account allowed to create, watch and delete pods and read their logs.
     */
    mountServiceAccountToken: z.ZodDefault<z.ZodBoolean>;
}, "strict", z.ZodTypeAny, {
    env: Record<string, string>;
    envSecrets: Record<string, {
        secret: string;
        key: string;
    }>;
    envFromSecrets: string[];
    image: string;
    mountServiceAccountToken: boolean;
    serviceAccount?: string | undefined;
    imagePullSecrets?: string[] | undefined;
    resources?: {
        requests?: {
            cpu?: string | undefined;
            memory?: string | undefined;
        } | undefined;
        limits?: {
            cpu?: string | undefined;
            memory?: string | undefined;
        } | undefined;
    } | undefined;
    tag?: string | undefined;
    digest?: string | undefined;
    definitionsFile?: string | undefined;
}, {
    image: string;
    serviceAccount?: string | undefined;
    imagePullSecrets?: string[] | undefined;
    resources?: {
        requests?: {
            cpu?: string | undefined;
            memory?: string | undefined;
        } | undefined;
        limits?: {
            cpu?: string | undefined;
            memory?: string | undefined;
        } | undefined;
    } | undefined;
    env?: Record<string, string> | undefined;
    envSecrets?: Record<string, {
        secret: string;
        key: string;
    }> | undefined;
    envFromSecrets?: string[] | undefined;
    tag?: string | undefined;
    digest?: string | undefined;
    definitionsFile?: string | undefined;
    mountServiceAccountToken?: boolean | undefined;
}>, {
    env: Record<string, string>;
    envSecrets: Record<string, {
        secret: string;
        key: string;
    }>;
    envFromSecrets: string[];
    image: string;
    mountServiceAccountToken: boolean;
    serviceAccount?: string | undefined;
    imagePullSecrets?: string[] | undefined;
    resources?: {
        requests?: {
            cpu?: string | undefined;
            memory?: string | undefined;
        } | undefined;
        limits?: {
            cpu?: string | undefined;
            memory?: string | undefined;
        } | undefined;
    } | undefined;
    tag?: string | undefined;
    digest?: string | undefined;
    definitionsFile?: string | undefined;
}, {
    image: string;
    serviceAccount?: string | undefined;
    imagePullSecrets?: string[] | undefined;
    resources?: {
        requests?: {
            cpu?: string | undefined;
            memory?: string | undefined;
        } | undefined;
        limits?: {
            cpu?: string | undefined;
            memory?: string | undefined;
        } | undefined;
    } | undefined;
    env?: Record<string, string> | undefined;
    envSecrets?: Record<string, {
        secret: string;
        key: string;
    }> | undefined;
    envFromSecrets?: string[] | undefined;
    tag?: string | undefined;
    digest?: string | undefined;
    definitionsFile?: string | undefined;
    mountServiceAccountToken?: boolean | undefined;
}>;
export type KubernetesLocationConfigInput = z.input<typeof KubernetesLocationConfigSchema>;
export type KubernetesLocationConfig = z.output<typeof KubernetesLocationConfigSchema>;
/** Validates the launcher block; `source` names where it came from (e.g. "flyt.yaml kubernetes"). */
export declare function parseKubernetesLauncherConfig(input: unknown, source?: string): KubernetesLauncherConfig;
/** Validates one location's Kubernetes settings; `source` names the location. */
export declare function parseKubernetesLocationConfig(input: unknown, source?: string): KubernetesLocationConfig;
//# sourceMappingURL=config.d.ts.map