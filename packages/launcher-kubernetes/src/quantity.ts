/**
 * Kubernetes resource quantities ("100m", "512Mi", "1.5", "1e3"): validation and a numeric value
 * for comparisons (request ≤ limit), so a typo in flyt.yaml or a run tag is rejected here with a
 * clear message instead of by the API server at launch.
 */

const QUANTITY = /^(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

const MULTIPLIERS: Record<string, number> = {
  "": 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

export type ResourceName = "cpu" | "memory";

/**
 * The numeric value of a quantity (cores for cpu, bytes for memory), or a reason it is invalid.
 * Negative and zero amounts are invalid for requests and limits.
 */
export function parseQuantity(text: string, resource: ResourceName): { value: number } | { problem: string } {
  if (typeof text !== "string") return { problem: `must be a string such as ${resource === "cpu" ? '"500m"' : '"512Mi"'}` };
  const match = QUANTITY.exec(text);
  if (match === null) {
    return {
      problem: `${JSON.stringify(text)} is not a Kubernetes quantity (examples: ${resource === "cpu" ? '"250m", "1", "1.5"' : '"256Mi", "1Gi", "500M"'})`,
    };
  }
  const [, digits = "", suffix = ""] = match;
  const multiplier = MULTIPLIERS[suffix] ?? 10 ** Number(suffix.slice(1));
  const value = Number(digits) * multiplier;
  if (!(value > 0) || !Number.isFinite(value)) return { problem: `${JSON.stringify(text)} must be greater than zero` };
  if (resource === "memory" && suffix === "m") {
    return { problem: `${JSON.stringify(text)} means milli-bytes; did you mean ${JSON.stringify(`${digits}Mi`)}?` };
  }
  if (resource === "memory" && value < 2 ** 20) {
    return { problem: `${JSON.stringify(text)} is less than 1 MiB, too little memory for a run worker` };
  }
  return { value };
}

/** True when `text` is a valid quantity for `resource`. */
export function isValidQuantity(text: string, resource: ResourceName): boolean {
  return "value" in parseQuantity(text, resource);
}
