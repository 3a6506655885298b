/**
 * `runDbtStep` with real dbt on DuckDB, on Flyt's own atlas_mini project (copied to a temp dir):
 * every node reported once, in dbt's order, while dbt still runs; tests as checks (pass, fail,
 * warn); a failing model with its skipped downstream and dbt's message; a failed blocking test
 * with nothing downstream selected (the step succeeds, the check fails); a subset built exactly;
 * partition vars reaching dbt; cancellation mid-query (SIGINT, then SIGTERM for a child that
 * ignores it); and the errors: no dbt, a bad target, a project that does not parse. Also the
 * source tests run on their own (`runDbtTests`).
 *
 * The tests of the main suite share one project copy and run in order (each builds on the
 * warehouse the previous ones left). They need real dbt: FLYT_TEST_DBT or .venv-dbt
 * (scripts/install-dbt.sh); without it they fail saying so.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { join } from "node:path";
import type { DbtAssetNode, DbtAssetsOptions, DbtProjectMap } from "../types.js";
import { DbtCanceledError, DbtExecutableNotFoundError, DbtParseError, DbtStepError } from "./errors.js";
import { runDbtStep, runDbtTests, type DbtRunHooks } from "./execute.js";
import type { DbtLogEvent } from "./log.js";
import { dbtParse } from "./parse.js";
import type { DbtProcessExit } from "./process.js";
import { readRunResults } from "./run-results.js";
import { copyProject, dbtForTests, mapManifest, percentile, recordingContext, type TestProject } from "./test-support.js";

const K = (name: string): string => `atlas_mini/${name}`;
const ALL_ASSETS = [
  "regions",
  "ssb_house_price_index_raw",
  "regions_snapshot",
  "stg_house_prices",
  "stg_met_forecast",
  "house_price_yearly",
  "house_price_summary",
  "house_price_index_for_year",
  "daily_weather",
  "daily_overview",
  "slow_query",
].map(K);

/** Hooks that record dbt's parsed events (with when they arrived) and the process's exit. */
function recorder(): { hooks: DbtRunHooks; events: Array<{ event: DbtLogEvent; at: number }>; exit: () => DbtProcessExit; output: string[]; pid: () => number } {
  const events: Array<{ event: DbtLogEvent; at: number }> = [];
  const output: string[] = [];
  let exit: DbtProcessExit | null = null;
  let pid = 0;
  return {
    events,
    output,
    hooks: {
      onEvent: (event, at) => void events.push({ event, at }),
      onExit: (e) => void (exit = e),
      onSpawn: (p) => void (pid = p),
      output: (_stream, text) => void output.push(text),
    },
    exit: () => {
      assert.ok(exit, "dbt exited");
      return exit;
    },
    pid: () => pid,
  };
}

/**
 * Whether a process group has no live process left (within a second). Zombies do not count: a
 * killed child whose parent died is reaped by PID 1 whenever that gets to it (seconds, in some
 * containers), but it runs nothing and holds nothing.
 */
async function gone(pgid: number): Promise<boolean> {
  const live = (): boolean => {
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      } catch {
        continue;
      }
      // pid (comm) state ppid pgrp …; comm may contain spaces and parentheses.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid && fields[0] !== "Z") return true;
    }
    return false;
  };
  for (let i = 0; i < 100; i++) {
    if (!live()) return true;
    await sleep(10);
  }
  return false;
}

function targetPathOf(logs: Array<{ message: string; fields: Record<string, unknown> | undefined }>): string {
  const start = logs.find((l) => l.message.startsWith("Running "));
  assert.ok(start, "the command is logged");
  return String(start.fields?.target_path);
}

