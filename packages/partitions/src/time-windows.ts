/**
 * The arithmetic of time-window partitions: which window is at which position, computed from the
 * zone's offset segments (zones.ts) instead of by listing windows, so that a key space of hourly
 * partitions since 1910 answers count, keyAt and indexOf in microseconds.
 *
 * A window is a calendar period of the zone's local clock (a year, month, day or hour). It starts
 * at the first instant the clock shows a time in it: a day whose midnight a DST change skips
 * starts at 01:00; in Australia/Lord_Howe (30-minute changes) the hour the spring change cuts in
 * half is a 30-minute window. A period the clock never shows (the skipped hour at a one-hour
 * spring change) has no window; a period the clock shows again after a fall-back is not a new
 * window, so the repeated hour belongs to the window that first showed it (one 2-hour window,
 * its key listed once). Keys are strictly increasing local periods, so positions, keys and time
 * all sort the same way.
 *
 * Within one offset segment, periods map to instants by subtracting the offset, so each segment
 * holds a *run* of consecutive periods (and positions): position ↔ period is a binary search over
 * the runs (a few hundred for a century of DST), period ↔ local time is calendar arithmetic.
 */
import type { DateTime } from "luxon";
import type { TimeWindow, TimeWindowCadence } from "./types.js";
import { luxon } from "./lazy-deps.js";
import { zoneSegments, type ZoneOffsets } from "./zones.js";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Longest period of each cadence, to size how far the runs must reach. */
const PERIOD_MS: Record<TimeWindowCadence, number> = { hourly: HOUR_MS, daily: DAY_MS, monthly: 31 * DAY_MS, yearly: 366 * DAY_MS };
/** Runs are first built this far past what is asked, so a key space made each tick reuses them. */
const MARGIN_MS = 400 * DAY_MS;
/**
 * Offsets are scanned up to here; later instants take the zone's offset at this point (the
 * database's rules project DST forever, but nothing a partition set reaches lies that far).
 */
const SCAN_LIMIT_MS = Date.UTC(2400, 0, 1);
const UNIT_NAME: Record<TimeWindowCadence, string> = { hourly: "hour", daily: "day", monthly: "month", yearly: "year" };

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/** Milliseconds of a wall-clock time read as if it were UTC (months 0-based; years 0–99 are not 1900–1999). */
export function wallClock(year: number, month: number, day = 1, hour = 0, minute = 0): number {
  if (year >= 100) return Date.UTC(year, month, day, hour, minute);
  const d = new Date(0);
  d.setUTCFullYear(year, month, day);
  d.setUTCHours(hour, minute, 0, 0);
  return d.getTime();
}

export interface TimelineSpec {
  cadence: TimeWindowCadence;
  /** IANA zone. */
  zone: string;
  /** Instant of the first window's start. */
  startMs: number;
  /** Wall clock of the first window's start (see wallClock), a period start. */
  startWall: number;
  /** Luxon format of keys. */
  format: string;
  /** Whether `format` is the cadence's default (keys are then formatted and parsed without luxon). */
  defaultFormat: boolean;
}

const DEFAULT_KEY: Record<TimeWindowCadence, RegExp> = {
  yearly: /^(\d{4})$/,
  monthly: /^(\d{4})-(\d{2})$/,
  daily: /^(\d{4})-(\d{2})-(\d{2})$/,
  hourly: /^(\d{4})-(\d{2})-(\d{2})-(\d{2}):(\d{2})$/,
};

/**
 * Positions, periods, keys and instants of one time-window partitions definition (without its
 * end and without `now`: a key's position never changes; those two only decide how many exist).
 */
export class Timeline {
  readonly cadence: TimeWindowCadence;
  readonly zone: string;
  readonly startMs: number;
  private readonly spec: TimelineSpec;
  private readonly ym0: number;
  /** Runs are known for windows starting before `horizon`; Infinity once offsets are scanned to the limit. */
  private horizon: number;
  /** Per run: first position, first period, length, segment start (instant) and offset (ms), first window start. */
  private runIndex: number[] = [];
  private runPeriod: number[] = [];
  private runLength: number[] = [];
  private runOffset: number[] = [];
  private runFirstStart: number[] = [];
  private known = 0;
  private offsets: ZoneOffsets | undefined;

  constructor(spec: TimelineSpec) {
    this.spec = spec;
    this.cadence = spec.cadence;
    this.zone = spec.zone;
    this.startMs = spec.startMs;
    const start = new Date(spec.startWall);
    this.ym0 = start.getUTCFullYear() * 12 + start.getUTCMonth();
    this.horizon = spec.startMs;
  }

  // ---- periods: calendar arithmetic on wall-clock milliseconds ----

