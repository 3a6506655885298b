/**
 * @flyt/pipes-kubernetes: `ctx.pipes.runPod`, a Dagster Pipes child run as its own Kubernetes
 * Pod (like Dagster's PipesK8sClient). The run worker imports this package on the first
 * `runPod` call, and this package imports `@kubernetes/client-node` on its first pod, so steps
 * that never start a pod load neither.
 */
export { runPipesPod, type PodRunnerDeps } from "./run-pod.js";
export { buildPipesPod, podName, PIPES_CONTAINER, resolvePodOptions, type PodIdentity, type ResolvedPodOptions } from "./pod.js";
export { classifyPipesPod, type PipesPodVerdict } from "./status.js";
