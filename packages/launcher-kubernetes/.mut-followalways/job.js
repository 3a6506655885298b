import { InvalidConfigError } from "@flyt/core";
import { ANNOTATION_ASSET_KEYS, ANNOTATION_LOCATION, ANNOTATION_RUN_ID, LABEL_ASSET_KEYS_HASH, LABEL_LOCATION, LABEL_MANAGED_BY, LABEL_NAME, LABEL_RUN_ID, assetKeysHash, runJobName, runTokenSecretName, toLabelValue, } from "./labels.js";
import { parseQuantity } from "./quantity.js";
/** Run tags that override the resources of one run. */
export const RESOURCE_TAGS = {
    "flyt/k8s-cpu-request": ["requests", "cpu"],
    "flyt/k8s-cpu-limit": ["limits", "cpu"],
    "flyt/k8s-memory-request": ["requests", "memory"],
    "flyt/k8s-memory-limit": ["limits", "memory"],
};
/** The key of the run token in the per-run Secret. */
export const RUN_TOKEN_KEY = "token";
export const WORKER_CONTAINER = "run-worker";
/** Annotations longer than this list only a count (the full list is in the run record). */
const ASSET_KEYS_ANNOTATION_MAX = 16 * 1024;
/** The image reference: repository@digest when a digest is given (with the tag kept for readers), else repository:tag. */
export function imageReference(location) {
    if (location.digest !== undefined) {
        return location.tag !== undefined ? `${location.image}:${location.tag}@${location.digest}` : `${location.image}@${location.digest}`;
    }
    return `${location.image}:${String(location.tag)}`;
}
/**
 * Resources of a run: the launcher's defaults, overridden per location, then per run by the
 * tags in RESOURCE_TAGS. Throws InvalidConfigError naming the tag or setting at fault, also when
 * a request is larger than its limit.
 */
export function resolveResources(defaults, location, tags) {
    const merged = {
        requests: { ...defaults.requests, ...location?.requests },
        limits: { ...defaults.limits, ...location?.limits },
    };
    const origin = new Map();
    for (const [tag, [kind, resource]] of Object.entries(RESOURCE_TAGS)) {
        const value = tags[tag];
        if (value === undefined)
            continue;
        const parsed = parseQuantity(value.trim(), resource);
        if ("problem" in parsed)
            throw new InvalidConfigError(`run tag ${tag}`, parsed.problem);
        merged[kind][resource] = value.trim();
        origin.set(`${kind}.${resource}`, `run tag ${tag}`);
    }
    for (const resource of ["cpu", "memory"]) {
        const request = merged.requests[resource];
        const limit = merged.limits[resource];
        if (request === undefined || limit === undefined)
            continue;
        const requestValue = parseQuantity(request, resource);
        const limitValue = parseQuantity(limit, resource);
        if ("value" in requestValue && "value" in limitValue && requestValue.value > limitValue.value) {
            const source = origin.get(`requests.${resource}`) ?? origin.get(`limits.${resource}`) ?? "resources";
            throw new InvalidConfigError(source, `the ${resource} request ${request} is larger than the ${resource} limit ${limit}`);
        }
    }
    const out = {};
    if (Object.keys(merged.requests).length > 0)
        out.requests = { ...merged.requests };
    if (Object.keys(merged.limits).length > 0)
        out.limits = { ...merged.limits };
    return out;
}
/** Labels shared by the Job, its pod template and the token Secret. */
export function runLabels(run) {
    return {
        [LABEL_NAME]: "flyt-run",
        [LABEL_MANAGED_BY]: "flyt",
        [LABEL_RUN_ID]: toLabelValue(run.runId),
        [LABEL_LOCATION]: toLabelValue(run.location),
        [LABEL_ASSET_KEYS_HASH]: assetKeysHash(run.assetKeys),
    };
}
function runAnnotations(run) {
    const keys = JSON.stringify([...run.assetKeys].sort());
    return {
        [ANNOTATION_RUN_ID]: run.runId,
        [ANNOTATION_LOCATION]: run.location,
        [ANNOTATION_ASSET_KEYS]: keys.length <= ASSET_KEYS_ANNOTATION_MAX ? keys : `${run.assetKeys.length} asset keys (see the run record)`,
    };
}
/** The ingest API path of the webserver; run workers post to `<endpoint>/runs/<id>/events`. */
export const INGEST_PATH = "/ingest/v1";
/**
 * The worker's FLYT_INGEST_URL from the configured `ingestUrl`: the webserver's URL as pods reach
 * it, with the ingest API path appended unless it is already there.
 */
