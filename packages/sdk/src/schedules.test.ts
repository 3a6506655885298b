/**
 * Tests of schedule() and sensor() declarations: defaults, cron and time zone validation
 * (croner, IANA), target syntax, names, intervals, and the next fire times across DST.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { nextScheduleTimes } from "@flyt/partitions";
import { schedule } from "./schedules.js";
import { assetSensor, runStatusSensor, sensor } from "./sensors.js";
import { findProblem, problemsOf } from "@flyt/partitions/testing";

const evaluate = () => ({ skipReason: "nothing new" });

void describe("schedule()", () => {
  void it("fills defaults", () => {
    const s = schedule({ name: "nightly", cron: "0 2 * * *", target: "group:ssb" });
    assert.deepEqual(s, {
      kind: "schedule",
      name: "nightly",
      cron: "0 2 * * *",
      timezone: "UTC",
      target: "group:ssb",
      tags: {},
      defaultStatus: "STOPPED",
      description: null,
      catchUp: "latest",
      maxCatchUpTicks: 10,
      partition: null,
      evaluate: null,
    });
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

  void it("fires 02:30 Europe/Oslo once on both DST change days, and hourly without repeats", () => {
    const daily = schedule({ name: "d", cron: "30 2 * * *", timezone: "Europe/Oslo", target: "*" });
    // Spring forward (02:00 → 03:00): 02:30 does not exist; it fires once, at 03:30 CEST.
    assert.deepEqual(nextScheduleTimes(daily, new Date("2024-03-30T12:00:00Z"), 2).map((d) => d.toISOString()), [
      "2024-03-31T01:30:00.000Z",
      "2024-04-01T00:30:00.000Z",
    ]);
    // Fall back (03:00 → 02:00): 02:30 happens twice; it fires once.
    assert.deepEqual(nextScheduleTimes(daily, new Date("2024-10-26T12:00:00Z"), 2).map((d) => d.toISOString()), [
      "2024-10-27T00:30:00.000Z",
      "2024-10-28T01:30:00.000Z",
    ]);
    const hourly = schedule({ name: "h", cron: "30 * * * *", timezone: "Europe/Oslo", target: "*" });
    const times = nextScheduleTimes(hourly, new Date("2024-03-30T23:00:00Z"), 4).map((d) => d.toISOString());
    assert.equal(new Set(times).size, 4, `no instant twice: ${times.join(", ")}`);
  });

  void it("takes catch-up, partition and evaluate options, and a seconds field", () => {
    const partition = (at: Date) => String(at.getUTCFullYear() - 1);
    const evaluateTick = () => ({ skipReason: "holiday" });
    const s = schedule({ name: "s", cron: "*/5 * * * * *", target: "*", catchUp: "all", maxCatchUpTicks: 3, partition, evaluate: evaluateTick });
    assert.equal(s.catchUp, "all");
    assert.equal(s.maxCatchUpTicks, 3);
    assert.equal(s.partition, partition);
    assert.equal(s.evaluate, evaluateTick);
    const next = nextScheduleTimes(s, new Date("2024-01-01T00:00:01Z"), 2).map((d) => d.toISOString());
    assert.deepEqual(next, ["2024-01-01T00:00:05.000Z", "2024-01-01T00:00:10.000Z"]);
    const problems = problemsOf(() =>
      schedule({ name: "s", cron: "0 * * * *", target: "*", catchUp: "some" as never, maxCatchUpTicks: 0, partition: 5 as never }),
    );
    findProblem(problems, 'schedule "s"', /catchUp must be one of "latest", "all", "none", got "some"/);
    findProblem(problems, 'schedule "s"', /maxCatchUpTicks must be an integer from 1 to 1000, got 0/);
    findProblem(problems, 'schedule "s"', /partition must be a partition key or a function/);
  });
});

void describe("assetSensor() and runStatusSensor()", () => {
  void it("declare built-in sensors the daemon evaluates from storage", () => {
    const a = assetSensor({ name: "after_pop", assets: ["atlas/pop"], target: "atlas/profile", tags: { team: "atlas" } });
    assert.equal(a.sensorType, "asset");
    assert.deepEqual(a.assets, ["atlas/pop"]);
    assert.deepEqual(a.tags, { team: "atlas" });
    assert.throws(() => a.evaluate({} as never), /evaluated by the daemon/);
    const r = runStatusSensor({ name: "alert", target: "ops/alert", monitoredSelection: "group:ssb" });
    assert.equal(r.sensorType, "run_status");
    assert.deepEqual(r.runStatuses, ["FAILURE"]);
    assert.equal(r.monitoredSelection, "group:ssb");
    assert.equal(sensor({ name: "c", target: "*", evaluate }).sensorType, "custom");
  });

  void it("name each problem", () => {
    findProblem(problemsOf(() => assetSensor({ name: "a", assets: [], target: "*" })), 'asset sensor "a"', /assets must be a non-empty list/);
    const problems = problemsOf(() => runStatusSensor({ name: "r", target: "*", statuses: ["STARTED" as never], monitoredSelection: "group:" }));
    findProblem(problems, 'run-status sensor "r"', /statuses must be a non-empty list/);
    findProblem(problems, 'run-status sensor "r"', /monitoredSelection: target: .*expected a value after group:/);
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