describe("runDbtStep on DuckDB (real dbt)", () => {
  let project: TestProject;
  let map: DbtProjectMap;
  let options: DbtAssetsOptions;
  const cleanup: string[] = [];

  before(() => {
    const dbt = dbtForTests();
    project = copyProject("atlas_mini");
    const manifest = dbtParse({ project: project.dir, executable: dbt, profilesDir: project.dir, env: project.env });
    map = mapManifest(manifest);
    options = { project: project.dir, manifest, executable: dbt, profilesDir: project.dir, env: project.env };
  });
  after(() => {
    for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
    project?.[Symbol.dispose]();
  });

  void it("builds every node once, in dbt's order, each reported while dbt still runs; tests become checks", async () => {
    assert.deepEqual([...map.byAssetKey.keys()].sort(), [...ALL_ASSETS].sort(), "ephemeral int_house_prices_yearly is no asset");
    const rec = recordingContext({ assetKeys: ALL_ASSETS });
    const r = recorder();
    await runDbtStep(map, options, rec.ctx, r.hooks);
    const target = targetPathOf(rec.logs());
    cleanup.push(target);

    // One materialization per node, in the order dbt finished them.
    const finished = r.events.filter((e) => e.event.kind === "node-finished");
    const order = finished.map((e) => (e.event.kind === "node-finished" ? map.byUniqueId.get(e.event.node.uniqueId)?.assetKey : null));
    const materializations = rec.materializations();
    assert.deepEqual(materializations.map((m) => m.assetKey), order);
    assert.deepEqual([...materializations.map((m) => m.assetKey)].sort(), [...ALL_ASSETS].sort());

    // Live: reported as each node finished, not at the end.
    const exit = r.exit();
    assert.equal(exit.code, 0);
    assert.ok(materializations[0]!.at < finished.at(-1)!.at, "the first node was reported before dbt finished the last one");
    assert.ok(materializations[0]!.at < exit.exitedAt, "and before dbt exited");
    const latencies = materializations.map((m, i) => {
      const event = finished[i]!.event;
      return m.wall - Date.parse(event.kind === "node-finished" ? (event.ts ?? "") : "");
    });
    const p50 = percentile(latencies, 50);
    console.log(`dbt node finished → reportMaterialization: p50 ${p50} ms, max ${Math.max(...latencies)} ms over ${latencies.length} nodes`);
    assert.ok(p50 < 1000, `p50 latency ${p50} ms`);

    // Metadata.
    const meta = new Map(materializations.map((m) => [m.assetKey, m.metadata]));
    const regions = meta.get(K("regions"))!;
    assert.equal(regions.dbt_status, "INSERT 5");
    assert.deepEqual(regions.rows_affected, { type: "int", value: 5 });
    assert.equal(regions.materialized, "seed");
    assert.equal(regions.dbt_unique_id, "seed.atlas_mini.regions");
    const stg = meta.get(K("stg_house_prices"))!;
    assert.equal(stg.materialized, "view");
    assert.equal(stg.relation, '"atlas_mini"."main"."stg_house_prices"');
    assert.equal(stg.dbt_status, "OK");
    assert.equal((stg.execution_time_s as { type: string }).type, "float");
    const compiled = (stg.compiled_sql_path as { type: string; value: string }).value;
    assert.equal(compiled, join(target, "compiled", "atlas_mini", "models", "staging", "stg_house_prices.sql"));
    assert.match(readFileSync(compiled, "utf8"), /from "atlas_mini"\."main"\."ssb_house_price_index_raw"/);
    assert.equal(meta.get(K("regions_snapshot"))!.materialized, "snapshot");

    // Checks: every test of the built nodes; the warn-severity test that finds nulls is not passed.
    const checks = rec.checks();
    assert.equal(checks.length, 19, "21 tests, minus the 2 source tests (checks of the source's asset, not of this step)");
    const failing = checks.filter((c) => !c.passed);
    assert.deepEqual(failing.map((c) => `${c.assetKey}:${c.checkName}`), [`${K("stg_met_forecast")}:not_null_stg_met_forecast_precipitation_1h_mm`]);
    assert.equal(failing[0]!.metadata?.dbt_status, "warn");
    assert.deepEqual(failing[0]!.metadata?.num_failures, { type: "int", value: 10 });
    assert.match(failing[0]!.description ?? "", /warned \(10 failing rows\)/);
    assert.ok(checks.some((c) => c.checkName === "assert_daily_temperature_range" && c.passed), "the singular test");
    assert.ok(checks.some((c) => c.checkName.startsWith("relationships_house_price_yearly") && c.passed));
    assert.ok(!r.events.some((e) => e.event.kind === "test-finished" && e.event.node.uniqueId.includes("source_")), "source tests did not run");

    // dbt's lines are the step's log, once.
    const logs = rec.logs();
    assert.ok(logs.some((l) => l.level === "info" && l.message.includes("Concurrency: 1 threads")));
    assert.ok(logs.some((l) => l.message.includes("START sql view model main.stg_house_prices")));
    assert.ok(!logs.some((l) => l.message.includes("OK created sql view model main.stg_house_prices")), "the result line became the materialization");
    assert.ok(logs.some((l) => l.level === "warn" && l.message.includes("Got 10 results, configured to warn if != 0")));
    assert.equal(logs.find((l) => l.message.startsWith("Running "))?.fields?.selection, "explicit");
    assert.deepEqual(r.output, [], "nothing but JSON on stdout, nothing on stderr");

    // The per-run target path keeps the run's record, not the bulky artifacts.
    assert.ok(existsSync(join(target, "run_results.json")));
    assert.ok(existsSync(join(target, "dbt.log")));
    assert.ok(!existsSync(join(target, "manifest.json")));
    // It started from the project's partial-parse state.
    assert.ok(!logs.some((l) => l.fields?.dbt_event === "UnableToPartialParse"), "dbt reused the parse of dbtParse");
  });

  void it("fails the step for a failing model and the nodes dbt skipped, with dbt's message; the rest stays reported", async () => {
    const rec = recordingContext({ assetKeys: ALL_ASSETS });
    const run = runDbtStep(map, { ...options, extraArgs: ["--vars", JSON.stringify({ atlas_mini_fail_model: true, atlas_mini_max_index: 150 })] }, rec.ctx);
    const error = await run.then(
      () => assert.fail("the step should fail"),
      (e: unknown) => e,
    );
    cleanup.push(targetPathOf(rec.logs()));
    assert.ok(error instanceof DbtStepError, String(error));
    const problems = new Map(error.problems.map((p) => [p.assetKey, p]));
    assert.deepEqual([...problems.keys()].sort(), [K("daily_overview"), K("daily_weather"), K("house_price_summary")]);
    assert.equal(problems.get(K("daily_weather"))!.kind, "error");
    assert.match(problems.get(K("daily_weather"))!.message, /Runtime Error in model daily_weather[\s\S]*Could not convert string 'not a number'/);
    assert.equal(problems.get(K("house_price_summary"))!.kind, "skipped");
    assert.equal(problems.get(K("house_price_summary"))!.message, "skipped by dbt: test assert_house_price_index_plausible of upstream model house_price_yearly failed");
    assert.match(problems.get(K("daily_overview"))!.message, /upstream model daily_weather failed/);
    assert.match(problems.get(K("daily_overview"))!.message, /test assert_house_price_index_plausible of upstream model house_price_yearly failed/);
    assert.equal(error.exitCode, 1);
    assert.match(error.message, /^dbt build did not build 3 of 11 selected nodes \(dbt exited with code 1\):\n {2}- atlas_mini\/daily_weather \(model\.atlas_mini\.daily_weather\) failed: Runtime Error/m);
    assert.match(error.message, /The other 8 were built and stay materialized\./);

    // What was built stays reported; the failed and skipped nodes are not.
    const reported = rec.materializations().map((m) => m.assetKey);
    assert.equal(reported.length, 8);
    for (const key of problems.keys()) assert.ok(!reported.includes(key), key);
    // The failing-on-purpose test: a failed check with dbt's count; the tests of skipped nodes have no result.
    const plausible = rec.checks().find((c) => c.checkName === "assert_house_price_index_plausible");
    assert.equal(plausible?.passed, false);
    assert.deepEqual(plausible?.metadata?.num_failures, { type: "int", value: 6 });
    assert.ok(!rec.checks().some((c) => c.assetKey === K("daily_weather") || c.assetKey === K("house_price_summary")));
    // One warning per skipped node, with its reason.
    const warnings = rec.logs().filter((l) => l.level === "warn" && / was skipped by dbt/.test(l.message));
    assert.deepEqual(warnings.map((w) => w.message.split(" ")[0]).sort(), [K("daily_overview"), K("house_price_summary")]);
  });

  void it("builds exactly a subset and its tests; a failed blocking test with nothing selected downstream leaves the step successful", async () => {
    const target = mkdtempSync(join(tmpdir(), "flyt-dbt-target-"));
    cleanup.push(target);
    writeFileSync(join(target, "run_results.json"), JSON.stringify({ metadata: { invocation_id: "stale" }, results: [] }));
    const keys = [K("stg_house_prices"), K("house_price_yearly")];
    const rec = recordingContext({ assetKeys: keys });
    await runDbtStep(map, { ...options, targetPath: target, extraArgs: ["--vars", JSON.stringify({ atlas_mini_max_index: 150 })] }, rec.ctx);

    assert.deepEqual(rec.materializations().map((m) => m.assetKey), keys);
    const checks = rec.checks();
    assert.deepEqual(checks.map((c) => c.assetKey).sort(), [...Array<string>(3).fill(keys[0]!), ...Array<string>(4).fill(keys[1]!)].sort());
    assert.equal(checks.length, 7);
    assert.deepEqual(checks.filter((c) => !c.passed).map((c) => c.checkName), ["assert_house_price_index_plausible"]);
    assert.ok(rec.logs().some((l) => /dbt exited with code 1 because 1 test failed .*the step succeeds/.test(l.message)));

    // dbt ran exactly these nodes and tests (and the project's on-run-start hook).
    const results = readRunResults(join(target, "run_results.json"));
    assert.ok(results && results.invocationId !== "stale", "the stale file was removed before the run");
    const ran = results.results.map((r) => r.uniqueId).filter((id) => !id.startsWith("operation."));
    const expected = [...map.assets.filter((a) => keys.includes(a.assetKey)).map((a) => a.uniqueId), ...map.checks.filter((c) => keys.includes(c.assetKey)).map((c) => c.uniqueId)];
    assert.deepEqual(ran.sort(), expected.sort());
    assert.ok(existsSync(join(target, "manifest.json")), "a target path the user set is left as dbt wrote it");
  });

  void it("passes the partition to dbt as vars", async () => {
    const rec = recordingContext({
      assetKeys: [K("house_price_index_for_year")],
      partitionKey: "2022",
      partitionTimeWindow: { start: new Date("2022-01-01T00:00:00Z"), end: new Date("2023-01-01T00:00:00Z") },
    });
    await runDbtStep(map, options, rec.ctx);
    cleanup.push(targetPathOf(rec.logs()));
    const [materialization] = rec.materializations();
    const compiled = readFileSync((materialization!.metadata.compiled_sql_path as { value: string }).value, "utf8");
    assert.match(compiled, /'2022' as partition_key/);
    assert.match(compiled, /where year = cast\('2022' as integer\)/);
    assert.match(rec.logs().find((l) => l.message.startsWith("Running "))!.message, /--vars '\{"flyt_partition_key":"2022","flyt_partition_start":"2022-01-01T00:00:00.000Z","flyt_partition_end":"2023-01-01T00:00:00.000Z"\}'/);
  });

  void it("interrupts dbt mid-query on cancellation: SIGINT, dbt cancels and exits, its process group is gone", async () => {
    const controller = new AbortController();
    const rec = recordingContext({ assetKeys: [K("slow_query")], signal: controller.signal });
    const r = recorder();
    let abortedAt = 0;
    const hooks: DbtRunHooks = {
      ...r.hooks,
      onEvent: (event, at) => {
        r.hooks.onEvent?.(event, at);
        if (event.kind === "node-started" && event.node.uniqueId === "model.atlas_mini.slow_query") {
          setTimeout(() => {
            abortedAt = performance.now();
            controller.abort(new Error("canceled by the test"));
          }, 300);
        }
      },
    };
    const error = await runDbtStep(map, { ...options, cancelGraceMs: 8000, extraArgs: ["--vars", JSON.stringify({ atlas_mini_slow_rows: 100_000_000 })] }, rec.ctx, hooks).then(
      () => assert.fail("the step should be canceled"),
      (e: unknown) => e,
    );
    const endedAfter = performance.now() - abortedAt;
    cleanup.push(targetPathOf(rec.logs()));
    assert.ok(error instanceof DbtCanceledError, String(error));
    assert.equal(error.name, "AbortError");
    assert.equal(error.signal, null, "dbt exited on SIGINT, no SIGTERM needed");
    assert.ok(endedAfter < 8000, `ended ${Math.round(endedAfter)} ms after the abort, within the grace period`);
    assert.ok(await gone(r.pid()), "dbt's process group is gone");
    assert.ok(r.events.some((e) => e.event.kind === "node-canceled"), "dbt canceled the query");
    assert.deepEqual(rec.materializations(), []);
    console.log(`cancellation: dbt ended ${Math.round(endedAfter)} ms after the abort`);
  });

  void it("runs the source tests on their own (runDbtTests)", async () => {
    const tests = map.checks.filter((c) => c.onSource);
    assert.equal(tests.length, 2);
    const rec = recordingContext({ assetKeys: [] });
    const outcomes = await runDbtTests(map, options, tests, { runId: "r1", partitionKey: null, log: rec.ctx.log, signal: rec.ctx.signal });
    cleanup.push(targetPathOf(rec.logs()));
    assert.deepEqual([...outcomes.keys()].sort(), tests.map((t) => t.uniqueId).sort());
    assert.ok([...outcomes.values()].every((o) => o.passed && o.message === null));
  });

  void it("fails with dbt's own error when dbt cannot run anything (an unknown target)", async () => {
    const rec = recordingContext({ assetKeys: [K("regions")] });
    const error = await runDbtStep(map, { ...options, target: "nope" }, rec.ctx).then(
      () => assert.fail("the step should fail"),
      (e: unknown) => e,
    );
    cleanup.push(targetPathOf(rec.logs()));
    assert.ok(error instanceof DbtStepError, String(error));
    assert.deepEqual(error.problems.map((p) => [p.assetKey, p.kind]), [[K("regions"), "missing"]]);
    assert.equal(error.exitCode, 2);
    assert.match(error.message, /dbt said:[\s\S]*does not have a target named 'nope'/);
  });
});

