#!/usr/bin/env node
// The committed dbt manifest of the Atlas project (examples/atlas/dbt/manifest.json): what Flyt
// loads the dbt assets from, so `flyt dev` shows them on a machine without dbt. This script
// re-parses the project with real dbt and compares, or rewrites the committed copy.
//
//   node examples/atlas/scripts/dbt-manifest.mjs            check: exit 1 and list what differs
//   node examples/atlas/scripts/dbt-manifest.mjs --write    rewrite manifest.json when it differs
//   options: --dbt <executable> (default FLYT_DBT_EXECUTABLE, else <repo>/.venv-dbt/bin/dbt, else dbt)
//            --force (with --write: rewrite even when in sync)
//            --json  (print the comparison as JSON)
// Exit codes: 0 in sync / written, 1 out of sync, 2 usage or dbt failed, 3 dbt not found (a test
// may skip on 3 where dbt is optional, and must fail on it in CI where dbt is installed).
//
// The parse runs with a fixed environment (ATLAS_DATA_DIR, ATLAS_DUCKDB_PATH, ATLAS_DBT_TARGET
// unset → the duckdb target and the relative default paths), so the committed manifest does not
// depend on the machine. What is compared is what Flyt reads, per node, source, macro of the
// project, group and doc: unique ids, resource types, file checksums, fqn, relation, config
// (materialized, meta, tags, group, severity, …), meta, description, columns, dependencies and test
// metadata. Timestamps, invocation ids and dbt's own macros are ignored. The committed copy is
// dbt's manifest verbatim except: `macros` keeps only the project's own, `metadata.user_id` is null.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const exampleDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repoDir = resolve(exampleDir, "..", "..");
const projectDir = join(exampleDir, "dbt");
const committedPath = join(projectDir, "manifest.json");

const { values: opts } = parseArgs({
  options: {
    write: { type: "boolean" },
    force: { type: "boolean" },
    json: { type: "boolean" },
    dbt: { type: "string" },
  },
});

function findDbt() {
  if (opts.dbt) return opts.dbt;
  if (process.env.FLYT_DBT_EXECUTABLE) return process.env.FLYT_DBT_EXECUTABLE;
  const venv = join(repoDir, ".venv-dbt", "bin", "dbt");
  return existsSync(venv) ? venv : "dbt";
}

