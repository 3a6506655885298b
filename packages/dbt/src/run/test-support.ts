/**
 * What the runner's tests share: where real dbt is (FLYT_TEST_DBT, else the repository's
 * .venv-dbt made by scripts/install-dbt.sh — a test that needs dbt and finds none fails saying
 * so), a copy of a fixture dbt project in a temp directory (dbt writes target/ and logs/ into a
 * project; the repository stays clean), the project map as dbtAssets() builds it, and a step
 * context that records what the step reports and when.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { AssetContext, MetadataInput, ReportedCheck, TimeWindow } from "@flyt/sdk";
import { readManifest } from "../manifest.js";
import { mapProject } from "../mapping.js";
import type { DbtProjectMap } from "../types.js";
import type { DbtLogLevel } from "./log.js";

/** Root of the repository, from dist/run/. */
const REPO = fileURLToPath(new URL("../../../../", import.meta.url));
export const FIXTURES = fileURLToPath(new URL("../../src/test-fixtures/", import.meta.url));

/** The dbt executable for tests; throws (failing the test) with how to install it when there is none. */
export function dbtForTests(): string {
  const fromEnv = process.env.FLYT_TEST_DBT?.trim();
  const path = fromEnv ? fromEnv : join(REPO, ".venv-dbt", "bin", "dbt");
  if (!existsSync(path)) {
    throw new Error(
      `These tests run real dbt, and there is none at ${path}. Install it with \`bash scripts/install-dbt.sh\` ` +
        "(a virtualenv .venv-dbt at the repository root with dbt-core, dbt-duckdb and dbt-postgres 1.11), " +
        "or set FLYT_TEST_DBT to the path of a dbt executable (dbt-core 1.11 with the duckdb and postgres adapters).",
    );
  }
  return path;
}

export interface TestProject extends Disposable {
  /** The copy of the project (also its profiles dir). */
  dir: string;
  duckdbPath: string;
  /** Environment for dbt: the DuckDB file. */
  env: Record<string, string>;
}

/** Copies `src/test-fixtures/projects/<name>` to a temp dir. */
export function copyProject(name: string): TestProject {
  const root = mkdtempSync(join(tmpdir(), `flyt-dbt-${name}-`));
  const dir = join(root, name);
  cpSync(join(FIXTURES, "projects", name), dir, { recursive: true });
  const duckdbPath = join(root, `${name}.duckdb`);
  return { dir, duckdbPath, env: { FLYT_DBT_DUCKDB_PATH: duckdbPath }, [Symbol.dispose]: () => rmSync(root, { recursive: true, force: true }) };
}

export function readJsonLines(path: string): string[] {
  return readFileSync(path, "utf8").split("\n");
}

/**
 * The map of a manifest as dbtAssets() makes it (manifest.ts, mapping.ts), with keys
 * `<package>/<name>` so that the same tests read the same keys on DuckDB and PostgreSQL (the
 * default key starts with the schema).
 */
export function mapManifest(manifestPath: string): DbtProjectMap {
  return mapProject(readManifest(manifestPath), { assetKey: (node) => [node.packageName, node.name] });
}

export type Recorded =
  | { kind: "materialization"; at: number; wall: number; assetKey: string; metadata: MetadataInput }
  | { kind: "check"; at: number; wall: number; result: ReportedCheck }
  | { kind: "log"; at: number; wall: number; level: DbtLogLevel; message: string; fields: Record<string, unknown> | undefined };

export interface RecordingContext {
  ctx: AssetContext;
  calls: Recorded[];
  materializations(): Extract<Recorded, { kind: "materialization" }>[];
  checks(): ReportedCheck[];
  logs(): Extract<Recorded, { kind: "log" }>[];
}

/** A step context that records reports and log lines with their time (performance.now() and Date.now()). */
export function recordingContext(options: { assetKeys: string[]; partitionKey?: string | null; partitionTimeWindow?: TimeWindow | null; signal?: AbortSignal; runId?: string }): RecordingContext {
  const calls: Recorded[] = [];
  const materialized = new Set<string>();
  const log = (level: DbtLogLevel) => (message: string, fields?: Record<string, unknown>) => {
    calls.push({ kind: "log", at: performance.now(), wall: Date.now(), level, message, fields });
  };
  const ctx: AssetContext = {
    runId: options.runId ?? `test-${Date.now()}`,
    stepKey: "dbt_atlas_mini",
    assetKey: options.assetKeys[0] ?? "",
    assetKeys: options.assetKeys,
    partitionKey: options.partitionKey ?? null,
    partitionKeys: options.partitionKey ? [options.partitionKey] : [],
    partitionKeyRange: options.partitionKey ? { start: options.partitionKey, end: options.partitionKey } : null,
    partitionTimeWindow: options.partitionTimeWindow ?? null,
    attempt: 1,
    log: { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") },
    resources: {},
    signal: options.signal ?? new AbortController().signal,
    addMetadata: () => undefined,
    reportMaterialization: (assetKey, metadata) => {
      // The executor's rules: a selected asset, at most once per attempt.
      if (!options.assetKeys.includes(assetKey)) throw new TypeError(`reportMaterialization of unselected asset ${assetKey}`);
      if (materialized.has(assetKey)) throw new TypeError(`asset ${assetKey} was already reported`);
      materialized.add(assetKey);
      calls.push({ kind: "materialization", at: performance.now(), wall: Date.now(), assetKey, metadata: metadata ?? {} });
    },
    reportCheck: (result) => {
      if (!options.assetKeys.includes(result.assetKey)) throw new TypeError(`reportCheck of unselected asset ${result.assetKey}`);
      calls.push({ kind: "check", at: performance.now(), wall: Date.now(), result });
    },
    addDynamicPartitions: () => {
      throw new Error("no dynamic partitions in these tests");
    },
    deleteDynamicPartitions: () => {
      throw new Error("no dynamic partitions in these tests");
    },
    pipes: {
      run: () => Promise.reject(new Error("no pipes in these tests")),
      runPod: () => Promise.reject(new Error("no pipes in these tests")),
    },
  };
  return {
    ctx,
    calls,
    materializations: () => calls.filter((c): c is Extract<Recorded, { kind: "materialization" }> => c.kind === "materialization"),
    checks: () => calls.flatMap((c) => (c.kind === "check" ? [c.result] : [])),
    logs: () => calls.filter((c): c is Extract<Recorded, { kind: "log" }> => c.kind === "log"),
  };
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
