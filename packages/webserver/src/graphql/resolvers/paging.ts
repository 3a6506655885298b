/**
 * Page arguments as every listing of the API takes them: `first` within a per-field maximum, and
 * `after` passed to storage untouched (storage's `decodeCursor` is the one decoder, and its error
 * says what is wrong with a bad cursor).
 */
import { InvalidInputError } from "@flyt/core";

export const MAX_PAGE = 500;

/**
 * The page size. Arguments with a default are typed non-null by codegen, but a client may still
 * pass an explicit null, which GraphQL does not replace with the default; that means the default.
 */
export function clampFirst(first: number | null | undefined, fallback: number, max = MAX_PAGE): number {
  if (typeof first !== "number" || !Number.isInteger(first)) return fallback;
  if (first < 1) throw new InvalidInputError("'first'", `must be at least 1 (a page size), got ${first}`);
  if (first > max) throw new InvalidInputError("'first'", `may be at most ${max}, got ${first}; page with 'after' for more`);
  return first;
}

/** The `after` argument as storage takes it; the length cap keeps a huge string out of error messages. */
export function afterArg(cursor: string | null | undefined): string | null {
  if (cursor === null || cursor === undefined) return null;
  if (cursor.length > 1000) throw new InvalidInputError("'after'", "must be the endCursor of a previous page of the same listing, unchanged");
  return cursor;
}
