/**
 * "Did you mean …?" suggestions for names a user mistyped (asset keys in selections and deps,
 * groups, resource names, spec fields). One rule everywhere, so suggestions feel the same in
 * the SDK, the CLI and the API.
 */

/** Levenshtein distance with adjacent transpositions counted as one edit (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prevPrev: number[] = [];
  let prev: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, prevPrev[j - 2]! + 1);
      }
      row.push(best);
    }
    prevPrev = prev;
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * The closest candidate to `input`, or null when none is close enough to be a plausible typo.
 * Close means at most max(2, ⌊length/3⌋) edits (case-insensitive). A candidate whose last
 * `/`-segments equal the input (`ssb/x` for `atlas/ssb/x`) also counts: a key written without
 * its prefix is the commonest slip.
 */
export function didYouMean(input: string, candidates: Iterable<string>): string | null {
  const needle = input.toLowerCase();
  const limit = Math.max(2, Math.floor(input.length / 3));
  let best: string | null = null;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    if (candidate === input) continue;
    const lower = candidate.toLowerCase();
    let score = editDistance(needle, lower);
    if (score > limit && lower.endsWith(`/${needle}`)) score = limit;
    if (score <= limit && (score < bestScore || (score === bestScore && best !== null && candidate < best))) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

/** ` (did you mean "x"?)` when there is a suggestion, otherwise the empty string; ready to append to a message. */
export function didYouMeanSuffix(input: string, candidates: Iterable<string>): string {
  const suggestion = didYouMean(input, candidates);
  return suggestion === null ? "" : ` (did you mean ${JSON.stringify(suggestion)}?)`;
}
