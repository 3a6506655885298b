/**
 * The log parser and the reporter on recorded dbt output, without dbt: OpenLineage's
 * `dbt build --log-format json` log (dbt 1.8.2, postgres, 20 nodes, one failing test) and its
 * manifest, the log of a source test, and a dbt 1.9 run_results.json. Variations (a result the
 * stream missed, a failed model and its skipped child) are derived here from the recorded lines.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import type { ReportedCheck } from "@flyt/sdk";
import { parseDbtLogLine, rowsFromStatus, stripAnsi, type DbtLogEvent } from "./log.js";
import { DbtEventReporter, type DbtReportSink } from "./reporter.js";
import { parseRunResults, readRunResults } from "./run-results.js";
import { FIXTURES, mapManifest, readJsonLines } from "./test-support.js";

const LOGS = join(FIXTURES, "logs");
const BUILD_LOG = join(LOGS, "openlineage_build_jsonlog", "build_logs.jsonl");
const BUILD_MANIFEST = join(LOGS, "openlineage_build_jsonlog", "manifest.json");

function parseAll(path: string): DbtLogEvent[] {
  return readJsonLines(path)
    .filter((line) => line.trim() !== "")
    .map(parseDbtLogLine);
}

function kinds(events: DbtLogEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of events) counts[e.kind] = (counts[e.kind] ?? 0) + 1;
  return counts;
}

function collector() {
  const materialized: Array<{ assetKey: string; metadata: Record<string, unknown> }> = [];
  const checks: ReportedCheck[] = [];
  const logs: Array<{ level: string; message: string }> = [];
  const sink: DbtReportSink = {
    materialize: (assetKey, metadata) => void materialized.push({ assetKey, metadata }),
    check: (result) => void checks.push(result),
    log: (level, message) => void logs.push({ level, message }),
  };
  return { sink, materialized, checks, logs };
}

/** The plan of the recorded run: `dbt build --select +customers orders_snapshot`. */
function recordedPlan() {
  const map = mapManifest(BUILD_MANIFEST);
  const selected = new Set(["seed.jaffle_shop.raw_customers", "seed.jaffle_shop.raw_orders", "seed.jaffle_shop.raw_payments", "model.jaffle_shop.stg_customers", "model.jaffle_shop.stg_orders", "model.jaffle_shop.stg_payments", "model.jaffle_shop.customers", "snapshot.jaffle_shop.orders_snapshot"]);
  const nodes = map.assets.filter((a) => selected.has(a.uniqueId));
  const keys = new Set(nodes.map((n) => n.assetKey));
  const tests = map.checks.filter((c) => keys.has(c.assetKey) && !c.onSource);
  return { map, nodes, tests, plan: { map, command: "build" as const, nodes, tests, targetPath: "/tmp/flyt-dbt/t" } };
}

