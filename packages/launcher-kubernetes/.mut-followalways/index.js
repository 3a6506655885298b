/**
 * @flyt/launcher-kubernetes: runs each Flyt run as a Kubernetes Job from its code location's
 * image. See docs/launchers/kubernetes.md. Not yet verified against a real cluster: the tests use
 * a fake API server and validate manifests against the official JSON schemas.
 */
export { KubernetesLauncherConfigSchema, KubernetesLauncherSelectionSchema, KubernetesLocationConfigSchema, ResourcesSchema, RESERVED_ENV, parseKubernetesLauncherConfig, parseKubernetesLocationConfig, } from "./config.js";
export { RESOURCE_TAGS, RUN_TOKEN_KEY, WORKER_CONTAINER, buildRunJob, buildRunTokenSecret, imageReference, ingestEndpoint, INGEST_PATH, resolveResources, runLabels, } from "./job.js";
export { ANNOTATION_ASSET_KEYS, LABEL_ASSET_KEYS_HASH, LABEL_LOCATION, LABEL_MANAGED_BY, LABEL_NAME, LABEL_RUN_ID, assetKeysHash, isValidLabelValue, runJobName, runTokenSecretName, toLabelValue, } from "./labels.js";
export { isValidQuantity, parseQuantity } from "./quantity.js";
export { classifyJob, classifyPod } from "./status.js";
export { KubernetesLauncher, KubernetesRunHandle, describeApiError, loadKubeConfig, } from "./launcher.js";
export { createKubernetesLauncher, DEFAULT_RUN_TOKEN_TTL_MS } from "./factory.js";
//# sourceMappingURL=index.js.map