/**
 * Names and labels of the Kubernetes objects of a run. The label-value and DNS-name rules are
 * @flyt/kubernetes'; the names here are the launcher's own. A run's Job name must stay the same
 * across Flyt versions: the launcher finds the Job of a run it launched before a restart by it.
 */
import { isDnsLabel, LABEL_VALUE_MAX, shortHash } from "@flyt/kubernetes";
export { isValidLabelValue, LABEL_MANAGED_BY, LABEL_NAME, LABEL_RUN_ID, toLabelValue } from "@flyt/kubernetes";
export const LABEL_LOCATION = "flyt.dev/location";
export const LABEL_ASSET_KEYS_HASH = "flyt.dev/asset-keys-hash";
/** Full list of the run's asset keys (JSON), as an annotation: labels are too short for it. */
export const ANNOTATION_ASSET_KEYS = "flyt.dev/asset-keys";
/** The original run id and location when the label had to be shortened. */
export const ANNOTATION_RUN_ID = "flyt.dev/run-id";
export const ANNOTATION_LOCATION = "flyt.dev/location";
/** A hash of the run's asset keys (order-independent): select every run of the same assets with one label. */
export function assetKeysHash(assetKeys) {
    return shortHash([...new Set(assetKeys)].sort().join("\n"), 16);
}
/** The Job's name for a run: `flyt-run-<run id>` as a DNS-1123 label (≤ 63 characters). */
export function runJobName(runId) {
    const prefix = "flyt-run-";
    const candidate = `${prefix}${runId}`;
    if (isDnsLabel(candidate))
        return candidate;
    const hash = shortHash(runId, 10);
    const cleaned = runId
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .slice(0, LABEL_VALUE_MAX - prefix.length - hash.length - 1)
        .replace(/-+$/, "")
        .replace(/^-+/, "");
    return cleaned === "" ? `${prefix}${hash}` : `${prefix}${cleaned}-${hash}`;
}
/** The per-run Secret holding the run token. */
export function runTokenSecretName(runId) {
    return `${runJobName(runId)}-token`;
}
//# sourceMappingURL=labels.js.map