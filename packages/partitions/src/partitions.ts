/**
 * Partitions definitions: static key lists and time windows (yearly, monthly, daily, hourly) in
 * an IANA time zone. Time arithmetic goes through luxon so that windows follow the zone's
 * calendar: a daily window across a DST change lasts 23 or 25 hours, and at a fall-back the
 * repeated local hour is one 2-hour hourly window (its key would otherwise appear twice).
 */
import type { DateTime } from "luxon";
import { abbreviate, DEFINITION_LIMITS, didYouMeanSuffix, overLimit, InvalidPartitionError, type PartitionsSnapshot } from "@flyt/core";
import type { PartitionsDefinition, TimeWindow, TimeWindowCadence } from "./types.js";
import { callerLocation, definitionsError } from "./errors.js";
import { luxon } from "./lazy-deps.js";

/**
 * Bound on listed keys: hourly partitions over ~20 years fit, a runaway definition does not hang a process.
 * @example
 * hourlyPartitions({ start: "2000-01-01" }).keys(); // throws InvalidPartitionError above MAX_PARTITION_KEYS keys
 */
export const MAX_PARTITION_KEYS = DEFINITION_LIMITS.partitionKeys;
/**
 * Longest allowed partition key.
 * @example
 * partitionKeyProblem("x".repeat(MAX_PARTITION_KEY_LENGTH + 1)); // "must be at most 128 characters (has 129)"
 */
export const MAX_PARTITION_KEY_LENGTH = DEFINITION_LIMITS.partitionKeyChars;

// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/**
 * Why `key` cannot be a partition key, or null when it can.
 * @example
 * partitionKeyProblem("oslo");   // null
 * partitionKeyProblem("a/b");    // "must not contain '/'"
 */
export function partitionKeyProblem(key: unknown): string | null {
  if (typeof key !== "string") return `must be a string, got ${typeof key}`;
  if (key === "") return "must not be empty";
  if (key.length > MAX_PARTITION_KEY_LENGTH) return `must be at most ${MAX_PARTITION_KEY_LENGTH} characters (has ${key.length})`;
  if (key.includes("/")) return "must not contain '/'";
  if (CONTROL_CHARS.test(key)) return "must not contain control characters";
  return null;
}

/**
 * Partitions with a fixed list of keys, e.g. one per region or source table.
 * @example
 * const regions = staticPartitions(["oslo", "bergen", "trondheim"]);
 * asset({ key: "atlas/weather/observations", partitions: regions, compute: async (ctx) => fetchRegion(ctx.partitionKey!) });
 */
export function staticPartitions(keys: readonly string[]): PartitionsDefinition {
  const definedAt = callerLocation();
  const problems: string[] = [];
  if (!Array.isArray(keys)) problems.push("keys must be an array of strings");
  else if (keys.length === 0) problems.push("keys must not be empty");
  else if (keys.length > MAX_PARTITION_KEYS) problems.push(`keys ${overLimit(keys.length, MAX_PARTITION_KEYS, "entries")}`);
  else {
    const seen = new Set<string>();
    keys.forEach((key, index) => {
      const problem = partitionKeyProblem(key);
      if (problem) problems.push(`keys[${index}] ${JSON.stringify(typeof key === "string" ? abbreviate(key) : key)} ${problem}`);
      else if (seen.has(key)) problems.push(`keys[${index}] ${JSON.stringify(key)} is listed twice`);
      seen.add(key);
    });
  }
  if (problems.length > 0) throw definitionsError(problems.map((message) => ({ subject: "staticPartitions", message })), definedAt);
  const list = Object.freeze([...keys]);
  const set = new Set(list);
  return Object.freeze({
    kind: "static" as const,
    keys: () => [...list],
    has: (key: string) => set.has(key),
    timeWindow(key: string): TimeWindow | null {
      if (!set.has(key)) {
        throw new InvalidPartitionError(key, null, `not one of the ${list.length} static partitions${didYouMeanSuffix(key, list)}`);
      }
      return null;
    },
    snapshot: (): PartitionsSnapshot => ({ kind: "static", keys: [...list] }),
  });
}

export interface TimeWindowPartitionsOptions {
  cadence: TimeWindowCadence;
  /** ISO date or date-time of the first window's start, read in `timezone`; must sit on a window boundary. */
  start: string;
  /** Exclusive ISO end: only windows that end at or before it exist. */
  end?: string;
  /** IANA zone name; default "UTC". */
  timezone?: string;
  /** Luxon format of the keys; defaults: yyyy, yyyy-MM, yyyy-MM-dd, yyyy-MM-dd-HH:mm. */
  format?: string;
}

