/**
 * Test definitions for failure handling: `f/bad` fails (until the `fixed` flag file exists),
 * its downstream is skipped, the independent branch keeps running; executions are logged so a
 * re-execution from failure can prove successful steps did not run again.
 */
import { asset, defineDefinitions } from "@flyt/sdk";
import { delay, flagExists, recordExecution } from "./fixture-util.js";

const root = asset({
  key: "f/root",
  compute: (context) => {
    recordExecution(context.stepKey);
    return { ok: true };
  },
});
const bad = asset({
  key: "f/bad",
  deps: [root],
  compute: (context) => {
    recordExecution(context.stepKey);
    if (!flagExists("fixed")) throw new Error("bad input in f/bad");
  },
});
const afterBad = asset({
  key: "f/after_bad",
  deps: [bad],
  compute: (context) => recordExecution(context.stepKey),
});
const afterAfter = asset({
  key: "f/after_after",
  deps: [afterBad],
  compute: (context) => recordExecution(context.stepKey),
});
const independent = asset({
  key: "f/independent",
  compute: async (context) => {
    recordExecution(context.stepKey);
    await delay(200);
  },
});
const independentDown = asset({
  key: "f/independent_down",
  deps: [independent],
  compute: (context) => recordExecution(context.stepKey),
});

export default defineDefinitions({ assets: [root, bad, afterBad, afterAfter, independent, independentDown] });
