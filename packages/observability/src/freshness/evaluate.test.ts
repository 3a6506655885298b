/**
 * Freshness evaluator tests: time windows with a warning stage, cron deadlines in Europe/Oslo
 * across both DST changes, and latest-partition policies. Pure: every "now" is an argument.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { FreshnessPolicySnapshot } from "@flyt/core";
import { evaluateFreshness } from "./evaluate.js";
import { partitionClock } from "./partitions.js";

const t = (iso: string): number => Date.parse(iso);
const MIN = 60_000;

const window26h: FreshnessPolicySnapshot = { kind: "time-window", maximumLagMinutes: 26 * 60, warnAfterMinutes: 24 * 60, partitions: "any" };

test("time window: FRESH, then WARN after the warning lag, then STALE after the maximum lag", () => {
  const last = t("2025-03-10T06:00:00Z");
  const fresh = evaluateFreshness({ policy: window26h, lastMaterializedAt: last, now: last + 60 * MIN });
  assert.equal(fresh.state, "FRESH");
  assert.equal(fresh.freshUntil, last + 26 * 60 * MIN);
  assert.equal(fresh.warnAt, last + 24 * 60 * MIN);

  const warn = evaluateFreshness({ policy: window26h, lastMaterializedAt: last, now: last + 25 * 60 * MIN });
  assert.equal(warn.state, "WARN");
  assert.equal(warn.freshUntil, last + 26 * 60 * MIN);

  const stale = evaluateFreshness({ policy: window26h, lastMaterializedAt: last, now: last + 27 * 60 * MIN });
  assert.equal(stale.state, "STALE");
  assert.equal(stale.staleSince, last + 26 * 60 * MIN);
  assert.equal(stale.freshUntil, null);
});

test("UNKNOWN without a policy or without any materialization", () => {
  assert.equal(evaluateFreshness({ policy: null, lastMaterializedAt: 1, now: 2 }).state, "UNKNOWN");
  const never = evaluateFreshness({ policy: window26h, lastMaterializedAt: null, now: 2 });
  assert.equal(never.state, "UNKNOWN");
  assert.match(never.reason, /never been materialized/);
});

const by9Oslo: FreshnessPolicySnapshot = {
  kind: "cron",
  cron: "0 9 * * *",
  timezone: "Europe/Oslo",
  maximumLagMinutes: 24 * 60,
  warnBeforeMinutes: 60,
  partitions: "any",
};

test("cron deadline: data from 08:30 meets today's 09:00 Oslo deadline and is fresh until tomorrow's", () => {
  // Winter: Oslo is UTC+1, so 09:00 local is 08:00Z.
  const last = t("2025-01-15T07:30:00Z");
  const e = evaluateFreshness({ policy: by9Oslo, lastMaterializedAt: last, now: t("2025-01-15T12:00:00Z") });
  assert.equal(e.state, "FRESH");
  assert.equal(e.freshUntil, t("2025-01-16T08:00:00Z"));
  assert.equal(e.warnAt, t("2025-01-16T07:00:00Z"));
  const warn = evaluateFreshness({ policy: by9Oslo, lastMaterializedAt: last, now: t("2025-01-16T07:10:00Z") });
  assert.equal(warn.state, "WARN");
  const stale = evaluateFreshness({ policy: by9Oslo, lastMaterializedAt: last, now: t("2025-01-16T08:00:01Z") });
  assert.equal(stale.state, "STALE");
  assert.equal(stale.staleSince, t("2025-01-16T08:00:00Z"));
});

test("cron deadline across spring-forward (2025-03-30 Oslo, 02:00 → 03:00)", () => {
  // Materialized 08:00 local on the 29th (UTC+1 → 07:00Z). The deadline of the 30th is 09:00 CEST = 07:00Z,
  // 24 h after 07:00Z exactly: met. The deadline of the 31st (07:00Z) needs data from 07:00Z of the 30th.
  const last = t("2025-03-29T07:00:00Z");
  const e = evaluateFreshness({ policy: by9Oslo, lastMaterializedAt: last, now: t("2025-03-30T06:59:00Z") });
  assert.equal(e.state, "FRESH");
  assert.equal(e.freshUntil, t("2025-03-30T07:00:00Z") + 24 * 60 * MIN);
  const after = evaluateFreshness({ policy: by9Oslo, lastMaterializedAt: last, now: t("2025-03-31T07:00:00Z") });
  assert.equal(after.state, "STALE");
  assert.equal(after.staleSince, t("2025-03-31T07:00:00Z"));
  // One minute older data misses the deadline on the 30th already: that deadline is only 23 h of wall time after 09:00 on the 29th.
  const older = evaluateFreshness({ policy: by9Oslo, lastMaterializedAt: t("2025-03-29T06:59:00Z"), now: t("2025-03-30T07:30:00Z") });
  assert.equal(older.state, "STALE");
  assert.equal(older.staleSince, t("2025-03-30T07:00:00Z"));
});

test("cron deadline across fall-back (2025-10-26 Oslo, 03:00 → 02:00)", () => {
  // 09:00 CEST on the 25th is 07:00Z; 09:00 CET on the 26th is 08:00Z (25 h later).
  const last = t("2025-10-25T07:00:00Z");
  // The 26th's deadline (08:00Z) needs data from 08:00Z on the 25th: the 25-hour day makes 07:00Z too old.
  const e = evaluateFreshness({ policy: by9Oslo, lastMaterializedAt: last, now: t("2025-10-26T07:30:00Z") });
  assert.equal(e.state, "WARN");
  assert.equal(e.freshUntil, t("2025-10-26T08:00:00Z"));
  const stale = evaluateFreshness({ policy: by9Oslo, lastMaterializedAt: last, now: t("2025-10-26T08:00:00Z") });
  assert.equal(stale.state, "STALE");
  assert.equal(stale.staleSince, t("2025-10-26T08:00:00Z"));
  const onTime = evaluateFreshness({ policy: by9Oslo, lastMaterializedAt: t("2025-10-25T08:00:00Z"), now: t("2025-10-26T08:30:00Z") });
  assert.equal(onTime.state, "FRESH");
  assert.equal(onTime.freshUntil, t("2025-10-27T08:00:00Z"));
});

test("a deadline every 15 minutes in UTC", () => {
  const policy: FreshnessPolicySnapshot = { kind: "cron", cron: "*/15 * * * *", timezone: "UTC", maximumLagMinutes: 20, warnBeforeMinutes: null, partitions: "any" };
  const last = t("2025-06-01T10:02:00Z");
  assert.equal(evaluateFreshness({ policy, lastMaterializedAt: last, now: t("2025-06-01T10:20:00Z") }).state, "FRESH");
  const e = evaluateFreshness({ policy, lastMaterializedAt: last, now: t("2025-06-01T10:31:00Z") });
  assert.equal(e.state, "STALE");
  assert.equal(e.staleSince, t("2025-06-01T10:30:00Z"));
});

