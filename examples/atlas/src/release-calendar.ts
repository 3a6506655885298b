/**
 * SSB's release calendar (RSS 2.0 with the `ssbrss` namespace: date, shortname, subject, contact,
 * tableid) and the decision the Atlas release sensor makes from it: which releases of the tables
 * it follows have appeared since the last one seen (the cursor), and what each one refreshes (the
 * year partition it covers, or the whole table).
 * Pure functions: the sensor in definitions.ts fetches the feed and passes the clock in.
 */
import { XMLParser } from "fast-xml-parser";
import { SourceDataError } from "./errors.js";

export interface Release {
  guid: string;
  title: string;
  link: string | null;
  /** When the release is (or was) published, ms since the epoch. */
  releasedAt: number;
  shortname: string | null;
  subject: string | null;
  contact: string | null;
  /** Five-digit StatBank table ids the release updates (may be empty). */
  tableIds: string[];
}

/** The last release the sensor acted on. */
export interface ReleaseCursor {
  releasedAt: number;
  guid: string;
}

const SOURCE = "SSB release calendar";

function text(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return String(value).trim() || null;
  // <guid isPermaLink="false">x</guid> parses to { "#text": "x", ... }
  if (typeof value === "object" && "#text" in value) return text(value["#text"]);
  return null;
}

function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** Parses the feed; fails with the item at fault when a release lacks a usable date or id. */
export function parseReleaseCalendar(xml: string): Release[] {
  if (typeof xml !== "string" || !xml.trim().startsWith("<")) throw new SourceDataError(SOURCE, "$", "is not an XML document");
  // removeNSPrefix: match the ssbrss elements by local name, whatever URI the feed binds the prefix to.
  const parser = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true, parseTagValue: false, isArray: (name) => name === "item" || name === "tableid" });
  let doc: unknown;
  try {
    doc = parser.parse(xml, true);
  } catch (err) {
    throw new SourceDataError(SOURCE, "$", `not well-formed XML: ${(err as Error).message}`, { cause: err });
  }
  const channel = (doc as { rss?: { channel?: unknown } }).rss?.channel;
  if (typeof channel !== "object" || channel === null) throw new SourceDataError(SOURCE, "rss.channel", "missing: not an RSS 2.0 feed");
  const items = list((channel as { item?: unknown }).item);
  return items.map((raw, i): Release => {
    const path = `rss.channel.item[${i}]`;
    if (typeof raw !== "object" || raw === null) throw new SourceDataError(SOURCE, path, "is not an element");
    const item = raw as Record<string, unknown>;
    const title = text(item.title) ?? "";
    const where = title ? `${path} (${JSON.stringify(title)})` : path;
    const dateText = text(item.date) ?? text(item.pubDate);
    if (dateText === null) throw new SourceDataError(SOURCE, `${where}.date`, "has neither ssbrss:date nor pubDate");
    const releasedAt = Date.parse(dateText);
    if (!Number.isFinite(releasedAt)) throw new SourceDataError(SOURCE, `${where}.date`, `${JSON.stringify(dateText)} is not a date`);
    const link = text(item.link);
    const guid = text(item.guid) ?? link;
    if (guid === null) throw new SourceDataError(SOURCE, `${where}.guid`, "has neither guid nor link to identify the release");
    const tableIds = list(item.tableid)
      .flatMap((t) => (text(t) ?? "").split(/[\s,;]+/))
      .filter((t) => t !== "");
    const bad = tableIds.find((t) => !/^\d{5}$/.test(t));
    if (bad !== undefined) throw new SourceDataError(SOURCE, `${where}.tableid`, `${JSON.stringify(bad)} is not a five-digit table id`);
    return { guid, title, link, releasedAt, shortname: text(item.shortname), subject: text(item.subject), contact: text(item.contact), tableIds };
  });
}

export function encodeReleaseCursor(release: Pick<Release, "releasedAt" | "guid">): string {
  return JSON.stringify({ releasedAt: new Date(release.releasedAt).toISOString(), guid: release.guid });
}

