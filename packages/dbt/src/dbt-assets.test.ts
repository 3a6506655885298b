/**
 * dbtAssets end to end: the atlas_mini project's definitions loaded from a file by the real run
 * worker (a worker subprocess per run), runs stored in real storage, real dbt on DuckDB. Each model, seed and
 * snapshot's materialization is in storage while dbt still runs; tests are check results with their
 * declared severity; the source test runs as a check of the upstream asset after it materializes; a
 * failing model leaves what was built materialized, fails the rest and the run, naming dbt's error;
 * a failing error-severity test is a failed check, and the models dbt skipped for it fail the step; a partitioned
 * step hands its year to dbt; canceling a run interrupts dbt and ends the run CANCELED. SQLite
 * only: both storage backends are covered by the run worker's own suites, and each build here is
 * seconds of real dbt.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import type { EventBody, RunRecord, StoredEvent } from "@flyt/core";
import { SubprocessLauncher } from "@flyt/run-worker";
import { createTestStorage, type TestStorage } from "@flyt/storage/testing";
import { copyProject, dbtForTests, type TestProject } from "./run/test-support.js";

const DEFINITIONS = fileURLToPath(new URL("./test-fixtures/definitions.js", import.meta.url));
/** Seeds first: each test builds what it reads, so it does not depend on an earlier test's build. */
const SEEDS = ["atlas_mini/ssb_house_price_index_raw", "atlas_mini/regions"];
const MODELS = ["atlas_mini/stg_house_prices", "atlas_mini/stg_met_forecast", "atlas_mini/daily_weather", "atlas_mini/house_price_yearly", "atlas_mini/daily_overview"];

type Of<T extends EventBody["type"]> = StoredEvent & { body: Extract<EventBody, { type: T }> };
const ofType = <T extends EventBody["type"]>(events: StoredEvent[], type: T): Of<T>[] => events.filter((e): e is Of<T> => e.body.type === type);

