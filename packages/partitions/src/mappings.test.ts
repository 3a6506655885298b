/**
 * Tests of partition mappings: the SDK constructors and their validation, defaults, problems at
 * load, and the position mappings both ways — daily → monthly rollups (28/29/30/31 days, DST
 * months in Europe/Oslo), monthly → daily, previous partition, a rolling 7-day window, all,
 * static maps and functions, yearly ↔ daily, hourly ↔ daily across DST, dynamic and
 * unpartitioned assets — and that a million-position range maps in one interval.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { PartitionMappingSnapshot, PartitionsSnapshot } from "@flyt/core";
import {
  allPartitionsMapping,
  defaultPartitionMapping,
  describePartitionMapping,
  downstreamRangesFor,
  dynamicPartitionsSpace,
  identityPartitionMapping,
  isPartitionMapping,
  lastPartitionsMapping,
  partitionMappingProblem,
  previousPartitionMapping,
  staticPartitionMapping,
  timeWindowPartitionMapping,
  upstreamRangesFor,
} from "./mappings.js";
import { dailyPartitions, dynamicPartitions, hourlyPartitions, monthlyPartitions, staticPartitions, yearlyPartitions } from "./partitions.js";
import { decodeRanges, rangeOf } from "./ranges.js";
import type { PartitionKeySpace } from "./types.js";
import { findProblem, problemsOf } from "./testing.js";

const NOW = new Date("2025-01-01T00:00:00Z");
const TW: PartitionMappingSnapshot = { kind: "time-window", startOffset: 0, endOffset: 0 };
const keysOf = (space: PartitionKeySpace, r: { intervals: ReadonlyArray<readonly [number, number]> }): string[] => r.intervals.flatMap(([a, b]) => space.keysBetween(a, b));
const one = (i: number) => rangeOf(i, i + 1);

const dailyOslo = dailyPartitions({ start: "2024-01-01", timezone: "Europe/Oslo" });
const monthlyOslo = monthlyPartitions({ start: "2024-01", timezone: "Europe/Oslo" });
const days = dailyOslo.keySpace!(NOW);
const months = monthlyOslo.keySpace!(NOW);

void describe("time-window mappings between positions", () => {
  void it("roll a month up from its 28–31 days (daily → monthly, DST months in Europe/Oslo)", () => {
    const lengths = Array.from({ length: 12 }, (_, m) => upstreamRangesFor(TW, days, months, one(m)).size);
    assert.deepEqual(lengths, [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]);
    const march = upstreamRangesFor(TW, days, months, one(2));
    assert.deepEqual(keysOf(days, march).slice(29), ["2024-03-30", "2024-03-31"], "March 31 (23 hours) belongs to March");
    const october = keysOf(days, upstreamRangesFor(TW, days, months, one(9)));
    assert.equal(october[0], "2024-10-01");
    assert.equal(october[30], "2024-10-31");
    assert.equal(upstreamRangesFor(TW, days, months, rangeOf(0, 12)).encode(), "0-365", "the whole year is one interval");
    // And back: the days of February make February wait.
    assert.equal(downstreamRangesFor(TW, days, months, decodeRanges("31-59")).encode(), "1");
    assert.equal(downstreamRangesFor(TW, days, months, decodeRanges("30-31")).encode(), "0-1");
  });

  void it("read the containing month from each day (monthly → daily)", () => {
    assert.equal(upstreamRangesFor(TW, months, days, one(days.indexOf("2024-02-29"))).encode(), "1");
    assert.equal(upstreamRangesFor(TW, months, days, rangeOf(0, 366)).encode(), "0-11");
    assert.deepEqual(keysOf(days, downstreamRangesFor(TW, months, days, one(1))), dailyOslo.keys(NOW).filter((k) => k.startsWith("2024-02")));
  });

  void it("read the previous partition (−1/−1) and nothing before the first", () => {
    const previous = previousPartitionMapping().resolve(dailyOslo, dailyOslo);
    assert.deepEqual(previous, { kind: "time-window", startOffset: -1, endOffset: -1 });
    const m = previous as PartitionMappingSnapshot;
    assert.equal(upstreamRangesFor(m, days, days, one(10)).encode(), "9");
    assert.equal(upstreamRangesFor(m, days, days, one(0)).encode(), "", "day 0 has no previous day");
    assert.equal(upstreamRangesFor(m, days, days, rangeOf(0, days.count)).encode(), `0-${days.count - 2}`);
    assert.equal(downstreamRangesFor(m, days, days, one(9)).encode(), "10");
    assert.equal(downstreamRangesFor(m, days, days, one(days.count - 1)).encode(), "", "the next day does not exist yet");
  });

  void it("read a rolling 7-day window (last 7)", () => {
    const m = lastPartitionsMapping(7).resolve(dailyOslo, dailyOslo) as PartitionMappingSnapshot;
    assert.deepEqual(m, { kind: "time-window", startOffset: -6, endOffset: 0 });
    assert.equal(upstreamRangesFor(m, days, days, one(10)).encode(), "4-10");
    assert.equal(upstreamRangesFor(m, days, days, one(2)).encode(), "0-2");
    assert.equal(upstreamRangesFor(m, days, days, decodeRanges("10,20")).encode(), "4-10,14-20");
    assert.equal(downstreamRangesFor(m, days, days, one(10)).encode(), "10-16");
    assert.equal(describePartitionMapping(m), "time window (last 7 partitions)");
  });

  void it("map yearly ↔ daily", () => {
    const years = yearlyPartitions({ start: "2020", timezone: "Europe/Oslo" }).keySpace!(NOW);
    const daysSince2020 = dailyPartitions({ start: "2020-01-01", timezone: "Europe/Oslo" }).keySpace!(NOW);
    assert.deepEqual(
      [0, 1, 2, 3, 4].map((y) => upstreamRangesFor(TW, daysSince2020, years, one(y)).size),
      [366, 365, 365, 365, 366],
    );
    assert.equal(upstreamRangesFor(TW, years, daysSince2020, one(daysSince2020.indexOf("2022-07-01"))).encode(), "2");
    assert.equal(downstreamRangesFor(TW, years, daysSince2020, one(4)).size, 366);
  });

  void it("map hourly ↔ daily across DST (23, 24 and 25-hour days)", () => {
    const hours = hourlyPartitions({ start: "2024-01-01T00:00", timezone: "Europe/Oslo" }).keySpace!(NOW);
    const size = (day: string): number => upstreamRangesFor(TW, hours, days, one(days.indexOf(day))).size;
    assert.equal(size("2024-03-31"), 23);
    assert.equal(size("2024-06-01"), 24);
    assert.equal(size("2024-10-27"), 24, "25 real hours, but the repeated hour is one 2-hour window");
    const oct27 = keysOf(hours, upstreamRangesFor(TW, hours, days, one(days.indexOf("2024-10-27"))));
    assert.equal(oct27[0], "2024-10-27-00:00");
    assert.equal(oct27[23], "2024-10-27-23:00");
    assert.equal(keysOf(days, downstreamRangesFor(TW, hours, days, one(hours.indexOf("2024-10-27-02:00")))).join(), "2024-10-27");
    // A UTC daily asset over Oslo hours: each UTC day overlaps 24 Oslo hours, and 25 across the fall-back merge.
    const utcDays = dailyPartitions({ start: "2024-01-01" }).keySpace!(NOW);
    assert.equal(upstreamRangesFor(TW, hours, utcDays, one(utcDays.indexOf("2024-06-01"))).size, 24);
  });

  void it("map a million positions in one interval", () => {
    const hours = hourlyPartitions({ start: "1910-01-01T00:00", timezone: "Europe/Oslo" }).keySpace!(NOW);
    const daily = dailyPartitions({ start: "1910-01-01", timezone: "Europe/Oslo" }).keySpace!(NOW);
    const started = performance.now();
    const up = upstreamRangesFor(TW, hours, daily, rangeOf(0, daily.count));
    // Every hour up to the end of the last complete day (the first hour of 2025 is not in a complete day).
    assert.equal(up.encode(), `0-${hours.indexOf("2024-12-31-23:00")}`);
    assert.equal(hours.indexOf("2024-12-31-23:00"), hours.count - 2);
    const down = downstreamRangesFor(TW, hours, daily, decodeRanges(`0-99,500000-999999`));
    assert.equal(down.intervals.length, 2);
    assert.ok(performance.now() - started < 50, `took ${performance.now() - started} ms`);
  });
});

void describe("other mappings between positions", () => {
  void it("map all partitions, and unpartitioned assets as one target at position 0", () => {
    const all: PartitionMappingSnapshot = { kind: "all" };
    assert.equal(upstreamRangesFor(all, days, null, one(0)).encode(), `0-${days.count - 1}`);
    assert.equal(downstreamRangesFor(all, days, null, one(17)).encode(), "0");
    assert.equal(upstreamRangesFor(all, null, days, one(17)).encode(), "0");
    assert.equal(downstreamRangesFor(all, null, days, one(0)).encode(), `0-${days.count - 1}`);
    assert.equal(upstreamRangesFor(all, days, null, decodeRanges("")).encode(), "");
    assert.equal(upstreamRangesFor({ kind: "identity" }, null, null, decodeRanges("0-5")).encode(), "0", "clipped to the single target");
  });

  void it("map identity by position, by key between static lists, and by time between windows", () => {
    const id: PartitionMappingSnapshot = { kind: "identity" };
    assert.equal(upstreamRangesFor(id, days, days, decodeRanges("3-9")).encode(), "3-9");
    const up = staticPartitions(["a", "b", "c", "d"]).keySpace!();
    const down = staticPartitions(["d", "b"]).keySpace!();
    assert.equal(upstreamRangesFor(id, up, down, rangeOf(0, 2)).encode(), "1,3");
    assert.equal(downstreamRangesFor(id, up, down, rangeOf(0, 2)).encode(), "1");
    // Same daily windows, different starts: by time, so keys line up.
    const later = dailyPartitions({ start: "2024-02-01", timezone: "Europe/Oslo" }).keySpace!(NOW);
    assert.deepEqual(keysOf(days, upstreamRangesFor(id, days, later, one(0))), ["2024-02-01"]);
    assert.deepEqual(keysOf(later, downstreamRangesFor(id, days, later, rangeOf(0, 32))), ["2024-02-01"]);
  });

  void it("map dynamic partitions 1:1 by position, clipped to the positions given", () => {
    const id: PartitionMappingSnapshot = { kind: "identity" };
    const a = dynamicPartitionsSpace("stations", 10);
    const b = dynamicPartitionsSpace("stations", 12);
    assert.equal(upstreamRangesFor(id, a, b, decodeRanges("2-4,8-11")).encode(), "2-4,8-9");
    assert.equal(downstreamRangesFor(id, a, b, decodeRanges("2-4")).encode(), "2-4");
    assert.equal(upstreamRangesFor({ kind: "all" }, a, null, one(0)).encode(), "0-9");
    assert.throws(() => upstreamRangesFor(TW, a, b, one(0)), /time-window partition mapping cannot map partitions without time windows/);
    assert.throws(() => dynamicPartitionsSpace("bad name", 1), /may only contain/);
  });

  void it("map static keys from a map or a function", () => {
    const counties = staticPartitions(["vestland", "viken"]);
    const towns = staticPartitions(["bergen", "voss", "drammen", "asker"]);
    const resolved = staticPartitionMapping({ vestland: ["bergen", "voss"], viken: ["drammen", "asker"] }).resolve(towns, counties);
    assert.deepEqual(resolved, { kind: "static", upstreamKeysByDownstreamKey: { vestland: ["bergen", "voss"], viken: ["drammen", "asker"] } });
    const m = resolved as PartitionMappingSnapshot;
    const up = towns.keySpace!();
    const down = counties.keySpace!();
    assert.equal(upstreamRangesFor(m, up, down, one(1)).encode(), "2-3");
    assert.equal(downstreamRangesFor(m, up, down, one(1)).encode(), "0");
    const byFunction = staticPartitionMapping((county) => (county === "vestland" ? ["bergen", "voss"] : "drammen")).resolve(towns, counties);
    assert.deepEqual(byFunction, { kind: "static", upstreamKeysByDownstreamKey: { vestland: ["bergen", "voss"], viken: ["drammen"] } });
    const odd = staticPartitionMapping({ __proto__: "bergen" });
    assert.ok(isPartitionMapping(odd));
  });
});

void describe("mapping declarations and load-time checks", () => {
  void it("pick defaults: identity, time-window 0/0, all, or a problem", () => {
    const regions = staticPartitions(["oslo", "bergen"]).snapshot();
    assert.deepEqual(defaultPartitionMapping(dailyOslo.snapshot(), dailyPartitions({ start: "2024-01-01", timezone: "Europe/Oslo" }).snapshot()), { kind: "identity" });
    assert.deepEqual(defaultPartitionMapping({ kind: "dynamic", name: "s" }, { kind: "dynamic", name: "s" }), { kind: "identity" });
    assert.deepEqual(defaultPartitionMapping(dailyOslo.snapshot(), monthlyOslo.snapshot()), TW);
    assert.deepEqual(defaultPartitionMapping(dailyOslo.snapshot(), dailyPartitions({ start: "2024-01-01" }).snapshot()), TW, "same cadence, other zone");
    assert.deepEqual(defaultPartitionMapping(dailyOslo.snapshot(), null), { kind: "all" });
    assert.deepEqual(defaultPartitionMapping(null, dailyOslo.snapshot()), { kind: "all" });
    const problem = defaultPartitionMapping(regions, dailyOslo.snapshot());
    assert.match("problem" in problem ? problem.problem : "", /the upstream has 2 static partitions and this asset daily partitions in Europe\/Oslo, so there is no default partition mapping: declare one/);
    assert.ok("problem" in defaultPartitionMapping({ kind: "dynamic", name: "a" }, { kind: "dynamic", name: "b" }));
    assert.ok("problem" in defaultPartitionMapping(regions, staticPartitions(["oslo"]).snapshot()));
  });

  void it("name the problem of a mapping that does not fit the partitions", () => {
    const regions = staticPartitions(["oslo", "bergen"]);
    assert.match(partitionMappingProblem(TW, regions, regions)!, /a time-window mapping needs time-window partitions on both sides; the upstream has 2 static partitions/);
    assert.match(partitionMappingProblem({ kind: "identity" }, regions, staticPartitions(["oslo", "tromsø"]))!, /"tromsø" is not upstream partitions|"tromsø" is not an upstream/);
    assert.equal(partitionMappingProblem({ kind: "identity" }, regions, staticPartitions(["bergen"])), null);
    assert.match(partitionMappingProblem({ kind: "identity" }, dailyOslo, monthlyOslo)!, /needs the same windows, but .*; use timeWindowPartitionMapping\(\)/);
    assert.match(partitionMappingProblem({ kind: "identity" }, null, dailyOslo)!, /the upstream has none; use allPartitionsMapping\(\)/);
    assert.match(partitionMappingProblem({ kind: "identity" }, dynamicPartitions({ name: "a" }), dynamicPartitions({ name: "b" }))!, /same dynamic partitions/);
    assert.match(partitionMappingProblem({ kind: "static", upstreamKeysByDownstreamKey: { oslo: ["narvik"] } }, regions, regions)!, /names "narvik", not partitions of the upstream/);
    assert.match(partitionMappingProblem({ kind: "static", upstreamKeysByDownstreamKey: { narvik: ["oslo"] } }, regions, regions)!, /names "narvik", not partitions of this asset/);
    assert.match(partitionMappingProblem({ kind: "static", upstreamKeysByDownstreamKey: { oslo: ["2023-12-31"] } }, dailyOslo, regions)!, /"2023-12-31" is before the first partition/);
    assert.equal(partitionMappingProblem({ kind: "static", upstreamKeysByDownstreamKey: { oslo: ["2024-03-31"] } }, dailyOslo, regions), null);
    assert.match(partitionMappingProblem({ kind: "static", upstreamKeysByDownstreamKey: {} }, dynamicPartitions({ name: "a" }), regions)!, /known keys on both sides; the upstream has dynamic partitions "a"/);
    assert.match(partitionMappingProblem({ kind: "time-window", startOffset: 1, endOffset: 0 }, dailyOslo, dailyOslo)!, /startOffset 1 must not be after endOffset 0/);
    assert.match(partitionMappingProblem({ kind: "time-window", startOffset: 0.5, endOffset: 1 }, dailyOslo, dailyOslo)!, /startOffset must be an integer/);
    assert.match(partitionMappingProblem({ kind: "nope" } as never, dailyOslo, dailyOslo)!, /unknown partition mapping kind "nope"/);
    assert.equal(partitionMappingProblem({ kind: "all" }, regions, null), null);
  });

  void it("resolve declared mappings with the problem instead of throwing", () => {
    const regions = staticPartitions(["oslo", "bergen"]);
    assert.deepEqual(identityPartitionMapping().resolve(regions, regions), { kind: "identity" });
    assert.deepEqual(allPartitionsMapping().resolve(dailyOslo.snapshot(), null), { kind: "all" });
    assert.deepEqual(timeWindowPartitionMapping({ startOffset: -1 }).resolve(dailyOslo, monthlyOslo), { kind: "time-window", startOffset: -1, endOffset: 0 });
    assert.match((timeWindowPartitionMapping().resolve(regions, regions) as { problem: string }).problem, /needs time-window partitions/);
    assert.match((staticPartitionMapping(() => 5 as never).resolve(regions, regions) as { problem: string }).problem, /must return a key or an array of keys, and returned 5 for "oslo"/);
    assert.match((staticPartitionMapping(() => { throw new Error("no table"); }).resolve(regions, regions) as { problem: string }).problem, /threw for "oslo": no table/);
    assert.match((staticPartitionMapping(() => "oslo").resolve(regions, dailyOslo) as { problem: string }).problem, /evaluated over this asset's static keys, but it has daily partitions/);
    assert.match((staticPartitionMapping({ oslo: "tromsø" }).resolve(regions, regions) as { problem: string }).problem, /names "tromsø", not partitions of the upstream/);
  });

  void it("refuse bad arguments where they are declared", () => {
    findProblem(problemsOf(() => timeWindowPartitionMapping({ startOffset: 2, endOffset: 1 })), "timeWindowPartitionMapping", /startOffset 2 must not be after endOffset 1 .*declared at .*mappings\.test\.js/);
    findProblem(problemsOf(() => timeWindowPartitionMapping({ endOffset: Number.NaN })), "timeWindowPartitionMapping", /endOffset must be an integer/);
    findProblem(problemsOf(() => lastPartitionsMapping(0)), "lastPartitionsMapping", /n must be an integer from 1/);
    findProblem(problemsOf(() => staticPartitionMapping({ oslo: ["a/b"] })), "staticPartitionMapping", /upstream key "a\/b" \(for "oslo"\) must not contain '\/'/);
    findProblem(problemsOf(() => staticPartitionMapping(["x"] as never)), "staticPartitionMapping", /expects an object of downstream key/);
  });

  void it("describe mappings", () => {
    assert.equal(describePartitionMapping({ kind: "identity" }), "identity");
    assert.equal(describePartitionMapping(TW), "time window");
    assert.equal(describePartitionMapping({ kind: "time-window", startOffset: -1, endOffset: -1 }), "time window (previous partition)");
    assert.equal(describePartitionMapping({ kind: "time-window", startOffset: 0, endOffset: 2 }), "time window (start +0, end +2)");
    assert.equal(describePartitionMapping({ kind: "all" }), "all partitions");
    assert.equal(describePartitionMapping({ kind: "static", upstreamKeysByDownstreamKey: { a: ["b"] } }), "static (1 key mapped)");
  });
});

void describe("describePartitionMapping with both sides", () => {
  const daily: PartitionsSnapshot = { kind: "time-window", cadence: "daily", start: "2024-01-01", end: null, timezone: "UTC", format: "yyyy-MM-dd" };
  const monthly: PartitionsSnapshot = { kind: "time-window", cadence: "monthly", start: "2024-01-01", end: null, timezone: "UTC", format: "yyyy-MM" };
  void it("says what the mapping means for the two cadences", () => {
    assert.equal(describePartitionMapping({ kind: "time-window", startOffset: 0, endOffset: 0 }, { downstream: monthly, upstream: daily }), "daily → monthly: the month's days");
    assert.equal(describePartitionMapping({ kind: "time-window", startOffset: 0, endOffset: 0 }, { downstream: daily, upstream: monthly }), "monthly → daily: the containing month");
    assert.equal(describePartitionMapping({ kind: "time-window", startOffset: -1, endOffset: -1 }, { downstream: daily, upstream: daily }), "previous partition");
    assert.equal(describePartitionMapping({ kind: "time-window", startOffset: -6, endOffset: 0 }, { downstream: daily, upstream: daily }), "the last 7 partitions (this one and 6 partitions before)");
    assert.equal(describePartitionMapping({ kind: "all" }, { downstream: null, upstream: daily }), "all partitions: reads every upstream partition");
    assert.equal(describePartitionMapping({ kind: "all" }, { downstream: daily, upstream: null }), "each partition reads the unpartitioned upstream");
  });
});
