// Benchmark: the cost of running a step as a Pipes child. Spawn-to-first-message and total
// time of a Node child using @flyt/pipes-client that reports one materialization, against the
// same work in-process and a bare `node -e ""` start; and message throughput for a child that
// reports 10,000 log lines (file and stdio channels). Uses the compiled @flyt/pipes fixtures.
import { spawnSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { median } from "./lib/measure.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = resolve(here, "..", "packages", "pipes", "dist", "test-fixtures");
const ITERATIONS = 15;

function host() {
  const counts = { logs: 0, materializations: 0, output: 0 };
  return {
    counts,
    host: {
      runId: "bench",
      stepKey: "bench/pipes",
      assetKeys: ["bench/pipes"],
      codeVersionByAssetKey: {},
      partitionKey: null,
      partitionTimeWindow: null,
      retryNumber: 0,
      signal: new AbortController().signal,
      emit: (body) => {
        if (body.type === "LOG") counts.logs++;
      },
      output: (_stream, text) => {
        counts.output += text.length;
      },
      materialize: () => {
        counts.materializations++;
      },
    },
  };
}

export async function run() {
  const { runPipesProcess } = await import("@flyt/pipes");
  const node = process.execPath;
  const client = join(fixtures, "client-child.js");
  const raw = join(fixtures, "raw-child.js");

  const bare = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const started = performance.now();
    spawnSync(node, ["-e", ""]);
    bare.push(performance.now() - started);
  }

  const first = [];
  const total = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const h = host();
    const result = await runPipesProcess(h.host, node, [client, "materialize"]);
    if (h.counts.materializations !== 1) throw new Error("the child did not report its materialization");
    first.push(result.firstMessageMs);
    total.push(result.durationMs);
  }

  // The same work in-process: build the metadata and hand it over.
  const inProcess = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const h = host();
    const started = performance.now();
    h.host.emit({ type: "LOG", level: "info", message: "client child for bench/pipes" });
    h.host.materialize("bench/pipes", { rows: { type: "int", value: 144 } }, "ts-1");
    inProcess.push(performance.now() - started);
  }

  const throughput = {};
  for (const channel of ["file", "stdio"]) {
    const h = host();
    const result = await runPipesProcess(h.host, node, [raw, "logs", "10000"], { channel });
    if (h.counts.logs !== 10000) throw new Error(`expected 10000 log events, got ${h.counts.logs}`);
    throughput[channel] = { durationMs: Math.round(result.durationMs), messagesPerSecond: Math.round(10000 / (result.durationMs / 1000)) };
  }

  const medianTotal = median(total);
  return {
    name: "pipes",
    description: "Pipes step overhead (Node child with @flyt/pipes-client) vs in-process, and log-message throughput",
    iterations: ITERATIONS,
    nodeBareStartMs: round(median(bare)),
    spawnToFirstMessageMs: round(median(first)),
    pipesStepTotalMs: round(medianTotal),
    inProcessMs: round(median(inProcess)),
    overheadPerStepMs: round(medianTotal - median(inProcess)),
    // What Pipes itself adds on top of starting a Node process (context, channel, client, reading).
    overheadBeyondNodeStartMs: round(medianTotal - median(bare)),
    targetOverheadMs: 100,
    withinTarget: medianTotal - median(inProcess) < 100,
    logThroughput10k: throughput,
  };
}

function round(value) {
  return Math.round(value * 10) / 10;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run(), null, 2));
}
