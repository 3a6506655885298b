/**
 * A code location for the PostgreSQL restart test of `flyt webserver`: a chain of three assets
 * that log a known number of lines (10 each, 1 s per asset), long enough for the database to go
 * down and come back while the run's remote worker is posting events, and countable afterwards.
 */
import { asset, defineDefinitions } from "@flyt/sdk";

export const LINES_PER_STEP = 10;
const STEP_MS = 1_000;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const step = (key: string, deps: ReturnType<typeof asset>[]) =>
  asset({
    key,
    deps,
    compute: async (context) => {
      for (let i = 1; i <= LINES_PER_STEP; i++) {
        context.log.info(`${key} line ${i}`);
        await sleep(STEP_MS / LINES_PER_STEP);
      }
      return { lines: LINES_PER_STEP };
    },
  });

const a = step("slow/a", []);
const b = step("slow/b", [a]);
const c = step("slow/c", [b]);

export default defineDefinitions({ assets: [a, b, c] });
