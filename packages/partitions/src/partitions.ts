/**
 * Partitions definitions: static key lists, time windows (yearly, monthly, daily, hourly) in an
 * IANA time zone, and dynamic partitions (keys added at run time, kept in storage). Windows
 * follow the zone's calendar: a daily window across a DST change lasts 23 or 25 hours, and at a
 * fall-back the repeated local hour is one 2-hour hourly window (time-windows.ts has the rules).
 * Time windows are never listed to be defined, counted or checked: positions are computed
 * (key-space.ts), so hourly partitions since 1910 are as cheap to define as since yesterday.
 */
import { abbreviate, DEFINITION_LIMITS, didYouMeanSuffix, overLimit, InvalidPartitionError, type PartitionsSnapshot } from "@flyt/core";
import type { PartitionKeySpace, PartitionsDefinition, TimeWindow, TimeWindowCadence } from "./types.js";
import { callerLocation, definitionsError } from "./errors.js";
import { luxon } from "./lazy-deps.js";
import { StaticKeySpace, TimeWindowKeySpace } from "./key-space.js";
import { Timeline, wallClock } from "./time-windows.js";

/**
 * Most keys a static partitions definition may list (DEFINITION_LIMITS.partitionKeys): every
 * load carries them in the code location's snapshot. Time windows have no such limit.
 * @example
 * staticPartitions(manyKeys); // throws above MAX_PARTITION_KEYS keys
 */
export const MAX_PARTITION_KEYS = DEFINITION_LIMITS.partitionKeys;
/**
 * Most keys `keys()` lists in one array (about 100 MB of strings): past it, page through
 * `keySpace(now)` instead. Defining, counting and checking keys never lists.
 * @example
 * hourlyPartitions({ start: "1700-01-01T00:00" }).keys(); // throws: more than MAX_LISTED_PARTITION_KEYS to list
 */
export const MAX_LISTED_PARTITION_KEYS = 2_000_000;
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
  let space: StaticKeySpace | undefined;
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
    keySpace: (): PartitionKeySpace => (space ??= new StaticKeySpace(list)),
  });
}

export interface DynamicPartitionsOptions {
  /** Name the keys are stored under: letters, digits, `_`, `.` and `-`, at most 200 characters. Assets with the same name share the keys. */
  name: string;
}

const DYNAMIC_NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * Why `name` cannot name dynamic partitions, or null when it can.
 * @example
 * dynamicPartitionsNameProblem("stations"); // null
 * dynamicPartitionsNameProblem("my stations"); // "may only contain letters, digits, '_', '.' and '-'"
 */
export function dynamicPartitionsNameProblem(name: unknown): string | null {
  if (typeof name !== "string") return `must be a string, got ${typeof name}`;
  if (name === "") return "must not be empty";
  if (name.length > DEFINITION_LIMITS.nameChars) return overLimit(name.length, DEFINITION_LIMITS.nameChars);
  if (!DYNAMIC_NAME.test(name)) return "may only contain letters, digits, '_', '.' and '-'";
  return null;
}

/**
 * Partitions whose keys are added and removed at run time — by sensors, assets (`ctx`), the API
 * and the CLI — and kept in storage under `name` (e.g. one partition per weather station or
 * customer id). A key's position is given when it is added and never reused.
 * @example
 * const stations = dynamicPartitions({ name: "stations" });
 * asset({ key: "atlas/frost/station_observations", partitions: stations, compute: async (ctx) => fetchStation(ctx.partitionKey!) });
 */
export function dynamicPartitions(options: DynamicPartitionsOptions): PartitionsDefinition {
  return buildDynamicPartitions(options, callerLocation(), "dynamicPartitions");
}

