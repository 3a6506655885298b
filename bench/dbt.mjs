// Benchmark (issue 14): loading a 5,000-model dbt manifest into Flyt's view of the project —
// readManifest + mapProject of @flyt/dbt — against plain `JSON.parse` of the same file, in the
// same run. The manifest is generated from the node shapes of the committed fixtures (a dbt 1.8
// `dbt build` model with compiled SQL and documented columns, dbt 1.11 seeds, sources, source
// tests and exposures): 5,000 models in 50 folders (every 20th ephemeral), 100 seeds, 200 source
// tables, ~2 tests per model plus one per source table, 10 exposures, the fixture's macros, and
// parent_map/child_map as dbt writes them. Each measurement runs in a fresh Node process (this
// file with `--child`) so that nothing loaded earlier hides memory: wall time of the load and
// extra RSS = peak RSS (the kernel's maxrss) minus RSS once the modules are imported.
// Targets: < 1 s and < 100 MiB extra RSS. Uses the compiled package: run `tsc -b` first.
// Alone: `node bench/dbt.mjs`.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { median } from "./lib/measure.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..");
const fixtures = join(repo, "packages", "dbt", "src", "test-fixtures", "manifests");
const MODELS = 5_000;
const SEEDS = 100;
const SOURCES = 20;
const TABLES_PER_SOURCE = 10;
const EXPOSURES = 10;
const RUNS = 5;
const TARGET_MS = 1000;
const TARGET_MIB = 100;

const clone = (value) => structuredClone(value);
const hash10 = (text) => createHash("sha256").update(text).digest("hex").slice(0, 10);

function templates() {
  const build = JSON.parse(readFileSync(join(fixtures, "openlineage_build_jsonlog.json"), "utf8"));
  const cosmos = JSON.parse(readFileSync(join(fixtures, "cosmos_altered_jaffle_shop.json"), "utf8"));
  const pick = (manifest, predicate) => clone(Object.values(manifest.nodes).find(predicate));
  return {
    cosmos,
    model: pick(build, (n) => n.unique_id === "model.jaffle_shop.customers"),
    test: pick(build, (n) => n.resource_type === "test" && n.test_metadata?.name === "not_null"),
    seed: pick(cosmos, (n) => n.resource_type === "seed"),
    sourceTest: pick(cosmos, (n) => n.resource_type === "test" && n.unique_id.includes("source_not_null")),
    source: clone(Object.values(cosmos.sources)[0]),
    exposure: clone(Object.values(cosmos.exposures)[0]),
  };
}

/** The generated manifest, deterministic (no randomness: a run is comparable with the next). */
export function generateManifest() {
  const t = templates();
  const nodes = {};
  const sources = {};
  const exposures = {};
  const sourceIds = [];
  for (let s = 0; s < SOURCES; s++) {
    for (let k = 0; k < TABLES_PER_SOURCE; k++) {
      const id = `source.bench.src_${s}.table_${k}`;
      sources[id] = Object.assign(clone(t.source), {
        unique_id: id,
        name: `table_${k}`,
        source_name: `src_${s}`,
        identifier: `table_${k}`,
        package_name: "bench",
        fqn: ["bench", "sources", `src_${s}`, `table_${k}`],
        relation_name: `"warehouse"."raw_${s}"."table_${k}"`,
        schema: `raw_${s}`,
      });
      sourceIds.push(id);
      const testId = `test.bench.source_not_null_src_${s}_table_${k}_id.${hash10(id)}`;
      nodes[testId] = Object.assign(clone(t.sourceTest), {
        unique_id: testId,
        name: `source_not_null_src_${s}_table_${k}_id`,
        package_name: "bench",
        fqn: ["bench", "sources", `source_not_null_src_${s}_table_${k}_id`],
        depends_on: { macros: ["macro.dbt.test_not_null"], nodes: [id] },
        attached_node: null,
      });
    }
  }
  const seedIds = [];
  for (let k = 0; k < SEEDS; k++) {
    const id = `seed.bench.seed_${k}`;
    nodes[id] = Object.assign(clone(t.seed), {
      unique_id: id,
      name: `seed_${k}`,
      alias: `seed_${k}`,
      package_name: "bench",
      fqn: ["bench", `seed_${k}`],
      path: `seed_${k}.csv`,
      original_file_path: `seeds/seed_${k}.csv`,
      relation_name: `"warehouse"."analytics"."seed_${k}"`,
      schema: "analytics",
      checksum: { name: "sha256", checksum: createHash("sha256").update(id).digest("hex") },
    });
    seedIds.push(id);
  }
  const modelIds = [];
  for (let i = 0; i < MODELS; i++) {
    const id = `model.bench.model_${i}`;
    const area = `area_${i % 50}`;
    const materialized = i % 20 === 19 ? "ephemeral" : i % 3 === 0 ? "table" : "view";
    // The first 200 read a source table and a seed; the rest two earlier models (a wide DAG).
    const deps = i < 200 ? [sourceIds[i % sourceIds.length], seedIds[i % SEEDS]] : [modelIds[i - 1 - (i % 7)], modelIds[i - 100 - (i % 50)]];
    const node = Object.assign(clone(t.model), {
      unique_id: id,
      name: `model_${i}`,
      alias: `model_${i}`,
      package_name: "bench",
      fqn: ["bench", area, `model_${i}`],
      path: `${area}/model_${i}.sql`,
      original_file_path: `models/${area}/model_${i}.sql`,
      patch_path: `bench://models/${area}/schema.yml`,
      schema: "analytics",
      relation_name: materialized === "ephemeral" ? null : `"warehouse"."analytics"."model_${i}"`,
      checksum: { name: "sha256", checksum: createHash("sha256").update(id).digest("hex") },
      tags: [area],
      depends_on: { macros: [], nodes: deps },
    });
    node.config = { ...node.config, materialized, tags: [area] };
    nodes[id] = node;
    modelIds.push(id);
    if (materialized === "ephemeral") continue;
    for (const kind of ["not_null", "unique"]) {
      const name = `${kind}_model_${i}_customer_id`;
      const testId = `test.bench.${name}.${hash10(name)}`;
      nodes[testId] = Object.assign(clone(t.test), {
        unique_id: testId,
        name,
        alias: name,
        package_name: "bench",
        fqn: ["bench", area, name],
        original_file_path: `models/${area}/schema.yml`,
        attached_node: id,
        depends_on: { macros: [`macro.dbt.test_${kind}`], nodes: [id] },
        test_metadata: { name: kind, kwargs: { column_name: "customer_id", model: `{{ get_where_subquery(ref('model_${i}')) }}` }, namespace: null },
      });
    }
  }
  for (let e = 0; e < EXPOSURES; e++) {
    const id = `exposure.bench.dashboard_${e}`;
    exposures[id] = Object.assign(clone(t.exposure), {
      unique_id: id,
      name: `dashboard_${e}`,
      package_name: "bench",
      fqn: ["bench", `dashboard_${e}`],
      depends_on: { macros: [], nodes: [modelIds[MODELS - 1 - e * 13], modelIds[MODELS - 2 - e * 17]] },
    });
  }
  const parentMap = {};
  const childMap = {};
  for (const [id, entry] of [...Object.entries(nodes), ...Object.entries(exposures)]) {
    parentMap[id] = entry.depends_on?.nodes ?? [];
    childMap[id] ??= [];
    for (const parent of parentMap[id]) (childMap[parent] ??= []).push(id);
  }
  for (const id of sourceIds) childMap[id] ??= [];
  return {
    metadata: { ...t.cosmos.metadata, project_name: "bench" },
    nodes,
    sources,
    macros: t.cosmos.macros,
    docs: t.cosmos.docs,
    exposures,
    metrics: {},
    groups: {},
    selectors: {},
    disabled: {},
    parent_map: parentMap,
    child_map: childMap,
    group_map: {},
    saved_queries: {},
    semantic_models: {},
    unit_tests: {},
  };
}

