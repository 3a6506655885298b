/**
 * Label values and object names as Kubernetes accepts them. Label values are at most 63
 * characters of [A-Za-z0-9-_.] starting and ending alphanumeric; object names and namespaces are
 * DNS-1123 labels. Inputs that do not fit (long or unusual run ids, step keys, location names) are
 * shortened with a hash suffix so that two different inputs never collide on one label.
 */
import { createHash } from "node:crypto";

export const LABEL_VALUE_MAX = 63;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Labels every Flyt-made object carries, so `kubectl get -l` finds them whichever package made them. */
export const LABEL_NAME = "app.kubernetes.io/name";
export const LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
export const LABEL_COMPONENT = "app.kubernetes.io/component";
export const LABEL_RUN_ID = "flyt.dev/run-id";

/** The first `length` hex digits of the SHA-256 of `text`. */
export function shortHash(text: string, length: number): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

export function isValidLabelValue(value: string): boolean {
  return value.length <= LABEL_VALUE_MAX && LABEL_VALUE.test(value);
}

/** A DNS-1123 label (object names, namespaces): lower-case alphanumerics and '-', at most 63. */
export function isDnsLabel(value: string): boolean {
  return value.length <= LABEL_VALUE_MAX && DNS_LABEL.test(value);
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
