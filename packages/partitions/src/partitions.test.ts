/**
 * Tests of partitions definitions: static keys, time windows for every cadence, DST in
 * Europe/Oslo, key validation (format, alignment, range, completeness), invalid definitions,
 * custom formats, snapshots and the cost of listing hourly keys over years.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { InvalidPartitionError } from "@flyt/core";
import {
  dailyPartitions,
  dynamicPartitions,
  hourlyPartitions,
  isPartitionsDefinition,
  monthlyPartitions,
  partitionsFromSnapshot,
  staticPartitions,
  timeWindowPartitions,
  yearlyPartitions,
} from "./partitions.js";
import { findProblem, problemsOf } from "./testing.js";

const HOUR = 3_600_000;
const hours = (w: { start: Date; end: Date } | null): number => (w!.end.getTime() - w!.start.getTime()) / HOUR;

void describe("staticPartitions()", () => {
  void it("lists, checks and snapshots its keys", () => {
    const p = staticPartitions(["oslo", "bergen"]);
    assert.equal(p.kind, "static");
    assert.deepEqual(p.keys(), ["oslo", "bergen"]);
    assert.ok(p.has("oslo"));
    assert.ok(!p.has("tromsø"));
    assert.equal(p.timeWindow("bergen"), null);
    assert.deepEqual(p.snapshot(), { kind: "static", keys: ["oslo", "bergen"] });
    assert.throws(() => p.timeWindow("osloo"), (e: unknown) => e instanceof InvalidPartitionError && /did you mean "oslo"/.test(e.message));
  });

  void it("rejects empty lists, duplicates and unsafe keys", () => {
    findProblem(problemsOf(() => staticPartitions([])), "staticPartitions", /keys must not be empty/);
    const problems = problemsOf(() => staticPartitions(["a", "a", "b/c", "x\ny", "", "k".repeat(129)]));
    findProblem(problems, "staticPartitions", /keys\[1\] "a" is listed twice/);
    findProblem(problems, "staticPartitions", /keys\[2\] "b\/c" must not contain '\/'/);
    findProblem(problems, "staticPartitions", /keys\[3\] .* must not contain control characters/);
    findProblem(problems, "staticPartitions", /keys\[4\] "" must not be empty/);
    findProblem(problems, "staticPartitions", /keys\[5\] .* must be at most 128 characters/);
  });
});

void describe("dynamicPartitions()", () => {
  void it("keeps no keys: checks a key's syntax only, snapshots its name", () => {
    const p = dynamicPartitions({ name: "stations.v2_x-1" });
    assert.equal(p.kind, "dynamic");
    assert.ok(isPartitionsDefinition(p));
    assert.deepEqual(p.snapshot(), { kind: "dynamic", name: "stations.v2_x-1" });
    assert.throws(() => p.keys(), /dynamic partitions "stations.v2_x-1" keep their keys in storage, not in the definition: read them through the API .* or, in a compute, through ctx/);
    assert.ok(p.has("SN18700"));
    assert.ok(!p.has("a/b"));
    assert.ok(!p.has(""));
    assert.equal(p.timeWindow("SN18700"), null);
    assert.throws(() => p.timeWindow("a/b"), (e: unknown) => e instanceof InvalidPartitionError && /must not contain '\/' \(dynamic partitions "stations.v2_x-1"\)/.test(e.message));
    assert.deepEqual(partitionsFromSnapshot({ kind: "dynamic", name: "stations" }).snapshot(), { kind: "dynamic", name: "stations" });
  });

  void it("validates its name", () => {
    findProblem(problemsOf(() => dynamicPartitions({ name: "" })), "dynamicPartitions", /name "" must not be empty/);
    findProblem(problemsOf(() => dynamicPartitions({ name: "my stations" })), "dynamicPartitions", /may only contain letters, digits, '_', '\.' and '-'/);
    findProblem(problemsOf(() => dynamicPartitions({ name: "x".repeat(201) })), "dynamicPartitions", /is 201 characters, over the limit of 200/);
    findProblem(problemsOf(() => dynamicPartitions(null as never)), "dynamicPartitions", /options must be an object/);
    findProblem(problemsOf(() => partitionsFromSnapshot({ kind: "dynamic", name: "a b" })), "partitionsFromSnapshot", /may only contain/);
  });
});

void describe("time-window partitions", () => {
  void it("list complete windows only, oldest first, for each cadence", () => {
    const now = new Date("2024-03-15T10:30:00Z");
    assert.deepEqual(yearlyPartitions({ start: "2021" }).keys(now), ["2021", "2022", "2023"]);
    assert.deepEqual(monthlyPartitions({ start: "2023-12" }).keys(now), ["2023-12", "2024-01", "2024-02"]);
    assert.deepEqual(dailyPartitions({ start: "2024-03-12" }).keys(now), ["2024-03-12", "2024-03-13", "2024-03-14"]);
    assert.deepEqual(hourlyPartitions({ start: "2024-03-15T07:00" }).keys(now), ["2024-03-15-07:00", "2024-03-15-08:00", "2024-03-15-09:00"]);
    assert.deepEqual(dailyPartitions({ start: "2024-03-16" }).keys(now), []);
  });

  void it("stop at the exclusive end", () => {
    const p = dailyPartitions({ start: "2024-01-01", end: "2024-01-04" });
    assert.deepEqual(p.keys(new Date("2030-01-01")), ["2024-01-01", "2024-01-02", "2024-01-03"]);
    assert.ok(!p.has("2024-01-04", new Date("2030-01-01")));
  });

  void it("give keys and windows in the partitions' time zone", () => {
    const p = monthlyPartitions({ start: "2024-01", timezone: "Europe/Oslo" });
    assert.deepEqual(p.timeWindow("2024-02"), { start: new Date("2024-01-31T23:00:00Z"), end: new Date("2024-02-29T23:00:00Z") });
    // 23:30 UTC on Jan 31 is already February in Oslo, so January is complete.
    assert.deepEqual(p.keys(new Date("2024-01-31T23:30:00Z")), ["2024-01"]);
  });

  void it("make a daily window across DST 23 or 25 hours long (Europe/Oslo)", () => {
    const p = dailyPartitions({ start: "2024-01-01", timezone: "Europe/Oslo" });
    assert.equal(hours(p.timeWindow("2024-03-30")), 24);
    assert.equal(hours(p.timeWindow("2024-03-31")), 23);
    assert.equal(hours(p.timeWindow("2024-10-27")), 25);
    assert.deepEqual(p.timeWindow("2024-03-31"), { start: new Date("2024-03-30T23:00:00Z"), end: new Date("2024-03-31T22:00:00Z") });
    const keys = p.keys(new Date("2024-12-31T23:00:00Z"));
    assert.equal(keys.length, 366);
    assert.equal(new Set(keys).size, 366);
  });

  void it("handle hourly windows across DST (Europe/Oslo): the skipped hour is absent, the repeated hour is one 2-hour window", () => {
    const p = hourlyPartitions({ start: "2024-01-01", timezone: "Europe/Oslo" });
    const spring = p.keys(new Date("2024-03-31T03:00:00Z")).slice(-3);
    assert.deepEqual(spring, ["2024-03-31-01:00", "2024-03-31-03:00", "2024-03-31-04:00"]);
    assert.ok(!p.has("2024-03-31-02:00", new Date("2025-01-01")));
    assert.throws(() => p.timeWindow("2024-03-31-02:00"), InvalidPartitionError);
    assert.equal(hours(p.timeWindow("2024-10-27-02:00")), 2);
    assert.deepEqual(p.timeWindow("2024-10-27-02:00"), { start: new Date("2024-10-27T00:00:00Z"), end: new Date("2024-10-27T02:00:00Z") });
    const autumn = p.keys(new Date("2024-10-27T04:00:00Z")).slice(-4);
    assert.deepEqual(autumn, ["2024-10-27-01:00", "2024-10-27-02:00", "2024-10-27-03:00", "2024-10-27-04:00"]);
    const all = p.keys(new Date("2025-01-01T00:00:00Z"));
    assert.equal(new Set(all).size, all.length);
    // 8785 real hours from 2023-12-31T23:00Z to 2025-01-01T00:00Z; the repeated hour is shared by one window.
    assert.equal(all.length, 8785 - 1);
  });

  void it("validate keys: format, alignment, range and completeness", () => {
    const p = hourlyPartitions({ start: "2024-01-01T00:00", end: "2024-02-01" });
    const now = new Date("2024-01-10T12:00:00Z");
    assert.ok(p.has("2024-01-10-11:00", now));
    assert.ok(!p.has("2024-01-10-12:00", now), "the window in progress is not complete");
    assert.ok(!p.has("2024-01-10-11:30", now), "not on an hour boundary");
    assert.ok(!p.has("2024-1-10-11:00", now), "not the canonical format");
    assert.ok(!p.has("2023-12-31-23:00", now), "before start");
    assert.ok(!p.has("garbage", now));
    assert.throws(() => p.timeWindow("2024-01-10-11:30"), /is not the start of a hour/);
    assert.throws(() => p.timeWindow("2023-12-31-23:00"), /is before the first partition \(2024-01-01-00:00\)/);
    assert.throws(() => p.timeWindow("2024-02-01-00:00"), /at or after the end/);
    assert.throws(() => p.timeWindow("2024/01/10"), /does not match the format "yyyy-MM-dd-HH:mm"/);
    // A future window has a time window but is not (yet) a partition.
    assert.equal(hours(p.timeWindow("2024-01-31-23:00")), 1);
    assert.ok(!p.has("2024-01-31-23:00", now));
  });

  void it("name what is wrong with an invalid definition", () => {
    findProblem(problemsOf(() => dailyPartitions({ start: "2024-01-01", timezone: "Europe/Olso" })), "dailyPartitions", /timezone "Europe\/Olso" is not a known IANA time zone \(did you mean "Europe\/Oslo"\?\)/);
    findProblem(problemsOf(() => dailyPartitions({ start: "yesterday" })), "dailyPartitions", /start "yesterday" is not an ISO date/);
    findProblem(problemsOf(() => monthlyPartitions({ start: "2024-01-15" })), "monthlyPartitions", /start "2024-01-15" is not at the start of a month in UTC; use "2024-01-01T00:00"/);
    findProblem(problemsOf(() => dailyPartitions({ start: "2024-02-01", end: "2024-01-01" })), "dailyPartitions", /end "2024-01-01" must be after start "2024-02-01"/);
    findProblem(problemsOf(() => dailyPartitions({ start: "2024-01-01", end: "soon" })), "dailyPartitions", /end "soon" is not an ISO date/);
    findProblem(problemsOf(() => timeWindowPartitions({ cadence: "weekly" as never, start: "2024-01-01" })), "timeWindowPartitions", /cadence must be one of/);
    findProblem(problemsOf(() => timeWindowPartitions({ cadence: "daily", start: "2024-01-01", format: "yyyy-MM" })), "timeWindowPartitions", /format "yyyy-MM" does not identify daily windows/);
    findProblem(problemsOf(() => timeWindowPartitions({ cadence: "daily", start: "2024-01-01", format: "yyyy/MM/dd" })), "timeWindowPartitions", /produces keys with '\/'/);
  });

  void it("say where an invalid definition was declared (none when rebuilt from a snapshot)", () => {
    const [declared] = problemsOf(() => dailyPartitions({ start: "yesterday" }));
    assert.match(declared!.message, /\(declared at .*partitions\.test\.js:\d+\)$/);
    const [rebuilt] = problemsOf(() =>
      partitionsFromSnapshot({ kind: "time-window", cadence: "daily", start: "yesterday", end: null, timezone: "UTC", format: "yyyy-MM-dd" }),
    );
    assert.equal(rebuilt!.subject, "partitionsFromSnapshot");
    assert.doesNotMatch(rebuilt!.message, /declared at/);
  });

  void it("support a custom format", () => {
    const p = timeWindowPartitions({ cadence: "daily", start: "2024-01-01", format: "yyyyMMdd" });
    assert.deepEqual(p.keys(new Date("2024-01-03T00:00:00Z")), ["20240101", "20240102"]);
    assert.ok(p.has("20240102", new Date("2024-01-03T00:00:00Z")));
    assert.equal(hours(p.timeWindow("20240102")), 24);
  });

  void it("round-trip through snapshots", () => {
    const p = dailyPartitions({ start: "2024-01-01", end: "2024-02-01", timezone: "Europe/Oslo" });
    const snapshot = p.snapshot();
    assert.deepEqual(snapshot, { kind: "time-window", cadence: "daily", start: "2024-01-01", end: "2024-02-01", timezone: "Europe/Oslo", format: "yyyy-MM-dd" });
    const rebuilt = partitionsFromSnapshot(snapshot);
    const now = new Date("2024-06-01");
    assert.deepEqual(rebuilt.keys(now), p.keys(now));
    assert.deepEqual(partitionsFromSnapshot({ kind: "static", keys: ["a"] }).keys(), ["a"]);
  });

  void it("list ten years of hourly keys quickly, and faster the second time", () => {
    const p = hourlyPartitions({ start: "2015-01-01", timezone: "Europe/Oslo" });
    const now = new Date("2025-01-01T00:00:00Z");
    let started = performance.now();
    const keys = p.keys(now);
    const first = performance.now() - started;
    assert.ok(keys.length > 87_000 && keys.length < 88_000, `got ${keys.length}`);
    assert.ok(first < 5_000, `first listing took ${first} ms`);
    started = performance.now();
    assert.equal(p.keys(new Date(now.getTime() + 2 * HOUR)).length, keys.length + 2);
    // Oslo's 2015-01-01 00:00 is 2014-12-31T23:00Z, so six hours are complete at 05:00Z.
    assert.equal(p.keys(new Date("2015-01-01T05:00:00Z")).length, 6);
    assert.ok(performance.now() - started < 1_000);
  });
});
