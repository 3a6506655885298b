/**
 * Kubernetes resource quantities ("100m", "512Mi", "1.5", "1e3"): the grammar the API server
 * accepts and the numeric value, so that a typo is rejected before anything is sent, with a
 * message naming the field, instead of by the API server at launch.
 */

// Kubernetes' own grammar: an optional sign, a decimal number, then one binary-SI, decimal-SI
// or exponent suffix ("K" is not one: the API server rejects "1K").
const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

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

export interface Quantity {
  sign: "" | "+" | "-";
  /** The number as written, without sign or suffix. */
  digits: string;
  suffix: string;
  /** In base units (cores, bytes, or the count for extended resources). */
  value: number;
}

/** The parts and value of a quantity, or null when `text` is not one. */
export function readQuantity(text: unknown): Quantity | null {
  if (typeof text !== "string") return null;
  const match = QUANTITY.exec(text);
  if (match === null) return null;
  const [, sign = "", digits = "", suffix = ""] = match;
  const multiplier = MULTIPLIERS[suffix] ?? 10 ** Number(suffix.slice(1));
  const magnitude = Number(digits) * multiplier;
  return { sign: sign as Quantity["sign"], digits, suffix, value: sign === "-" ? -magnitude : magnitude };
}