describe("dbt's JSON log, parsed", () => {
  void it("reads every line of a recorded dbt build into node, test and log events", () => {
    const events = parseAll(BUILD_LOG);
    assert.equal(events.length, 540);
    assert.deepEqual(kinds(events), { log: 498, "node-started": 20, "node-finished": 8, "test-finished": 12, "run-summary": 1, "result-message": 1 });

    const finished = events.filter((e) => e.kind === "node-finished");
    assert.deepEqual(
      finished.map((e) => [e.node.uniqueId, e.status, e.adapterStatus, e.rowsAffected]),
      [
        ["seed.jaffle_shop.raw_customers", "success", "INSERT 100", 100],
        ["seed.jaffle_shop.raw_orders", "success", "INSERT 99", 99],
        ["seed.jaffle_shop.raw_payments", "success", "INSERT 113", 113],
        ["model.jaffle_shop.stg_customers", "success", "CREATE VIEW", null],
        ["model.jaffle_shop.stg_orders", "success", "CREATE VIEW", null],
        ["snapshot.jaffle_shop.orders_snapshot", "success", "INSERT 0 0", 0],
        ["model.jaffle_shop.stg_payments", "success", "CREATE VIEW", null],
        ["model.jaffle_shop.customers", "success", "SELECT 100", 100],
      ],
    );
    const seed = finished[0]!;
    assert.equal(seed.node.relation, '"postgres"."public"."raw_customers"');
    assert.equal(seed.node.materialized, "seed");
    assert.equal(seed.executionTime, 1.0562553);
    assert.equal(seed.ts, "2024-12-17T12:53:51.311673Z");
    assert.equal(seed.invocationId, "bafba111-8366-4a41-b03b-2b9243c64d42");

    const tests = events.filter((e) => e.kind === "test-finished");
    const failed = tests.filter((t) => t.status !== "pass");
    assert.equal(failed.length, 1);
    assert.equal(failed[0]!.node.uniqueId, "test.jaffle_shop.accepted_values_customers_first_name__Jane.21e890a312");
    assert.equal(failed[0]!.status, "fail");
    assert.equal(failed[0]!.numFailures, 78);
    assert.equal(failed[0]!.level, "error");

    const message = events.find((e) => e.kind === "result-message");
    assert.equal(message?.kind === "result-message" ? message.text : null, "Got 78 results, configured to fail if != 0");
    const summary = events.find((e) => e.kind === "run-summary");
    assert.deepEqual(summary?.kind === "run-summary" ? [summary.numErrors, summary.numWarnings, summary.keyboardInterrupt] : null, [1, 0, false]);
    // Debug-level events are plain log events, NodeFinished included: results come from the Log*Result lines only.
    assert.ok(events.some((e) => e.kind === "log" && e.name === "NodeFinished" && e.level === "debug"));
    assert.ok(events.some((e) => e.kind === "log" && e.name === "SQLQuery"));
  });

  void it("reads the log of a source test", () => {
    const events = parseAll(join(LOGS, "openlineage_test_source", "test_source_logs.jsonl"));
    const tests = events.filter((e) => e.kind === "test-finished");
    assert.equal(tests.length, 1);
    assert.equal(tests[0]!.node.uniqueId, "test.jaffle_shop.source_unique_jaffle_shop_dim_date_id.d6e33513b6");
    assert.equal(tests[0]!.status, "pass");
    assert.equal(tests[0]!.numFailures, 0);
  });

  void it("keeps non-JSON lines as text, strips colours, and never throws", () => {
    assert.deepEqual(parseDbtLogLine("  warnings.warn('x')"), { kind: "text", text: "  warnings.warn('x')" });
    assert.equal(parseDbtLogLine('{"not": "dbt"}').kind, "text");
    assert.equal(parseDbtLogLine("{broken json").kind, "text");
    assert.equal(parseDbtLogLine("").kind, "text");
    const colored = parseDbtLogLine(
      JSON.stringify({ info: { name: "EndOfRunSummary", level: "info", msg: "\u001b[33mCompleted with 1 warning:\u001b[0m", ts: "t", invocation_id: "i" }, data: { num_errors: 0, num_warnings: 1, keyboard_interrupt: false } }),
    );
    assert.equal(colored.kind === "run-summary" ? colored.message : null, "Completed with 1 warning:");
    assert.equal(stripAnsi("[\u001b[32mOK\u001b[0m in 0.09s]"), "[OK in 0.09s]");
    // A result event without node_info is an ordinary log line.
    assert.equal(parseDbtLogLine(JSON.stringify({ info: { name: "LogModelResult", level: "info", msg: "x" }, data: {} })).kind, "log");
  });

  void it("takes rows from status strings that carry a count", () => {
    const cases: Array<[string | null, number | null]> = [
      ["SELECT 5", 5],
      ["INSERT 100", 100],
      ["INSERT 0 7", 7],
      ["UPDATE 3", 3],
      ["DELETE 0", 0],
      ["MERGE 12", 12],
      ["CREATE VIEW", null],
      ["OK", null],
      ["SUCCESS 1", null],
      ["CREATE TABLE (1.2k rows, 3 MiB processed)", null],
      ["CREATE TABLE (120 rows, 3 MiB processed)", 120],
      [null, null],
    ];
    for (const [status, rows] of cases) assert.equal(rowsFromStatus(status), rows, String(status));
  });
});