function buildDynamicPartitions(options: DynamicPartitionsOptions, definedAt: string | null, subject: string): PartitionsDefinition {
  const problem =
    typeof options !== "object" || options === null
      ? 'options must be an object like { name: "stations" }'
      : dynamicPartitionsNameProblem(options.name) && `name ${JSON.stringify(typeof options.name === "string" ? abbreviate(options.name) : options.name)} ${dynamicPartitionsNameProblem(options.name)!}`;
  if (problem) throw definitionsError([{ subject, message: problem }], definedAt);
  const name = options.name;
  return Object.freeze({
    kind: "dynamic" as const,
    keys(): string[] {
      throw new Error(
        `dynamic partitions ${JSON.stringify(name)} keep their keys in storage, not in the definition: ` +
          "read them through the API (listDynamicPartitions) or, in a compute, through ctx",
      );
    },
    has: (key: string) => partitionKeyProblem(key) === null,
    timeWindow(key: string): TimeWindow | null {
      const keyProblem = partitionKeyProblem(key);
      if (keyProblem) throw new InvalidPartitionError(String(key), null, `${keyProblem} (dynamic partitions ${JSON.stringify(name)})`);
      return null;
    },
    snapshot: (): PartitionsSnapshot => ({ kind: "dynamic", name }),
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
 * One partition per hour, keys `yyyy-MM-dd-HH:mm` (Dagster's format). A million of them (hourly
 * since 1910) define, count and page as fast as a hundred: positions are computed, not listed.
 * @example
 * const hours = hourlyPartitions({ start: "2024-06-01T00:00", timezone: "UTC" });
 * hourlyPartitions({ start: "1910-01-01T00:00" }).keySpace!().keyAt(999_999); // "2024-01-29-15:00"
 */
export function hourlyPartitions(options: CadenceOptions): PartitionsDefinition {
  return buildTimeWindowPartitions({ ...options, cadence: "hourly" }, callerLocation(), "hourlyPartitions");
}

/**
 * Rebuilds a partitions definition from its plain snapshot: how the platform (which never
 * imports user code) reads keys and windows of a code location's assets.
 * @example
 * const partitions = partitionsFromSnapshot(node.partitions!);
 * partitions.keySpace?.().count;
 */
export function partitionsFromSnapshot(snapshot: PartitionsSnapshot): PartitionsDefinition {
  if (snapshot.kind === "static") return staticPartitions(snapshot.keys);
  if (snapshot.kind === "dynamic") return buildDynamicPartitions({ name: snapshot.name }, null, "partitionsFromSnapshot");
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
    (v.kind === "static" || v.kind === "time-window" || v.kind === "dynamic") &&
    typeof v.keys === "function" &&
    typeof v.has === "function" &&
    typeof v.timeWindow === "function" &&
    typeof v.snapshot === "function"
  );
}

const rebuiltTimeWindows = new Map<string, PartitionsDefinition>();
const staticSpaces = new WeakMap<readonly string[], StaticKeySpace>();
const REBUILT_KEPT = 256;

/**
 * The partitions of a snapshot by position at `now` (default: the current time), without
 * listing them: `count`, `keyAt`, `indexOf`, `keysBetween`, `windowAt`, `indexAtTime`. Time
 * windows count complete windows within the end. Dynamic partitions have none here: their keys
 * and positions live in storage (getDynamicPartitionsIndex, getDynamicPartitionsAt).
 * @example
 * const space = partitionKeySpace({ kind: "time-window", cadence: "hourly", start: "1910-01-01T00:00", end: null, timezone: "Europe/Oslo", format: "yyyy-MM-dd-HH:mm" });
 * space.count;            // > 1,000,000
 * space.keysBetween(0, 3); // ["1910-01-01-00:00", "1910-01-01-01:00", "1910-01-01-02:00"]
 */
export function partitionKeySpace(snapshot: PartitionsSnapshot, now: Date = new Date()): PartitionKeySpace {
  if (typeof snapshot !== "object" || snapshot === null) throw new TypeError("partitionKeySpace: expected a partitions snapshot");
  switch (snapshot.kind) {
    case "static": {
      let space = staticSpaces.get(snapshot.keys);
      if (!space) staticSpaces.set(snapshot.keys, (space = new StaticKeySpace(snapshot.keys)));
      return space;
    }
    case "time-window": {
      const id = JSON.stringify([snapshot.cadence, snapshot.start, snapshot.end, snapshot.timezone, snapshot.format]);
      let definition = rebuiltTimeWindows.get(id);
      if (definition) rebuiltTimeWindows.delete(id);
      else definition = partitionsFromSnapshot(snapshot);
      rebuiltTimeWindows.set(id, definition);
      if (rebuiltTimeWindows.size > REBUILT_KEPT) rebuiltTimeWindows.delete(rebuiltTimeWindows.keys().next().value!);
      return definition.keySpace!(now);
    }
    case "dynamic":
      throw new Error(
        `partitionKeySpace: dynamic partitions ${JSON.stringify(snapshot.name)} have no key space here: ` +
          "their keys and positions live in storage (getDynamicPartitionsIndex, getDynamicPartitionsAt)",
      );
    default:
      throw new TypeError(`partitionKeySpace: unknown partitions kind ${JSON.stringify((snapshot as { kind: unknown }).kind)}`);
  }
}

function knownTimeZones(): string[] {
  try {
    return Intl.supportedValuesOf("timeZone");
  } catch {
    return [];
  }
}

/** A period far enough after the first that a key format without a year (or day) repeats by then. */
const FAR_PERIOD: Record<TimeWindowCadence, number> = { hourly: 24 * 800, daily: 800, monthly: 25, yearly: 2 };

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

  const parseBoundary = (label: "start" | "end", text: string) => {
    const parsed = DateTime.fromISO(text, { zone: timezone });
    if (!parsed.isValid) {
      problems.push(`${label} ${JSON.stringify(text)} is not an ISO date or date-time (${parsed.invalidExplanation ?? "unparseable"})`);
      return null;
    }
    if (parsed.year < 1 || parsed.year > 9999) {
      problems.push(`${label} ${JSON.stringify(text)} must be in the years 1 to 9999`);
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
  const s = startDt!;
  const startWall =
    cadence === "hourly" ? wallClock(s.year, s.month - 1, s.day, s.hour) : cadence === "daily" ? wallClock(s.year, s.month - 1, s.day) : cadence === "monthly" ? wallClock(s.year, s.month - 1) : wallClock(s.year, 0);
  const timeline = new Timeline({ cadence, zone: timezone, startMs, startWall, format, defaultFormat: format === DEFAULT_PARTITION_FORMATS[cadence] });

  if (format !== DEFAULT_PARTITION_FORMATS[cadence]) {
    // A custom format must name each window once: keys of different periods differ and parse back.
    const periods = [0, 1, FAR_PERIOD[cadence]];
    const keys = periods.map((p) => timeline.formatPeriod(p));
    const roundTrip = periods.every((p, i) => {
      const parsed = timeline.parsePeriod(keys[i]!);
      return "period" in parsed && parsed.period === p;
    });
    if (keys[0]!.includes("/")) problems.push(`format ${JSON.stringify(format)} produces keys with '/' (${JSON.stringify(keys[0])})`);
    else if (new Set(keys).size !== keys.length || !roundTrip) {
      problems.push(
        `format ${JSON.stringify(format)} does not identify ${cadence} windows: ` +
          `${JSON.stringify(keys[0])} must parse back to the window it names (default ${JSON.stringify(DEFAULT_PARTITION_FORMATS[cadence])})`,
      );
    } else if (partitionKeyProblem(keys[0]) !== null) problems.push(`format ${JSON.stringify(format)}: key ${JSON.stringify(keys[0])} ${partitionKeyProblem(keys[0])!}`);
    if (problems.length > 0) fail();
  }
  const firstKey = timeline.formatPeriod(0);

  /** The position of the window `key` names (at any time, within the end), or why there is none. */
  const resolve = (key: string): { index: number } | { problem: string } => {
    const parsed = timeline.parsePeriod(key);
    if ("problem" in parsed) return parsed;
    if (parsed.period < 0) return { problem: `is before the first partition (${firstKey})` };
    const index = timeline.indexOfPeriod(parsed.period);
    if (index < 0) return { problem: `does not exist in ${timezone}: the clock skips it (or shows it again after a change, inside the window of an earlier key)` };
    if (endMs !== Number.POSITIVE_INFINITY && timeline.startAt(index + 1) > endMs) return { problem: `is at or after the end (${end ?? ""})` };
    return { index };
  };
  const countAt = (now: Date): number => {
    const nowMs = now instanceof Date ? now.getTime() : Number.NaN;
    if (Number.isNaN(nowMs)) throw new TypeError(`${subject}: now must be a valid Date, got ${String(now)}`);
    return timeline.countUntil(Math.min(nowMs, endMs));
  };

  // Listed keys are kept and extended as time passes: keys() is called on every tick.
  const listed: string[] = [];
  const snapshot: PartitionsSnapshot = { kind: "time-window", cadence, start, end: end ?? null, timezone, format };
  return Object.freeze({
    kind: "time-window" as const,
    keys(now: Date = new Date()): string[] {
      const count = countAt(now);
      if (count > MAX_LISTED_PARTITION_KEYS) {
        throw new RangeError(
          `${cadence} partitions since ${start} in ${timezone} are ${count} keys, more than the ${MAX_LISTED_PARTITION_KEYS} keys() lists; ` +
            "page through keySpace(now) (keysBetween) instead",
        );
      }
      if (listed.length < count) for (const key of timeline.keysBetween(listed.length, count)) listed.push(key);
      return listed.slice(0, count);
    },
    has(key: string, now: Date = new Date()): boolean {
      const resolved = resolve(key);
      return "index" in resolved && resolved.index < countAt(now);
    },
    timeWindow(key: string): TimeWindow {
      const resolved = resolve(key);
      if ("problem" in resolved) throw new InvalidPartitionError(String(key), null, `${resolved.problem} (${cadence} partitions in ${timezone})`);
      return timeline.windowAt(resolved.index);
    },
    snapshot: (): PartitionsSnapshot => ({ ...snapshot }),
    keySpace: (now: Date = new Date()): PartitionKeySpace => new TimeWindowKeySpace(timeline, countAt(now), resolve),
  });
}
