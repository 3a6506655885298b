/**
 * The Pod of a `ctx.pipes.runPod` call: option checking and the manifest, as pure functions (the
 * manifest is validated against the official Kubernetes schemas in manifest.test.ts). The child
 * gets its context inline in DAGSTER_PIPES_CONTEXT and writes messages to stderr, which the
 * orchestrator reads back from the pod log; the pod never restarts (a restart would replay
 * messages).
 */
import { randomBytes } from "node:crypto";
import { isDnsLabel, isValidLabelValue, LABEL_COMPONENT, LABEL_MANAGED_BY, LABEL_RUN_ID, readQuantity, toLabelValue } from "@flyt/kubernetes";
import { CONTEXT_ENV_VAR, encodeParam, MESSAGES_ENV_VAR, PipesProcessError, type PipesContextData } from "@flyt/pipes";
import type { PipesPodOptions } from "@flyt/sdk";

export const PIPES_CONTAINER = "pipes";
export const DEFAULT_START_TIMEOUT_SECONDS = 600;
export const DEFAULT_POD_MAX_MESSAGE_BYTES = 1024 * 1024;

export const LABEL_STEP_KEY = "flyt.dev/step-key";

/** Options after checking, with defaults applied. */
export interface ResolvedPodOptions {
  image: string;
  command: string[] | null;
  args: string[] | null;
  env: Record<string, string>;
  namespace: string | null;
  resources: { requests?: Record<string, string>; limits?: Record<string, string> } | null;
  imagePullPolicy: "Always" | "IfNotPresent" | "Never" | null;
  imagePullSecrets: string[];
  serviceAccountName: string | null;
  nodeSelector: Record<string, string> | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  podSpec: Record<string, unknown>;
  container: Record<string, unknown>;
  extras: Record<string, unknown>;
  startTimeoutSeconds: number;
  activeDeadlineSeconds: number | null;
  maxMessageBytes: number;
  kubeconfig: string | null;
  kubeContext: string | null;
  onCustomMessage: ((payload: unknown) => void) | null;
}

/** Fields of the generated spec / container that the overrides may not replace. */
const OWN_SPEC_FIELDS = ["containers", "restartPolicy", "initContainers"];
const OWN_CONTAINER_FIELDS = ["name", "image", "command", "args", "env", "resources", "imagePullPolicy"];

function invalid(what: string): never {
  throw new PipesProcessError(`ctx.pipes.runPod: ${what}`, "invalid-options", {
    command: "runPod",
    exitCode: null,
    signal: null,
    stderrTail: "",
    exception: null,
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringArray(value: unknown, name: string): string[] | null {
  if (value === undefined) return null;
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) invalid(`${name} must be an array of strings`);
  return [...(value)];
}

function stringRecord(value: unknown, name: string): Record<string, string> | null {
  if (value === undefined) return null;
  if (!isPlainObject(value)) invalid(`${name} must be an object of strings`);
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== "string") invalid(`${name}.${key} must be a string, got ${typeof item}`);
  }
  return { ...(value as Record<string, string>) };
}

