/**
 * Opaque keyset-pagination cursors and page-size handling. A cursor is base64url of
 * `<scope>:<storage id>`; the scope stops a runs cursor from being replayed against ticks.
 */
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type PageRequest } from "../storage.js";
import { StorageInputError } from "../errors.js";

export type CursorScope = "runs" | "events" | "ticks" | "alerts" | "backfills" | "partitions" | "evaluations";

export function encodeCursor(scope: CursorScope, id: number): string {
  return Buffer.from(`${scope}:${id}`, "utf8").toString("base64url");
}

/** @throws StorageInputError when the cursor was not issued by this API for this listing. */
export function decodeCursor(scope: CursorScope, cursor: string): number {
  const fail = (why: string): never => {
    throw new StorageInputError(
      `cursor ${JSON.stringify(cursor.length > 80 ? `${cursor.slice(0, 80)}…` : cursor)}`,
      `${why}; pass the nextCursor of a previous ${scope} page unchanged`,
    );
  };
  if (typeof cursor !== "string" || !/^[A-Za-z0-9_-]+$/.test(cursor)) fail("not a valid cursor");
  const decoded = Buffer.from(cursor, "base64url").toString("utf8");
  const match = /^([a-z]+):([1-9][0-9]{0,15})$/.exec(decoded);
  if (!match) return fail("not a valid cursor");
  if (match[1] !== scope) return fail(`a ${match[1]} cursor cannot page ${scope}`);
  const id = Number(match[2]);
  if (!Number.isSafeInteger(id)) return fail("id out of range");
  return id;
}

/** Validates and clamps a limit: undefined → DEFAULT_PAGE_SIZE, > MAX_PAGE_SIZE → MAX_PAGE_SIZE. */
export function pageLimit(limit: number | undefined, what = "limit"): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1) {
    throw new StorageInputError(what, `must be a positive integer, got ${String(limit)}`);
  }
  return Math.min(limit, MAX_PAGE_SIZE);
}

/** The parsed form of a PageRequest: fetch `limit + 1` rows below `beforeId` to learn whether more exist. */
export interface ResolvedPage {
  limit: number;
  /** Exclusive upper bound on storage ids, or null for the first page. */
  beforeId: number | null;
}

export function resolvePage(scope: CursorScope, page: PageRequest | undefined): ResolvedPage {
  const limit = pageLimit(page?.limit);
  const cursor = page?.cursor;
  return { limit, beforeId: cursor === undefined || cursor === null ? null : decodeCursor(scope, cursor) };
}

/** Cuts the extra row fetched by the query and builds the next cursor from the last item kept. */
export function buildPage<Row, Item>(
  scope: CursorScope,
  rows: Row[],
  limit: number,
  idOf: (row: Row) => number,
  map: (row: Row) => Item,
): { items: Item[]; nextCursor: string | null } {
  const kept = rows.slice(0, limit);
  const last = kept[kept.length - 1];
  return {
    items: kept.map(map),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(scope, idOf(last)) : null,
  };
}