test("latest partition + cron: an annual table must have last year's partition by 1 July (Oslo)", () => {
  const clock = partitionClock({ kind: "time-window", cadence: "yearly", start: "2015-01-01", end: null, timezone: "Europe/Oslo", format: "yyyy" });
  assert.ok(clock);
  const policy: FreshnessPolicySnapshot = { kind: "cron", cron: "0 0 1 7 *", timezone: "Europe/Oslo", maximumLagMinutes: 0, warnBeforeMinutes: 30 * 24 * 60, partitions: "latest" };
  const done = new Map([["2023", t("2024-05-01T00:00:00Z")]]);
  // Before 1 July 2025 only 2023 is required (by the 2024 deadline): fresh, and warned a month before.
  const june = evaluateFreshness({ policy, lastMaterializedAt: null, partitionMaterializedAt: done, partitionClock: clock, now: t("2025-06-15T00:00:00Z") });
  assert.equal(june.state, "WARN");
  assert.equal(june.freshUntil, t("2025-06-30T22:00:00Z"));
  const july = evaluateFreshness({ policy, lastMaterializedAt: null, partitionMaterializedAt: done, partitionClock: clock, now: t("2025-07-02T00:00:00Z") });
  assert.equal(july.state, "STALE");
  assert.equal(july.partition, "2024");
  assert.equal(july.staleSince, t("2025-06-30T22:00:00Z"));
  done.set("2024", t("2025-07-03T00:00:00Z"));
  const later = evaluateFreshness({ policy, lastMaterializedAt: null, partitionMaterializedAt: done, partitionClock: clock, now: t("2025-07-04T00:00:00Z") });
  assert.equal(later.state, "FRESH");
  assert.equal(later.freshUntil, t("2026-06-30T22:00:00Z"));
});

test("latest partition + time window: a daily partition is due 6 h after its day ends (Oslo, across spring-forward)", () => {
  const clock = partitionClock({ kind: "time-window", cadence: "daily", start: "2025-03-01", end: null, timezone: "Europe/Oslo", format: "yyyy-MM-dd" });
  assert.ok(clock);
  const policy: FreshnessPolicySnapshot = { kind: "time-window", maximumLagMinutes: 6 * 60, warnAfterMinutes: 60, partitions: "latest" };
  const done = new Map([["2025-03-29", t("2025-03-30T01:00:00Z")]]);
  // The 30th (23 h long) ends at 2025-03-31T00:00+02:00 = 2025-03-30T22:00Z; due 6 h later.
  const before = evaluateFreshness({ policy, lastMaterializedAt: null, partitionMaterializedAt: done, partitionClock: clock, now: t("2025-03-31T03:00:00Z") });
  assert.equal(before.state, "WARN");
  assert.equal(before.freshUntil, t("2025-03-31T04:00:00Z"));
  const stale = evaluateFreshness({ policy, lastMaterializedAt: null, partitionMaterializedAt: done, partitionClock: clock, now: t("2025-03-31T04:00:00Z") });
  assert.equal(stale.state, "STALE");
  assert.equal(stale.partition, "2025-03-30");
  assert.equal(stale.staleSince, t("2025-03-31T04:00:00Z"));
});
