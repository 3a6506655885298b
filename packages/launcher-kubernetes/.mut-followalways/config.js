/**
 * Configuration of the Kubernetes launcher, validated with zod in stages: what flyt.yaml gives
 * (`launcher: kubernetes` plus a `kubernetes:` block, and per-location `kubernetes:` settings),
 * then the parsed, defaulted shape the launcher and `buildRunJob` use. The schemas are exported
 * so that the CLI's config loader can embed them.
 */
import { z } from "zod";
import { InvalidConfigError } from "@flyt/core";
import { parseQuantity } from "./quantity.js";
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Environment variables the launcher sets itself; user env may not override them. */
export const RESERVED_ENV = ["FLYT_RUN_ID", "FLYT_LOCATION", "FLYT_INGEST_URL", "FLYT_RUN_TOKEN", "FLYT_DEFINITIONS_FILE"];
/** The platform's database credentials: never passed to a run. */
const FORBIDDEN_ENV = ["FLYT_DATABASE_URL", "FLYT_TEST_DATABASE_URL"];
const dnsSubdomain = (what) => z
    .string()
    .max(253, `${what} must be at most 253 characters`)
    .regex(DNS_SUBDOMAIN, `${what} must be a DNS-1123 subdomain (lower-case letters, digits, '-' and '.')`);
const quantity = (resource) => z.string().superRefine((text, ctx) => {
    const parsed = parseQuantity(text, resource);
    if ("problem" in parsed)
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: parsed.problem });
});
const resourceAmounts = z
    .object({ cpu: quantity("cpu").optional(), memory: quantity("memory").optional() })
    .strict();
export const ResourcesSchema = z
    .object({ requests: resourceAmounts.optional(), limits: resourceAmounts.optional() })
    .strict();
const envName = z
    .string()
    .regex(ENV_NAME, "environment variable names use letters, digits, '_', '-' and '.' and do not start with a digit")
    .refine((name) => !RESERVED_ENV.includes(name), { message: "is set by the launcher itself" })
    .refine((name) => !FORBIDDEN_ENV.includes(name), { message: "runs never receive the platform's database credentials" });
const envMap = z.record(envName, z.string());
/** Env vars taken from one key of a Secret: `NAME: { secret, key }`. */
const envSecretMap = z.record(envName, z.object({ secret: dnsSubdomain("secret"), key: z.string().min(1) }).strict());
/** The `kubernetes:` block of flyt.yaml (with `launcher: kubernetes`). */
export const KubernetesLauncherConfigSchema = z
    .object({
    /** Namespace for run Jobs and Secrets; defaults to the launcher's own namespace in-cluster, else "default". */
    namespace: z.string().regex(DNS_LABEL, "namespace must be a DNS-1123 label").max(63).optional(),
    /** The platform's event ingest endpoint as reachable from run pods. */
    ingestUrl: z.string().url().refine((url) => /^https?:\/\//.test(url), { message: "must be an http(s) URL" }),
    serviceAccount: dnsSubdomain("serviceAccount").optional(),
    imagePullSecrets: z.array(dnsSubdomain("imagePullSecrets entry")).default([]),
    ttlSecondsAfterFinished: z.number().int().nonnegative().default(3600),
    activeDeadlineSeconds: z.number().int().positive().optional(),
    /** How long a pod may stay unschedulable before the run fails (0: fail on the first Unschedulable). */
    scheduleTimeoutSeconds: z.number().int().nonnegative().default(300),
    resources: ResourcesSchema.default({ requests: { cpu: "100m", memory: "384Mi" }, limits: { memory: "1Gi" } }),
    env: envMap.default({}),
    envSecrets: envSecretMap.default({}),
    envFromSecrets: z.array(dnsSubdomain("envFromSecrets entry")).default([]),
    /** The run worker's command in the image. */
    command: z.array(z.string().min(1)).min(1).default(["flyt", "run-worker"]),
    /** Numeric user for the worker (runAsNonRoot needs a numeric user when the image names none). */
    runAsUser: z.number().int().positive().optional(),
    /** Path of a kubeconfig file; default: in-cluster when running in a pod, else ~/.kube/config or $KUBECONFIG. */
    kubeconfig: z.string().min(1).optional(),
    /** Context of the kubeconfig to use. */
    context: z.string().min(1).optional(),
})
    .strict();
/** The part of flyt.yaml that selects this launcher: `launcher: kubernetes` with its block. */
export const KubernetesLauncherSelectionSchema = z.object({
    launcher: z.literal("kubernetes"),
    kubernetes: KubernetesLauncherConfigSchema,
});
const IMAGE_REPOSITORY = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
/** A code location's Kubernetes settings: its image and per-location overrides. */
export const KubernetesLocationConfigSchema = z
    .object({
    /** Repository without tag or digest, e.g. "registry.example.com/atlas/flyt-code". */
    image: z
        .string()
        .regex(IMAGE_REPOSITORY, "image must be a repository name without tag or digest (put those in tag: or digest:)"),
    tag: z
        .string()
        .regex(TAG, "tag must be a valid image tag")
        .refine((tag) => tag !== "latest", { message: '"latest" is not allowed: pin a version tag or a digest so every run is reproducible' })
        .optional(),
    digest: z.string().regex(DIGEST, "digest must look like sha256:<64 hex digits>").optional(),
    /** Path of the definitions module inside the image (default: the image's own FLYT_DEFINITIONS_FILE or workdir default). */
    definitionsFile: z.string().min(1).optional(),
    resources: ResourcesSchema.optional(),
    env: envMap.default({}),
    envSecrets: envSecretMap.default({}),
    envFromSecrets: z.array(dnsSubdomain("envFromSecrets entry")).default([]),
    serviceAccount: dnsSubdomain("serviceAccount").optional(),
    imagePullSecrets: z.array(dnsSubdomain("imagePullSecrets entry")).optional(),
    /**
     * Mount the service account's API token into run pods. Off by default (the worker only talks to
     * the ingest API); turn it on for locations whose assets start Pipes pods (`ctx.pipes.runPod`),
     * with a service account allowed to create, watch and delete pods and read their logs.
     */
    mountServiceAccountToken: z.boolean().default(false),
})
    .strict()
    .refine((location) => location.tag !== undefined || location.digest !== undefined, {
    message: "give a tag (not latest) or a digest for the image",
    path: ["tag"],
});
function describeIssues(error) {
    return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue.message}`).join("; ");
}
/** Validates the launcher block; `source` names where it came from (e.g. "flyt.yaml kubernetes"). */
export function parseKubernetesLauncherConfig(input, source = "kubernetes launcher config") {
    const parsed = KubernetesLauncherConfigSchema.safeParse(input);
    if (!parsed.success)
        throw new InvalidConfigError(source, describeIssues(parsed.error), { cause: parsed.error });
    return parsed.data;
}
/** Validates one location's Kubernetes settings; `source` names the location. */
export function parseKubernetesLocationConfig(input, source = "code location kubernetes settings") {
    const parsed = KubernetesLocationConfigSchema.safeParse(input);
    if (!parsed.success)
        throw new InvalidConfigError(source, describeIssues(parsed.error), { cause: parsed.error });
    return parsed.data;
}
//# sourceMappingURL=config.js.map