describe("the reporter, on the recorded build", () => {
  void it("reports each selected node once, in dbt's order, and each selected test as a check", () => {
    const { plan, nodes } = recordedPlan();
    assert.equal(nodes.length, 8);
    const out = collector();
    const reporter = new DbtEventReporter(plan, out.sink);
    for (const event of parseAll(BUILD_LOG)) reporter.handle(event);
    reporter.reconcile(null);

    assert.deepEqual(
      out.materialized.map((m) => m.assetKey),
      ["jaffle_shop/raw_customers", "jaffle_shop/raw_orders", "jaffle_shop/raw_payments", "jaffle_shop/stg_customers", "jaffle_shop/stg_orders", "jaffle_shop/orders_snapshot", "jaffle_shop/stg_payments", "jaffle_shop/customers"],
    );
    const customers = out.materialized.at(-1)!.metadata;
    assert.equal(customers.dbt_unique_id, "model.jaffle_shop.customers");
    assert.equal(customers.dbt_status, "SELECT 100");
    assert.deepEqual(customers.rows_affected, { type: "int", value: 100 });
    assert.deepEqual(customers.execution_time_s, { type: "float", value: 0.61689186 });
    assert.equal(customers.materialized, "table");
    assert.deepEqual(customers.compiled_sql_path, { type: "path", value: "/tmp/flyt-dbt/t/compiled/jaffle_shop/models/customers.sql" });
    assert.equal(customers.dbt_invocation_id, "bafba111-8366-4a41-b03b-2b9243c64d42");
    assert.equal(out.materialized[0]!.metadata.compiled_sql_path, undefined, "seeds have no compiled SQL");
    assert.equal(out.materialized[3]!.metadata.rows_affected, undefined, "CREATE VIEW carries no count");

    // 12 tests ran; the relationships test of `orders` (not selected: dbt ran it by eager
    // selection) is logged, not reported.
    assert.equal(out.checks.length, 11);
    assert.equal(reporter.unplanned, 1);
    const failed = out.checks.filter((c) => !c.passed);
    assert.deepEqual(failed.map((c) => [c.assetKey, c.checkName]), [["jaffle_shop/customers", "accepted_values_customers_first_name__Jane"]]);
    assert.deepEqual(failed[0]!.metadata?.num_failures, { type: "int", value: 78 });
    assert.match(failed[0]!.description ?? "", /failed \(78 failing rows\)/);
    assert.deepEqual(reporter.problems(), []);
    assert.deepEqual(reporter.failedTests().map((t) => t.checkName), ["accepted_values_customers_first_name__Jane"]);

    // dbt's lines are logged once: no line for a reported result, the start lines and summary at their levels.
    assert.ok(!out.logs.some((l) => l.message.includes("OK loaded seed file public.raw_customers")));
    assert.ok(out.logs.some((l) => l.message.includes("START seed file public.raw_customers")));
    assert.ok(out.logs.some((l) => l.level === "error" && l.message === "Got 78 results, configured to fail if != 0"));
    assert.ok(!out.logs.some((l) => l.message === ""), "blank Formatting lines are dropped");
  });

  void it("reports from run_results.json what the stream missed", () => {
    const { plan } = recordedPlan();
    const out = collector();
    const reporter = new DbtEventReporter(plan, out.sink);
    // The customers model's result line is lost (e.g. dbt crashed while printing it).
    for (const event of parseAll(BUILD_LOG)) {
      if (event.kind === "node-finished" && event.node.uniqueId === "model.jaffle_shop.customers") continue;
      reporter.handle(event);
    }
    assert.ok(!out.materialized.some((m) => m.assetKey === "jaffle_shop/customers"));
    reporter.reconcile(
      parseRunResults({
        metadata: { invocation_id: "bafba111-8366-4a41-b03b-2b9243c64d42" },
        results: [
          {
            unique_id: "model.jaffle_shop.customers",
            status: "success",
            message: "SELECT 100",
            adapter_response: { _message: "SELECT 100", code: "SELECT", rows_affected: 100 },
            execution_time: 0.61689186,
            relation_name: '"postgres"."public"."customers"',
            timing: [{ name: "execute", started_at: "2024-12-17T12:53:58.983023Z", completed_at: "2024-12-17T12:53:59.490353Z" }],
          },
        ],
      }),
    );
    const customers = out.materialized.find((m) => m.assetKey === "jaffle_shop/customers");
    assert.ok(customers, "reported from run_results.json");
    assert.deepEqual(customers.metadata.rows_affected, { type: "int", value: 100 });
    assert.deepEqual(reporter.problems(), []);
  });

  void it("ignores a run_results.json of another invocation", () => {
    const { plan } = recordedPlan();
    const out = collector();
    const reporter = new DbtEventReporter(plan, out.sink);
    for (const event of parseAll(BUILD_LOG)) {
      if (event.kind === "node-finished" && event.node.uniqueId === "model.jaffle_shop.customers") continue;
      reporter.handle(event);
    }
    reporter.reconcile(parseRunResults({ metadata: { invocation_id: "an-older-run" }, results: [{ unique_id: "model.jaffle_shop.customers", status: "success" }] }));
    assert.ok(!out.materialized.some((m) => m.assetKey === "jaffle_shop/customers"));
    assert.deepEqual(
      reporter.problems().map((p) => [p.assetKey, p.kind]),
      [["jaffle_shop/customers", "missing"]],
    );
    assert.ok(out.logs.some((l) => l.level === "warn" && /of dbt invocation an-older-run/.test(l.message)));
  });

  void it("names a failed model with dbt's message and its skipped child with the cause", () => {
    const { plan } = recordedPlan();
    const out = collector();
    const reporter = new DbtEventReporter(plan, out.sink);
    // Derived from the recording: stg_payments fails, so dbt skips customers.
    for (const line of readJsonLines(BUILD_LOG).filter((l) => l.trim() !== "")) {
      const json = JSON.parse(line) as { info: { name: string; level: string; msg: string }; data: Record<string, any> };
      const id = json.data.node_info?.unique_id;
      if (json.info.name === "LogModelResult" && id === "model.jaffle_shop.stg_payments") {
        json.data.node_info.node_status = "error";
        json.data.status = "error";
        json.info.level = "error";
        json.info.msg = "7 of 20 ERROR creating sql view model public.stg_payments";
      }
      if (json.info.name === "LogModelResult" && id === "model.jaffle_shop.customers") {
        json.info.name = "SkippingDetails";
        json.data.node_info.node_status = "skipped";
      }
      reporter.handle(parseDbtLogLine(JSON.stringify(json)));
    }
    reporter.reconcile(
      parseRunResults({
        metadata: { invocation_id: "bafba111-8366-4a41-b03b-2b9243c64d42" },
        results: [
          { unique_id: "model.jaffle_shop.stg_payments", status: "error", message: 'Database Error in model stg_payments (models/staging/stg_payments.sql)\n  relation "raw_payments" does not exist' },
          { unique_id: "model.jaffle_shop.customers", status: "skipped", message: null },
        ],
      }),
    );
    const problems = new Map(reporter.problems().map((p) => [p.assetKey, p]));
    assert.deepEqual([...problems.keys()].sort(), ["jaffle_shop/customers", "jaffle_shop/stg_payments"]);
    assert.equal(problems.get("jaffle_shop/stg_payments")?.kind, "error");
    assert.match(problems.get("jaffle_shop/stg_payments")?.message ?? "", /relation "raw_payments" does not exist/);
    assert.equal(problems.get("jaffle_shop/customers")?.kind, "skipped");
    assert.match(problems.get("jaffle_shop/customers")?.message ?? "", /^skipped by dbt: upstream model stg_payments failed$/);
    assert.ok(!out.materialized.some((m) => m.assetKey === "jaffle_shop/customers" || m.assetKey === "jaffle_shop/stg_payments"));
  });
});

