/**
 * The README's walk-through "A code version change, and Materialize unsynced", done as a user does
 * it: a copy of the example (examples/atlas/.test-work/unsynced-*, so `@flyt/*` resolve from the
 * root node_modules) served by a real `flyt dev -f <copy>/definitions.ts` (SQLite in a temporary
 * FLYT_HOME, fixtures, the test dbt); everything upstream of the served document is materialized
 * through GraphQL `launchRun`; then the forecast's `codeVersion` is edited from "1" to "2" in the
 * copy's definitions.ts, `flyt dev` reloads the location on its own (it watches the folder), and
 * `unsyncedAssets` names the forecast ("code version 1 → 2") and everything downstream of it
 * ("upstream … is unsynced") while the SSB side stays synced. `materializeUnsynced("group:met")` (the
 * catalog filtered to group met) launches one run of the three met assets and leaves the serving
 * assets below them unsynced ("upstream … has a newer data version"); `materializeUnsynced` without
 * a selection launches one run of those two, and then nothing is unsynced.
 *
 * Automation is stopped (`flyt automation stop`) before `flyt dev` starts: otherwise its eager()
 * conditions launch the never-materialized seeds and snapshot at startup, dbt runs that contend
 * with the test's for atlas.duckdb.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { exampleDir } from "./sources.js";
import { dbtForTests } from "./test-dbt.js";

const FORECAST = "atlas/met/bergen_forecast";
/** What the forecast's code version change makes unsynced, each with the upstream at cause. */
const DOWNSTREAM: Record<string, string> = {
  "atlas/met/stg_bergen_forecast": FORECAST,
  // Traced through the ephemeral int_met__bergen_precipitation_periods.
  "atlas/met/bergen_daily_weather": "atlas/met/stg_bergen_forecast",
  "atlas/serving/daily_overview": "atlas/met/bergen_daily_weather",
  "atlas/serving/daily_overview_json": "atlas/serving/daily_overview",
};
const MET_SIDE = [FORECAST, ...Object.keys(DOWNSTREAM)].sort();
/** The met side by group: `group:met` selects these, the serving assets below them are in group serving. */
const MET_GROUP = [FORECAST, "atlas/met/stg_bergen_forecast", "atlas/met/bergen_daily_weather"].sort();
const SERVING = ["atlas/serving/daily_overview", "atlas/serving/daily_overview_json"];
/** Materialized with the rest and untouched by the edit: they must stay SYNCED. */
const SSB_SIDE = ["atlas/ssb/house_price_index_raw", "atlas/ssb/stg_house_price_index", "atlas/ssb/dwelling_types", "atlas/ssb/house_price_index", "atlas/serving/locations"];

const example = exampleDir();
const FLYT = join(example, "..", "..", "packages", "cli", "bin", "flyt.js");

/** Copies the example's sources (no build output, dependencies, generated data or dbt output) into a fresh folder under examples/atlas/.test-work. */
function copyExample(): string {
  const work = join(example, ".test-work");
  mkdirSync(work, { recursive: true });
  const copy = mkdtempSync(join(work, "unsynced-"));
  const skip = new Set(["dist", "node_modules", "data", ".test-work", "target", "logs"]);
  const keep = (name: string): boolean => !skip.has(name) && !name.endsWith(".test.ts") && !name.endsWith(".duckdb");
  // Entry by entry: cpSync refuses to copy a folder into itself, even with .test-work filtered out.
  for (const name of readdirSync(example)) {
    if (keep(name)) cpSync(join(example, name), join(copy, name), { recursive: true, filter: (source) => keep(basename(source)) });
  }
  return copy;
}

