// Benchmark: batched event-log write throughput through Flyt's storage (`appendEvents`: validation,
// idempotent insert, run-status and asset-index derivation in one transaction) against the raw
// driver inserting the same rows into the same table (same columns, same batch size: a prepared
// statement in a transaction on SQLite, one multi-row INSERT per batch in a transaction on
// PostgreSQL), in the same run on the same database. Reports events/s for both and the ratio
// (target >= 0.5). Uses the compiled package: run `tsc -b` first.
// Alone: `node bench/event-log.mjs` (PostgreSQL from FLYT_TEST_DATABASE_URL, or a throwaway
// embedded server), or through scripts/with-test-postgres.mjs.
import { mkdirSync, rmSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import pg from "pg";
import { openStorage } from "../packages/storage/dist/index.js";
import { createTestDatabase } from "../packages/storage/dist/testing/index.js";

const EVENTS = 20_000;
const BATCH = 500;
const REPETITIONS = 5;
const TARGET_RATIO = 0.5;

/** The same mix a busy run produces: log lines, captured output, and materializations of 50 assets × 4 partitions. */
function makeEvents(runId) {
  const events = [];
  const t0 = Date.now();
  for (let seq = 1; seq <= EVENTS; seq++) {
    const kind = seq % 3;
    const stepKey = `bench/asset_${seq % 50}`;
    let body;
    if (kind === 0) body = { type: "LOG", level: "info", message: `processed chunk ${seq}`, fields: { rows: seq } };
    else if (kind === 1) body = { type: "STEP_OUTPUT", stream: "stdout", text: `line ${seq}: ${"x".repeat(60)}\n` };
    else {
      body = {
        type: "ASSET_MATERIALIZATION",
        assetKey: stepKey,
        partition: `2024-0${(seq % 4) + 1}`,
        metadata: { rows: { type: "int", value: seq }, source: { type: "url", value: "https://example.org/data.csv" } },
        codeVersion: "v1",
      };
    }
    events.push({ runId, seq, timestamp: t0 + seq, stepKey, body });
  }
  return events;
}

function rowOf(event) {
  const b = event.body;
  const assetKey = b.type === "ASSET_MATERIALIZATION" ? b.assetKey : null;
  const partition = b.type === "ASSET_MATERIALIZATION" ? b.partition : null;
  return [event.runId, event.seq, event.timestamp, event.stepKey, b.type, assetKey, partition, JSON.stringify(b)];
}

function batches(events) {
  const out = [];
  for (let i = 0; i < events.length; i += BATCH) out.push(events.slice(i, i + BATCH));
  return out;
}

async function timeIt(fn) {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function flytRun(storage) {
  const { run } = await storage.createRun({ selection: "*", assetKeys: ["bench/asset_0"] });
  const events = makeEvents(run.runId);
  return timeIt(async () => {
    for (const batch of batches(events)) await storage.appendEvents(batch);
  });
}

async function benchSqlite(workDir) {
  const dir = join(workDir, "event-log-sqlite");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const sqlitePath = join(dir, "flyt.db");
  const storage = await openStorage({ sqlitePath });
  // The raw driver writes into the same migrated file, with the same pragmas Flyt uses.
  const db = new Database(sqlitePath);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 10000");
  const insert = db.prepare(
    "INSERT INTO event_log (run_id, seq, timestamp, step_key, type, asset_key, partition, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  );
  const insertBatch = db.transaction((rows) => {
    for (const row of rows) insert.run(...row);
  });
  const flyt = [];
  const raw = [];
  try {
    for (let r = 0; r < REPETITIONS; r++) {
      flyt.push(await flytRun(storage));
      const { run } = await storage.createRun({ selection: "*", assetKeys: ["bench/asset_0"] });
      const eventBatches = batches(makeEvents(run.runId));
      // Serialising the rows is part of the raw driver's work too: both sides start from event objects.
      raw.push(await timeIt(async () => {
        for (const batch of eventBatches) insertBatch(batch.map(rowOf));
      }));
    }
  } finally {
    db.close();
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return summarize("sqlite", flyt, raw);
}

async function benchPostgres(postgresUrl) {
  let database;
  let url = postgresUrl;
  if (!url) {
    database = await createTestDatabase();
    url = database.url;
  } else {
    // Use a fresh database on the given server, so the benchmark never touches real data.
    const previous = process.env.FLYT_TEST_DATABASE_URL;
    process.env.FLYT_TEST_DATABASE_URL = postgresUrl;
    database = await createTestDatabase();
    if (previous === undefined) delete process.env.FLYT_TEST_DATABASE_URL;
    else process.env.FLYT_TEST_DATABASE_URL = previous;
    url = database.url;
  }
  const storage = await openStorage({ databaseUrl: url, sqlitePath: "" });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const flyt = [];
  const raw = [];
  try {
    for (let r = 0; r < REPETITIONS; r++) {
      flyt.push(await flytRun(storage));
      const { run } = await storage.createRun({ selection: "*", assetKeys: ["bench/asset_0"] });
      const eventBatches = batches(makeEvents(run.runId));
      const toQuery = (batch) => {
        const values = [];
        const tuples = batch.map((event, i) => {
          values.push(...rowOf(event));
          const base = i * 8;
          return `($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}, $${base + 6}, $${base + 7}, $${base + 8})`;
        });
        return {
          text: `INSERT INTO event_log (run_id, seq, "timestamp", step_key, type, asset_key, "partition", body) VALUES ${tuples.join(", ")}`,
          values,
        };
      };
      raw.push(await timeIt(async () => {
        for (const batch of eventBatches) {
          const query = toQuery(batch);
          await client.query("BEGIN");
          await client.query(query.text, query.values);
          await client.query("COMMIT");
        }
      }));
    }
  } finally {
    await client.end();
    await storage.close();
    await database.drop();
  }
  return summarize("postgres", flyt, raw);
}

function summarize(backend, flytMs, rawMs) {
  const flytEventsPerSec = Math.round(EVENTS / (median(flytMs) / 1000));
  const rawEventsPerSec = Math.round(EVENTS / (median(rawMs) / 1000));
  const ratio = Number((flytEventsPerSec / rawEventsPerSec).toFixed(3));
  return {
    backend,
    events: EVENTS,
    batchSize: BATCH,
    repetitions: REPETITIONS,
    flytEventsPerSec,
    rawEventsPerSec,
    ratio,
    target: TARGET_RATIO,
    meetsTarget: ratio >= TARGET_RATIO,
  };
}

export async function run({ postgresUrl, workDir } = {}) {
  const here = dirname(fileURLToPath(import.meta.url));
  const dir = workDir ?? join(here, ".work");
  const results = [await benchSqlite(dir), await benchPostgres(postgresUrl ?? process.env.FLYT_TEST_DATABASE_URL)];
  return { name: "event-log", results };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(JSON.stringify(await run({ postgresUrl: process.env.FLYT_TEST_DATABASE_URL }), null, 2));
}
