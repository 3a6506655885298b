/**
 * The dbt command line of a step: flags and their order, the explicit selection of nodes and
 * their tests with `--indirect-selection empty`, partition vars, the executable's resolution, the
 * per-run target path, and the fallbacks that keep 5,000 selected nodes under the command-line
 * budget.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { tmpdir } from "node:os";
import { buildDbtCommand, DEFAULT_MAX_COMMAND_BYTES, freshTargetPath, partitionVarsFor, printCommand, resolveExecutable, type DbtInvocationSpec } from "./command.js";
import { DbtSelectionTooLongError } from "./errors.js";

const base: DbtInvocationSpec = {
  executable: "/opt/dbt/bin/dbt",
  command: "build",
  projectDir: "/srv/atlas/dbt",
  targetPath: "/tmp/flyt-dbt/run-1",
  nodes: ["atlas.staging.stg_prices", "atlas.marts.prices"],
  tests: ["atlas.staging.not_null_stg_prices_price", "atlas.marts.unique_prices_id"],
  vars: null,
};

/** 5,000 models in 50 folders with three tests each, named like a real project's. */
function bigProject(): { nodes: string[]; tests: string[] } {
  const nodes: string[] = [];
  const tests: string[] = [];
  for (let i = 0; i < 5000; i++) {
    const folder = `domain_${String(i % 50).padStart(2, "0")}`;
    const model = `fct_domain_events_${String(i).padStart(4, "0")}`;
    nodes.push(`atlas.marts.${folder}.${model}`);
    for (const test of ["not_null", "unique", "accepted_values"]) tests.push(`atlas.marts.${folder}.${test}_${model}_event_id`);
  }
  return { nodes, tests };
}

