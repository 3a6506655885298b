/**
 * Test definitions for a storage outage mid-run: a chain of three slow assets that log a known
 * number of lines each (FLYT_FIXTURE_LOGS, default 20; FLYT_FIXTURE_STEP_MS per step, default
 * 400), so a test can count exactly which events the worker sent.
 */
import { asset, defineDefinitions } from "@flyt/sdk";
import { delay } from "./fixture-util.js";

const lines = (): number => Number(process.env.FLYT_FIXTURE_LOGS ?? "20");
const stepMs = (): number => Number(process.env.FLYT_FIXTURE_STEP_MS ?? "400");

const step = (key: string, deps: ReturnType<typeof asset>[]) =>
  asset({
    key,
    deps,
    compute: async (context) => {
      for (let i = 1; i <= lines(); i++) {
        context.log.info(`${key} line ${i}`);
        await delay(stepMs() / lines());
      }
      return { lines: lines() };
    },
  });

const a = step("outage/a", []);
const b = step("outage/b", [a]);
const c = step("outage/c", [b]);

export default defineDefinitions({ assets: [a, b, c] });
