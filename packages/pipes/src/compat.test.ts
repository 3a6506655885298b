/**
 * Compatibility with real Pipes children: the official Python `dagster-pipes` from PyPI
 * (FLYT_TEST_PYTHON, set up by scripts/test.sh), a shell script printing JSON lines to stderr,
 * the Flyt TypeScript client, and a Go program using only its standard library.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { encodeParam } from "./protocol.js";
import { PipesProcessError, runPipesProcess } from "./session.js";
import { fixturesJs, fixturesSrc, goChild, recordingHost, testPython } from "./test-support.js";

const pythonChild = join(fixturesSrc, "python_child.py");

void describe("official Python dagster-pipes client", () => {
  const python = testPython();

  void it("decodes what Flyt encodes (base64 of zlib JSON), with its own decode_param", () => {
    const value = { path: "/tmp/x", nested: { "ø": [1, 2.5, null] } };
    const script = "import sys, json; from dagster_pipes import decode_param; print(json.dumps(decode_param(sys.argv[1])))";
    const out = spawnSync(python, ["-c", script, encodeParam(value)], { encoding: "utf8" });
    assert.equal(out.status, 0, out.stderr);
    assert.deepEqual(JSON.parse(out.stdout), value);
  });

  for (const channel of ["file", "stdio"] as const) {
    void it(`opens, reads the context, logs, materializes with every metadata type, reports checks (${channel} channel)`, async () => {
      const rec = recordingHost({ partitionKey: "2023", retryNumber: 1 });
      const result = await runPipesProcess(rec.host, python, [pythonChild, "materialize"], { channel, extras: { year: 2023, source: "ssb" } });
      assert.equal(result.opened, true);
      assert.equal(result.closed, true);
      assert.deepEqual(result.reportedAssetKeys, ["atlas/ssb/raw"]);
      assert.deepEqual(result.customMessages[0], {
        asset_keys: ["atlas/ssb/raw"],
        asset_key: "atlas/ssb/raw",
        code_version: { "atlas/ssb/raw": "7" },
        partition_key: "2023",
        partition_key_range: { start: "2023", end: "2023" },
        partition_time_window: null,
        run_id: "run-1",
        job_name: null,
        retry_number: 1,
        extras: { year: 2023, source: "ssb" },
      });
      assert.deepEqual(rec.logs("info"), ["hello from python"]);
      assert.deepEqual(rec.logs("warn"), ["python warns"]);
      assert.deepEqual(rec.logs("error"), ["python is critical"]);

      assert.equal(rec.materializations.length, 1);
      const [mat] = rec.materializations;
      assert.equal(mat?.assetKey, "atlas/ssb/raw");
      assert.equal(mat?.dataVersion, "v42");
      const m = mat.metadata;
      assert.deepEqual(m.rows, { type: "int", value: 42 });
      assert.deepEqual(m.ratio, { type: "float", value: 0.5 });
      assert.deepEqual(m.source, { type: "text", value: "ssb" });
      assert.deepEqual(m.complete, { type: "bool", value: true });
      assert.deepEqual(m.nothing, { type: "null", value: null });
      assert.deepEqual(m.years, { type: "json", value: [2022, 2023] });
      assert.deepEqual(m.homepage, { type: "url", value: "https://www.ssb.no" });
      assert.deepEqual(m.file, { type: "path", value: "/data/x.parquet" });
      assert.deepEqual(m.notes, { type: "markdown", value: "# Notes" });
      assert.deepEqual(m.count, { type: "int", value: 7 });
      assert.deepEqual(m.mean, { type: "float", value: 1.25 });
      assert.deepEqual(m.flag, { type: "bool", value: false });
      assert.deepEqual(m.label, { type: "text", value: "text" });
      assert.deepEqual(m.payload, { type: "json", value: { a: 1 } });
      assert.deepEqual(m.updated, { type: "timestamp", value: 1700000000.5 });
      assert.deepEqual(m.run, { type: "text", value: "abc" });
      assert.deepEqual(m.upstream, { type: "text", value: "atlas/ssb/x" });
      assert.deepEqual(m.notebook, { type: "path", value: "/nb.ipynb" });
      assert.deepEqual(m.empty, { type: "null", value: null });
      assert.deepEqual(m.schema, { type: "table_schema", value: { columns: [{ name: "id", type: "int" }, { name: "name", type: "string" }] } });
      assert.deepEqual(m.preview, {
        type: "table",
        value: { columns: [{ name: "id", type: "int" }, { name: "name", type: "string" }], rows: [{ id: 1, name: "a" }] },
      });
      assert.deepEqual(m.lineage, { type: "json", value: { deps_by_column: {} } });

      const checks = rec.events.filter((e) => e.type === "ASSET_CHECK_EVALUATION");
      assert.deepEqual(checks, [
        { type: "ASSET_CHECK_EVALUATION", assetKey: "atlas/ssb/raw", checkName: "rows_positive", passed: true, severity: "error", partition: "2023", metadata: { rows: { type: "int", value: 42 } } },
        { type: "ASSET_CHECK_EVALUATION", assetKey: "atlas/ssb/raw", checkName: "fresh_enough", passed: false, severity: "warn", partition: "2023", metadata: {} },
      ]);
      assert.match(rec.output.stdout, /plain python stdout/);
      assert.match(rec.output.stderr, /plain python stderr/);
      // Messages never leak into the captured output.
      assert.doesNotMatch(rec.output.stderr + rec.output.stdout, /__dagster_pipes_version/);
      assert.deepEqual(rec.logs("warn").filter((l) => l !== "python warns"), []);
    });
  }

  void it("an exception in the child arrives with `closed` and fails the run with it and the stderr tail", async () => {
    const rec = recordingHost();
    const error = await runPipesProcess(rec.host, python, [pythonChild, "raise"]).then(
      () => assert.fail("should reject"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof PipesProcessError);
    assert.equal(error.reason, "exit");
    assert.equal(error.details.exitCode, 1);
    assert.equal(error.details.exception?.name, "ValueError");
    assert.match(error.details.exception?.message ?? "", /boom from python/);
    assert.ok(error.details.exception.stack.some((frame) => frame.includes("python_child.py")));
    assert.match(error.message, /exited with code 1/);
    assert.match(error.message, /Exception sent with `closed`: ValueError: boom from python/);
    assert.match(error.message, /last 4096 bytes of stderr ---\nTraceback/);
    assert.deepEqual(rec.logs("info"), ["about to fail"]);
  });

  void it("the Python client itself refuses an asset key outside the context: the child fails, nothing is written", async () => {
    const rec = recordingHost();
    const result = await runPipesProcess(rec.host, python, [pythonChild, "other-asset"]).catch((e: unknown) => e);
    assert.ok(result instanceof PipesProcessError);
    assert.match(result.details.exception?.message ?? "", /Invalid asset key/);
    assert.equal(rec.materializations.length, 0);
  });

  void it("passes the context inline in the environment variable when asked (contextTransport: env)", async () => {
    const rec = recordingHost({ assetKeys: ["a/b", "a/c"], codeVersionByAssetKey: {} });
    const result = await runPipesProcess(rec.host, python, [pythonChild, "silent"], { contextTransport: "env", extras: { k: "v" } });
    const seen = result.customMessages[0] as Record<string, unknown>;
    assert.deepEqual(seen.asset_keys, ["a/b", "a/c"]);
    assert.deepEqual(seen.code_version, { "a/b": null, "a/c": null });
    assert.deepEqual(seen.extras, { k: "v" });
    assert.equal(rec.materializations.length, 0);
  });
});

void describe("a plain shell script on the stdio channel", () => {
  const script = join(fixturesSrc, "shell_child.sh");

  void it("turns JSON lines on stderr into events; other lines are output; bad lines and bad metadata are warnings", async () => {
    const rec = recordingHost();
    const result = await runPipesProcess(rec.host, script, [], { channel: "stdio" });
    assert.equal(result.closed, true);
    assert.deepEqual(result.customMessages, [{ from: "shell" }]);
    assert.deepEqual(rec.logs("info"), ["shell says hi"]);
    assert.deepEqual(rec.materializations, [{ assetKey: "atlas/ssb/raw", metadata: { rows: { type: "int", value: 3 } }, dataVersion: null }]);
    const warnings = rec.logs("warn");
    assert.ok(warnings.some((w) => /unknown method "bogus_method"/.test(w)), warnings.join("\n"));
    assert.ok(warnings.some((w) => /not valid JSON/.test(w)), warnings.join("\n"));
    assert.ok(warnings.some((w) => /Dropped metadata entry of atlas\/ssb\/raw: bad: int needs an integer/.test(w)), warnings.join("\n"));
    assert.equal(rec.events.filter((e) => e.type === "ASSET_CHECK_EVALUATION" && e.severity === "warn" && e.passed).length, 1);
    assert.equal(rec.output.stderr, 'plain stderr from shell\n{"just":"json, not pipes"}\n');
    assert.equal(rec.output.stdout, "plain stdout from shell\n");
  });

  void it("a non-zero exit fails with the closed exception and the stderr tail", async () => {
    const rec = recordingHost();
    const error = await runPipesProcess(rec.host, script, ["fail"], { channel: "stdio" }).catch((e: unknown) => e);
    assert.ok(error instanceof PipesProcessError);
    assert.equal(error.details.exitCode, 3);
    assert.match(error.message, /exited with code 3/);
    assert.match(error.message, /ShellError: the shell gave up/);
    assert.match(error.message, /shell failing now/);
  });
});

void describe("the Flyt TypeScript client (@flyt/pipes-client)", () => {
  const child = join(fixturesJs, "client-child.js");

  void it("materializes, checks, logs and closes", async () => {
    const rec = recordingHost({ partitionKey: "2022" });
    const result = await runPipesProcess(rec.host, process.execPath, [child, "materialize"], { extras: { mode: "fixtures" } });
    assert.deepEqual(result.customMessages, [{ extras: { mode: "fixtures" }, partitionKey: "2022", runId: "run-1", retryNumber: 0 }]);
    assert.deepEqual(rec.materializations, [
      {
        assetKey: "atlas/ssb/raw",
        dataVersion: "ts-1",
        metadata: { rows: { type: "int", value: 144 }, schema: { type: "table_schema", value: { columns: [{ name: "year", type: "int" }] } } },
      },
    ]);
    assert.deepEqual(rec.logs("info"), ["client child for atlas/ssb/raw"]);
    assert.deepEqual(rec.logs("warn"), ["client warns"]);
    const check = rec.events.find((e) => e.type === "ASSET_CHECK_EVALUATION");
    assert.deepEqual(check, {
      type: "ASSET_CHECK_EVALUATION",
      assetKey: "atlas/ssb/raw",
      checkName: "has_rows",
      passed: true,
      severity: "warn",
      partition: "2022",
      metadata: { rows: { type: "int", value: 144 } },
    });
    assert.ok(result.firstMessageMs !== null && result.firstMessageMs < result.durationMs);
  });

  void it("an uncaught exception sends closed with the exception (stdio channel too)", async () => {
    for (const channel of ["file", "stdio"] as const) {
      const rec = recordingHost();
      const error = await runPipesProcess(rec.host, process.execPath, [child, "throw"], { channel }).catch((e: unknown) => e);
      assert.ok(error instanceof PipesProcessError, String(error));
      assert.equal(error.details.exception?.name, "RangeError");
      assert.equal(error.details.exception?.message, "thrown from the client child");
      assert.match(error.message, /RangeError: thrown from the client child/);
    }
  });

  void it("sends closed on a normal exit without close()", async () => {
    const rec = recordingHost();
    const result = await runPipesProcess(rec.host, process.execPath, [child, "exit"]);
    assert.equal(result.closed, true);
    assert.deepEqual(rec.materializations.map((m) => m.metadata), [{ rows: { type: "int", value: 1 } }]);
    assert.equal(rec.logs("warn").length, 0);
  });

  void it("standalone (no Pipes environment) warns once and no-ops", () => {
    const env = { ...process.env };
    delete env.DAGSTER_PIPES_CONTEXT;
    delete env.DAGSTER_PIPES_MESSAGES;
    const out = spawnSync(process.execPath, [child, "materialize"], { env, encoding: "utf8" });
    assert.equal(out.status, 0, out.stderr);
    assert.equal(out.stderr.match(/not launched by a Pipes orchestrator/g)?.length, 1, out.stderr);
    assert.doesNotMatch(out.stdout + out.stderr, /__dagster_pipes_version/);
  });
});

void describe("a Go child (standard library only)", () => {
  void it("decodes the bootstrap params and reports through both channels", async () => {
    const binary = goChild();
    for (const channel of ["file", "stdio"] as const) {
      const rec = recordingHost();
      const result = await runPipesProcess(rec.host, binary, [], { channel });
      assert.equal(result.closed, true);
      assert.deepEqual(rec.logs("info"), ["go child for run run-1"]);
      assert.deepEqual(rec.materializations, [
        { assetKey: "atlas/ssb/raw", dataVersion: "go-1", metadata: { rows: { type: "int", value: 12 }, language: { type: "text", value: "go" } } },
      ]);
    }
  });
});