/** Runs `dbt parse` into a temporary target path; returns the manifest dbt wrote. */
function parseProject(dbt) {
  const work = mkdtempSync(join(tmpdir(), "atlas-dbt-manifest-"));
  try {
    const env = { ...process.env, DBT_SEND_ANONYMOUS_USAGE_STATS: "false", DO_NOT_TRACK: "1" };
    for (const name of ["ATLAS_DATA_DIR", "ATLAS_DUCKDB_PATH", "ATLAS_DBT_TARGET", "DBT_TARGET_PATH", "DBT_PROFILES_DIR"]) delete env[name];
    const args = ["parse", "--project-dir", projectDir, "--profiles-dir", projectDir, "--target", "duckdb", "--target-path", join(work, "target"), "--log-path", join(work, "logs"), "--quiet"];
    const result = spawnSync(dbt, args, { cwd: projectDir, env, encoding: "utf8" });
    if (result.error?.code === "ENOENT") {
      console.error(`dbt not found (${dbt}): install it with scripts/install-dbt.sh, or pass --dbt / FLYT_DBT_EXECUTABLE`);
      process.exit(3);
    }
    if (result.status !== 0) {
      console.error(`${dbt} ${args.join(" ")} failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
      process.exit(2);
    }
    return JSON.parse(readFileSync(join(work, "target", "manifest.json"), "utf8"));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** dbt's manifest as committed: only the project's macros, no user id. */
function normalize(manifest) {
  const project = manifest.metadata.project_name;
  return {
    ...manifest,
    metadata: { ...manifest.metadata, user_id: null },
    macros: Object.fromEntries(Object.entries(manifest.macros ?? {}).filter(([, m]) => m.package_name === project)),
  };
}

const pick = (object, keys) => Object.fromEntries(keys.filter((k) => object?.[k] !== undefined).map((k) => [k, object[k]]));
const columns = (cols) =>
  Object.fromEntries(Object.entries(cols ?? {}).map(([name, c]) => [name, pick(c, ["name", "data_type", "description", "meta", "quote", "tags"])]));
const CONFIG_KEYS = ["enabled", "materialized", "meta", "tags", "group", "schema", "alias", "database", "severity", "warn_if", "error_if", "unique_key", "incremental_strategy", "strategy", "check_cols", "access", "column_types"];

/** What Flyt reads from the manifest, keyed by unique id, comparable across parses. */
function projection(manifest) {
  const out = {};
  for (const [id, n] of Object.entries(manifest.nodes ?? {})) {
    out[id] = {
      ...pick(n, ["resource_type", "name", "alias", "schema", "database", "fqn", "relation_name", "original_file_path", "description", "meta", "tags", "group", "attached_node", "language", "version"]),
      checksum: n.checksum?.checksum ?? null,
      config: pick(n.config, CONFIG_KEYS),
      columns: columns(n.columns),
      depends_on: n.depends_on?.nodes ?? [],
      ...(n.test_metadata ? { test_metadata: pick(n.test_metadata, ["name", "namespace", "kwargs"]) } : {}),
    };
  }
  for (const [id, s] of Object.entries(manifest.sources ?? {})) {
    out[id] = {
      ...pick(s, ["resource_type", "source_name", "name", "identifier", "schema", "database", "relation_name", "description", "source_description", "meta", "source_meta", "tags", "loaded_at_field"]),
      config: pick(s.config, CONFIG_KEYS),
      columns: columns(s.columns),
    };
  }
  for (const section of ["exposures", "groups", "docs", "metrics", "semantic_models", "saved_queries", "unit_tests"]) {
    for (const [id, x] of Object.entries(manifest[section] ?? {})) {
      const { created_at, ...rest } = x;
      out[id] = rest;
    }
  }
  const project = manifest.metadata.project_name;
  for (const [id, m] of Object.entries(manifest.macros ?? {})) {
    if (m.package_name === project) out[id] = { resource_type: "macro", path: m.original_file_path, sql: m.macro_sql };
  }
  for (const [id, d] of Object.entries(manifest.disabled ?? {})) out[`disabled:${id}`] = d.map((x) => pick(x, ["resource_type", "original_file_path"]));
  out["metadata"] = pick(manifest.metadata, ["project_name", "adapter_type", "dbt_schema_version"]);
  return out;
}

const stable = (value) =>
  JSON.stringify(value, (_, v) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v));

function compare(committed, fresh) {
  const a = projection(committed);
  const b = projection(fresh);
  const added = Object.keys(b).filter((id) => !(id in a)).sort();
  const removed = Object.keys(a).filter((id) => !(id in b)).sort();
  const changed = [];
  for (const id of Object.keys(b).filter((k) => k in a).sort()) {
    const fields = [...new Set([...Object.keys(a[id] ?? {}), ...Object.keys(b[id] ?? {})])].filter((f) => stable(a[id]?.[f]) !== stable(b[id]?.[f]));
    if (fields.length > 0) changed.push({ id, fields });
  }
  return { added, removed, changed, inSync: added.length + removed.length + changed.length === 0 };
}

const fresh = normalize(parseProject(findDbt()));
const committed = existsSync(committedPath) ? JSON.parse(readFileSync(committedPath, "utf8")) : null;
const diff = committed ? compare(committed, fresh) : { added: Object.keys(projection(fresh)), removed: [], changed: [], inSync: false };

if (opts.json) console.log(JSON.stringify(diff, null, 2));
if (opts.write) {
  if (diff.inSync && !opts.force) {
    console.log(`${committedPath} is in sync with the project; not rewritten (--force to rewrite)`);
  } else {
    writeFileSync(committedPath, `${JSON.stringify(fresh, null, 1)}\n`);
    console.log(`wrote ${committedPath} (dbt ${fresh.metadata.dbt_version}, ${Object.keys(fresh.nodes).length} nodes, ${Object.keys(fresh.sources).length} sources)`);
  }
  process.exit(0);
}
if (diff.inSync) {
  console.log(`${committedPath} is in sync with the dbt project`);
  process.exit(0);
}
if (!opts.json) {
  console.error(committed ? `${committedPath} is out of sync with the dbt project:` : `${committedPath} is missing`);
  for (const id of diff.added.slice(0, 50)) console.error(`  + ${id}`);
  for (const id of diff.removed.slice(0, 50)) console.error(`  - ${id}`);
  for (const { id, fields } of diff.changed.slice(0, 50)) console.error(`  ~ ${id}: ${fields.join(", ")}`);
  console.error("Refresh it with: node examples/atlas/scripts/dbt-manifest.mjs --write");
}
process.exit(1);