export function resolvePodOptions(options: PipesPodOptions): ResolvedPodOptions {
  if (!isPlainObject(options)) invalid("options must be an object with at least `image`");
  const { image } = options;
  if (typeof image !== "string" || image.trim() === "" || /\s/.test(image)) invalid(`image must be a non-empty image reference without spaces, got ${JSON.stringify(image)}`);

  const env = stringRecord(options.env, "env") ?? {};
  for (const name of Object.keys(env)) {
    if (name === "" || name.includes("=")) invalid(`env name ${JSON.stringify(name)} is not a valid variable name`);
    if (name === CONTEXT_ENV_VAR || name === MESSAGES_ENV_VAR) invalid(`env.${name} is set by Flyt; it cannot be given`);
  }

  const namespace = options.namespace ?? null;
  if (namespace !== null && (typeof namespace !== "string" || !isDnsLabel(namespace))) {
    invalid(`namespace must be a DNS-1123 label (lower-case letters, digits, '-'), got ${JSON.stringify(namespace)}`);
  }

  let resources: ResolvedPodOptions["resources"] = null;
  if (options.resources !== undefined) {
    if (!isPlainObject(options.resources)) invalid("resources must be { requests?, limits? }");
    resources = {};
    for (const [section, values] of Object.entries(options.resources)) {
      if (section !== "requests" && section !== "limits") invalid(`resources.${section} is not supported (use requests and limits)`);
      const record = stringRecord(values, `resources.${section}`) ?? {};
      for (const [resource, quantity] of Object.entries(record)) {
        if (readQuantity(quantity) === null) invalid(`resources.${section}.${resource} must be a Kubernetes quantity like "500m" or "2Gi", got ${JSON.stringify(quantity)}`);
      }
      resources[section] = record;
    }
  }

  const policy = options.imagePullPolicy ?? null;
  if (policy !== null && policy !== "Always" && policy !== "IfNotPresent" && policy !== "Never") {
    invalid(`imagePullPolicy must be Always, IfNotPresent or Never, got ${JSON.stringify(policy)}`);
  }
  const imagePullSecrets = stringArray(options.imagePullSecrets, "imagePullSecrets") ?? [];
  const serviceAccountName = options.serviceAccountName ?? null;
  if (serviceAccountName !== null && (typeof serviceAccountName !== "string" || serviceAccountName === "")) invalid("serviceAccountName must be a non-empty string");

  const labels = stringRecord(options.labels, "labels") ?? {};
  for (const [key, value] of Object.entries(labels)) {
    if (!isValidLabelValue(value)) invalid(`labels.${key}: ${JSON.stringify(value)} is not a valid label value (≤ 63 of [A-Za-z0-9-_.], alphanumeric at both ends)`);
  }
  const annotations = stringRecord(options.annotations, "annotations") ?? {};

  const podSpec = options.podSpec ?? {};
  if (!isPlainObject(podSpec)) invalid("podSpec must be an object of PodSpec fields");
  for (const field of OWN_SPEC_FIELDS) if (field in podSpec) invalid(`podSpec.${field} cannot be set: Flyt builds the pod's container and it never restarts`);
  const container = options.container ?? {};
  if (!isPlainObject(container)) invalid("container must be an object of Container fields");
  for (const field of OWN_CONTAINER_FIELDS) if (field in container) invalid(`container.${field} cannot be set here: use the option of that name`);

  const extras = options.extras ?? {};
  if (!isPlainObject(extras)) invalid("extras must be an object");
  try {
    JSON.stringify(extras);
  } catch (error) {
    invalid(`extras must be JSON-serializable: ${(error as Error).message}`);
  }

  const startTimeoutSeconds = options.startTimeoutSeconds ?? DEFAULT_START_TIMEOUT_SECONDS;
  if (typeof startTimeoutSeconds !== "number" || !(startTimeoutSeconds > 0)) invalid(`startTimeoutSeconds must be a positive number, got ${String(startTimeoutSeconds)}`);
  const activeDeadlineSeconds = options.activeDeadlineSeconds ?? null;
  if (activeDeadlineSeconds !== null && (!Number.isInteger(activeDeadlineSeconds) || activeDeadlineSeconds < 1)) {
    invalid(`activeDeadlineSeconds must be a positive integer, got ${String(activeDeadlineSeconds)}`);
  }
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_POD_MAX_MESSAGE_BYTES;
  if (!Number.isInteger(maxMessageBytes) || maxMessageBytes < 1024) invalid(`maxMessageBytes must be an integer ≥ 1024, got ${String(maxMessageBytes)}`);
  if (options.kubeconfig !== undefined && typeof options.kubeconfig !== "string") invalid("kubeconfig must be a path");
  if (options.kubeContext !== undefined && typeof options.kubeContext !== "string") invalid("kubeContext must be a string");
  if (options.onCustomMessage !== undefined && typeof options.onCustomMessage !== "function") invalid("onCustomMessage must be a function");

  return {
    image,
    command: stringArray(options.command, "command"),
    args: stringArray(options.args, "args"),
    env,
    namespace,
    resources,
    imagePullPolicy: policy,
    imagePullSecrets,
    serviceAccountName,
    nodeSelector: stringRecord(options.nodeSelector, "nodeSelector"),
    labels,
    annotations,
    podSpec,
    container,
    extras,
    startTimeoutSeconds,
    activeDeadlineSeconds,
    maxMessageBytes,
    kubeconfig: options.kubeconfig ?? null,
    kubeContext: options.kubeContext ?? null,
    onCustomMessage: options.onCustomMessage ?? null,
  };
}

/** `flyt-pipes-<step>-<random>`: a DNS-1123 label, unique per call (a retry gets a new pod). */
export function podName(stepKey: string): string {
  const suffix = randomBytes(4).toString("hex");
  const slug = stepKey
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63 - "flyt-pipes-".length - suffix.length - 1)
    .replace(/-+$/, "");
  return slug === "" ? `flyt-pipes-${suffix}` : `flyt-pipes-${slug}-${suffix}`;
}

export interface PodIdentity {
  name: string;
  namespace: string;
  runId: string;
  stepKey: string;
}

/** The Pod manifest (plain JSON, as the API server receives it). */
export function buildPipesPod(identity: PodIdentity, options: ResolvedPodOptions, context: PipesContextData): Record<string, unknown> {
  const env = [
    ...Object.entries(options.env).map(([name, value]) => ({ name, value })),
    { name: CONTEXT_ENV_VAR, value: encodeParam({ data: context }) },
    { name: MESSAGES_ENV_VAR, value: encodeParam({ stdio: "stderr" }) },
  ];
  const container: Record<string, unknown> = { ...options.container, name: PIPES_CONTAINER, image: options.image, env };
  if (options.command !== null) container.command = options.command;
  if (options.args !== null) container.args = options.args;
  if (options.resources !== null) container.resources = options.resources;
  if (options.imagePullPolicy !== null) container.imagePullPolicy = options.imagePullPolicy;

  const spec: Record<string, unknown> = { ...options.podSpec, restartPolicy: "Never", containers: [container] };
  if (options.serviceAccountName !== null) spec.serviceAccountName = options.serviceAccountName;
  if (options.imagePullSecrets.length > 0) spec.imagePullSecrets = options.imagePullSecrets.map((name) => ({ name }));
  if (options.nodeSelector !== null) spec.nodeSelector = options.nodeSelector;
  if (options.activeDeadlineSeconds !== null) spec.activeDeadlineSeconds = options.activeDeadlineSeconds;

  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: identity.name,
      namespace: identity.namespace,
      labels: {
        ...options.labels,
        [LABEL_MANAGED_BY]: "flyt",
        [LABEL_COMPONENT]: "pipes",
        [LABEL_RUN_ID]: toLabelValue(identity.runId),
        [LABEL_STEP_KEY]: toLabelValue(identity.stepKey),
      },
      annotations: { ...options.annotations, [LABEL_RUN_ID]: identity.runId, [LABEL_STEP_KEY]: identity.stepKey },
    },
    spec,
  };
}
