// Benchmark: declarative automation over 10,000 assets with conditions (issue 16; target < 1 s per
// tick on PostgreSQL). Half the assets are daily-partitioned (since 2024-01-01, the last 10 days
// materialized), half unpartitioned; each reads 1–3 assets of earlier layers (20 layers, like a
// dbt project over a few hundred sources); 90 % are eager, 10 % onCron. Storage holds their
// definitions, partition status and one materialization per asset (ten per partitioned one).
// Each tick: 20 sources land first (so eager assets downstream are requested), then
// evaluateAutomationTick reads storage and evaluates. Reported: p50 / max of the whole tick, of
// the database reads alone and of the pure evaluation (evaluateAutomation), the queries per tick,
// the runs requested and the cursor size; per backend.
// Uses the compiled packages: run `tsc -b` first. Alone: `node scripts/with-test-postgres.mjs node bench/automation.mjs`.
import { mkdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { AssetGraph } from "../packages/core/dist/index.js";
import { eagerCondition, evaluateAutomationTick, onCronCondition } from "../packages/automation/dist/index.js";
import { openStorage } from "../packages/storage/dist/index.js";
import { createTestDatabase } from "../packages/storage/dist/testing/index.js";

const ASSETS = 10_000;
const LAYERS = 20;
const TICKS = 9;
const SOURCES_LANDING_PER_TICK = 20;
const DAYS_MATERIALIZED = 10;
const TARGET_MS = 1000;
const DAILY = { kind: "time-window", cadence: "daily", start: "2024-01-01", end: null, timezone: "UTC", format: "yyyy-MM-dd" };

const round = (ms) => Math.round(ms * 10) / 10;
const p50 = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** The graph: layer 0 are sources (no condition), the rest read 1–3 assets of earlier layers. */
function makeGraph() {
  const next = random(16);
  const perLayer = ASSETS / LAYERS;
  const nodes = [];
  const byLayer = [];
  for (let layer = 0; layer < LAYERS; layer++) {
    const keys = [];
    for (let i = 0; i < perLayer; i++) {
      const index = layer * perLayer + i;
      const key = `bench/l${layer}/a${index}`;
      const partitioned = index % 2 === 0;
      const deps = [];
      if (layer > 0) {
        const count = 1 + Math.floor(next() * 3);
        while (deps.length < count) {
          // Mostly the layer just before, sometimes further up, like a real project.
          const from = next() < 0.7 ? layer - 1 : Math.floor(next() * layer);
          const candidates = byLayer[from].filter((k) => (Number(k.split("/a")[1]) % 2 === 0) === partitioned || !partitioned);
          const dep = candidates[Math.floor(next() * candidates.length)];
          if (dep && !deps.includes(dep)) deps.push(dep);
        }
      }
      const condition = layer === 0 ? null : next() < 0.9 ? eagerCondition() : onCronCondition("0 * * * *", "UTC");
      nodes.push({ key, deps, description: null, group: "bench", owners: [], tags: {}, kinds: [], codeVersion: "1", partitions: partitioned ? DAILY : null, retryPolicy: null, stepKey: key, metadata: {}, automationCondition: condition });
      keys.push(key);
    }
    byLayer.push(keys);
  }
  return { graph: new AssetGraph(nodes), sources: byLayer[0] };
}

function dayKey(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

async function fill(storage, graph, now) {
  const nodes = [...graph.nodes.values()];
  await storage.putAssetDefinitions(nodes.map((n) => ({ assetKey: n.key, deps: n.deps, codeVersion: n.codeVersion })));
  await storage.putPartitionsDefinitions(nodes.map((n) => ({ assetKey: n.key, partitions: n.partitions })));
  const events = [];
  for (const n of graph.topologicalOrder()) {
    const partitioned = graph.get(n).partitions !== null;
    if (!partitioned) events.push({ assetKey: n, partition: null });
    else for (let d = DAYS_MATERIALIZED; d >= 1; d--) events.push({ assetKey: n, partition: dayKey(now - d * 86_400_000) });
  }
  const BATCH = 2000;
  for (let i = 0; i < events.length; i += BATCH) {
    const slice = events.slice(i, i + BATCH);
    const { run } = await storage.createRun({ selection: "*", assetKeys: [...new Set(slice.map((e) => e.assetKey))] });
    await storage.appendEvents([
      ...slice.map((e, j) => ({ runId: run.runId, seq: j + 1, timestamp: now - 3_600_000 + i + j, stepKey: e.assetKey, body: { type: "ASSET_MATERIALIZATION", assetKey: e.assetKey, partition: e.partition, metadata: {} } })),
      { runId: run.runId, seq: slice.length + 1, timestamp: now - 3_600_000 + i + slice.length, stepKey: null, body: { type: "RUN_SUCCESS" } },
    ]);
  }
  return events.length;
}

async function land(storage, keys, at) {
  const { run } = await storage.createRun({ selection: keys.join(", "), assetKeys: keys });
  await storage.appendEvents([
    ...keys.map((assetKey, i) => ({ runId: run.runId, seq: i + 1, timestamp: at, stepKey: assetKey, body: { type: "ASSET_MATERIALIZATION", assetKey, partition: null, metadata: {} } })),
    { runId: run.runId, seq: keys.length + 1, timestamp: at, stepKey: null, body: { type: "RUN_SUCCESS" } },
  ]);
}

async function benchBackend(kind, storage, graph, sources) {
  try {
    let now = Date.now();
    const setupStarted = performance.now();
    const materializations = await fill(storage, graph, now);
    const setupMs = performance.now() - setupStarted;
    const unpartitionedSources = sources.filter((k) => graph.get(k).partitions === null);
    let cursor = null;
    const ticks = [];
    for (let tick = 1; tick <= TICKS; tick++) {
      now += 30_000;
      const landing = unpartitionedSources.slice(((tick - 1) * SOURCES_LANDING_PER_TICK) % unpartitionedSources.length).slice(0, SOURCES_LANDING_PER_TICK);
      await land(storage, landing, now - 1000);
      const started = performance.now();
      const { output, stats } = await evaluateAutomationTick(storage, graph, { now, tickId: tick, cursor, locationOf: () => "bench" });
      const totalMs = performance.now() - started;
      cursor = output.cursor;
      ticks.push({
        totalMs,
        databaseMs: stats.databaseMs,
        evaluationMs: stats.evaluationMs,
        queries: stats.queries,
        evaluated: stats.assets,
        stored: output.evaluations.filter((e) => e.changed).length,
        runs: output.runRequests.length,
        requestedAssets: output.requested.size,
        cursorBytes: output.cursor.length,
      });
    }
    // The first tick starts from no cursor (every asset's memory is new); the rest are the steady state.
    const steady = ticks.slice(1);
    const total = steady.map((t) => t.totalMs);
    return {
      backend: kind,
      setup: { assets: ASSETS, partitioned: ASSETS / 2, materializations, writeMs: Math.round(setupMs) },
      tickP50Ms: round(p50(total)),
      tickMaxMs: round(Math.max(...total)),
      databaseP50Ms: round(p50(steady.map((t) => t.databaseMs))),
      evaluationP50Ms: round(p50(steady.map((t) => t.evaluationMs))),
      firstTickMs: round(ticks[0].totalMs),
      queriesPerTick: steady[0].queries,
      target: `p50 < ${TARGET_MS} ms per tick`,
      met: p50(total) < TARGET_MS,
      perTick: ticks.map((t) => ({ ...t, totalMs: round(t.totalMs), databaseMs: round(t.databaseMs), evaluationMs: round(t.evaluationMs) })),
    };
  } finally {
    await storage.close();
  }
}

export async function run({ postgresUrl, workDir } = {}) {
  const here = dirname(fileURLToPath(import.meta.url));
  const dir = join(workDir ?? join(here, ".work"), "automation");
  const { graph, sources } = makeGraph();
  let edges = 0;
  for (const n of graph.nodes.values()) edges += n.deps.length;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const backends = [];
  backends.push(await benchBackend("sqlite", await openStorage({ sqlitePath: join(dir, "flyt.db") }), graph, sources));
  const database = postgresUrl ? null : await createTestDatabase();
  try {
    backends.push(await benchBackend("postgres", await openStorage({ databaseUrl: postgresUrl ?? database.url, sqlitePath: "unused" }), graph, sources));
  } finally {
    await database?.drop();
  }
  return { name: "automation", graph: { assets: ASSETS, edges, layers: LAYERS, withConditions: ASSETS - ASSETS / LAYERS }, backends };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  console.log(JSON.stringify(await run({ postgresUrl: process.env.FLYT_TEST_DATABASE_URL }), null, 2));
}
