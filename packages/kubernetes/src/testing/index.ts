/**
 * @flyt/kubernetes/testing: what the Kubernetes packages' tests share — the fake API server and
 * the kubeconform manifest check. Imported by tests only; it starts servers and runs binaries.
 */
export { FakeKubeApi, type FakeKind, type FakeKubeApiOptions, type RecordedRequest } from "./fake-kube-api.js";
export {
  bundleKubeSchemas,
  kubeconform,
  KUBECONFORM_INSTALL_HINT,
  kubeconformProblems,
  kubeSchemaRoot,
  writeManifests,
  type KubeconformReport,
} from "./kubeconform.js";