/** Reads a cursor written by `encodeReleaseCursor`; a foreign cursor is an error, not a reset. */
export function decodeReleaseCursor(cursor: string): ReleaseCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(cursor);
  } catch {
    parsed = null;
  }
  const p = parsed as { releasedAt?: unknown; guid?: unknown } | null;
  const releasedAt = typeof p?.releasedAt === "string" ? Date.parse(p.releasedAt) : NaN;
  if (typeof p?.guid !== "string" || !Number.isFinite(releasedAt)) {
    throw new SourceDataError("release sensor cursor", "$", `${JSON.stringify(cursor)} is not {"releasedAt": <ISO date>, "guid": <string>}`);
  }
  return { releasedAt, guid: p.guid };
}

/** Releases ordered by publication, ties broken by guid (so the order, and the cursor, are total). */
function compare(a: ReleaseCursor, b: ReleaseCursor): number {
  return a.releasedAt - b.releasedAt || (a.guid < b.guid ? -1 : a.guid > b.guid ? 1 : 0);
}

/** The reference year a release covers: the last year named in its title ("…, 4. kvartal 2023" → 2023). */
export function releaseYear(release: Pick<Release, "title">): string | null {
  const years = release.title.match(/\b(?:19|20)\d{2}\b/g);
  return years?.[years.length - 1] ?? null;
}

/** A table the sensor follows: its releases request a partition (the year a release covers) or, unpartitioned, the whole table. */
export interface FollowedTable {
  tableId: string;
  /** The year partitions the table's ingest has; null: the ingest is not partitioned. */
  partitions: readonly string[] | null;
}

export interface ReleaseDecision {
  runRequests: { runKey: string; tableId: string; partitionKey: string | null; tags: Record<string, string> }[];
  skipReason?: string;
  /** Undefined: leave the cursor where it is. */
  cursor?: string;
}

const named = (tables: readonly FollowedTable[]): string => `${tables.length === 1 ? "table" : "tables"} ${tables.map((t) => t.tableId).join(", ")}`;

/**
 * Which runs the calendar calls for now. Only releases of the followed tables published at or
 * before `now` count. Without a cursor (first tick) only the newest release of each table is
 * acted on, so turning the sensor on does not re-ingest the whole history. Each newer release
 * requests its table — for a partitioned table the partition of the year it covers — keyed by its
 * guid (run keys make a retried tick harmless); a release covering a year outside the table's
 * `partitions` moves the cursor without a run. One cursor covers every followed table.
 */
export function decideReleases(args: { releases: Release[]; tables: readonly FollowedTable[]; cursor: string | null; now: number }): ReleaseDecision {
  const { tables, now } = args;
  // One release may update several followed tables: each (release, table) is a request of its own.
  const appeared = args.releases
    .filter((r) => r.releasedAt <= now)
    .sort(compare)
    .flatMap((release) => tables.filter((t) => release.tableIds.includes(t.tableId)).map((table) => ({ release, table })));
  if (appeared.length === 0) return { runRequests: [], skipReason: `no release of ${named(tables)} has appeared yet` };
  const last = args.cursor === null ? null : decodeReleaseCursor(args.cursor);
  const fresh =
    last === null
      ? appeared.filter((pair, i) => !appeared.slice(i + 1).some((later) => later.table === pair.table))
      : appeared.filter((pair) => compare(pair.release, last) > 0);
  if (fresh.length === 0) return { runRequests: [], skipReason: `no release of ${named(tables)} since ${last?.guid ?? "?"}` };
  const runRequests: ReleaseDecision["runRequests"] = [];
  const ignored: string[] = [];
  for (const { release, table } of fresh) {
    const request = {
      runKey: `${release.guid}:${table.tableId}`,
      tableId: table.tableId,
      tags: { "atlas/release": release.guid, "atlas/released_at": new Date(release.releasedAt).toISOString(), "atlas/table": table.tableId },
    };
    if (table.partitions === null) {
      runRequests.push({ ...request, partitionKey: null });
      continue;
    }
    const year = releaseYear(release);
    if (year === null || !table.partitions.includes(year)) {
      ignored.push(`${release.guid} (${year ?? "no year in its title"})`);
      continue;
    }
    runRequests.push({ ...request, partitionKey: year });
  }
  const cursor = encodeReleaseCursor(fresh[fresh.length - 1]!.release);
  if (runRequests.length === 0) return { runRequests, skipReason: `new releases cover no known partition: ${ignored.join(", ")}`, cursor };
  return { runRequests, cursor };
}
