/**
 * CompositeEvaluator over two real LocalEvaluators of the test definitions under different
 * location names: listing concatenates both, evaluation goes to the owner of the location, and
 * a location given twice or unknown is refused with its name.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { CompositeEvaluator } from "./composite-evaluator.js";
import { LocalEvaluator } from "./evaluator.js";

const FIXTURE = fileURLToPath(new URL("./test-fixtures/definitions.js", import.meta.url));

void describe("CompositeEvaluator", () => {
  void it("lists every part's instigators and routes evaluations by location", async () => {
    const a = new LocalEvaluator([{ name: "a", definitionsFile: FIXTURE }]);
    const b = new LocalEvaluator([{ name: "b", definitionsFile: FIXTURE }]);
    const composite = new CompositeEvaluator([
      { locations: ["a"], evaluator: a },
      { locations: ["b"], evaluator: b },
      { locations: [], evaluator: new LocalEvaluator([]) },
    ]);
    const { schedules, sensors } = await composite.listInstigators();
    const single = await a.listInstigators();
    assert.equal(schedules.length, single.schedules.length * 2);
    assert.equal(sensors.length, single.sensors.length * 2);
    assert.deepEqual(new Set(schedules.map((s) => s.location)), new Set(["a", "b"]));
    const signal = new AbortController().signal;
    const monday = Date.parse("2024-03-04T05:00:00Z");
    const fromB = schedules.find((s) => s.location === "b" && s.name === "weekdays_only")!;
    const result = await composite.evaluateSchedule(fromB, monday, signal);
    assert.deepEqual(result, await b.evaluateSchedule(fromB, monday, signal));
    assert.ok(result.runRequests.length > 0);
    await assert.rejects(composite.evaluateSchedule({ ...fromB, location: "c" }, monday, signal), /code location "c" is not served by this daemon/);
  });

  void it("refuses a location given to two parts", () => {
    const local = new LocalEvaluator([]);
    assert.throws(
      () => new CompositeEvaluator([{ locations: ["x"], evaluator: local }, { locations: ["x"], evaluator: local }]),
      /code location "x" is given twice/,
    );
  });
});