/** In a fresh process: load the file one way, print timings and memory as one JSON line. */
async function child(mode, file) {
  const { readManifest } = await import("../packages/dbt/dist/manifest.js");
  const { mapProject } = await import("../packages/dbt/dist/mapping.js");
  globalThis.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  let result;
  let readMs;
  if (mode === "json") {
    result = JSON.parse(readFileSync(file, "utf8"));
    readMs = performance.now() - started;
  } else {
    const manifest = readManifest(file);
    readMs = performance.now() - started;
    const map = mapProject(manifest, { exposures: true });
    result = { assets: map.assets.length, checks: map.checks.length, sources: map.sources.length, exposures: map.exposures.length };
  }
  const totalMs = performance.now() - started;
  const peak = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(
    JSON.stringify({
      readMs,
      totalMs,
      extraRssMiB: (peak - rssBefore) / 2 ** 20,
      counts: mode === "json" ? { nodes: Object.keys(result.nodes).length } : result,
    }) + "\n",
  );
}

function measure(mode, file) {
  const out = spawnSync(process.execPath, ["--expose-gc", fileURLToPath(import.meta.url), "--child", mode, file], { encoding: "utf8", maxBuffer: 1 << 20 });
  if (out.status !== 0) throw new Error(`child ${mode} failed (${out.status}): ${out.stderr}`);
  return JSON.parse(out.stdout.trim().split("\n").pop());
}

const round = (n) => Math.round(n * 10) / 10;

export async function run({ workDir = join(here, ".work") } = {}) {
  const dir = join(workDir, "dbt");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "manifest.json");
  writeFileSync(file, JSON.stringify(generateManifest()));
  const bytes = statSync(file).size;
  const flyt = [];
  const json = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      flyt.push(measure("flyt", file));
      json.push(measure("json", file));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const flytMs = median(flyt.map((r) => r.totalMs));
  const flytMiB = median(flyt.map((r) => r.extraRssMiB));
  const jsonMs = median(json.map((r) => r.totalMs));
  const jsonMiB = median(json.map((r) => r.extraRssMiB));
  return {
    name: "dbt",
    manifest: { models: MODELS, seeds: SEEDS, sourceTables: SOURCES * TABLES_PER_SOURCE, exposures: EXPOSURES, megabytes: round(bytes / 2 ** 20), mapped: flyt[0].counts, jsonNodes: json[0].counts.nodes },
    runs: RUNS,
    flyt: { loadMs: round(flytMs), readManifestMs: round(median(flyt.map((r) => r.readMs))), mapProjectMs: round(median(flyt.map((r) => r.totalMs - r.readMs))), extraRssMiB: round(flytMiB) },
    jsonParse: { ms: round(jsonMs), extraRssMiB: round(jsonMiB) },
    ratioToJsonParse: { time: round(flytMs / jsonMs), rss: round(flytMiB / jsonMiB) },
    target: { ms: `< ${TARGET_MS}`, extraRssMiB: `< ${TARGET_MIB}` },
    meetsTarget: flytMs < TARGET_MS && flytMiB < TARGET_MIB,
  };
}

if (process.argv[2] === "--child") {
  await child(process.argv[3], process.argv[4]);
} else if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(JSON.stringify(await run(), null, 2));
}
