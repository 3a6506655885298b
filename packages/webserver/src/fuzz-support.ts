/**
 * Shared settings of the fuzz suites (`*.fuzz.test.ts`, fast-check; docs/decisions/0015). Every
 * property runs from a fixed seed so CI is reproducible; a failure prints the seed and the
 * counterexample's path, and `FLYT_FUZZ_SEED=<seed> FLYT_FUZZ_PATH=<path>` replays exactly that case.
 * Shrinking is off by default: each case is an HTTP exchange, and shrinking a generated request can
 * take thousands of them; the first failing case is reported as found (`FLYT_FUZZ_SHRINK=1` shrinks).
 * `FLYT_FUZZ_RUNS=<factor>` multiplies the number of runs for a longer local or nightly search
 * (with a fixed seed per property the default runs are the same inputs every time).
 */
import type { Parameters } from "fast-check";

export function fuzzParams<T>(seed: number, numRuns: number): Parameters<T> {
  const fromEnv = process.env.FLYT_FUZZ_SEED;
  const path = process.env.FLYT_FUZZ_PATH;
  const factor = Number(process.env.FLYT_FUZZ_RUNS ?? "1");
  return {
    seed: fromEnv !== undefined && fromEnv !== "" ? Number(fromEnv) : seed,
    numRuns: Math.max(1, Math.round(numRuns * (Number.isFinite(factor) && factor > 0 ? factor : 1))),
    ...(path !== undefined && path !== "" ? { path } : {}),
    // The report (seed, path, counterexample) is in the thrown error; keep it short enough to read.
    verbose: 0,
    includeErrorInReport: true,
    endOnFailure: process.env.FLYT_FUZZ_SHRINK !== "1",
  };
}
