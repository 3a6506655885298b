/**
 * Tests of schedule() and sensor() declarations: defaults, cron and time zone validation
 * (croner, IANA), target syntax, names, intervals, and the next fire times across DST.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { nextScheduleTimes, schedule } from "./schedules.js";
import { sensor } from "./sensors.js";
import { findProblem, problemsOf } from "./test-helpers.js";

const evaluate = () => ({ skipReason: "nothing new" });

void describe("schedule()", () => {
  void it("fills defaults", () => {
    const s = schedule({ name: "nightly", cron: "0 2 * * *", target: "group:ssb" });
    assert.deepEqual(s, { kind: "schedule", name: "nightly", cron: "0 2 * * *", timezone: "UTC", target: "group:ssb", tags: {}, defaultStatus: "STOPPED", description: null });
  });

  void it("names each problem of an invalid schedule", () => {
    findProblem(problemsOf(() => schedule({ name: "s", cron: "61 * * * *", target: "*" })), 'schedule "s"', /cron "61 \* \* \* \*" is invalid: .*minute/);
    findProblem(problemsOf(() => schedule({ name: "s", cron: "0 6 * *", target: "*" })), 'schedule "s"', /cron "0 6 \* \*" is invalid/);
    findProblem(problemsOf(() => schedule({ name: "s", cron: "0 6 * * *", timezone: "Europe/Osloo", target: "*" })), 'schedule "s"', /timezone "Europe\/Osloo" is not a known IANA time zone \(did you mean "Europe\/Oslo"\?\)/);
    findProblem(problemsOf(() => schedule({ name: "s", cron: "0 6 * * *", target: "group:" })), 'schedule "s"', /target: .*expected a value after group:/);
    findProblem(problemsOf(() => schedule({ name: "has space", cron: "0 6 * * *", target: "*" })), 'schedule "has space"', /name may only contain/);
    findProblem(problemsOf(() => schedule({ name: "s", cron: "0 6 * * *", target: "*", defaultStatus: "ON" as never })), 'schedule "s"', /defaultStatus must be "RUNNING" or "STOPPED"/);
  });

  void it("computes next fire times in its time zone across DST", () => {
    const s = schedule({ name: "s", cron: "0 6 * * *", timezone: "Europe/Oslo", target: "*" });
    const times = nextScheduleTimes(s, new Date("2024-03-30T12:00:00Z"), 2).map((d) => d.toISOString());
    assert.deepEqual(times, ["2024-03-31T04:00:00.000Z", "2024-04-01T04:00:00.000Z"]);
  });
});

void describe("sensor()", () => {
  void it("fills defaults", () => {
    const s = sensor({ name: "watch", target: "atlas/x", evaluate });
    assert.equal(s.kind, "sensor");
    assert.equal(s.minimumIntervalSeconds, 30);
    assert.equal(s.defaultStatus, "STOPPED");
    assert.equal(s.description, null);
    assert.equal(s.evaluate, evaluate);
  });

  void it("names each problem of an invalid sensor", () => {
    const problems = problemsOf(() => sensor({ name: "w", target: "a,,b", minimumIntervalSeconds: 0, evaluate: null as never }));
    findProblem(problems, 'sensor "w"', /minimumIntervalSeconds must be a number ≥ 1, got 0/);
    findProblem(problems, 'sensor "w"', /evaluate must be a function/);
    findProblem(problems, 'sensor "w"', /target: .*at position 3/);
  });
});
