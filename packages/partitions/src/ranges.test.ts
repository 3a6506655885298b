/**
 * Tests of IndexRanges: construction and normalization, set operations, the strict text form
 * (every malformed part named), and fast-check properties of every operation against a plain
 * Set of numbers, plus the cost of operating on a million positions.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeRanges, emptyRanges, isIndexRanges, rangeOf, rangesFromIndices, rangesOf } from "./ranges.js";
import type { IndexRanges } from "./types.js";
import { propertyParams } from "./test-support.js";

const toSet = (r: IndexRanges): Set<number> => new Set(r.indices());
const sorted = (s: Iterable<number>): number[] => [...s].sort((a, b) => a - b);

void describe("IndexRanges", () => {
  void it("builds, normalizes and encodes", () => {
    assert.equal(emptyRanges().encode(), "");
    assert.ok(emptyRanges().isEmpty());
    assert.equal(rangeOf(0, 25).encode(), "0-24");
    assert.equal(rangeOf(5, 5).encode(), "");
    assert.equal(rangeOf(7, 8).encode(), "7");
    assert.equal(rangesOf([[30, 32], [0, 10], [10, 25], [3, 4], [40, 40]]).encode(), "0-24,30-31");
    assert.deepEqual(rangesOf([[30, 32], [0, 10], [10, 25]]).intervals, [[0, 25], [30, 32]]);
    assert.equal(rangesFromIndices([3, 1, 2, 7, 7]).encode(), "1-3,7");
    assert.equal(rangesFromIndices([]).encode(), "");
    assert.equal(rangesOf([[0, 25], [30, 32]]).size, 27);
    assert.ok(isIndexRanges(rangeOf(0, 1)));
    assert.ok(!isIndexRanges({ intervals: [] }));
    assert.equal(JSON.stringify({ r: rangeOf(2, 5) }), '{"r":"2-4"}');
  });

  void it("answers membership, first intervals and indices", () => {
    const r = decodeRanges("0-24,30-31,40");
    for (const [index, expected] of [[0, true], [24, true], [25, false], [29, false], [30, true], [31, true], [32, false], [40, true], [41, false], [2.5, false]] as const) {
      assert.equal(r.has(index), expected, String(index));
    }
    assert.deepEqual(r.firstIntervals(2), [[0, 25], [30, 32]]);
    assert.deepEqual(r.firstIntervals(0), []);
    assert.deepEqual([...decodeRanges("3-5,9").indices()], [3, 4, 5, 9]);
  });

  void it("unions, intersects and subtracts", () => {
    const a = decodeRanges("0-9,20-29");
    const b = decodeRanges("5-24,40");
    assert.equal(a.union(b).encode(), "0-29,40");
    assert.equal(a.intersect(b).encode(), "5-9,20-24");
    assert.equal(a.subtract(b).encode(), "0-4,25-29");
    assert.equal(b.subtract(a).encode(), "10-19,40");
    assert.equal(a.union(emptyRanges()).encode(), a.encode());
    assert.equal(a.subtract(a).encode(), "");
    assert.equal(rangeOf(0, 10).union(rangeOf(10, 20)).encode(), "0-19", "adjacent intervals merge");
  });

  void it("decodes strictly, naming the bad part", () => {
    assert.equal(decodeRanges("0-24,30-31").encode(), "0-24,30-31");
    const cases: Array<[string, RegExp]> = [
      ["3-1", /part 1 "3-1" ends before it starts/],
      ["0-4,3-8", /part 2 "3-8" overlaps or is below the part before it/],
      ["0-4,5-8", /part 2 "5-8" touches the part before it/],
      ["0-4,,9", /part 2 "" is empty/],
      ["01-4", /part 1 "01-4" is not a position/],
      [" 1", /part 1 " 1" is not a position/],
      ["1-", /part 1 "1-" is not a position/],
      ["-1", /part 1 "-1" is not a position/],
      ["5-5", /part 1 "5-5" must be written "5"/],
      ["a", /part 1 "a" is not a position/],
      ["0-99999999999999999999", /beyond the largest safe integer/],
      ["7,", /part 2 "" is empty/],
    ];
    for (const [text, message] of cases) assert.throws(() => decodeRanges(text), message, text);
    assert.throws(() => decodeRanges(5 as never), /expected a string/);
  });

  void it("refuses invalid positions", () => {
    assert.throws(() => rangeOf(-1, 3), /start must be a non-negative safe integer, got -1/);
    assert.throws(() => rangeOf(0, 1.5), /end must be a non-negative safe integer/);
    assert.throws(() => rangesOf([[3, 1]]), /interval 0 \[3, 1\) ends before it starts/);
    assert.throws(() => rangesFromIndices([1, Number.NaN]), /index must be a non-negative safe integer/);
  });

  void it("operates on a million positions in intervals, not positions", () => {
    const all = rangeOf(0, 1_000_000);
    const every3rd = rangesOf(Array.from({ length: 1000 }, (_, i): [number, number] => [i * 1000, i * 1000 + 3]));
    const started = performance.now();
    const missing = all.subtract(every3rd);
    assert.equal(missing.size, 1_000_000 - 3000);
    assert.equal(missing.intervals.length, 1000);
    assert.equal(missing.union(every3rd).encode(), "0-999999");
    assert.equal(decodeRanges(missing.encode()).size, missing.size);
    assert.ok(performance.now() - started < 200, `took ${performance.now() - started} ms`);
  });

  // A set as a list of small numbers, with runs so that adjacency and overlap happen often.
  const indexSet = fc.array(fc.oneof(fc.nat({ max: 60 }), fc.tuple(fc.nat({ max: 60 }), fc.nat({ max: 8 })).map(([s, n]) => Array.from({ length: n }, (_, i) => s + i))), { maxLength: 12 })
    .map((parts) => parts.flat());

  void it("agree with a Set model (property)", () => {
    fc.assert(
      fc.property(indexSet, indexSet, fc.nat({ max: 80 }), (xs, ys, probe) => {
        const a = rangesFromIndices(xs);
        const b = rangesFromIndices(ys);
        const sa = new Set(xs);
        const sb = new Set(ys);
        assert.deepEqual(sorted(toSet(a)), sorted(sa));
        assert.equal(a.size, sa.size);
        assert.equal(a.has(probe), sa.has(probe));
        assert.deepEqual(sorted(toSet(a.union(b))), sorted(new Set([...sa, ...sb])));
        assert.deepEqual(sorted(toSet(a.intersect(b))), sorted([...sa].filter((x) => sb.has(x))));
        assert.deepEqual(sorted(toSet(a.subtract(b))), sorted([...sa].filter((x) => !sb.has(x))));
        // Canonical: sorted, disjoint, non-adjacent, and the text round-trips exactly.
        for (const r of [a, a.union(b), a.intersect(b), a.subtract(b)]) {
          r.intervals.forEach(([s, e], i) => {
            assert.ok(s < e);
            if (i > 0) assert.ok(s > r.intervals[i - 1]![1], `intervals ${r.encode()} not separated`);
          });
          assert.equal(decodeRanges(r.encode()).encode(), r.encode());
          assert.deepEqual(decodeRanges(r.encode()).intervals, r.intervals);
        }
        const intervals = xs.map((x, i): [number, number] => [x, x + (ys[i] ?? 1) % 5]);
        const model = new Set(intervals.flatMap(([s, e]) => Array.from({ length: e - s }, (_, k) => s + k)));
        assert.deepEqual(sorted(toSet(rangesOf(intervals))), sorted(model));
      }),
      propertyParams(15_001, 400),
    );
  });

  void it("refuse every text that is not canonical (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("0", "1", "2", "5", "9", "-", ",", " "), maxLength: 14 }), (text) => {
        let decoded: IndexRanges | undefined;
        try {
          decoded = decodeRanges(text);
        } catch (error) {
          assert.ok(error instanceof RangeError && /^decodeRanges: part \d+ /.test(error.message), String(error));
          return;
        }
        assert.equal(decoded.encode(), text, "what decodes must be exactly what encode writes");
      }),
      propertyParams(15_002, 600),
    );
  });
});
