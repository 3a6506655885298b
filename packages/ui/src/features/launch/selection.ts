/**
 * What the launch actions build and check before anything reaches the API: the selection
 * expression (docs/selection.md) of a set of picked assets, widened up- or downstream, and the
 * run tags an operator typed. The API validates both again; these only make the dialog answer
 * at once instead of after a round trip.
 */

/** How a picked set of assets becomes an expression: as they are, or with all their upstream / downstream. */
export type Widen = "none" | "upstream" | "downstream";

/**
 * The expression of `keys`, unioned with commas. Keys are written bare: the selection syntax has
 * no quoting for keys, and a key starting with digits after `+` is read as the whole key when only
 * that names an asset (docs/selection.md), which is the case for keys the catalog listed.
 */
export function selectionOf(keys: Iterable<string>, widen: Widen = "none"): string {
  const sorted = [...keys].sort();
  const term = widen === "upstream" ? (k: string) => `+${k}` : widen === "downstream" ? (k: string) => `${k}+` : (k: string) => k;
  return sorted.map(term).join(", ");
}

export interface TagRow {
  key: string;
  value: string;
}

/**
 * The flyt/ tags a caller may set and what their values must be: a copy of USER_SETTABLE_SYSTEM_TAGS
 * in @flyt/core (packages/core/src/runs.ts), which the UI cannot import (it runs in the browser).
 * Should the two drift, the API's InvalidTagError still refuses the run and the dialog shows it.
 */
const SETTABLE_SYSTEM_TAGS: Record<string, { pattern: RegExp; expected: string }> = {
  "flyt/max_retries": { pattern: /^(0|[1-9]\d{0,2})$/, expected: "an integer from 0 to 999" },
  "flyt/retry_strategy": { pattern: /^(from_failure|all_steps)$/, expected: "from_failure or all_steps" },
  "flyt/priority": { pattern: /^-?(0|[1-9]\d{0,8})$/, expected: "an integer" },
};

/** Tags on one launch (the backfill limit, docs/backfills.md#limits; runs take as many). */
export const MAX_TAGS = 50;

/** What is wrong with each tag row (by index), in the words the API would use; rows left entirely blank are ignored. */
export function tagProblems(rows: TagRow[]): Map<number, string> {
  const problems = new Map<number, string>();
  const seen = new Map<string, number>();
  rows.forEach((row, i) => {
    const key = row.key.trim();
    if (key === "" && row.value.trim() === "") return;
    if (key === "") problems.set(i, "a tag needs a key");
    else if (key.startsWith("flyt/")) {
      const settable = SETTABLE_SYSTEM_TAGS[key];
      if (settable === undefined) problems.set(i, `keys starting with "flyt/" are reserved for the platform; the ones you may set are ${Object.keys(SETTABLE_SYSTEM_TAGS).join(", ")}`);
      else if (!settable.pattern.test(row.value.trim())) problems.set(i, `${key} must be ${settable.expected}`);
    }
    if (key !== "" && seen.has(key)) problems.set(i, `${key} is already set above`);
    if (key !== "") seen.set(key, i);
  });
  return problems;
}

/** The rows as the API takes them (blank rows dropped, whitespace trimmed). */
export function tagsInput(rows: TagRow[]): TagRow[] {
  return rows.map((r) => ({ key: r.key.trim(), value: r.value.trim() })).filter((r) => r.key !== "");
}

/** Keys typed as a set: one per line or separated by commas. */
export function parseKeySet(text: string): string[] {
  return [...new Set(text.split(/[\n,]/).map((k) => k.trim()).filter((k) => k !== ""))];
}

/** Assets in an order where each comes after what it reads (roots by key), for a plan that reads top to bottom. */
export function dependencyOrder(keys: string[], edges: Array<{ from: string; to: string }>): string[] {
  const inSet = new Set(keys);
  const indegree = new Map(keys.map((k) => [k, 0]));
  const out = new Map<string, string[]>();
  for (const e of edges) {
    if (!inSet.has(e.from) || !inSet.has(e.to) || e.from === e.to) continue;
    indegree.set(e.to, (indegree.get(e.to) ?? 0) + 1);
    out.set(e.from, [...(out.get(e.from) ?? []), e.to]);
  }
  const ready = keys.filter((k) => indegree.get(k) === 0).sort();
  const order: string[] = [];
  for (let i = 0; i < ready.length; i++) {
    const k = ready[i]!;
    order.push(k);
    for (const next of out.get(k) ?? []) {
      const left = (indegree.get(next) ?? 0) - 1;
      indegree.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  // A cycle cannot be launched anyway (the API says so); list what is left rather than drop it.
  const placed = new Set(order);
  for (const k of [...keys].sort()) if (!placed.has(k)) order.push(k);
  return order;
}
