/**
 * @flyt/kubernetes: what Flyt's Kubernetes packages share — the launcher (a Job per run) and
 * runPod (a Pipes child as a Pod). Pod status rules, label values and names, resource
 * quantities, and list + watch of objects. It imports @kubernetes/client-node for types only, so
 * loading it does not load the client (runPod loads that on its first pod).
 */
export { Follower, type FollowOptions, type KubeObject } from "./follow.js";
export {
  isDnsLabel,
  isValidLabelValue,
  LABEL_COMPONENT,
  LABEL_MANAGED_BY,
  LABEL_NAME,
  LABEL_RUN_ID,
  LABEL_VALUE_MAX,
  shortHash,
  toLabelValue,
} from "./labels.js";
export { readPodStatus, type PodFailure, type PodFailureCause, type PodStatus } from "./pod-status.js";
export { readQuantity, type Quantity } from "./quantity.js";
