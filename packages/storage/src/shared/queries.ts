/**
 * SQL built the same way for both backends. Only the placeholder syntax differs (`?` on SQLite,
 * `$n` on PostgreSQL), so builders take a `bind` function that records a value and returns its
 * placeholder.
 */
import type { RunFilter } from "../storage.js";

export type Bind = (value: unknown) => string;

/** A bind function and the values it collected, for one statement. */
export function binder(style: "sqlite" | "postgres"): { bind: Bind; values: unknown[] } {
  const values: unknown[] = [];
  const bind: Bind = (value) => {
    values.push(value);
    return style === "sqlite" ? "?" : `$${values.length}`;
  };
  return { bind, values };
}

/**
 * `SELECT * FROM runs` newest first with every filter of RunFilter. Each filter hits an index:
 * (status|origin|location|parent|root, id), run_tags(key, value, run_id), run_assets(asset_key, run_id).
 * `createdAfter`/`createdBefore` are exclusive bounds on `created_at`, `endedAfter` on `ended_at`.
 */
export function listRunsSql(filter: RunFilter, beforeId: number | null, limit: number, bind: Bind): string {
  const where: string[] = [];
  if (filter.statuses !== undefined) {
    // An empty status list matches nothing, which is what the caller asked for.
    where.push(filter.statuses.length === 0 ? "1 = 0" : `status IN (${filter.statuses.map(bind).join(", ")})`);
  }
  if (filter.origin !== undefined) where.push(`origin = ${bind(filter.origin)}`);
  if (filter.location !== undefined) where.push(`location = ${bind(filter.location)}`);
  if (filter.parentRunId !== undefined) where.push(`parent_run_id = ${bind(filter.parentRunId)}`);
  if (filter.rootRunId !== undefined) where.push(`root_run_id = ${bind(filter.rootRunId)}`);
  if (filter.createdAfter !== undefined) where.push(`created_at > ${bind(filter.createdAfter)}`);
  if (filter.createdBefore !== undefined) where.push(`created_at < ${bind(filter.createdBefore)}`);
  if (filter.endedAfter !== undefined) where.push(`ended_at > ${bind(filter.endedAfter)}`);
  for (const [key, value] of Object.entries(filter.tags ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    where.push(
      `EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = runs.run_id AND t.key = ${bind(key)} AND t.value = ${bind(value)})`,
    );
  }
  if (filter.assetKey !== undefined) {
    where.push(`EXISTS (SELECT 1 FROM run_assets a WHERE a.run_id = runs.run_id AND a.asset_key = ${bind(filter.assetKey)})`);
  }
  if (beforeId !== null) where.push(`id < ${bind(beforeId)}`);
  return (
    `SELECT * FROM runs${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ` +
    `ORDER BY id DESC LIMIT ${bind(limit + 1)}`
  );
}
