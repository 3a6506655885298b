/**
 * Names and labels of the Kubernetes objects of a run. Label values are at most 63 characters
 * of [A-Za-z0-9-_.] starting and ending alphanumeric; object names are DNS-1123 labels. Inputs
 * that do not fit (long or unusual run ids, location names) are shortened with a hash suffix so
 * that two different inputs never collide on one name.
 */
import { createHash } from "node:crypto";

export const LABEL_VALUE_MAX = 63;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export const LABEL_NAME = "app.kubernetes.io/name";
export const LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
export const LABEL_RUN_ID = "flyt.dev/run-id";
export const LABEL_LOCATION = "flyt.dev/location";
export const LABEL_ASSET_KEYS_HASH = "flyt.dev/asset-keys-hash";
/** Full list of the run's asset keys (JSON), as an annotation: labels are too short for it. */
export const ANNOTATION_ASSET_KEYS = "flyt.dev/asset-keys";
/** The original run id and location when the label had to be shortened. */
export const ANNOTATION_RUN_ID = "flyt.dev/run-id";
export const ANNOTATION_LOCATION = "flyt.dev/location";

function shortHash(text: string, length: number): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

export function isValidLabelValue(value: string): boolean {
  return value.length <= LABEL_VALUE_MAX && LABEL_VALUE.test(value);
}

/** `value` itself when it is a valid label value; otherwise a cleaned, shortened form ending in a hash of the original. */
export function toLabelValue(value: string): string {
  if (isValidLabelValue(value)) return value;
  const hash = shortHash(value, 10);
  const cleaned = value
    .replace(/[^A-Za-z0-9_.-]+/g, "-")
    .slice(0, LABEL_VALUE_MAX - hash.length - 1)
    .replace(/^[^A-Za-z0-9]+/, "")
    .replace(/[^A-Za-z0-9]+$/, "");
  return cleaned === "" ? hash : `${cleaned}-${hash}`;
}

/** A hash of the run's asset keys (order-independent): select every run of the same assets with one label. */
export function assetKeysHash(assetKeys: readonly string[]): string {
  return shortHash([...new Set(assetKeys)].sort().join("\n"), 16);
}

/** The Job's name for a run: `flyt-run-<run id>` as a DNS-1123 label (≤ 63 characters). */
export function runJobName(runId: string): string {
  const prefix = "flyt-run-";
  const candidate = `${prefix}${runId}`;
  if (candidate.length <= LABEL_VALUE_MAX && DNS_LABEL.test(candidate)) return candidate;
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
export function runTokenSecretName(runId: string): string {
  return `${runJobName(runId)}-token`;
}
