/**
 * Asset keys: the identity of an asset, a path of strings printed with `/`.
 * Every package speaks about assets through these helpers so that parsing and
 * validation rules live in one place.
 */
import { abbreviate, DEFINITION_LIMITS, overLimit } from "./definition-limits.js";
import { InvalidAssetKeyError } from "./errors.js";

/** A path of non-empty segments, e.g. `["atlas", "ssb", "population_08764"]`. */
export type AssetKey = readonly string[];

/** Segments may hold letters, digits, `_`, `-` and `.`; `/` separates segments in the printed form. */
const SEGMENT = /^[A-Za-z0-9_.-]+$/;

/** Prints a key as `a/b/c`, the form used in selections, the CLI, events and the API. */
export function assetKeyToString(key: AssetKey): string {
  return key.join("/");
}

/**
 * Parses `a/b/c` (or accepts an array) into a validated key.
 * @throws InvalidAssetKeyError naming the offending input and segment.
 */
export function parseAssetKey(input: string | readonly string[]): AssetKey {
  const segments = typeof input === "string" ? input.split("/") : [...input];
  const printed = typeof input === "string" ? input : input.join("/");
  if (segments.length === 0 || (segments.length === 1 && segments[0] === "")) {
    throw new InvalidAssetKeyError(printed, "an asset key needs at least one segment");
  }
  // Bounded here, where every key is parsed, so no component accepts a key the protocol refuses.
  if (segments.length > DEFINITION_LIMITS.keySegments) {
    throw new InvalidAssetKeyError(printed, `has ${segments.length} segments, over the limit of ${DEFINITION_LIMITS.keySegments}`, true);
  }
  for (const [index, segment] of segments.entries()) {
    if (segment.length > DEFINITION_LIMITS.keySegmentChars) {
      throw new InvalidAssetKeyError(printed, `segment ${index + 1} ${overLimit(segment.length, DEFINITION_LIMITS.keySegmentChars)}`, true);
    }
    if (!SEGMENT.test(segment)) {
      throw new InvalidAssetKeyError(
        printed,
        `segment ${JSON.stringify(abbreviate(segment))} may only contain letters, digits, '_', '-' and '.'`,
      );
    }
  }
  if (printed.length > DEFINITION_LIMITS.keyChars) {
    throw new InvalidAssetKeyError(printed, `in all ${overLimit(printed.length, DEFINITION_LIMITS.keyChars)}`, true);
  }
  return Object.freeze(segments);
}

/** Normalises any accepted key form to its printed string, validating it. */
export function normalizeAssetKey(input: string | readonly string[]): string {
  return assetKeyToString(parseAssetKey(input));
}