/** A one-asset map for tests that never reach a warehouse. */
function tinyMap(): DbtProjectMap {
  const node: DbtAssetNode = {
    uniqueId: "model.tiny.a",
    resourceType: "model",
    name: "a",
    assetKey: "tiny/a",
    selector: "tiny.a",
    deps: [],
    sourceDeps: [],
    description: null,
    group: null,
    owners: [],
    tags: {},
    kinds: ["dbt", "duckdb"],
    codeVersion: null,
    relation: null,
    materialized: "table",
    columns: [],
    path: "models/a.sql",
    meta: {},
    automation: null,
  };
  return { projectName: "tiny", adapter: "duckdb", dbtVersion: null, assets: [node], checks: [], sources: [], exposures: [], byUniqueId: new Map([[node.uniqueId, node]]), byAssetKey: new Map([[node.assetKey, node]]) };
}

/** A stand-in for dbt: a shell script (which may ignore SIGINT), for what real dbt will not do on demand. */
function fakeDbt(dir: string, body: string): string {
  const path = join(dir, "fake-dbt");
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe("running dbt: processes and errors", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "flyt-dbt-proc-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  void it("names a missing executable and how to install dbt", async () => {
    const rec = recordingContext({ assetKeys: ["tiny/a"] });
    const error = await runDbtStep(tinyMap(), { project: dir, executable: join(dir, "no-such-dbt"), targetPath: join(dir, "t1") }, rec.ctx).then(
      () => assert.fail("should fail"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof DbtExecutableNotFoundError, String(error));
    assert.equal(error.reason, "ENOENT");
    assert.match(error.message, /no-such-dbt" was not found \(ENOENT\)/);
    assert.match(error.message, /scripts\/install-dbt\.sh/);
    assert.match(error.message, /FLYT_DBT_EXECUTABLE/);
    assert.throws(() => dbtParse({ project: dir, executable: join(dir, "no-such-dbt") }), DbtExecutableNotFoundError);
  });

  void it("escalates to SIGTERM after the grace period when dbt ignores SIGINT, and leaves no process behind", async () => {
    const executable = fakeDbt(dir, `trap '' INT\necho '{"info": {"name": "MainReportVersion", "level": "info", "msg": "Running with dbt=fake", "invocation_id": "fake"}, "data": {}}'\nsleep 30`);
    const controller = new AbortController();
    const rec = recordingContext({ assetKeys: ["tiny/a"], signal: controller.signal });
    const r = recorder();
    const started = runDbtStep(tinyMap(), { project: dir, executable, targetPath: join(dir, "t2"), cancelGraceMs: 300 }, rec.ctx, {
      ...r.hooks,
      onEvent: (event, at) => {
        r.hooks.onEvent?.(event, at);
        controller.abort();
      },
    });
    const t0 = performance.now();
    const error = await started.then(
      () => assert.fail("should be canceled"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof DbtCanceledError, String(error));
    assert.equal(error.signal, "SIGTERM");
    assert.match(error.message, /was killed by SIGTERM/);
    assert.ok(performance.now() - t0 < 5000);
    assert.ok(await gone(r.pid()), "sleep went with its group");
    assert.ok(rec.logs().some((l) => l.message === "Running with dbt=fake"), "dbt's lines reached the log before");
  });

  void it("fails with dbt's stderr when dbt dies before reporting anything", async () => {
    const executable = fakeDbt(dir, `echo 'not json: starting' \necho 'Traceback (most recent call last):' >&2\necho 'ImportError: no module named dbt.adapters.duckdb' >&2\nexit 2`);
    const rec = recordingContext({ assetKeys: ["tiny/a"] });
    const r = recorder();
    const error = await runDbtStep(tinyMap(), { project: dir, executable, targetPath: join(dir, "t3") }, rec.ctx, r.hooks).then(
      () => assert.fail("should fail"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof DbtStepError, String(error));
    assert.deepEqual(error.problems.map((p) => p.kind), ["missing"]);
    assert.match(error.message, /dbt exited with code 2/);
    assert.match(error.message, /ImportError: no module named dbt\.adapters\.duckdb/);
    assert.deepEqual(r.output.join(""), "not json: starting\nTraceback (most recent call last):\nImportError: no module named dbt.adapters.duckdb\n");
    assert.ok(rec.logs().some((l) => l.level === "warn" && /wrote no run_results\.json/.test(l.message)));
  });

  void it("rejects at once when the run is already canceled", async () => {
    const controller = new AbortController();
    controller.abort();
    const rec = recordingContext({ assetKeys: ["tiny/a"], signal: controller.signal });
    await assert.rejects(runDbtStep(tinyMap(), { project: dir, executable: "dbt", targetPath: join(dir, "t4") }, rec.ctx), DbtCanceledError);
  });

  void it("dbtParse fails with dbt's message for a project that does not parse", () => {
    const dbt = dbtForTests();
    using project = copyProject("atlas_mini");
    writeFileSync(join(project.dir, "models", "marts", "broken.sql"), "select * from {{ ref('no_such_model') }}\n");
    assert.throws(
      () => dbtParse({ project: project.dir, executable: dbt, profilesDir: project.dir, env: project.env }),
      (error: unknown) => error instanceof DbtParseError && error.exitCode !== 0 && /no_such_model/.test(error.message) && /broken/.test(error.message),
    );
  });
});
