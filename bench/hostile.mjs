// Benchmark: hostile input (issue 12). A real webserver (GraphQL API + ingest API, SQLite) in its
// own process (bench/lib/hostile-server.mjs); attackers in another (bench/lib/hostile-flood.mjs);
// this process only measures.
// 1. Latency of the 30-level fragment bomb and of a 1,000-alias query, each answered with an error
//    (target < 50 ms), against a cheap valid query `{ viewer { name } }` in the same run.
// 2. /healthz latency while idle and during a flood (FLOOD_CLIENTS concurrent clients sending bombs
//    and alias floods for FLOOD_MS): p50/p99 and the ratio flood/idle.
// 3. Ingest caps: time to refuse a 15 MiB LOG message (413, declared length) and a 12 MiB chunked
//    upload (413 at the 8 MiB cap), against a 1-event batch; throughput of valid batches of 500 LOG
//    events through the ingest API against storage.appendEvents on its own SQLite file.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { openStorage } from "../packages/storage/dist/index.js";
import { aliasFlood, fragmentBomb } from "../packages/webserver/dist/graphql/test-fixtures/hostile-queries.js";

const here = dirname(fileURLToPath(import.meta.url));
const FLOOD_CLIENTS = 8;
const FLOOD_MS = 4_000;
const round = (x) => Math.round(x * 100) / 100;

function percentile(sorted, p) {
  return sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1))];
}
function summary(ms) {
  const sorted = [...ms].sort((a, b) => a - b);
  return { p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), p99: round(percentile(sorted, 99)), max: round(sorted[sorted.length - 1]), n: sorted.length };
}
async function timed(times, fn) {
  const ms = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return summary(ms);
}

function startServer() {
  const child = spawn(process.execPath, [join(here, "lib/hostile-server.mjs")], { stdio: ["pipe", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    createInterface({ input: child.stdout }).once("line", (line) => resolve({ ...JSON.parse(line), child }));
  });
}

function flood(url, clients, ms) {
  const child = spawn(process.execPath, [join(here, "lib/hostile-flood.mjs"), url, String(clients), String(ms)], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    createInterface({ input: child.stdout }).once("line", (line) => resolve(JSON.parse(line)));
  });
}

async function pollHealth(url, ms) {
  const times = [];
  const until = performance.now() + ms;
  while (performance.now() < until) {
    const t = performance.now();
    const response = await fetch(`${url}/healthz`);
    await response.text();
    if (response.status !== 200) throw new Error(`/healthz answered ${response.status}`);
    times.push(performance.now() - t);
  }
  return summary(times);
}

async function gql(url, query) {
  const response = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
  return { status: response.status, body: await response.json() };
}

function logBatch(runId, firstSeq, count) {
  return JSON.stringify({
    events: Array.from({ length: count }, (_, i) => ({ runId, seq: firstSeq + i, timestamp: Date.now(), stepKey: null, body: { type: "LOG", level: "info", message: `line ${firstSeq + i} of a benchmark batch` } })),
  });
}