export function ingestEndpoint(ingestUrl) {
    const base = ingestUrl.replace(/\/+$/, "");
    return base.endsWith(INGEST_PATH) ? base : `${base}${INGEST_PATH}`;
}
function namespaceOf(options) {
    return options.namespace ?? options.config.namespace ?? "default";
}
/** The Job manifest of a run. Pure: the same options give the same manifest. */
export function buildRunJob(options) {
    const { run, location, config } = options;
    const name = runJobName(run.runId);
    const labels = runLabels(run);
    const resources = resolveResources(config.resources, location.resources, run.tags);
    const env = [
        { name: "FLYT_RUN_ID", value: run.runId },
        { name: "FLYT_LOCATION", value: run.location },
        { name: "FLYT_INGEST_URL", value: ingestEndpoint(config.ingestUrl) },
        { name: "FLYT_RUN_TOKEN", valueFrom: { secretKeyRef: { name: runTokenSecretName(run.runId), key: RUN_TOKEN_KEY } } },
    ];
    if (location.definitionsFile !== undefined)
        env.push({ name: "FLYT_DEFINITIONS_FILE", value: location.definitionsFile });
    // Location settings win over launcher-wide ones for the same name.
    const plain = { ...config.env, ...location.env };
    // Read-only root: HOME points at the writable /tmp unless the user sets it.
    if (!("HOME" in plain))
        env.push({ name: "HOME", value: "/tmp" });
    const fromSecrets = { ...config.envSecrets, ...location.envSecrets };
    for (const [envName, value] of Object.entries(plain)) {
        if (!(envName in fromSecrets))
            env.push({ name: envName, value });
    }
    for (const [envName, ref] of Object.entries(fromSecrets)) {
        env.push({ name: envName, valueFrom: { secretKeyRef: { name: ref.secret, key: ref.key } } });
    }
    const envFrom = [...new Set([...config.envFromSecrets, ...location.envFromSecrets])].map((secret) => ({
        secretRef: { name: secret },
    }));
    const args = ["--run-id", run.runId, "--location", run.location];
    if (location.definitionsFile !== undefined)
        args.push("--definitions", location.definitionsFile);
    const imagePullSecrets = [...new Set(location.imagePullSecrets ?? config.imagePullSecrets)].map((secret) => ({ name: secret }));
    const serviceAccountName = location.serviceAccount ?? config.serviceAccount;
    const job = {
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: { name, namespace: namespaceOf(options), labels, annotations: runAnnotations(run) },
        spec: {
            backoffLimit: 0,
            ttlSecondsAfterFinished: config.ttlSecondsAfterFinished,
            template: {
                metadata: { labels, annotations: runAnnotations(run) },
                spec: {
                    restartPolicy: "Never",
                    ...(serviceAccountName !== undefined ? { serviceAccountName } : {}),
                    // The worker talks to the ingest API, not to Kubernetes, unless its assets start Pipes pods.
                    automountServiceAccountToken: location.mountServiceAccountToken,
                    ...(imagePullSecrets.length > 0 ? { imagePullSecrets } : {}),
                    securityContext: {
                        runAsNonRoot: true,
                        ...(config.runAsUser !== undefined ? { runAsUser: config.runAsUser } : {}),
                        seccompProfile: { type: "RuntimeDefault" },
                    },
                    containers: [
                        {
                            name: WORKER_CONTAINER,
                            image: imageReference(location),
                            imagePullPolicy: "IfNotPresent",
                            command: [...config.command],
                            args,
                            env,
                            ...(envFrom.length > 0 ? { envFrom } : {}),
                            resources,
                            securityContext: {
                                allowPrivilegeEscalation: false,
                                readOnlyRootFilesystem: true,
                                runAsNonRoot: true,
                                capabilities: { drop: ["ALL"] },
                            },
                            // Read-only root: user code gets a writable /tmp (and HOME there).
                            volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                        },
                    ],
                    volumes: [{ name: "tmp", emptyDir: {} }],
                },
            },
        },
    };
    if (config.activeDeadlineSeconds !== undefined && job.spec !== undefined) {
        job.spec.activeDeadlineSeconds = config.activeDeadlineSeconds;
    }
    return job;
}
/** The Secret holding a run's ingest token (base64 in `data`, never in the Job's env). */
export function buildRunTokenSecret(options) {
    const { run, token, owner } = options;
    if (typeof token !== "string" || token === "")
        throw new InvalidConfigError("run token", "the run token must be a non-empty string");
    return {
        apiVersion: "v1",
        kind: "Secret",
        type: "Opaque",
        immutable: true,
        metadata: {
            name: runTokenSecretName(run.runId),
            namespace: namespaceOf(options),
            labels: runLabels(run),
            annotations: { [ANNOTATION_RUN_ID]: run.runId },
            ...(owner !== undefined
                ? {
                    ownerReferences: [
                        { apiVersion: "batch/v1", kind: "Job", name: owner.name, uid: owner.uid, blockOwnerDeletion: false, controller: false },
                    ],
                }
                : {}),
        },
        data: { [RUN_TOKEN_KEY]: Buffer.from(token, "utf8").toString("base64") },
    };
}
//# sourceMappingURL=job.js.map