/** Replaces the forecast's `codeVersion: "1"` in definitions.ts with `"2"`, as a user edits it. */
function bumpForecastCodeVersion(definitionsFile: string): void {
  const text = readFileSync(definitionsFile, "utf8");
  const start = text.indexOf('key: ["atlas", "met", "bergen_forecast"]');
  const at = text.indexOf('codeVersion: "1"', start);
  const nextAsset = text.indexOf("asset<", start);
  assert.ok(start >= 0 && at > start && (nextAsset < 0 || at < nextAsset), "definitions.ts declares the forecast with codeVersion \"1\"");
  writeFileSync(definitionsFile, `${text.slice(0, at)}codeVersion: "2"${text.slice(at + 'codeVersion: "1"'.length)}`);
}

interface Cause {
  kind: string;
  message: string;
  upstream: string | null;
}
interface Unsynced {
  key: string;
  partitioned: boolean;
  causes: Cause[];
}
interface RunResult {
  runId: string;
  status: string;
  message: string | null;
  steps: Array<{ stepKey: string; status: string; errorMessage: string | null }>;
}

async function graphql<T>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (body.errors?.length || body.data === undefined) throw new Error(`GraphQL ${query.trim().split("\n")[0]}: ${JSON.stringify(body.errors ?? body)}`);
  return body.data;
}

async function waitFor<T>(fn: () => Promise<T | null>, timeoutMs: number, what: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    await sleep(200);
  }
}

async function unsyncedAssets(url: string): Promise<Unsynced[]> {
  const data = await graphql<{ unsyncedAssets: Unsynced[] }>(url, "{ unsyncedAssets { key partitioned causes { kind message upstream } } }");
  return data.unsyncedAssets;
}

/** Each key's sync state, e.g. `{ "atlas/met/bergen_forecast": "SYNCED" }`. */
async function syncStates(url: string, keys: string[]): Promise<Record<string, string>> {
  const states: Record<string, string> = {};
  for (const key of keys) {
    const data = await graphql<{ asset: { sync: { state: string } } | null }>(url, "query($key: String!) { asset(key: $key) { sync { state } } }", { key });
    states[key] = data.asset?.sync.state ?? "NOT LOADED";
  }
  return states;
}

/**
 * Calls `materializeUnsynced(selection)` and checks it launched exactly one run of exactly `expected`
 * (no backfill: no partition of the SSB ingest is unsynced; nothing skipped). Returns the run's id.
 */
async function materializeUnsynced(url: string, selection: string | null, expected: string[]): Promise<string> {
  const { materializeUnsynced: result } = await graphql<{
    materializeUnsynced: { __typename: string; message: string; runs?: Array<{ runId: string; assetKeys: string[] }>; launched?: string[]; backfills?: unknown[]; skipped?: unknown[] };
  }>(
    url,
    `mutation($selection: String) { materializeUnsynced(selection: $selection) { __typename ... on MaterializeUnsyncedSuccess { message runs { runId assetKeys } launched backfills { id } skipped { key reason } } ... on Error { message } } }`,
    { selection },
  );
  assert.equal(result.__typename, "MaterializeUnsyncedSuccess", result.message);
  assert.deepEqual([...result.launched!].sort(), expected, result.message);
  assert.deepEqual(result.backfills, [], result.message);
  assert.deepEqual(result.skipped, [], result.message);
  assert.equal(result.runs!.length, 1, result.message);
  assert.deepEqual([...result.runs![0]!.assetKeys].sort(), expected);
  return result.runs![0]!.runId;
}

const RUN_FIELDS = "runId status message steps { stepKey status errorMessage }";