export async function run() {
  const server = await startServer();
  const { url, runId, token } = server;
  try {
    // Sanity: the hostile documents are refused with an error naming the limit, not executed.
    const bomb = fragmentBomb(30);
    const aliases = aliasFlood(1000);
    for (const [query, pattern] of [[bomb, /fragments are expanded/], [aliases, /1000 aliases/]]) {
      const { status, body } = await gql(url, query);
      if (status >= 500 || body.data !== undefined || !body.errors?.some((e) => pattern.test(e.message))) throw new Error(`not refused: ${status} ${JSON.stringify(body).slice(0, 300)}`);
    }
    for (let i = 0; i < 20; i++) await gql(url, "{ viewer { name } }"); // warm-up
    const cheap = await timed(100, () => gql(url, "{ viewer { name } }"));
    const bombMs = await timed(100, () => gql(url, bomb));
    const aliasMs = await timed(100, () => gql(url, aliases));

    const idle = await pollHealth(url, FLOOD_MS);
    const [flooded, attack] = await Promise.all([pollHealth(url, FLOOD_MS), flood(url, FLOOD_CLIENTS, FLOOD_MS)]);

    // Ingest caps.
    const headers = { "content-type": "application/json", authorization: `Bearer ${token}` };
    const ingest = `${url}/ingest/v1/runs/${runId}/events`;
    let seq = 0;
    const plan = await fetch(ingest, { method: "POST", headers, body: JSON.stringify({ events: [{ runId, seq: ++seq, timestamp: Date.now(), stepKey: null, body: { type: "RUN_STARTED" } }] }) });
    if (plan.status !== 200) throw new Error(`ingest: ${plan.status} ${await plan.text()}`);
    const huge = JSON.stringify({ events: [{ runId, seq: 999_999, timestamp: Date.now(), stepKey: null, body: { type: "LOG", level: "info", message: "x".repeat(15 * 1024 * 1024) } }] });
    const refuse15MiB = await timed(10, async () => {
      const response = await fetch(ingest, { method: "POST", headers, body: huge });
      await response.text();
      if (response.status !== 413) throw new Error(`15 MiB LOG: ${response.status}`);
    });
    const chunk = new Uint8Array(1024 * 1024).fill(0x20);
    const refuseChunked = await timed(10, async () => {
      let sent = 0;
      const body = new ReadableStream({
        pull(controller) {
          if (sent >= 12) controller.close();
          else {
            sent += 1;
            controller.enqueue(chunk);
          }
        },
      });
      const response = await fetch(ingest, { method: "POST", headers, body, duplex: "half" });
      await response.text();
      if (response.status !== 413) throw new Error(`chunked 12 MiB: ${response.status}`);
    });
    const oneEvent = await timed(30, async () => {
      const response = await fetch(ingest, { method: "POST", headers, body: logBatch(runId, ++seq, 1) });
      await response.text();
      if (response.status !== 200) throw new Error(`1-event batch: ${response.status}`);
    });

    const BATCHES = 20;
    const PER_BATCH = 500;
    const bodies = Array.from({ length: BATCHES }, (_, b) => logBatch(runId, 10_000 + b * PER_BATCH, PER_BATCH));
    const started = performance.now();
    for (const body of bodies) {
      const response = await fetch(ingest, { method: "POST", headers, body });
      const answer = await response.json();
      if (response.status !== 200 || answer.inserted !== PER_BATCH) throw new Error(`batch: ${response.status} ${JSON.stringify(answer)}`);
    }
    const ingestPerS = Math.round((BATCHES * PER_BATCH) / ((performance.now() - started) / 1000));

    // Baseline: the same events straight into storage (own SQLite file, this process).
    const dir = mkdtempSync(join(tmpdir(), "flyt-bench-hostile-"));
    let directPerS;
    try {
      const storage = await openStorage({ sqlitePath: join(dir, "flyt.db") });
      const { run: direct } = await storage.createRun({ selection: "*", assetKeys: ["loc/a"] });
      const events = bodies.map((body) => JSON.parse(body).events.map((e) => ({ ...e, runId: direct.runId })));
      const t = performance.now();
      for (const batch of events) await storage.appendEvents(batch);
      directPerS = Math.round((BATCHES * PER_BATCH) / ((performance.now() - t) / 1000));
      await storage.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    return {
      name: "hostile",
      description: "GraphQL hostile queries (30-level fragment bomb, 1,000 aliases) and /healthz under a flood of them; ingest caps (15 MiB LOG → 413, chunked 12 MiB → 413) and valid ingest throughput",
      graphql: {
        cheapQueryMs: cheap,
        fragmentBomb30Ms: bombMs,
        alias1000Ms: aliasMs,
        ratios: { bombVsCheapP50: round(bombMs.p50 / cheap.p50), aliasVsCheapP50: round(aliasMs.p50 / cheap.p50) },
        targetMs: 50,
        withinTarget: bombMs.p95 < 50 && aliasMs.p95 < 50,
      },
      healthz: {
        idleMs: idle,
        floodMs: flooded,
        flood: { clients: FLOOD_CLIENTS, durationMs: FLOOD_MS, ...attack, perSecond: Math.round(attack.sent / (FLOOD_MS / 1000)) },
        ratios: { p99FloodVsIdle: round(flooded.p99 / idle.p99), p50FloodVsIdle: round(flooded.p50 / idle.p50) },
      },
      ingest: {
        oneEventBatchMs: oneEvent,
        refuse15MiBLogMs: refuse15MiB,
        refuseChunked12MiBMs: refuseChunked,
        validBatches: { batches: BATCHES, eventsPerBatch: PER_BATCH, ingestEventsPerS: ingestPerS, directAppendEventsPerS: directPerS, ratio: round(ingestPerS / directPerS) },
      },
    };
  } finally {
    server.child.stdin.end();
    await new Promise((resolve) => server.child.once("exit", resolve));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await run(), null, 2));
