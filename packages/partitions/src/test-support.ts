/**
 * Shared settings of this package's property tests (not exported): fixed seeds per property so
 * every run checks the same cases, FLYT_FUZZ_SEED / FLYT_FUZZ_PATH to replay a printed failure
 * and FLYT_FUZZ_RUNS to scale the number of runs (docs/decisions/0019).
 */
import type fc from "fast-check";

export function propertyParams<T>(seed: number, numRuns: number): fc.Parameters<T> {
  const fromEnv = process.env.FLYT_FUZZ_SEED;
  const path = process.env.FLYT_FUZZ_PATH;
  const factor = Number(process.env.FLYT_FUZZ_RUNS ?? "1");
  return {
    seed: fromEnv ? Number(fromEnv) : seed,
    numRuns: Math.max(1, Math.round(numRuns * (factor > 0 ? factor : 1))),
    ...(path ? { path } : {}),
    includeErrorInReport: true,
  };
}
