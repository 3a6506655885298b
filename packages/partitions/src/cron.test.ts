/**
 * Tests of the cron fire-time math: next instants in an IANA zone, across both DST changes
 * (Europe/Oslo), with a seconds field, several at a time, and croner's errors for a bad cron.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { nextScheduleTimes, parseCron } from "./cron.js";

const iso = (dates: Date[]): string[] => dates.map((d) => d.toISOString());

void describe("nextScheduleTimes()", () => {
  void it("gives the next instants strictly after `after`, in the schedule's zone", () => {
    const monthly = { cron: "0 6 2 * *", timezone: "Europe/Oslo" };
    assert.deepEqual(iso(nextScheduleTimes(monthly, new Date("2024-01-01T00:00:00Z"), 3)), [
      "2024-01-02T05:00:00.000Z",
      "2024-02-02T05:00:00.000Z",
      "2024-03-02T05:00:00.000Z",
    ]);
    // Exactly at a fire time: that one is not "after".
    assert.deepEqual(iso(nextScheduleTimes(monthly, new Date("2024-01-02T05:00:00Z"))), ["2024-02-02T05:00:00.000Z"]);
    assert.deepEqual(iso(nextScheduleTimes({ cron: "@daily", timezone: "UTC" }, new Date("2024-01-01T12:00:00Z"))), ["2024-01-02T00:00:00.000Z"]);
  });

  void it("fires 02:30 Europe/Oslo once on both DST change days, and hourly without repeats", () => {
    const daily = { cron: "30 2 * * *", timezone: "Europe/Oslo" };
    // Spring forward (02:00 → 03:00): 02:30 does not exist; it fires once, at 03:30 CEST.
    assert.deepEqual(iso(nextScheduleTimes(daily, new Date("2024-03-30T12:00:00Z"), 2)), ["2024-03-31T01:30:00.000Z", "2024-04-01T00:30:00.000Z"]);
    // Fall back (03:00 → 02:00): 02:30 happens twice; it fires once.
    assert.deepEqual(iso(nextScheduleTimes(daily, new Date("2024-10-26T12:00:00Z"), 2)), ["2024-10-27T00:30:00.000Z", "2024-10-28T01:30:00.000Z"]);
    const hourly = iso(nextScheduleTimes({ cron: "30 * * * *", timezone: "Europe/Oslo" }, new Date("2024-10-26T22:00:00Z"), 6));
    assert.equal(new Set(hourly).size, 6, `no instant twice: ${hourly.join(", ")}`);
    assert.ok(hourly.every((t, i) => i === 0 || t > hourly[i - 1]!), "in order");
  });

  void it("accepts a leading seconds field", () => {
    assert.deepEqual(iso(nextScheduleTimes({ cron: "*/5 * * * * *", timezone: "UTC" }, new Date("2024-01-01T00:00:01Z"), 2)), [
      "2024-01-01T00:00:05.000Z",
      "2024-01-01T00:00:10.000Z",
    ]);
  });

  void it("stops at a cron that never fires again", () => {
    assert.deepEqual(nextScheduleTimes({ cron: "0 0 30 2 *", timezone: "UTC" }, new Date("2024-01-01T00:00:00Z"), 2), []);
  });
});

void describe("parseCron()", () => {
  void it("parses without arming a timer, and throws croner's error for an invalid cron", () => {
    const cron = parseCron("0 6 * * *", "Europe/Oslo");
    assert.equal(cron.isRunning(), false);
    assert.throws(() => parseCron("61 * * * *", "UTC"), /minute/);
    assert.throws(() => parseCron("0 6 * *", "UTC"));
  });
});