  /** The period (0 = the first window's) holding wall-clock time `wall`. */
  periodOf(wall: number): number {
    const { cadence, startWall } = this.spec;
    switch (cadence) {
      case "hourly":
        return Math.floor((wall - startWall) / HOUR_MS);
      case "daily":
        return Math.floor((wall - startWall) / DAY_MS);
      case "monthly": {
        const d = new Date(wall);
        return d.getUTCFullYear() * 12 + d.getUTCMonth() - this.ym0;
      }
      case "yearly":
        return new Date(wall).getUTCFullYear() - Math.floor(this.ym0 / 12);
    }
  }

  /** Wall-clock start of period `p`. */
  periodStart(p: number): number {
    const { cadence, startWall } = this.spec;
    switch (cadence) {
      case "hourly":
        return startWall + p * HOUR_MS;
      case "daily":
        return startWall + p * DAY_MS;
      case "monthly": {
        const ym = this.ym0 + p;
        return wallClock(Math.floor(ym / 12), ((ym % 12) + 12) % 12);
      }
      case "yearly":
        return wallClock(Math.floor(this.ym0 / 12) + p, 0);
    }
  }

  /** The key of period `p`: its wall-clock start in the format. */
  formatPeriod(p: number): string {
    const wall = this.periodStart(p);
    const { format, cadence, defaultFormat } = this.spec;
    if (defaultFormat) {
      const d = new Date(wall);
      const y = pad(d.getUTCFullYear(), 4);
      switch (cadence) {
        case "yearly":
          return y;
        case "monthly":
          return `${y}-${pad(d.getUTCMonth() + 1)}`;
        case "daily":
          return `${y}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
        case "hourly":
          return `${y}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}-${pad(d.getUTCHours())}:00`;
      }
    }
    const { DateTime, FixedOffsetZone } = luxon();
    const inZone = DateTime.fromMillis(wall, { zone: "UTC" }).setZone(this.zone, { keepLocalTime: true });
    // A period start the clock skips (a midnight DST change) is shown as the wall time it names.
    const shown: DateTime =
      inZone.toMillis() + Math.round(inZone.offset * 60_000) === wall
        ? inZone
        : DateTime.fromMillis(wall - Math.round(inZone.offset * 60_000), { zone: FixedOffsetZone.instance(inZone.offset) });
    return shown.toFormat(format);
  }

  /** The period a key names, checking its format and alignment only (not whether it exists). */
  parsePeriod(key: string): { period: number } | { problem: string } {
    const { format, cadence, defaultFormat } = this.spec;
    if (typeof key !== "string") return { problem: "a partition key must be a string" };
    let wall: number;
    if (defaultFormat) {
      const m = DEFAULT_KEY[cadence].exec(key);
      if (!m) return { problem: `does not match the format ${JSON.stringify(format)}` };
      const [year, month, day, hour, minute] = [Number(m[1]), Number(m[2] ?? 1), Number(m[3] ?? 1), Number(m[4] ?? 0), Number(m[5] ?? 0)];
      wall = wallClock(year, month - 1, day, hour, minute);
      const d = new Date(wall);
      if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day || hour > 23 || minute > 59) {
        return { problem: `does not match the format ${JSON.stringify(format)} (no such date or time)` };
      }
    } else {
      const parsed = luxon().DateTime.fromFormat(key, format, { zone: "UTC", setZone: true });
      if (!parsed.isValid) return { problem: `does not match the format ${JSON.stringify(format)}` };
      wall = parsed.toMillis() + Math.round(parsed.offset * 60_000);
    }
    const period = this.periodOf(wall);
    if (this.periodStart(period) !== wall) return { problem: `is not the start of a ${UNIT_NAME[cadence]}` };
    if (this.formatPeriod(period) !== key) return { problem: `does not match the format ${JSON.stringify(format)} exactly` };
    return { period };
  }

  // ---- runs: which periods have windows, and where ----

  /** Rebuilds the runs for windows starting before `horizon` (Infinity: all). */
  private build(horizon: number): void {
    const final = horizon >= SCAN_LIMIT_MS;
    const scanTo = final ? SCAN_LIMIT_MS : horizon;
    const zone = (this.offsets = zoneSegments(this.zone, this.startMs, Math.max(scanTo, this.startMs + 1)));
    this.runIndex = [];
    this.runPeriod = [];
    this.runLength = [];
    this.runOffset = [];
    this.runFirstStart = [];
    let lastKept = -1;
    let index = 0;
    const starts = zone.starts;
    for (let k = zone.segmentAt(this.startMs); k < starts.length; k++) {
      const a = Math.max(starts[k]!, this.startMs);
      if (!final && a >= horizon) break;
      const last = k + 1 >= starts.length;
      const b = last ? (final ? Number.POSITIVE_INFINITY : horizon) : Math.min(starts[k + 1]!, final ? Number.POSITIVE_INFINITY : horizon);
      const offset = zone.offsets[k]!;
      const from = Math.max(this.periodOf(a + offset), lastKept + 1);
      const to = b === Number.POSITIVE_INFINITY ? Number.POSITIVE_INFINITY : this.periodOf(b - 1 + offset);
      if (to < from) continue;
      this.runIndex.push(index);
      this.runPeriod.push(from);
      this.runLength.push(to - from + 1);
      this.runOffset.push(offset);
      this.runFirstStart.push(Math.max(a, this.periodStart(from) - offset));
      index += to - from + 1;
      lastKept = to;
    }
    this.known = index;
    this.horizon = final ? Number.POSITIVE_INFINITY : horizon;
  }

  /** Extends the runs until `done()` holds (or offsets are scanned to the limit). */
  private grow(done: () => boolean, hint: number): void {
    while (!done() && this.horizon !== Number.POSITIVE_INFINITY) {
      const next = Math.max(hint + MARGIN_MS, this.horizon + Math.max(MARGIN_MS, (this.horizon - this.startMs) / 2));
      this.build(next >= SCAN_LIMIT_MS ? Number.POSITIVE_INFINITY : next);
    }
  }

  /** Makes windows 0..index+1 known (the +1 gives window `index` its end). */
  private ensureIndex(index: number): void {
    this.grow(() => this.known > index + 1, this.startMs + (index + 2) * PERIOD_MS[this.cadence]);
  }

  private ensureTime(ms: number): void {
    this.grow(() => this.horizon > ms + PERIOD_MS[this.cadence], ms);
  }

  private runOfIndex(index: number): number {
    const starts = this.runIndex;
    let lo = 0;
    let hi = starts.length;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! <= index) lo = mid;
      else hi = mid;
    }
    return lo;
  }

  /** The period of the window at position `index` (≥ 0). */
  periodAt(index: number): number {
    this.ensureIndex(index);
    const r = this.runOfIndex(index);
    return this.runPeriod[r]! + (index - this.runIndex[r]!);
  }

  /** Start instant of the window at position `index` (≥ 0). */
  startAt(index: number): number {
    this.ensureIndex(index);
    const r = this.runOfIndex(index);
    const period = this.runPeriod[r]! + (index - this.runIndex[r]!);
    return period === this.runPeriod[r] ? this.runFirstStart[r]! : this.periodStart(period) - this.runOffset[r]!;
  }

  windowAt(index: number): TimeWindow {
    return { start: new Date(this.startAt(index)), end: new Date(this.startAt(index + 1)) };
  }

  keyAt(index: number): string {
    return this.formatPeriod(this.periodAt(index));
  }

  /** Keys of positions [from, to), walking the runs once. */
  keysBetween(from: number, to: number): string[] {
    const keys: string[] = [];
    if (to <= from) return keys;
    this.ensureIndex(to - 1);
    let r = this.runOfIndex(from);
    for (let index = from; index < to; ) {
      const end = Math.min(to, this.runIndex[r]! + this.runLength[r]!);
      for (; index < end; index++) keys.push(this.formatPeriod(this.runPeriod[r]! + (index - this.runIndex[r]!)));
      r++;
    }
    return keys;
  }

  /** Position of the window of period `p` (≥ 0), or -1 when the clock never shows it (or shows it only again). */
  indexOfPeriod(p: number): number {
    this.grow(() => this.known > 0 && this.runPeriod[this.runPeriod.length - 1]! + this.runLength[this.runLength.length - 1]! > p + 1, this.startMs + (p + 2) * PERIOD_MS[this.cadence]);
    const periods = this.runPeriod;
    let lo = 0;
    let hi = periods.length;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (periods[mid]! <= p) lo = mid;
      else hi = mid;
    }
    if (periods.length === 0 || p < periods[lo]! || p >= periods[lo]! + this.runLength[lo]!) return -1;
    return this.runIndex[lo]! + (p - periods[lo]!);
  }

  /**
   * Position of the window holding instant `ms`. Before the first window it is negative,
   * extrapolated by calendar periods (-1 for the period just before the start).
   */
  indexAtTime(ms: number): number {
    if (ms < this.startMs) {
      const offsets = this.offsets ?? zoneSegments(this.zone, this.startMs, this.startMs + 1);
      return Math.min(-1, this.periodOf(ms + offsets.offsetNow(ms)));
    }
    this.ensureTime(ms);
    const starts = this.runFirstStart;
    let lo = 0;
    let hi = starts.length;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! <= ms) lo = mid;
      else hi = mid;
    }
    const first = this.runPeriod[lo]!;
    const period = Math.min(first + this.runLength[lo]! - 1, this.periodOf(ms + this.runOffset[lo]!));
    return this.runIndex[lo]! + (period - first);
  }

  /** How many windows end at or before `limitMs`. */
  countUntil(limitMs: number): number {
    if (!(limitMs > this.startMs)) return 0;
    return this.indexAtTime(Math.min(limitMs, 8.64e15));
  }
}
