// Benchmark: a million partitions per asset (issue 15). An hourly asset since 1910 in Europe/Oslo
// (≥ 1,000,000 partitions, DST switches included) measured four ways, in one process:
//   1. defining it: the definition and its key space (count, by arithmetic, never a list);
//   2. listing a page of 100 keys at a random position;
//   3. the per-partition status of the asset with 50,000 scattered materializations, on SQLite and
//      PostgreSQL: storage.getPartitionStatus + materialized / failed / missing counts + the first
//      100 missing ranges with their keys (target p50 < 200 ms);
//   4. planning a backfill of "all missing" over it (~950,000 targets in ~50,000 ranges) with
//      @flyt/backfills, and finding its first 10 launchable chunks (target < 5 s).
// p50 of repeated runs; memory is the process's RSS and heap growth over the planning runs.
// Dagster's guidance is at most 100,000 partitions per asset: this is ten times that.
// Uses the compiled packages: run `tsc -b` first. Alone: `node scripts/with-test-postgres.mjs node bench/partitions.mjs`.
import { mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { AssetGraph } from "../packages/core/dist/index.js";
import { decodeRanges, hourlyPartitions, rangeOf } from "../packages/partitions/dist/index.js";
import { initialProgress, nextLaunchableChunks, planBackfill } from "../packages/backfills/dist/index.js";
import { openStorage } from "../packages/storage/dist/index.js";
import { createTestDatabase } from "../packages/storage/dist/testing/index.js";

const ASSET = "bench/sensor_hourly";
const START = "1910-01-01T00:00";
const TIMEZONE = "Europe/Oslo";
const MATERIALIZED = 50_000;
const BATCH = 1_000;
const STATUS_REPS = 21;
const PLAN_REPS = 5;
const FIRST_MISSING = 100;
const STATUS_TARGET_MS = 200;
const PLAN_TARGET_MS = 5_000;
const DAGSTER_GUIDANCE = 100_000;

const round = (ms) => Math.round(ms * 10) / 10;
const mib = (bytes) => Math.round((bytes / 2 ** 20) * 10) / 10;

function p50(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timed(fn) {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

/** A fixed pseudo-random sequence (the same scatter every run). */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function defineAsset(now) {
  const partitions = hourlyPartitions({ start: START, timezone: TIMEZONE });
  const space = partitions.keySpace(now);
  return { partitions, space };
}

function node(partitions) {
  return { key: ASSET, deps: [], description: null, group: "bench", owners: [], tags: {}, kinds: [], codeVersion: null, partitions, retryPolicy: null, stepKey: ASSET, metadata: {} };
}

/** Scattered positions to materialize: MATERIALIZED distinct ones, sorted. */
function scatter(count) {
  const next = random(15);
  const positions = new Set();
  while (positions.size < MATERIALIZED) positions.add(Math.floor(next() * count));
  return [...positions].sort((a, b) => a - b);
}

async function fill(storage, space, positions) {
  const { run } = await storage.createRun({ selection: ASSET, assetKeys: [ASSET] });
  const t0 = Date.now();
  let seq = 0;
  for (let i = 0; i < positions.length; i += BATCH) {
    const events = positions.slice(i, i + BATCH).map((p) => ({
      runId: run.runId,
      seq: ++seq,
      timestamp: t0 + seq,
      stepKey: ASSET,
      body: { type: "ASSET_MATERIALIZATION", assetKey: ASSET, partition: space.keyAt(p), metadata: {} },
    }));
    await storage.appendEvents(events);
  }
}

/** The status query as the API answers it: counts and the first missing ranges, with their keys. */
async function statusQuery(storage, space) {
  const status = await storage.getPartitionStatus(ASSET);
  const materialized = decodeRanges(status.materialized);
  const failed = decodeRanges(status.failed);
  const missing = rangeOf(0, space.count).subtract(materialized).subtract(failed);
  const first = missing.firstIntervals(FIRST_MISSING).map(([start, end]) => ({ from: space.keyAt(start), to: space.keyAt(end - 1), partitions: end - start }));
  return { materialized: materialized.size, failed: failed.size, missing: missing.size, first, encoded: status.materialized };
}

async function benchBackend(kind, storage, space, snapshot, positions) {
  try {
    await storage.putPartitionsDefinitions([{ assetKey: ASSET, partitions: snapshot }]);
    const { ms: fillMs } = await timed(() => fill(storage, space, positions));
    const times = [];
    let answer;
    for (let i = 0; i < STATUS_REPS; i++) {
      const { ms, value } = await timed(() => statusQuery(storage, space));
      times.push(ms);
      answer = value;
    }
    if (answer.materialized !== MATERIALIZED) throw new Error(`${kind}: status says ${answer.materialized} materialized, expected ${MATERIALIZED}`);
    return {
      backend: kind,
      setup: { materializations: MATERIALIZED, writeMs: Math.round(fillMs) },
      statusP50Ms: round(p50(times)),
      statusMaxMs: round(Math.max(...times)),
      target: `p50 < ${STATUS_TARGET_MS} ms`,
      met: p50(times) < STATUS_TARGET_MS,
      counts: { materialized: answer.materialized, failed: answer.failed, missing: answer.missing },
      firstMissing: answer.first.slice(0, 3),
      encodedStatusChars: answer.encoded.length,
      encodedStatus: answer.encoded,
    };
  } finally {
    await storage.close();
  }
}

function benchPlanning(snapshot, encodedMaterialized, now) {
  const graph = new AssetGraph([node(snapshot)]);
  const request = { selection: ASSET, partitions: { kind: "missing" } };
  const inputs = { now: now.getTime(), materialized: { [ASSET]: encodedMaterialized } };
  const rssBefore = process.memoryUsage().rss;
  const heapBefore = process.memoryUsage().heapUsed;
  let peakRss = rssBefore;
  const times = [];
  let plan;
  let chunks;
  for (let i = 0; i < PLAN_REPS; i++) {
    const { ms, value } = (() => {
      const started = performance.now();
      const made = planBackfill(request, graph, inputs);
      const next = nextLaunchableChunks(made, initialProgress(made), 10);
      return { ms: performance.now() - started, value: { made, next } };
    })();
    times.push(ms);
    plan = value.made;
    chunks = value.next;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  return {
    targets: plan.totalTargets,
    targetRanges: plan.assets[0].targets.split(",").length,
    planJsonBytes: JSON.stringify(plan).length,
    planP50Ms: round(p50(times)),
    planMaxMs: round(Math.max(...times)),
    target: `< ${PLAN_TARGET_MS} ms`,
    met: Math.max(...times) < PLAN_TARGET_MS,
    firstChunks: chunks.slice(0, 3).map((c) => c.runKey),
    memory: { rssGrowthMiB: mib(peakRss - rssBefore), heapGrowthMiB: mib(process.memoryUsage().heapUsed - heapBefore), peakRssMiB: mib(peakRss) },
  };
}

export async function run({ postgresUrl, workDir } = {}) {
  const here = dirname(fileURLToPath(import.meta.url));
  const dir = join(workDir ?? join(here, ".work"), "partitions");
  const now = new Date();

  const defineTimes = [];
  let space;
  let partitions;
  for (let i = 0; i < 5; i++) {
    const { ms, value } = await timed(() => defineAsset(now));
    defineTimes.push(ms);
    ({ space, partitions } = value);
  }
  if (space.count < 1_000_000) throw new Error(`hourly since 1910 has ${space.count} partitions, expected ≥ 1,000,000`);
  const next = random(7);
  const pageTimes = [];
  let page;
  for (let i = 0; i < 51; i++) {
    const at = Math.floor(next() * (space.count - 100));
    const { ms, value } = await timed(() => space.keysBetween(at, at + 100));
    pageTimes.push(ms);
    page = value;
  }
  const snapshot = partitions.snapshot();
  const positions = scatter(space.count);

  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const status = [];
  status.push(await benchBackend("sqlite", await openStorage({ sqlitePath: join(dir, "flyt.db") }), space, snapshot, positions));
  const database = postgresUrl ? null : await createTestDatabase();
  try {
    status.push(await benchBackend("postgres", await openStorage({ databaseUrl: postgresUrl ?? database.url, sqlitePath: "unused" }), space, snapshot, positions));
  } finally {
    await database?.drop();
  }
  // The planner reads what the daemon reads: the materialized set of the status, as stored.
  const stored = rangesText(positions);
  for (const s of status) if (s.encodedStatus !== stored) throw new Error(`${s.backend}: the stored status differs from the materializations written`);
  const planning = benchPlanning(snapshot, stored, now);
  for (const s of status) delete s.encodedStatus;

  return {
    name: "partitions",
    asset: { cadence: "hourly", start: START, timezone: TIMEZONE, partitions: space.count, dagsterGuidance: DAGSTER_GUIDANCE, timesGuidance: Math.round((space.count / DAGSTER_GUIDANCE) * 10) / 10 },
    define: { p50Ms: round(p50(defineTimes)), firstMs: round(defineTimes[0]) },
    pageOf100Keys: { p50Ms: Math.round(p50(pageTimes) * 1000) / 1000, sample: [page[0], page[page.length - 1]] },
    status,
    planning,
  };
}

/** Encoded ranges of sorted distinct positions ("1,5-7"), as storage encodes them. */
function rangesText(sorted) {
  const parts = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(JSON.stringify(await run({ postgresUrl: process.env.FLYT_TEST_DATABASE_URL }), null, 2));
}