describe("test results as checks", () => {
  /** The recorded result line of `unique_customers_customer_id`, with another status. */
  function testLine(status: string, failures: number): DbtLogEvent {
    const line = readJsonLines(BUILD_LOG).find((l) => l.includes('"LogTestResult"') && l.includes("test.jaffle_shop.unique_customers_customer_id"))!;
    const json = JSON.parse(line) as { data: Record<string, any> };
    json.data.status = status;
    json.data.node_info.node_status = status;
    json.data.num_failures = failures;
    return parseDbtLogLine(JSON.stringify(json));
  }

  void it("pass, fail, warn by the check's severity, and error with dbt's message at the end", () => {
    const { map, plan } = recordedPlan();
    const check = map.checks.find((c) => c.checkName === "unique_customers_customer_id")!;
    const cases: Array<[string, "warn" | "error", boolean, RegExp | null]> = [
      ["pass", "error", true, null],
      ["fail", "error", false, /failed \(2 failing rows\)/],
      ["warn", "warn", false, /warned \(2 failing rows\)/],
      // A warn result of an error-severity test (warn_if met, error_if not): a warning, not an error.
      ["warn", "error", false, /warned \(2 failing rows\)/],
    ];
    for (const [status, severity, passed, description] of cases) {
      const out = collector();
      const reporter = new DbtEventReporter({ ...plan, tests: [{ ...check, severity }] }, out.sink);
      reporter.handle(testLine(status, 2));
      assert.equal(out.checks.length, 1, status);
      assert.equal(out.checks[0]!.passed, passed, `${status} of a ${severity} test`);
      assert.equal(out.checks[0]!.metadata?.dbt_status, status);
      if (description === null) assert.equal(out.checks[0]!.description, undefined);
      else assert.match(out.checks[0]!.description ?? "", description);
      assert.equal(out.checks[0]!.severity, status === "warn" && severity === "error" ? "warn" : undefined, "a result's own severity only where it differs from the declared one");
    }

    // An erroring test is reported at the end, with run_results.json's message.
    const out = collector();
    const reporter = new DbtEventReporter({ ...plan, tests: [check] }, out.sink);
    reporter.handle(testLine("error", 0));
    assert.equal(out.checks.length, 0, "not yet: the message comes at the end");
    reporter.reconcile(parseRunResults({ metadata: {}, results: [{ unique_id: check.uniqueId, status: "error", message: "Database Error in test unique_customers_customer_id\n  column \"customer_id\" does not exist" }] }));
    assert.equal(out.checks.length, 1);
    assert.equal(out.checks[0]!.passed, false);
    assert.match(out.checks[0]!.description ?? "", /column "customer_id" does not exist/);
    assert.deepEqual(reporter.failedTests().map((t) => t.checkName), ["unique_customers_customer_id"]);
  });
});

describe("run_results.json", () => {
  void it("reads dbt 1.9's v6 results: statuses, messages, rows, timing", () => {
    const results = readRunResults(join(LOGS, "jaffle_shop_dbt19_build", "run_results.json"));
    assert.ok(results);
    assert.equal(results.results.length, 61);
    assert.match(results.schemaVersion ?? "", /run-results\/v6\.json$/);
    assert.equal(results.dbtVersion, "1.9.0");
    assert.ok(results.invocationId);
    const statuses = new Set(results.results.map((r) => r.status));
    for (const status of statuses) assert.ok(["success", "pass", "fail", "warn", "error", "skipped"].includes(status), status);
    assert.ok(results.results.every((r) => r.uniqueId.includes(".")));
    assert.ok(results.results.some((r) => r.completedAt !== null));
    assert.equal(readRunResults(join(LOGS, "missing.json")), null);
    assert.throws(() => parseRunResults({ nodes: [] }), /no "results" array/);
  });
});