describe("dbt command line", () => {
  void it("selects exactly the nodes and their tests, with dbt's flags in a fixed order", () => {
    const line = buildDbtCommand({ ...base, profilesDir: "/srv/atlas/profiles", target: "prod", vars: { flyt_partition_key: "2023" }, extraArgs: ["--threads", "4"] });
    assert.equal(line.selection, "explicit");
    assert.equal(line.executable, "/opt/dbt/bin/dbt");
    assert.deepEqual(line.args, [
      "build",
      "--select",
      "atlas.staging.stg_prices",
      "atlas.marts.prices",
      "atlas.staging.not_null_stg_prices_price",
      "atlas.marts.unique_prices_id",
      "--indirect-selection",
      "empty",
      "--log-format",
      "json",
      "--project-dir",
      "/srv/atlas/dbt",
      "--profiles-dir",
      "/srv/atlas/profiles",
      "--target",
      "prod",
      "--target-path",
      "/tmp/flyt-dbt/run-1",
      "--log-path",
      "/tmp/flyt-dbt/run-1",
      "--vars",
      '{"flyt_partition_key":"2023"}',
      "--threads",
      "4",
    ]);
    assert.equal(
      line.printed,
      `/opt/dbt/bin/dbt build --select atlas.staging.stg_prices atlas.marts.prices atlas.staging.not_null_stg_prices_price atlas.marts.unique_prices_id --indirect-selection empty --log-format json --project-dir /srv/atlas/dbt --profiles-dir /srv/atlas/profiles --target prod --target-path /tmp/flyt-dbt/run-1 --log-path /tmp/flyt-dbt/run-1 --vars '{"flyt_partition_key":"2023"}' --threads 4`,
    );
  });

  void it("leaves out what is not set, and tests for commands that run none", () => {
    const build = buildDbtCommand(base);
    assert.ok(!build.args.includes("--profiles-dir") && !build.args.includes("--target") && !build.args.includes("--vars"));
    for (const command of ["run", "seed", "snapshot"] as const) {
      const line = buildDbtCommand({ ...base, command });
      assert.deepEqual(line.args.slice(0, 4), [command, "--select", "atlas.staging.stg_prices", "atlas.marts.prices"]);
      assert.ok(!line.args.includes("--indirect-selection"), command);
      assert.ok(!line.args.some((a) => a.includes("not_null")), command);
    }
    const test = buildDbtCommand({ ...base, command: "test", nodes: [], tests: ["atlas.staging.source_not_null_met_forecast_time"] });
    assert.deepEqual(test.args.slice(0, 5), ["test", "--select", "atlas.staging.source_not_null_met_forecast_time", "--indirect-selection", "empty"]);
  });

  void it("keeps 5,000 selected nodes under the command-line budget: by name, then nodes with cautious tests, then the whole project", () => {
    const { nodes, tests } = bigProject();
    const explicitBytes = [...nodes, ...tests].reduce((sum, s) => sum + Buffer.byteLength(s) + 1, 0);
    assert.ok(explicitBytes > DEFAULT_MAX_COMMAND_BYTES, `the explicit selection (${explicitBytes} bytes) is over the budget`);

    const some = buildDbtCommand({ ...base, nodes: nodes.slice(0, 2000), tests: tests.slice(0, 6000) });
    assert.equal(some.selection, "explicit", "2,000 nodes and their 6,000 tests fit by name");

    const most = buildDbtCommand({ ...base, nodes: nodes.slice(0, 4999), tests: tests.slice(0, 14997) });
    assert.equal(most.selection, "nodes");
    assert.deepEqual(most.args.slice(0, 2), ["build", "--select"]);
    assert.equal(most.args.indexOf("--indirect-selection"), 2 + 4999);
    assert.equal(most.args[most.args.indexOf("--indirect-selection") + 1], "cautious");
    assert.ok(!most.args.some((a) => a.includes("not_null")), "no test by name");
    assert.ok(most.args.reduce((sum, a) => sum + Buffer.byteLength(a) + 1, 0) <= DEFAULT_MAX_COMMAND_BYTES);
    assert.match(most.printed, /--select atlas\.marts\.domain_00\.fct_domain_events_0000 .* …\(4991 more\) --indirect-selection cautious/);

    const tight = { ...base, nodes, tests, maxBytes: 64 * 1024 };
    const all = buildDbtCommand({ ...tight, whole: {} });
    assert.equal(all.selection, "project");
    assert.deepEqual(all.args.slice(0, 7), ["build", "--select", "resource_type:model", "resource_type:seed", "resource_type:snapshot", "--indirect-selection", "cautious"]);
    const selectedDefinitions = buildDbtCommand({ ...tight, whole: { select: "tag:atlas +path:models/marts", exclude: "tag:deprecated" } });
    assert.deepEqual(selectedDefinitions.args.slice(0, 12), [
      "build",
      "--select",
      "tag:atlas,resource_type:model",
      "tag:atlas,resource_type:seed",
      "tag:atlas,resource_type:snapshot",
      "+path:models/marts,resource_type:model",
      "+path:models/marts,resource_type:seed",
      "+path:models/marts,resource_type:snapshot",
      "--exclude",
      "tag:deprecated",
      "--indirect-selection",
      "cautious",
    ]);
    assert.throws(
      () => buildDbtCommand({ ...tight, nodes: nodes.slice(1), whole: null }),
      (error: unknown) => error instanceof DbtSelectionTooLongError && error.nodes === 4999 && error.limit === 64 * 1024 && /materialize fewer assets per run/.test(error.message),
    );
  });

  void it("prints long selections shortened and odd arguments quoted", () => {
    assert.equal(printCommand("dbt", ["build", "--select", "a", "b", "--vars", "{a: 1}", "--x", "it's"]), `dbt build --select a b --vars '{a: 1}' --x 'it'\\''s'`);
  });

  void it("passes the partition through --vars: key and ISO window by default, or the user's function", () => {
    assert.equal(partitionVarsFor({}, null, null), null, "no --vars without a partition: dbt's partial parse stays valid");
    assert.deepEqual(partitionVarsFor({}, "2023", { start: new Date("2023-01-01T00:00:00Z"), end: new Date("2024-01-01T00:00:00Z") }), {
      flyt_partition_key: "2023",
      flyt_partition_start: "2023-01-01T00:00:00.000Z",
      flyt_partition_end: "2024-01-01T00:00:00.000Z",
    });
    assert.deepEqual(partitionVarsFor({}, "oslo", null), { flyt_partition_key: "oslo", flyt_partition_start: null, flyt_partition_end: null });
    assert.deepEqual(
      partitionVarsFor({ partitionVars: ({ key, timeWindow }) => ({ year: Number(key), from: timeWindow?.start.getUTCFullYear() }) }, "2022", { start: new Date("2022-01-01T00:00:00Z"), end: new Date("2023-01-01T00:00:00Z") }),
      { year: 2022, from: 2022 },
    );
  });

  void it("finds the executable: the option, FLYT_DBT_EXECUTABLE, else dbt on PATH", () => {
    assert.equal(resolveExecutable({ executable: "/x/dbt" }, { FLYT_DBT_EXECUTABLE: "/y/dbt" }), "/x/dbt");
    assert.equal(resolveExecutable({}, { FLYT_DBT_EXECUTABLE: "/y/dbt" }), "/y/dbt");
    assert.equal(resolveExecutable({}, { FLYT_DBT_EXECUTABLE: " " }), "dbt");
    assert.equal(resolveExecutable({}, {}), "dbt");
  });

  void it("gives each attempt a fresh target path naming the run and step", () => {
    const a = freshTargetPath("run/1 x", "dbt_atlas", 1);
    const b = freshTargetPath("run/1 x", "dbt_atlas", 1);
    assert.notEqual(a, b);
    assert.ok(a.startsWith(`${tmpdir()}/flyt-dbt/run_1_x-dbt_atlas-a1-`), a);
  });
});