export type CadenceOptions = Omit<TimeWindowPartitionsOptions, "cadence">;

/**
 * Key formats (luxon) per cadence when none is given: Dagster's.
 * @example
 * DEFAULT_PARTITION_FORMATS.hourly; // "yyyy-MM-dd-HH:mm"
 */
export const DEFAULT_PARTITION_FORMATS: Readonly<Record<TimeWindowCadence, string>> = Object.freeze({
  yearly: "yyyy",
  monthly: "yyyy-MM",
  daily: "yyyy-MM-dd",
  hourly: "yyyy-MM-dd-HH:mm",
});

const UNIT = { yearly: "year", monthly: "month", daily: "day", hourly: "hour" } as const;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/**
 * Partitions by time window. Each key names a complete window [start, end) in `timezone`.
 * @example
 * const byMonth = timeWindowPartitions({ cadence: "monthly", start: "2020-01", timezone: "Europe/Oslo" });
 * byMonth.keys(new Date("2020-04-15")); // ["2020-01", "2020-02", "2020-03"]
 */
export function timeWindowPartitions(options: TimeWindowPartitionsOptions): PartitionsDefinition {
  return buildTimeWindowPartitions(options, callerLocation(), "timeWindowPartitions");
}

/**
 * One partition per calendar year, keys `yyyy`.
 * @example
 * const years = yearlyPartitions({ start: "2015" }); // "2015", "2016", …
 */
export function yearlyPartitions(options: CadenceOptions): PartitionsDefinition {
  return buildTimeWindowPartitions({ ...options, cadence: "yearly" }, callerLocation(), "yearlyPartitions");
}

/**
 * One partition per calendar month, keys `yyyy-MM`.
 * @example
 * const months = monthlyPartitions({ start: "2020-01", timezone: "Europe/Oslo" });
 */
export function monthlyPartitions(options: CadenceOptions): PartitionsDefinition {
  return buildTimeWindowPartitions({ ...options, cadence: "monthly" }, callerLocation(), "monthlyPartitions");
}

/**
 * One partition per day, keys `yyyy-MM-dd`; days follow the zone's calendar (23/25 h across DST).
 * @example
 * const days = dailyPartitions({ start: "2024-01-01", timezone: "Europe/Oslo" });
 */
export function dailyPartitions(options: CadenceOptions): PartitionsDefinition {
  return buildTimeWindowPartitions({ ...options, cadence: "daily" }, callerLocation(), "dailyPartitions");
}

/**
 * One partition per hour, keys `yyyy-MM-dd-HH:mm` (Dagster's format).
 * @example
 * const hours = hourlyPartitions({ start: "2024-06-01T00:00", timezone: "UTC" });
 */
export function hourlyPartitions(options: CadenceOptions): PartitionsDefinition {
  return buildTimeWindowPartitions({ ...options, cadence: "hourly" }, callerLocation(), "hourlyPartitions");
}

/**
 * Rebuilds a partitions definition from its plain snapshot: how the platform (which never
 * imports user code) lists keys and windows of a code location's assets.
 * @example
 * const partitions = partitionsFromSnapshot(node.partitions!);
 * partitions.keys();
 */
export function partitionsFromSnapshot(snapshot: PartitionsSnapshot): PartitionsDefinition {
  if (snapshot.kind === "static") return staticPartitions(snapshot.keys);
  const options: TimeWindowPartitionsOptions = {
    cadence: snapshot.cadence,
    start: snapshot.start,
    timezone: snapshot.timezone,
    format: snapshot.format,
  };
  if (snapshot.end !== null) options.end = snapshot.end;
  return buildTimeWindowPartitions(options, null, "partitionsFromSnapshot");
}

/**
 * True for objects that look like a partitions definition (shape check: works across package copies).
 * @example
 * isPartitionsDefinition(dailyPartitions({ start: "2024-01-01" })); // true
 */
export function isPartitionsDefinition(value: unknown): value is PartitionsDefinition {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    (v.kind === "static" || v.kind === "time-window") &&
    typeof v.keys === "function" &&
    typeof v.has === "function" &&
    typeof v.timeWindow === "function" &&
    typeof v.snapshot === "function"
  );
}

