/**
 * Shared settings of the fuzz suites (`*.fuzz.test.ts`, fast-check; docs/decisions/0019). Every
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

/**
 * POSTs a chunked body of `total` bytes (1 MiB chunks, no declared length) and reports the status
 * and how much of it the server pulled before answering. Up to the drain cap the server reads and
 * drops the rest so the client sees its 413; past it the server stops reading and closes, which the
 * client may see as a reset (status null). `expectBody` is what the refusal must say.
 */
export async function chunkedUpload(url: string, total: number, headers: Record<string, string>, expectBody: RegExp): Promise<{ status: number | null; sentBytes: number }> {
  let sentBytes = 0;
  const chunk = new Uint8Array(1024 * 1024).fill(0x20);
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sentBytes >= total) controller.close();
      else {
        sentBytes += chunk.length;
        controller.enqueue(chunk);
      }
    },
  });
  try {
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body, duplex: "half" });
    const text = await response.text();
    if (!expectBody.test(text)) throw new Error(`the refusal of a ${total}-byte chunked upload said ${JSON.stringify(text.slice(0, 300))}, expected ${String(expectBody)}`);
    return { status: response.status, sentBytes };
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return { status: null, sentBytes };
  }
}