void describe("Atlas: a code version change, and Materialize unsynced (flyt dev on a copy of the example)", () => {
  let copy: string | null = null;
  let dev: ChildProcess | null = null;
  after(async () => {
    if (dev !== null && dev.exitCode === null && dev.signalCode === null) {
      const exited = new Promise((resolve) => dev!.once("exit", resolve));
      dev.kill("SIGTERM");
      const timer = setTimeout(() => dev!.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    if (copy !== null) rmSync(copy, { recursive: true, force: true });
    // .test-work itself too, unless another test's copy is still in it.
    try {
      rmdirSync(join(example, ".test-work"));
    } catch {
      // not empty, or already gone
    }
  });

  void it("marks the forecast and its downstream unsynced after its code version changes, and Materialize unsynced brings them back in sync", { timeout: 110_000 }, async () => {
    assert.ok(existsSync(join(example, "..", "..", "packages", "cli", "dist", "main.js")), "the CLI is built (npx tsc -b)");
    copy = copyExample();
    const definitionsFile = join(copy, "definitions.ts");
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NO_COLOR: "1",
      FLYT_LOG_PRETTY: "0",
      FLYT_LOG_LEVEL: "info",
      FLYT_HOME: join(copy, ".flyt", "home"),
      FLYT_DATABASE_URL: "",
      // Bundles of the copy's definitions stay in the copy (and go with it).
      FLYT_DEFINITIONS_CACHE: join(copy, ".flyt", "definitions-cache"),
      ATLAS_SOURCE: "fixtures",
      ATLAS_FIXTURES_DIR: join(copy, "fixtures"),
      ATLAS_DATA_DIR: join(copy, "data"),
      FLYT_DBT_EXECUTABLE: dbtForTests(),
    };
    delete env["ATLAS_DUCKDB_PATH"];
    delete env["ATLAS_DBT_TARGET"];

    const stopped = spawnSync(process.execPath, [FLYT, "automation", "stop"], { cwd: copy, env, encoding: "utf8" });
    assert.equal(stopped.status, 0, `flyt automation stop: ${stopped.stdout}${stopped.stderr}`);

    const child = spawn(process.execPath, [FLYT, "dev", "-f", definitionsFile, "--port", "0"], { cwd: copy, env, stdio: ["ignore", "pipe", "pipe"] });
    dev = child;
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const tail = () => `\nflyt dev output:\n${output.slice(-4000)}`;
    const alive = () => {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`flyt dev exited (${child.exitCode ?? child.signalCode})${tail()}`);
    };

    const url = await waitFor(
      async () => {
        alive();
        const match = /Flyt dev is up at (http:\/\/[^\s"]+)/.exec(output);
        return match === null ? null : match[1]!;
      },
      30_000,
      () => `flyt dev to answer${tail()}`,
    );
    await waitFor(
      async () => {
        alive();
        const { locations } = await graphql<{ locations: Array<{ status: string; errorMessage: string | null }> }>(url, "{ locations { status errorMessage } }");
        if (locations[0]?.status === "ERROR") throw new Error(`the copy did not load: ${locations[0].errorMessage}`);
        return locations.length === 1 && locations[0]!.status === "LOADED" ? true : null;
      },
      60_000,
      () => `the location to load${tail()}`,
    );

    const runToEnd = async (runId: string): Promise<RunResult> =>
      waitFor(
        async () => {
          alive();
          const { run } = await graphql<{ run: RunResult | null }>(url, `query($id: String!) { run(runId: $id) { ${RUN_FIELDS} } }`, { id: runId });
          return run !== null && ["SUCCESS", "FAILURE", "CANCELED"].includes(run.status) ? run : null;
        },
        60_000,
        () => `run ${runId} to end${tail()}`,
      );
    const assertSucceeded = (run: RunResult) =>
      assert.equal(run.status, "SUCCESS", `run ${run.runId}: ${run.message ?? ""}\n${JSON.stringify(run.steps.filter((s) => s.status !== "SUCCESS"), null, 1)}${tail()}`);

    // 1. Everything the served document is made from: the 2023 SSB year, the forecast, the seeds and the dbt models.
    let started = performance.now();
    const launched = await graphql<{ launchRun: { __typename: string; message?: string; run?: { runId: string } } }>(
      url,
      `mutation { launchRun(selection: "+atlas/serving/daily_overview_json", partition: "2023") { __typename ... on LaunchRunSuccess { run { runId } } ... on Error { message } } }`,
    );
    assert.equal(launched.launchRun.__typename, "LaunchRunSuccess", launched.launchRun.message);
    assertSucceeded(await runToEnd(launched.launchRun.run!.runId));
    const firstRunMs = performance.now() - started;

    assert.deepEqual(await unsyncedAssets(url), [], "nothing is unsynced after the first materialization");
    const everySynced = Object.fromEntries([...MET_SIDE, ...SSB_SIDE].map((key) => [key, "SYNCED"]));
    assert.deepEqual(await syncStates(url, [...MET_SIDE, ...SSB_SIDE]), everySynced);

    // 2. The user bumps the forecast's code version; flyt dev sees the file change and reloads the location.
    started = performance.now();
    bumpForecastCodeVersion(definitionsFile);
    await waitFor(
      async () => {
        alive();
        const { asset } = await graphql<{ asset: { codeVersion: string | null } | null }>(url, `{ asset(key: "${FORECAST}") { codeVersion } }`);
        return asset?.codeVersion === "2" ? true : null;
      },
      30_000,
      () => `flyt dev to reload the edited definitions (code version 2)${tail()}`,
    );
    const reloadMs = performance.now() - started;

    const unsynced = await unsyncedAssets(url);
    assert.deepEqual(
      unsynced.map(({ key, partitioned, causes }) => ({ key, partitioned, causes })),
      [
        { key: FORECAST, partitioned: false, causes: [{ kind: "code_version_changed", message: "code version 1 → 2", upstream: null }] },
        ...Object.entries(DOWNSTREAM).map(([key, upstream]) => ({
          key,
          partitioned: false,
          causes: [{ kind: "upstream_unsynced", message: `upstream ${upstream} is unsynced`, upstream }],
        })),
      ].sort((a, b) => (a.key < b.key ? -1 : 1)),
    );
    assert.deepEqual(await syncStates(url, SSB_SIDE), Object.fromEntries(SSB_SIDE.map((key) => [key, "SYNCED"])), "the SSB side stays in sync");

    // 3. Materialize unsynced with the catalog filtered to group met (the README's example): one run of
    // the three met assets; the serving assets downstream, in group serving, are left unsynced.
    started = performance.now();
    const metRun = await materializeUnsynced(url, "group:met", MET_GROUP);
    assertSucceeded(await runToEnd(metRun));
    assert.deepEqual(await unsyncedAssets(url), [
      {
        key: "atlas/serving/daily_overview",
        partitioned: false,
        causes: [{ kind: "upstream_data_version_changed", message: "upstream atlas/met/bergen_daily_weather has a newer data version", upstream: "atlas/met/bergen_daily_weather" }],
      },
      {
        key: "atlas/serving/daily_overview_json",
        partitioned: false,
        causes: [{ kind: "upstream_unsynced", message: "upstream atlas/serving/daily_overview is unsynced", upstream: "atlas/serving/daily_overview" }],
      },
    ]);
    const metRunMs = performance.now() - started;

    // 4. Materialize unsynced without a filter (every loaded asset): the rest, and nothing is unsynced any more.
    started = performance.now();
    const servingRun = await materializeUnsynced(url, null, SERVING);
    assertSucceeded(await runToEnd(servingRun));
    const servingRunMs = performance.now() - started;

    assert.deepEqual(await unsyncedAssets(url), [], "nothing is unsynced once the runs succeeded");
    assert.deepEqual(await syncStates(url, [...MET_SIDE, ...SSB_SIDE]), everySynced);
    const forecast = await graphql<{ asset: { latestMaterialization: { runId: string } | null } }>(url, `{ asset(key: "${FORECAST}") { latestMaterialization { runId } } }`);
    assert.equal(forecast.asset.latestMaterialization?.runId, metRun, "the forecast was re-ingested by the first Materialize unsynced run");

    console.log(`[atlas unsynced] first run ${Math.round(firstRunMs)} ms, reload ${Math.round(reloadMs)} ms, materialize unsynced group:met ${Math.round(metRunMs)} ms, the rest ${Math.round(servingRunMs)} ms`);
  });
});
