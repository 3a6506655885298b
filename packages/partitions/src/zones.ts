/**
 * A zone's UTC offsets over time as a list of segments of constant offset, found once per zone
 * and process and extended on demand: what lets the key space of hourly partitions since 1910
 * count its windows arithmetically (a DST fall-back merges two hours into one window) instead of
 * listing a million keys.
 *
 * Offsets come from Intl (`timeZoneName: "longOffset"`, the cheapest format that carries them,
 * seconds included for local mean time). The zone is sampled once a week and each change is
 * found to the millisecond by bisection, so the scan assumes no zone changes its clock twice
 * within a week and back to the same offset (none of the IANA database's zones does since 1900;
 * the Ramadan suspensions of DST last about a month).
 */

const WEEK_MS = 7 * 24 * 3_600_000;
const FIXED_ZONE = /^(?:Etc\/)?(?:UTC|UCT|GMT|GMT[+-]?0|Universal|Zulu|Greenwich|GMT[+-]\d{1,2})$/i;
const OFFSET = /GMT(?:([+-])(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?)?$/;

/** Offsets of one zone over [lo, hi): segment k has offset `offsets[k]` (ms) from `starts[k]` to `starts[k + 1]` (or hi). */
export interface ZoneSegments {
  readonly starts: readonly number[];
  readonly offsets: readonly number[];
  /** Exclusive end of what is known; segments past it are unknown. */
  readonly hi: number;
}

class ZoneOffsets implements ZoneSegments {
  starts: number[] = [];
  offsets: number[] = [];
  lo = 0;
  hi = 0;
  private readonly format: Intl.DateTimeFormat;
  private readonly fixed: boolean;

  constructor(readonly zone: string) {
    this.format = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" });
    this.fixed = FIXED_ZONE.test(zone);
  }

  /** The zone's offset (ms, local minus UTC) at instant `ms`, straight from Intl. */
  offsetNow(ms: number): number {
    const match = OFFSET.exec(this.format.format(ms));
    if (!match) throw new Error(`cannot read the UTC offset of time zone ${this.zone} at ${new Date(ms).toISOString()}: ${this.format.format(ms)}`);
    if (match[1] === undefined) return 0;
    const magnitude = Number(match[2]) * 3_600_000 + Number(match[3] ?? 0) * 60_000 + Number(match[4] ?? 0) * 1_000;
    return match[1] === "-" ? -magnitude : magnitude;
  }

  /** Makes [lo, hi) cover [from, to). */
  cover(from: number, to: number): void {
    if (this.starts.length === 0) {
      this.starts = [from];
      this.offsets = [this.offsetNow(from)];
      this.lo = from;
      this.hi = from;
    }
    if (from < this.lo) {
      const found = this.scan(from, this.lo);
      // The scan ends where the known segments start; drop its last piece when the offset agrees.
      if (found.offsets[found.offsets.length - 1] === this.offsets[0]) {
        this.starts[0] = found.starts[found.starts.length - 1]!;
        found.starts.pop();
        found.offsets.pop();
      }
      this.starts = [...found.starts, ...this.starts];
      this.offsets = [...found.offsets, ...this.offsets];
      this.lo = from;
    }
    if (to > this.hi) {
      const found = this.scan(this.hi, to);
      // A change exactly at the old end starts a segment of its own.
      const first = found.offsets[0] === this.offsets[this.offsets.length - 1] ? 1 : 0;
      for (let k = first; k < found.starts.length; k++) {
        this.starts.push(found.starts[k]!);
        this.offsets.push(found.offsets[k]!);
      }
      this.hi = to;
    }
  }

  /** Segments of [a, b): the first starts at a. */
  private scan(a: number, b: number): { starts: number[]; offsets: number[] } {
    let offset = this.offsetNow(a);
    const starts = [a];
    const offsets = [offset];
    if (this.fixed) return { starts, offsets };
    let t = a;
    while (t < b) {
      const next = Math.min(t + WEEK_MS, b);
      const there = this.offsetNow(next);
      if (there === offset) {
        t = next;
        continue;
      }
      // The first millisecond in (t, next] whose offset differs from `offset`.
      let lo = t;
      let hi = next;
      while (hi - lo > 1) {
        const mid = lo + Math.floor((hi - lo) / 2);
        if (this.offsetNow(mid) === offset) lo = mid;
        else hi = mid;
      }
      if (hi >= b) break;
      offset = this.offsetNow(hi);
      starts.push(hi);
      offsets.push(offset);
      t = hi;
    }
    return { starts, offsets };
  }

  /** Index of the segment holding `ms` (which must be within [lo, hi)). */
  segmentAt(ms: number): number {
    let lo = 0;
    let hi = this.starts.length;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! <= ms) lo = mid;
      else hi = mid;
    }
    return lo;
  }
}

const zones = new Map<string, ZoneOffsets>();

/** The offsets of `zone`, known at least over [from, to). Cached per zone for the process. */
export function zoneSegments(zone: string, from: number, to: number): ZoneOffsets {
  let offsets = zones.get(zone);
  if (!offsets) zones.set(zone, (offsets = new ZoneOffsets(zone)));
  offsets.cover(from, to);
  return offsets;
}

export type { ZoneOffsets };
