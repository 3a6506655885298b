/**
 * Where the example's dbt project and dbt itself are. The project (`examples/atlas/dbt`) ships
 * with its profiles and a committed manifest, so the definitions load where dbt is not installed;
 * dbt runs only when a dbt asset (or a source test) runs.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { exampleDir } from "./sources.js";

/** `examples/atlas/dbt`: dbt_project.yml, profiles.yml and the committed manifest.json. */
export function dbtProjectDir(): string {
  return join(exampleDir(), "dbt");
}

/** The virtualenv `bash scripts/install-dbt.sh` creates at the repository root. */
export function repoDbtPath(): string {
  return join(resolve(exampleDir(), "..", ".."), ".venv-dbt", "bin", "dbt");
}

/**
 * The dbt executable: FLYT_DBT_EXECUTABLE, else the repository's `.venv-dbt/bin/dbt` when it
 * exists, else `dbt` on PATH. A missing one fails the dbt step with how to install it.
 */
export function atlasDbtExecutable(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.FLYT_DBT_EXECUTABLE?.trim();
  if (configured) return configured;
  const venv = repoDbtPath();
  return existsSync(venv) ? venv : "dbt";
}
