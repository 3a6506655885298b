/**
 * `runDbtStep` with real dbt on PostgreSQL: atlas_mini built in a fresh test database
 * (FLYT_TEST_DATABASE_URL, or the embedded server of @flyt/storage/testing), the connection handed
 * to the profile piece by piece through the environment. The same build as on DuckDB — every node
 * reported in dbt's order with PostgreSQL's row counts, tests as checks — and the same failures:
 * a failing model, a failing-on-purpose test, and what dbt skipped because of them.
 */
import { rmSync } from "node:fs";
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createTestDatabase } from "@flyt/storage/testing";
import type { DbtAssetsOptions } from "../types.js";
import { DbtStepError } from "./errors.js";
import { runDbtStep, type DbtRunHooks } from "./execute.js";
import type { DbtLogEvent } from "./log.js";
import { dbtParse } from "./parse.js";
import { copyProject, dbtForTests, mapManifest, recordingContext } from "./test-support.js";

const K = (name: string): string => `atlas_mini/${name}`;

/** The per-run target paths the step logged (removed after the test). */
function targetPaths(logs: Array<{ message: string; fields: Record<string, unknown> | undefined }>): string[] {
  return logs.flatMap((l) => (l.message.startsWith("Running ") && typeof l.fields?.target_path === "string" ? [l.fields.target_path] : []));
}

describe("runDbtStep on PostgreSQL (real dbt)", () => {
  void it("builds atlas_mini, reporting each node with PostgreSQL's row counts, then fails the step for a failing model with what dbt skipped", async () => {
    const dbt = dbtForTests();
    await using db = await createTestDatabase();
    using project = copyProject("atlas_mini");
    const url = new URL(db.url);
    const env = {
      FLYT_DBT_PG_HOST: url.hostname,
      FLYT_DBT_PG_PORT: url.port === "" ? "5432" : url.port,
      FLYT_DBT_PG_USER: decodeURIComponent(url.username),
      FLYT_DBT_PG_PASSWORD: decodeURIComponent(url.password),
      FLYT_DBT_PG_DBNAME: db.name,
      FLYT_DBT_PG_SCHEMA: "atlas_mini",
    };
    const targets: string[] = [];
    // The step's fresh target paths go when the test ends, however it ends.
    await using _cleanup = { [Symbol.asyncDispose]: () => Promise.resolve(targets.forEach((t) => rmSync(t, { recursive: true, force: true }))) };
    const manifest = dbtParse({ project: project.dir, executable: dbt, profilesDir: project.dir, target: "postgres", env });
    const map = mapManifest(manifest);
    const options: DbtAssetsOptions = { project: project.dir, manifest, executable: dbt, profilesDir: project.dir, target: "postgres", env };
    const keys = map.assets.map((a) => a.assetKey);
    assert.equal(keys.length, 11);

    // The green build.
    const rec = recordingContext({ assetKeys: keys });
    const events: DbtLogEvent[] = [];
    const hooks: DbtRunHooks = { onEvent: (event) => void events.push(event), output: () => undefined };
    await runDbtStep(map, options, rec.ctx, hooks);
    targets.push(...targetPaths(rec.logs()));
    const order = events.flatMap((e) => (e.kind === "node-finished" ? [map.byUniqueId.get(e.node.uniqueId)?.assetKey] : []));
    assert.deepEqual(rec.materializations().map((m) => m.assetKey), order);
    assert.equal(order.length, 11);
    const meta = new Map(rec.materializations().map((m) => [m.assetKey, m.metadata]));
    assert.equal(meta.get(K("ssb_house_price_index_raw"))!.dbt_status, "INSERT 72");
    assert.deepEqual(meta.get(K("ssb_house_price_index_raw"))!.rows_affected, { type: "int", value: 72 });
    assert.equal(meta.get(K("stg_house_prices"))!.dbt_status, "CREATE VIEW");
    assert.equal(meta.get(K("stg_house_prices"))!.rows_affected, undefined);
    // 3 regions × 3 dwelling types × 2 years.
    assert.equal(meta.get(K("house_price_yearly"))!.dbt_status, "SELECT 18");
    assert.deepEqual(meta.get(K("house_price_yearly"))!.rows_affected, { type: "int", value: 18 });
    assert.equal(meta.get(K("house_price_yearly"))!.relation, `"${db.name}"."atlas_mini"."house_price_yearly"`);
    const checks = rec.checks();
    assert.equal(checks.length, 19);
    assert.deepEqual(checks.filter((c) => !c.passed).map((c) => c.checkName), ["not_null_stg_met_forecast_precipitation_1h_mm"]);

    // A failing model and a failing-on-purpose test.
    const failing = recordingContext({ assetKeys: keys });
    const error = await runDbtStep(map, { ...options, extraArgs: ["--vars", JSON.stringify({ atlas_mini_fail_model: true, atlas_mini_max_index: 150 })] }, failing.ctx, { output: () => undefined }).then(
      () => assert.fail("the step should fail"),
      (e: unknown) => e,
    );
    targets.push(...targetPaths(failing.logs()));
    assert.ok(error instanceof DbtStepError, String(error));
    assert.deepEqual(Object.fromEntries(error.problems.map((p) => [p.assetKey, p.kind])), {
      [K("daily_weather")]: "error",
      [K("house_price_summary")]: "skipped",
      [K("daily_overview")]: "skipped",
    });
    assert.equal(error.problems[0]!.kind, "error", "failures first");
    assert.match(error.problems[0]!.message, /invalid input syntax for type integer: "not a number"/);
    assert.equal(failing.materializations().length, 8);
    assert.equal(failing.checks().find((c) => c.checkName === "assert_house_price_index_plausible")?.passed, false);
  });
});
