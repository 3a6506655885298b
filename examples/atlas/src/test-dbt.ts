/**
 * Test helper: the real dbt the example's tests run (FLYT_TEST_DBT, which scripts/test.sh sets,
 * else the repository's .venv-dbt from scripts/install-dbt.sh), and the dbt project's marts read
 * back through dbt itself (`dbt show`), so the tests need no DuckDB client of their own.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dbtProjectDir, repoDbtPath } from "./dbt.js";

/**
 * The dbt executable for tests. Throws — failing the test — with how to install dbt when there is
 * none: CI installs it, so a missing dbt is a broken setup, not a reason to skip.
 */
export function dbtForTests(): string {
  const fromEnv = process.env["FLYT_TEST_DBT"]?.trim();
  const path = fromEnv ? fromEnv : repoDbtPath();
  if (!existsSync(path)) {
    throw new Error(
      `The Atlas example's dbt tests run real dbt, and there is none at ${path}. Install it with \`bash scripts/install-dbt.sh\` ` +
        "(a virtualenv .venv-dbt at the repository root with dbt-core, dbt-duckdb and dbt-postgres 1.11), " +
        "or set FLYT_TEST_DBT to a dbt executable (dbt-core 1.11 with dbt-duckdb).",
    );
  }
  return path;
}

/**
 * Points the example's definitions at the test dbt (FLYT_DBT_EXECUTABLE, read when definitions.ts
 * is loaded: call before the first run of the test file) and at `dataDir`. Returns the dbt path,
 * or null when there is none (the tests that need it then fail through `dbtForTests()`).
 */
export function useTestDbt(dataDir: string): string | null {
  process.env["ATLAS_DATA_DIR"] = dataDir;
  try {
    const dbt = dbtForTests();
    process.env["FLYT_DBT_EXECUTABLE"] = dbt;
    return dbt;
  } catch {
    return null;
  }
}

/** Rows of a query on the example's DuckDB file in `dataDir`, through `dbt show` (`{{ ref('…') }}` works). */
export function dbtShow(dbt: string, dataDir: string, sql: string): Record<string, unknown>[] {
  const project = dbtProjectDir();
  const work = mkdtempSync(join(tmpdir(), "atlas-dbt-show-"));
  try {
    const args = ["show", "--project-dir", project, "--profiles-dir", project, "--target-path", work, "--log-path", work, "--quiet", "--output", "json", "--limit", "-1", "--inline", sql];
    const env: NodeJS.ProcessEnv = { ...process.env, ATLAS_DATA_DIR: dataDir, DBT_SEND_ANONYMOUS_USAGE_STATS: "false" };
    delete env["ATLAS_DUCKDB_PATH"];
    delete env["ATLAS_DBT_TARGET"];
    const result = spawnSync(dbt, args, { cwd: project, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    if (result.error) throw result.error;
    if (result.status !== 0) throw new Error(`dbt show failed (exit ${String(result.status)}): ${result.stdout}${result.stderr}`);
    const parsed = JSON.parse(result.stdout) as { show: Record<string, unknown>[] };
    return parsed.show;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
