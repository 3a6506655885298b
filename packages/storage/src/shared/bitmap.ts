/**
 * Position bitmaps in buckets: how storage keeps the status of a million partitions (and the live
 * positions of a million dynamic keys) in a few hundred small rows. Bucket `b` holds positions
 * [b·4096, (b+1)·4096); position p is bit p & 4095 of its bucket: byte (p & 4095) >> 3, mask
 * 1 << (p & 7) — the numbering of PostgreSQL's `set_bit`, so the bytes read the same everywhere.
 */

export const BUCKET_SHIFT = 12;
/** Positions per bucket. */
export const BUCKET_POSITIONS = 1 << BUCKET_SHIFT;
/** Bytes of one bucket's bits. */
export const BUCKET_BYTES = BUCKET_POSITIONS >> 3;

export function bucketOf(position: number): number {
  return Math.floor(position / BUCKET_POSITIONS);
}

/** Sets (`value` true) or clears the bits of positions [from, to) that fall in bucket `bucket`. */
export function setBucketRange(bits: Uint8Array, bucket: number, from: number, to: number, value: boolean): boolean {
  const base = bucket * BUCKET_POSITIONS;
  const start = Math.max(from, base) - base;
  const end = Math.min(to, base + BUCKET_POSITIONS) - base;
  let changed = false;
  let i = start;
  // Bit by bit up to a byte boundary, then whole bytes, then the tail.
  while (i < end && (i & 7) !== 0) changed = flip(bits, i++, value) || changed;
  const fill = value ? 0xff : 0x00;
  while (i + 8 <= end) {
    const byte = i >> 3;
    if (bits[byte] !== fill) {
      bits[byte] = fill;
      changed = true;
    }
    i += 8;
  }
  while (i < end) changed = flip(bits, i++, value) || changed;
  return changed;
}

function flip(bits: Uint8Array, offset: number, value: boolean): boolean {
  const byte = offset >> 3;
  const mask = 1 << (offset & 7);
  const before = bits[byte]!;
  const after = value ? before | mask : before & ~mask;
  bits[byte] = after;
  return after !== before;
}

/** The buckets that positions [from, to) touch. */
export function bucketsOfRange(from: number, to: number): number[] {
  if (to <= from) return [];
  const out: number[] = [];
  for (let b = bucketOf(from); b <= bucketOf(to - 1); b++) out.push(b);
  return out;
}

/**
 * Half-open intervals of the set bits of `buckets` (sorted by bucket), merged across bucket
 * boundaries. Zero and full bytes are skipped whole, so a million positions read in a few ms.
 */
export function intervalsOfBuckets(buckets: Iterable<{ bucket: number; bits: Uint8Array }>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let openStart = -1;
  let lastEnd = -1;
  const open = (p: number): void => {
    if (openStart < 0) openStart = p;
  };
  const close = (p: number): void => {
    if (openStart >= 0) {
      out.push([openStart, p]);
      openStart = -1;
    }
  };
  for (const { bucket, bits } of buckets) {
    const base = bucket * BUCKET_POSITIONS;
    // A gap of whole buckets between this row and the previous one ends any open interval.
    if (lastEnd !== base) close(lastEnd);
    for (let byte = 0; byte < BUCKET_BYTES; byte++) {
      const value = bits[byte] ?? 0;
      const p = base + byte * 8;
      if (value === 0) close(p);
      else if (value === 0xff) open(p);
      else {
        for (let bit = 0; bit < 8; bit++) {
          if (value & (1 << bit)) open(p + bit);
          else close(p + bit);
        }
      }
    }
    lastEnd = base + BUCKET_POSITIONS;
  }
  close(lastEnd);
  return out;
}

/** How many bits are set. */
export function countBits(bits: Uint8Array): number {
  let n = 0;
  for (const value of bits) {
    let v = value;
    while (v !== 0) {
      v &= v - 1;
      n++;
    }
  }
  return n;
}

/**
 * Intervals as `encodeRanges` of @flyt/partitions writes them: "0-24,30,32-40" (inclusive ends, a
 * single position alone), "" for none.
 */
export function encodeIntervals(intervals: ReadonlyArray<readonly [number, number]>): string {
  return intervals.map(([start, end]) => (end - start === 1 ? `${start}` : `${start}-${end - 1}`)).join(",");
}

/** Sorted distinct positions → half-open intervals. */
export function intervalsOfPositions(sorted: readonly number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const p of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && last[1] === p) last[1] = p + 1;
    else if (last === undefined || last[1] < p) out.push([p, p + 1]);
  }
  return out;
}

/** `a` minus the positions in the sorted `remove`. */
export function subtractPositions(intervals: ReadonlyArray<readonly [number, number]>, remove: readonly number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let r = 0;
  for (const [start, end] of intervals) {
    let cursor = start;
    while (r < remove.length && remove[r]! < start) r++;
    let k = r;
    while (k < remove.length && remove[k]! < end) {
      const p = remove[k]!;
      if (p > cursor) out.push([cursor, p]);
      cursor = Math.max(cursor, p + 1);
      k++;
    }
    if (cursor < end) out.push([cursor, end]);
  }
  return out;
}
