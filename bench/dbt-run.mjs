// Benchmark: what Flyt adds around `dbt build`. Runs real dbt (FLYT_TEST_DBT, else .venv-dbt from
// scripts/install-dbt.sh) on packages/dbt's atlas_mini project on DuckDB, alternating
// (a) the very command line runDbtStep builds, spawned bare with its output read and dropped, and
// (b) runDbtStep itself with a context that records every report — same selection, same per-run
// target path seeded with the partial-parse state, same warehouse (and, for reference, plain
// `dbt build` as typed in the project). Reports the median wall times,
// their difference (target: < 10% or < 300 ms, whichever is larger), and the latency from dbt's
// "node finished" log line (its `ts`) to the reportMaterialization call (target p50 < 100 ms),
// and from the report to the event being readable in storage when the run worker runs the step.
import { spawn } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { median } from "./lib/measure.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..");
const dist = join(repo, "packages", "dbt", "dist");
const ITERATIONS = 5;

function dbtExecutable() {
  const path = process.env.FLYT_TEST_DBT?.trim() || join(repo, ".venv-dbt", "bin", "dbt");
  if (!existsSync(path)) throw new Error(`no dbt at ${path}: run \`bash scripts/install-dbt.sh\` (or set FLYT_TEST_DBT)`);
  return path;
}

function recordingContext(assetKeys) {
  const reports = [];
  const targets = [];
  // The step logs its (fresh, per-run) target path when it starts dbt: removed after the bench.
  const log = (_message, fields) => {
    if (fields?.target_path) targets.push(fields.target_path);
  };
  return {
    reports,
    targets,
    ctx: {
      runId: "bench",
      stepKey: "dbt_atlas_mini",
      assetKey: assetKeys[0],
      assetKeys,
      partitionKey: null,
      partitionTimeWindow: null,
      attempt: 1,
      log: { debug: log, info: log, warn: log, error: log },
      resources: {},
      signal: new AbortController().signal,
      addMetadata: () => undefined,
      reportMaterialization: (assetKey) => reports.push({ kind: "materialization", assetKey, wall: Date.now() }),
      reportCheck: (result) => reports.push({ kind: "check", assetKey: result.assetKey, wall: Date.now() }),
      pipes: {},
    },
  };
}