function knownTimeZones(): string[] {
  try {
    return Intl.supportedValuesOf("timeZone");
  } catch {
    return [];
  }
}

function buildTimeWindowPartitions(
  options: TimeWindowPartitionsOptions,
  definedAt: string | null,
  subject: string,
): PartitionsDefinition {
  const { DateTime, IANAZone } = luxon();
  const problems: string[] = [];
  const fail = (): never => {
    throw definitionsError(problems.map((message) => ({ subject, message })), definedAt);
  };
  if (typeof options !== "object" || options === null) {
    problems.push("options must be an object like { start: \"2024-01-01\" }");
    fail();
  }
  const { cadence, start, end } = options;
  const timezone = options.timezone ?? "UTC";
  if (!Object.hasOwn(UNIT, cadence)) problems.push(`cadence must be one of "yearly", "monthly", "daily", "hourly", got ${JSON.stringify(cadence)}`);
  if (typeof timezone !== "string" || !IANAZone.isValidZone(timezone)) {
    problems.push(
      `timezone ${JSON.stringify(timezone)} is not a known IANA time zone` +
        `${typeof timezone === "string" ? didYouMeanSuffix(timezone, knownTimeZones()) : ""} (e.g. "UTC", "Europe/Oslo")`,
    );
  }
  if (typeof start !== "string") problems.push(`start must be an ISO date string like "2024-01-01", got ${typeof start}`);
  if (end !== undefined && typeof end !== "string") problems.push(`end must be an ISO date string, got ${typeof end}`);
  if (options.format !== undefined && (typeof options.format !== "string" || options.format === "")) {
    problems.push("format must be a non-empty luxon format string like \"yyyy-MM-dd\"");
  }
  if (problems.length > 0) fail();

  const unit = UNIT[cadence];
  const format = options.format ?? DEFAULT_PARTITION_FORMATS[cadence];
  const defaultFormat = format === DEFAULT_PARTITION_FORMATS[cadence];
  const zone = IANAZone.create(timezone);

  const parseBoundary = (label: "start" | "end", text: string): DateTime | null => {
    const parsed = DateTime.fromISO(text, { zone: timezone });
    if (!parsed.isValid) {
      problems.push(`${label} ${JSON.stringify(text)} is not an ISO date or date-time (${parsed.invalidExplanation ?? "unparseable"})`);
      return null;
    }
    return parsed;
  };
  const startDt = parseBoundary("start", start);
  const endDt = end === undefined ? null : parseBoundary("end", end);
  if (startDt && startDt.toMillis() !== startDt.startOf(unit).toMillis()) {
    problems.push(
      `start ${JSON.stringify(start)} is not at the start of a ${unit} in ${timezone}; ` +
        `use ${JSON.stringify(startDt.startOf(unit).toISO({ suppressMilliseconds: true, suppressSeconds: true, includeOffset: false }))} or the next ${unit}`,
    );
  }
  if (startDt && endDt && endDt.toMillis() <= startDt.toMillis()) {
    problems.push(`end ${JSON.stringify(end)} must be after start ${JSON.stringify(start)}`);
  }
  if (problems.length > 0 || !startDt) fail();
  const startMs = startDt!.toMillis();
  const endMs = endDt ? endDt.toMillis() : Number.POSITIVE_INFINITY;

  // Zone offsets change a few times a year; checking once per day (and per hour only on a day
  // with a change) keeps listing hourly keys over years cheap.
  let segmentStart = Number.NaN;
  let segmentEnd = Number.NaN;
  let segmentOffset = 0;
  const offsetMinutes = (ms: number): number => {
    if (ms >= segmentStart && ms < segmentEnd) return segmentOffset;
    const here = zone.offset(ms);
    segmentStart = ms;
    segmentEnd = zone.offset(ms + DAY_MS) === here ? ms + DAY_MS : ms + 1;
    segmentOffset = here;
    return here;
  };

  const keyOf = (ms: number): string => {
    if (!defaultFormat) return DateTime.fromMillis(ms, { zone }).toFormat(format);
    const local = new Date(ms + offsetMinutes(ms) * 60_000);
    const y = pad(local.getUTCFullYear(), 4);
    switch (cadence) {
      case "yearly":
        return y;
      case "monthly":
        return `${y}-${pad(local.getUTCMonth() + 1)}`;
      case "daily":
        return `${y}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
      case "hourly":
        return `${y}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}-${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`;
    }
  };

  /** Start of the window after the one starting at `ms`. */
  const nextStart = (ms: number): number => {
    if (cadence === "hourly") {
      const key = keyOf(ms);
      let next = ms + HOUR_MS;
      // A repeated local hour (DST fall-back) has the same key: it belongs to this window.
      while (keyOf(next) === key) next += HOUR_MS;
      return next;
    }
    return DateTime.fromMillis(ms, { zone })
      .plus({ [`${unit}s`]: 1 })
      .startOf(unit)
      .toMillis();
  };

  if (!defaultFormat) {
    const first = keyOf(startMs);
    const secondStart = nextStart(startMs);
    const second = keyOf(secondStart);
    const roundTrips = (key: string, ms: number): boolean => {
      const parsed = DateTime.fromFormat(key, format, { zone });
      return parsed.isValid && parsed.toMillis() === ms;
    };
    if (first.includes("/")) problems.push(`format ${JSON.stringify(format)} produces keys with '/' (${JSON.stringify(first)})`);
    else if (first === second || !roundTrips(first, startMs) || !roundTrips(second, secondStart)) {
      problems.push(
        `format ${JSON.stringify(format)} does not identify ${cadence} windows: ` +
          `${JSON.stringify(first)} must parse back to the window it names (default ${JSON.stringify(DEFAULT_PARTITION_FORMATS[cadence])})`,
      );
    } else if (partitionKeyProblem(first) !== null) problems.push(`format ${JSON.stringify(format)}: key ${JSON.stringify(first)} ${partitionKeyProblem(first)!}`);
    if (problems.length > 0) fail();
  }

  /** The window start named by `key`, or the reason it names none. */
  const parseKey = (key: string): { ms: number } | { problem: string } => {
    if (typeof key !== "string") return { problem: "a partition key must be a string" };
    const parsed = DateTime.fromFormat(key, format, { zone });
    if (!parsed.isValid) return { problem: `does not match the format ${JSON.stringify(format)}` };
    let ms = parsed.toMillis();
    if (cadence === "hourly" && keyOf(ms - HOUR_MS) === key) ms -= HOUR_MS;
    if (keyOf(ms) !== key) return { problem: `does not match the format ${JSON.stringify(format)} exactly` };
    if (DateTime.fromMillis(ms, { zone }).startOf(unit).toMillis() !== ms) return { problem: `is not the start of a ${unit}` };
    if (ms < startMs) return { problem: `is before the first partition (${keyOf(startMs)})` };
    if (nextStart(ms) > endMs) return { problem: `is at or after the end (${end ?? ""})` };
    return { ms };
  };

  // Listed windows are cached and extended as time passes: keys() is called on every tick.
  const listed: string[] = [];
  const listedEnds: number[] = [];
  let cursor = startMs;
  const listUpTo = (limit: number): string[] => {
    for (;;) {
      const next = nextStart(cursor);
      if (next > limit) break;
      if (listed.length >= MAX_PARTITION_KEYS) {
        throw new InvalidPartitionError(
          keyOf(cursor),
          null,
          `${subject}: more than ${MAX_PARTITION_KEYS} partitions since ${start}; use a later start or an end`,
        );
      }
      listed.push(keyOf(cursor));
      listedEnds.push(next);
      cursor = next;
    }
    let lo = 0;
    let hi = listedEnds.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (listedEnds[mid]! <= limit) lo = mid + 1;
      else hi = mid;
    }
    return listed.slice(0, lo);
  };

  const snapshot: PartitionsSnapshot = { kind: "time-window", cadence, start, end: end ?? null, timezone, format };
  return Object.freeze({
    kind: "time-window" as const,
    keys: (now: Date = new Date()) => listUpTo(Math.min(now.getTime(), endMs)),
    has(key: string, now: Date = new Date()): boolean {
      const parsed = parseKey(key);
      return "ms" in parsed && nextStart(parsed.ms) <= now.getTime();
    },
    timeWindow(key: string): TimeWindow {
      const parsed = parseKey(key);
      if ("problem" in parsed) throw new InvalidPartitionError(key, null, `${parsed.problem} (${cadence} partitions in ${timezone})`);
      return { start: new Date(parsed.ms), end: new Date(nextStart(parsed.ms)) };
    },
    snapshot: (): PartitionsSnapshot => ({ ...snapshot }),
  });
}