describe("dbtAssets, run by the run worker on real storage with real dbt", () => {
  let fixture: TestStorage;
  let project: TestProject;
  // A worker process per run, as deployed (the default launcher): each run reads the scenario's
  // environment (dbt vars, partitioning) when it loads the definitions.
  const launcher = new SubprocessLauncher();
  const previous: Record<string, string | undefined> = {};
  const handles = new Map<string, { cancel(reason?: string): Promise<void> }>();
  const launcherCancel = async (runId: string): Promise<void> => handles.get(runId)?.cancel("canceled by the test");

  function setEnv(values: Record<string, string | undefined>): void {
    for (const [key, value] of Object.entries(values)) {
      if (!(key in previous)) previous[key] = process.env[key];
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }

  before(async () => {
    fixture = await createTestStorage("sqlite");
    project = copyProject("atlas_mini");
    setEnv({ FLYT_TEST_DBT: dbtForTests(), FLYT_TEST_DBT_PROJECT: project.dir, FLYT_DBT_DUCKDB_PATH: project.duckdbPath, FLYT_TEST_DBT_VARS: undefined, FLYT_TEST_DBT_PARTITIONED: undefined });
  });
  after(async () => {
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    project[Symbol.dispose]();
    await fixture[Symbol.asyncDispose]();
  });

  async function launch(assetKeys: string[], options: { partitionKey?: string; whileRunning?: (run: RunRecord) => Promise<void> } = {}): Promise<{ run: RunRecord; events: StoredEvent[] }> {
    const { run } = await fixture.storage.createRun({ selection: assetKeys.join(","), assetKeys, ...(options.partitionKey === undefined ? {} : { partitionKey: options.partitionKey }) });
    const handle = launcher.launch({ run, storage: fixture.storage, definitionsFile: DEFINITIONS, environment: { ...process.env } });
    handles.set(run.runId, handle);
    await options.whileRunning?.(run);
    const done = await handle.done;
    return { run: done, events: await fixture.storage.getEvents(run.runId, { limit: 10_000 }) };
  }

  async function allAssetKeys(): Promise<string[]> {
    // Every dbt asset plus the source's upstream asset: what `--select '*'` would materialize.
    const definitions = (await import(DEFINITIONS)) as { default: { graph: { nodes: ReadonlyMap<string, unknown> } } };
    return [...definitions.default.graph.nodes.keys()];
  }

  it("streams every node's materialization into storage while dbt runs; tests become check results; the source test checks the upstream asset", async () => {
    const keys = await allAssetKeys();
    let seenWhileRunning = 0;
    const { run, events } = await launch(keys, {
      whileRunning: async (created) => {
        // Poll storage while the run is in flight: materializations must arrive before the step ends.
        for (;;) {
          const stored = await fixture.storage.getEvents(created.runId, { limit: 10_000 });
          const stepEnded = stored.some((e) => e.stepKey === "dbt_atlas_mini" && (e.body.type === "STEP_SUCCESS" || e.body.type === "STEP_FAILURE"));
          if (stepEnded) return;
          seenWhileRunning = Math.max(seenWhileRunning, ofType(stored, "ASSET_MATERIALIZATION").filter((e) => e.stepKey === "dbt_atlas_mini").length);
          await sleep(25);
        }
      },
    });
    assert.equal(run.status, "SUCCESS", JSON.stringify(ofType(events, "RUN_FAILURE")[0]?.body));
    assert.ok(seenWhileRunning >= 1, "materializations were in storage before the dbt step ended");
    const materialized = ofType(events, "ASSET_MATERIALIZATION").map((e) => e.body.assetKey);
    for (const model of MODELS) assert.equal(materialized.filter((k) => k === model).length, 1, `${model} materialized once`);
    const overview = ofType(events, "ASSET_MATERIALIZATION").find((e) => e.body.assetKey === "atlas_mini/daily_overview")!;
    assert.equal(overview.body.metadata.dbt_unique_id?.value, "model.atlas_mini.daily_overview");
    const checks = ofType(events, "ASSET_CHECK_EVALUATION");
    assert.ok(checks.length >= 10, `dbt tests became check results (${checks.length})`);
    assert.ok(checks.some((c) => c.body.severity === "warn" && !c.body.passed), "the warn-severity test that warns is a failed warn check");
    const sourceCheck = checks.find((c) => c.body.assetKey === "met/locationforecast_bergen");
    assert.ok(sourceCheck, "the source test ran as a check of the upstream asset");
    assert.equal(sourceCheck.stepKey, "met/locationforecast_bergen", "in the upstream asset's own step, after it materialized");
    const index = await fixture.storage.getLatestCheckResults(["atlas_mini/stg_house_prices"]);
    assert.ok(index.length >= 1, "the check index has the dbt tests' results");
  });

  it("a failing model fails its asset and the run with dbt's error; what dbt built stays materialized and dbt's skips are named", async () => {
    setEnv({ FLYT_TEST_DBT_VARS: JSON.stringify({ atlas_mini_fail_model: true }) });
    try {
      const { run, events } = await launch([...SEEDS, ...MODELS]);
      assert.equal(run.status, "FAILURE");
      const failure = ofType(events, "STEP_FAILURE")[0];
      assert.equal(failure?.stepKey, "dbt_atlas_mini");
      assert.ok(failure.body.assetKeys.includes("atlas_mini/daily_weather") && failure.body.assetKeys.includes("atlas_mini/daily_overview"), failure.body.assetKeys.join(", "));
      assert.ok(!failure.body.assetKeys.includes("atlas_mini/stg_house_prices"), "a model built before the failure is not a failed asset");
      assert.match(failure.body.error.message, /daily_weather/);
      assert.match(failure.body.error.message, /daily_overview/);
      assert.deepEqual(
        ofType(events, "ASSET_MATERIALIZATION").map((e) => e.body.assetKey).sort(),
        [...SEEDS, "atlas_mini/house_price_yearly", "atlas_mini/stg_house_prices", "atlas_mini/stg_met_forecast"].sort(),
      );
    } finally {
      setEnv({ FLYT_TEST_DBT_VARS: undefined });
    }
  });

  it("a failing error-severity test is a failed check, and the models dbt then skipped fail the step naming it", async () => {
    setEnv({ FLYT_TEST_DBT_VARS: JSON.stringify({ atlas_mini_max_index: 150 }) });
    try {
      const { run, events } = await launch([...SEEDS, ...MODELS, "atlas_mini/house_price_summary"]);
      assert.equal(run.status, "FAILURE");
      const failed = ofType(events, "ASSET_CHECK_EVALUATION").filter((c) => !c.body.passed && c.body.severity === "error");
      assert.ok(failed.some((c) => c.body.checkName === "assert_house_price_index_plausible"), JSON.stringify(ofType(events, "ASSET_CHECK_EVALUATION").map((c) => [c.body.checkName, c.body.passed, c.body.severity])));
      // dbt skipped the checked model's children: the step names them and the test that caused it.
      assert.match(ofType(events, "STEP_FAILURE")[0]?.body.error.message ?? "", /assert_house_price_index_plausible/);
    } finally {
      setEnv({ FLYT_TEST_DBT_VARS: undefined });
    }
  });

  it("a partitioned dbt step hands its partition to dbt through --vars", async () => {
    setEnv({ FLYT_TEST_DBT_PARTITIONED: "1" });
    try {
      const { run, events } = await launch([...SEEDS, "atlas_mini/stg_house_prices", "atlas_mini/house_price_index_for_year"], { partitionKey: "2022" });
      assert.equal(run.status, "SUCCESS", JSON.stringify(ofType(events, "RUN_FAILURE")[0]?.body));
      const materialization = ofType(events, "ASSET_MATERIALIZATION").find((e) => e.body.assetKey === "atlas_mini/house_price_index_for_year");
      assert.equal(materialization?.body.assetKey, "atlas_mini/house_price_index_for_year");
      assert.equal(materialization.body.partition, "2022");
      const command = ofType(events, "LOG").find((e) => /flyt_partition_key/.test(JSON.stringify(e.body)));
      assert.ok(command, "the dbt command line, with the partition in --vars, is in the step's log");
    } finally {
      setEnv({ FLYT_TEST_DBT_PARTITIONED: undefined });
    }
  });

  it("canceling the run interrupts dbt and ends the run CANCELED", async () => {
    setEnv({ FLYT_TEST_DBT_VARS: JSON.stringify({ atlas_mini_slow_rows: 300_000_000 }) });
    try {
      const { run, events } = await launch(["atlas_mini/slow_query"], {
        whileRunning: async (created) => {
          // Cancel once dbt has started the slow model.
          for (let i = 0; i < 400; i++) {
            const stored = await fixture.storage.getEvents(created.runId, { limit: 10_000 });
            if (stored.some((e) => e.body.type === "LOG" && /START .*slow_query/.test(e.body.message))) break;
            await sleep(50);
          }
          await launcherCancel(created.runId);
        },
      });
      assert.equal(run.status, "CANCELED", JSON.stringify(events.map((e) => e.body.type)));
      assert.ok(events.some((e) => e.body.type === "LOG" && /START .*slow_query/.test(e.body.message)), "dbt had started the slow model when the run was canceled");
      assert.ok(run.endedAt !== null && run.startedAt !== null && run.endedAt - run.startedAt < 60_000, "dbt was interrupted, not waited for");
      assert.ok(ofType(events, "STEP_CANCELED").some((e) => e.stepKey === "dbt_atlas_mini"));
    } finally {
      setEnv({ FLYT_TEST_DBT_VARS: undefined });
    }
  });

});