function runBare(executable, args, env, cwd) {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(executable, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.resume();
    child.stderr.resume();
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolvePromise(performance.now() - started) : reject(new Error(`dbt build exited with code ${code}`))));
  });
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export async function run({ workDir } = {}) {
  const { runDbtStep } = await import(join(dist, "run", "execute.js"));
  const { buildDbtCommand } = await import(join(dist, "run", "command.js"));
  const { dbtParse } = await import(join(dist, "run", "parse.js"));
  const { readManifest } = await import(join(dist, "manifest.js"));
  const { mapProject } = await import(join(dist, "mapping.js"));
  const executable = dbtExecutable();

  const base = workDir ?? join(here, ".work");
  mkdirSync(base, { recursive: true });
  const root = mkdtempSync(join(base, "dbt-run-"));
  try {
    const project = join(root, "atlas_mini");
    cpSync(join(repo, "packages", "dbt", "src", "test-fixtures", "projects", "atlas_mini"), project, { recursive: true });
    const env = { FLYT_DBT_DUCKDB_PATH: join(root, "atlas_mini.duckdb") };
    const manifest = dbtParse({ project, executable, profilesDir: project, env });
    const map = mapProject(readManifest(manifest), { assetKey: (node) => [node.packageName, node.name] });
    const keys = map.assets.map((a) => a.assetKey);
    const options = { project, manifest, executable, profilesDir: project, env };

    // The bare run gets the same command line, in a target path prepared the same way.
    let n = 0;
    const bareTarget = () => {
      const target = join(root, `bare-${n++}`);
      mkdirSync(target, { recursive: true });
      copyFileSync(join(dirname(manifest), "partial_parse.msgpack"), join(target, "partial_parse.msgpack"));
      return target;
    };
    const keySet = new Set(keys);
    const bareArgs = (targetPath) =>
      buildDbtCommand({
        executable,
        command: "build",
        projectDir: project,
        profilesDir: project,
        targetPath,
        nodes: map.assets.map((a) => a.selector),
        tests: map.checks.filter((c) => keySet.has(c.assetKey) && !c.onSource).map((c) => c.selector),
        vars: null,
      }).args;
    const bareEnv = { ...process.env, PYTHONUNBUFFERED: "1", ...env };

    // Warm-up: the warehouse exists and Python's caches are warm for both sides.
    await runBare(executable, bareArgs(bareTarget()), bareEnv, project);

    // For reference: plain `dbt build` as a user types it (text log, the project's own target/).
    const plain = [];
    const bare = [];
    const flyt = [];
    const latencies = [];
    let reported = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      bare.push(await runBare(executable, bareArgs(bareTarget()), bareEnv, project));
      plain.push(await runBare(executable, ["build", "--project-dir", project, "--profiles-dir", project], bareEnv, project));

      const { ctx, reports, targets } = recordingContext(keys);
      const finishedTs = new Map();
      const started = performance.now();
      await runDbtStep(map, options, ctx, {
        output: () => undefined,
        onEvent: (event) => {
          if (event.kind === "node-finished" && event.ts) finishedTs.set(map.byUniqueId.get(event.node.uniqueId)?.assetKey, Date.parse(event.ts));
        },
      });
      flyt.push(performance.now() - started);
      for (const target of targets) rmSync(target, { recursive: true, force: true });
      for (const r of reports) {
        if (r.kind !== "materialization") continue;
        reported++;
        latencies.push(r.wall - finishedTs.get(r.assetKey));
      }
    }
    if (reported !== keys.length * ITERATIONS) throw new Error(`expected ${keys.length * ITERATIONS} materializations, got ${reported}`);

    // The whole platform path: the step run by the run worker (in process) with SQLite storage, the
    // store polled every 5 ms as the API would read it. Visible latency = first seen in storage −
    // the event's own timestamp (taken when the step reported it, ~1 ms after dbt's line above).
    const visible = await storageVisibility(options, root);

    const bareMs = median(bare);
    const flytMs = median(flyt);
    const overheadMs = flytMs - bareMs;
    const allowedMs = Math.max(0.1 * bareMs, 300);
    return {
      name: "dbt-run",
      description: "runDbtStep vs the same `dbt build` spawned bare (atlas_mini, DuckDB, 11 nodes + 19 tests), and dbt node-finished → reportMaterialization latency",
      iterations: ITERATIONS,
      nodes: keys.length,
      dbtBuildAloneMs: round(bareMs),
      plainDbtBuildMs: round(median(plain)),
      runDbtStepMs: round(flytMs),
      overheadMs: round(overheadMs),
      overheadRatio: round(flytMs / bareMs, 3),
      targetOverheadMs: round(allowedMs),
      overheadWithinTarget: overheadMs < allowedMs,
      nodeLatencyP50Ms: percentile(latencies, 50),
      nodeLatencyP95Ms: percentile(latencies, 95),
      nodeLatencyMaxMs: Math.max(...latencies),
      targetLatencyP50Ms: 100,
      latencyWithinTarget: percentile(latencies, 50) < 100,
      storageVisibleP50Ms: percentile(visible, 50),
      storageVisibleP95Ms: percentile(visible, 95),
      storageVisibleMaxMs: Math.max(...visible),
      nodeToStorageP50Ms: percentile(latencies, 50) + percentile(visible, 50),
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** ms from each materialization's report to its first sight in storage, over a few runs through the run worker. */
async function storageVisibility(options, root) {
  const { InProcessLauncher } = await import(join(repo, "packages", "run-worker", "dist", "index.js"));
  const { createTestStorage } = await import(join(repo, "packages", "storage", "dist", "testing", "index.js"));
  const fixture = await createTestStorage("sqlite");
  const saved = { ...process.env };
  Object.assign(process.env, { FLYT_TEST_DBT_PROJECT: options.project, FLYT_TEST_DBT: options.executable, FLYT_DBT_DUCKDB_PATH: options.env.FLYT_DBT_DUCKDB_PATH });
  try {
    const definitionsFile = join(dist, "test-fixtures", "definitions.js");
    const definitions = (await import(definitionsFile)).default;
    const assetKeys = [...definitions.graph.nodes.keys()].filter((key) => key.startsWith("atlas_mini/"));
    const launcher = new InProcessLauncher();
    const out = [];
    for (let i = 0; i < 3; i++) {
      const { run } = await fixture.storage.createRun({ selection: assetKeys.join(","), assetKeys });
      const seen = new Map();
      const handle = launcher.launch({ run, storage: fixture.storage, definitionsFile });
      let done = false;
      void handle.done.finally(() => (done = true));
      while (!done) {
        const now = Date.now();
        for (const e of await fixture.storage.getEvents(run.runId, { types: ["ASSET_MATERIALIZATION"], limit: 1000 })) if (!seen.has(e.id)) seen.set(e.id, now - e.timestamp);
        await new Promise((r) => setTimeout(r, 5));
      }
      await handle.done;
      out.push(...seen.values());
    }
    return out;
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    await fixture[Symbol.asyncDispose]();
    void root;
  }
}

function round(value, digits = 1) {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run(), null, 2));
}
