export { isValidLabelValue, LABEL_MANAGED_BY, LABEL_NAME, LABEL_RUN_ID, toLabelValue } from "@flyt/kubernetes";
export declare const LABEL_LOCATION = "flyt.dev/location";
export declare const LABEL_ASSET_KEYS_HASH = "flyt.dev/asset-keys-hash";
/** Full list of the run's asset keys (JSON), as an annotation: labels are too short for it. */
export declare const ANNOTATION_ASSET_KEYS = "flyt.dev/asset-keys";
/** The original run id and location when the label had to be shortened. */
export declare const ANNOTATION_RUN_ID = "flyt.dev/run-id";
export declare const ANNOTATION_LOCATION = "flyt.dev/location";
/** A hash of the run's asset keys (order-independent): select every run of the same assets with one label. */
export declare function assetKeysHash(assetKeys: readonly string[]): string;
/** The Job's name for a run: `flyt-run-<run id>` as a DNS-1123 label (≤ 63 characters). */
export declare function runJobName(runId: string): string;
/** The per-run Secret holding the run token. */
export declare function runTokenSecretName(runId: string): string;
//# sourceMappingURL=labels.d.ts.map