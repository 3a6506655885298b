/**
 * Turns one dbt invocation's events into Flyt's, for the nodes and tests the step selected: a
 * materialization when a model, seed or snapshot finishes, a check result when a test finishes,
 * dbt's other lines as log lines; then, at the end, fills in from run_results.json what the stream
 * missed, and says which selected nodes were not built and why (`problems`). It holds no process
 * and no clock, so the same code runs under a live dbt and under a replayed log in tests.
 *
 * Test outcomes: pass → passed; fail → not passed, with the failing row count; error (the test's
 * own SQL failed) → not passed, reported at the end where run_results.json has dbt's message;
 * warn → not passed. A "warn" result of an error-severity test (its `warn_if` threshold was met,
 * its `error_if` not) is reported not passed with the result's own severity "warn": recorded as
 * the warning it is, and blocking no downstream step, as dbt skipped none. Skipped tests get no
 * result (their node was not built in this run).
 */
import { join } from "node:path";
import { meta, type MetadataInput, type ReportedCheck } from "@flyt/sdk";
import type { DbtAssetNode, DbtCommand, DbtProjectMap, DbtTestCheck } from "../types.js";
import type { DbtNodeProblem } from "./errors.js";
import type { DbtLogEvent, DbtLogLevel } from "./log.js";
import type { DbtRunResults } from "./run-results.js";

/** Where the reporter's output goes: the step context's calls, or a collector (source tests). */
export interface DbtReportSink {
  materialize(assetKey: string, metadata: MetadataInput, node: DbtAssetNode): void;
  check(result: ReportedCheck, test: DbtTestCheck, status: string, message: string | null): void;
  log(level: DbtLogLevel, message: string, fields?: Record<string, unknown>): void;
}

/** What one dbt invocation was asked to do. */
export interface DbtRunPlan {
  map: DbtProjectMap;
  command: DbtCommand | "test";
  nodes: readonly DbtAssetNode[];
  tests: readonly DbtTestCheck[];
  /** The run's target path: compiled SQL is under `<targetPath>/compiled/<package>/<path>`. */
  targetPath: string;
}

type NodeState =
  | { status: "pending" }
  | { status: "reported"; partial: string | null }
  | { status: "error"; message: string | null }
  | { status: "skipped" }
  | { status: "canceled" };

interface TestState {
  /** dbt's status (pass/fail/warn/error/skipped), once known. */
  status: string | null;
  reported: boolean;
  passed: boolean | null;
}

/** Events whose lines the reporter does not log: their content became (or will become) a Flyt event. */
const SILENT = new Set(["Formatting"]);

export class DbtEventReporter {
  private readonly nodes = new Map<string, { node: DbtAssetNode; state: NodeState }>();
  private readonly tests = new Map<string, { test: DbtTestCheck; state: TestState }>();
  /** Messages of failed nodes from the end-of-run summary (`RunResultError`). */
  private readonly messages = new Map<string, string>();
  /** dbt's error-level lines that belong to no node (a hook, a compilation error): for an unexplained exit. */
  readonly generalErrors: string[] = [];
  /** Errors the sink threw (a report the platform refused); the step fails with them at the end. */
  readonly sinkErrors: Error[] = [];
  invocationId: string | null = null;
  keyboardInterrupt = false;
  /** Results dbt reported for nodes outside the plan (not reported to Flyt). */
  unplanned = 0;

  constructor(
    private readonly plan: DbtRunPlan,
    private readonly sink: DbtReportSink,
  ) {
    for (const node of plan.nodes) this.nodes.set(node.uniqueId, { node, state: { status: "pending" } });
    for (const test of plan.tests) this.tests.set(test.uniqueId, { test, state: { status: null, reported: false, passed: null } });
  }

  handle(event: DbtLogEvent): void {
    if (event.kind === "text") return;
    this.invocationId ??= event.invocationId;
    const fields = (uniqueId: string | null | undefined): Record<string, unknown> => (uniqueId ? { dbt_event: event.name, unique_id: uniqueId } : { dbt_event: event.name });
    switch (event.kind) {
      case "node-finished": {
        const entry = this.nodes.get(event.node.uniqueId);
        if (entry === undefined || entry.state.status !== "pending") {
          if (entry === undefined) this.unplanned += 1;
          this.log(event.level, event.message, fields(event.node.uniqueId));
          return;
        }
        if (event.status === "success" || event.status === "no-op" || event.status === "partial success") {
          this.materialize(entry, {
            status: event.adapterStatus ?? event.status,
            executionTime: event.executionTime,
            rows: event.rowsAffected,
            relation: event.node.relation,
          });
          if (event.status === "partial success") entry.state = { status: "reported", partial: "dbt reported a partial success (some batches failed)" };
        } else {
          entry.state = { status: "error", message: null };
          this.log(event.level, event.message, fields(event.node.uniqueId));
        }
        return;
      }
      case "test-finished": {
        const entry = this.tests.get(event.node.uniqueId);
        if (entry === undefined || entry.state.reported) {
          if (entry === undefined) this.unplanned += 1;
          this.log(event.level, event.message, fields(event.node.uniqueId));
          return;
        }
        entry.state.status = event.status;
        // An erroring test's message comes at the end (run_results.json): reported then.
        if (event.status === "error" || event.status === "skipped") {
          this.log(event.level, event.message, fields(event.node.uniqueId));
          return;
        }
        this.reportTest(entry, event.status, { failures: event.numFailures, executionTime: event.executionTime, message: null });
        return;
      }
      case "node-skipped": {
        const entry = this.nodes.get(event.node.uniqueId);
        if (entry !== undefined && entry.state.status === "pending") {
          // One warning per skipped node with its reason is logged at the end (skipWarnings).
          entry.state = { status: "skipped" };
          return;
        }
        const test = this.tests.get(event.node.uniqueId);
        if (test !== undefined) test.state.status ??= "skipped";
        this.log(event.level, event.message, fields(event.node.uniqueId));
        return;
      }
      case "node-canceled": {
        const entry = event.node === null ? undefined : this.nodes.get(event.node.uniqueId);
        if (entry !== undefined && entry.state.status === "pending") entry.state = { status: "canceled" };
        this.log("warn", event.message, fields(event.node?.uniqueId));
        return;
      }
      case "result-message": {
        if (event.node !== null && event.level === "error") {
          this.messages.set(event.node.uniqueId, event.text);
          const entry = this.nodes.get(event.node.uniqueId);
          if (entry?.state.status === "error") entry.state.message ??= event.text;
        } else if (event.level === "error" && event.text !== "") this.generalErrors.push(event.text);
        this.log(event.level, event.text, fields(event.node?.uniqueId));
        return;
      }
      case "run-summary":
        this.keyboardInterrupt ||= event.keyboardInterrupt;
        this.log(event.level, event.message, fields(null));
        return;
      case "node-started":
        this.log(event.level, event.message, fields(event.node.uniqueId));
        return;
      case "log":
        if (event.level === "error" && event.node === null && event.message.trim() !== "") this.generalErrors.push(event.message.trim());
        if (SILENT.has(event.name) || event.message.trim() === "") return;
        this.log(event.level, event.message, fields(event.node?.uniqueId));
        return;
    }
  }

  /**
   * At the end: what the stream missed, from run_results.json (null when dbt wrote none, or one
   * of another invocation, which the caller checks). Reports those materializations and checks.
   */
  reconcile(results: DbtRunResults | null): void {
    if (results !== null && this.invocationId !== null && results.invocationId !== null && results.invocationId !== this.invocationId) {
      this.log("warn", `run_results.json in ${this.plan.targetPath} is of dbt invocation ${results.invocationId}, not of this one (${this.invocationId}): not read`);
      results = null;
    }
    for (const entry of this.nodes.values()) {
      const result = results?.byUniqueId.get(entry.node.uniqueId);
      const state = entry.state;
      if (state.status === "error") {
        state.message ??= result?.message ?? this.messages.get(entry.node.uniqueId) ?? null;
        continue;
      }
      if (state.status !== "pending" || result === undefined) continue;
      switch (result.status) {
        case "success":
        case "no-op":
        case "partial success":
          this.materialize(entry, { status: result.adapterMessage ?? result.message ?? result.status, executionTime: result.executionTime, rows: result.rowsAffected, relation: result.relation });
          if (result.status === "partial success") entry.state = { status: "reported", partial: result.message ?? "dbt reported a partial success" };
          break;
        case "skipped":
          entry.state = { status: "skipped" };
          break;
        default:
          entry.state = { status: "error", message: result.message ?? this.messages.get(entry.node.uniqueId) ?? null };
      }
    }
    for (const entry of this.tests.values()) {
      const result = results?.byUniqueId.get(entry.test.uniqueId);
      if (entry.state.reported || result === undefined) continue;
      entry.state.status = result.status;
      if (result.status === "skipped") continue;
      this.reportTest(entry, result.status, { failures: result.failures, executionTime: result.executionTime, message: result.message ?? this.messages.get(entry.test.uniqueId) ?? null });
    }
  }

  /** The selected nodes dbt did not build — failed ones first, then skipped, then missing — each with dbt's message or the skip's cause. */
  problems(): DbtNodeProblem[] {
    const rank = { error: 0, skipped: 1, missing: 2 };
    return this.unsortedProblems().sort((a, b) => rank[a.kind] - rank[b.kind]);
  }

  private unsortedProblems(): DbtNodeProblem[] {
    const problems: DbtNodeProblem[] = [];
    for (const { node, state } of this.nodes.values()) {
      const base = { uniqueId: node.uniqueId, assetKey: node.assetKey };
      switch (state.status) {
        case "reported":
          if (state.partial !== null) problems.push({ ...base, kind: "error", message: state.partial });
          break;
        case "error":
          problems.push({ ...base, kind: "error", message: state.message ?? "dbt reported an error (no message)" });
          break;
        case "canceled":
          problems.push({ ...base, kind: "error", message: "dbt canceled its query" });
          break;
        case "skipped":
          problems.push({ ...base, kind: "skipped", message: this.skipReason(node) });
          break;
        case "pending":
          problems.push({ ...base, kind: "missing", message: this.missingReason(node) });
          break;
      }
    }
    return problems;
  }

  /** Tests that ran and failed (fail or error): what explains a non-zero exit of dbt when every node was built. */
  failedTests(): DbtTestCheck[] {
    return [...this.tests.values()].filter((t) => t.state.status === "fail" || t.state.status === "error").map((t) => t.test);
  }

  /** How many selected nodes were reported as materialized. */
  reportedCount(): number {
    return [...this.nodes.values()].filter((n) => n.state.status === "reported").length;
  }

  testStatus(uniqueId: string): string | null {
    return this.tests.get(uniqueId)?.state.status ?? null;
  }

  private materialize(
    entry: { node: DbtAssetNode; state: NodeState },
    result: { status: string; executionTime: number | null; rows: number | null; relation: string | null },
  ): void {
    const { node } = entry;
    entry.state = { status: "reported", partial: null };
    const metadata: MetadataInput = { dbt_unique_id: node.uniqueId, dbt_status: result.status };
    if (result.executionTime !== null) metadata.execution_time_s = meta.float(result.executionTime);
    if (result.rows !== null) metadata.rows_affected = meta.int(result.rows);
    const relation = node.relation ?? result.relation;
    if (relation !== null) metadata.relation = relation;
    metadata.materialized = node.materialized;
    if (node.resourceType === "model") {
      const packageName = node.uniqueId.split(".")[1] ?? this.plan.map.projectName;
      metadata.compiled_sql_path = meta.path(join(this.plan.targetPath, "compiled", packageName, node.path));
    }
    if (this.invocationId !== null) metadata.dbt_invocation_id = this.invocationId;
    try {
      this.sink.materialize(node.assetKey, metadata, node);
    } catch (error) {
      this.sinkErrors.push(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private reportTest(
    entry: { test: DbtTestCheck; state: TestState },
    status: string,
    result: { failures: number | null; executionTime: number | null; message: string | null },
  ): void {
    const { test } = entry;
    const passed = status === "pass";
    entry.state.reported = true;
    entry.state.passed = passed;
    const metadata: MetadataInput = { dbt_unique_id: test.uniqueId, dbt_status: status };
    if (result.failures !== null) metadata.num_failures = meta.int(result.failures);
    if (result.executionTime !== null) metadata.execution_time_s = meta.float(result.executionTime);
    if (result.message !== null) metadata.dbt_message = result.message;
    const rows = result.failures === null ? "" : ` (${result.failures} failing row${result.failures === 1 ? "" : "s"})`;
    let description: string | undefined;
    if (result.message !== null && status !== "pass") description = result.message;
    else if (status === "fail") description = `dbt test ${test.checkName} failed${rows}`;
    else if (status === "warn") description = `dbt test ${test.checkName} warned${rows}`;
    const report: ReportedCheck = { assetKey: test.assetKey, checkName: test.checkName, passed, metadata };
    // dbt warned on an error-severity test (its warn_if met, error_if not): a failed result of
    // severity warn, which records the warning and blocks nothing dbt itself did not stop.
    if (status === "warn" && test.severity === "error") report.severity = "warn";
    if (description !== undefined) report.description = description;
    try {
      this.sink.check(report, test, status, result.message);
    } catch (error) {
      this.sinkErrors.push(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /**
   * Why dbt skipped a node: the nearest upstream nodes of this run that errored, or whose
   * error-severity tests failed, found by walking the node's dependencies through skipped ones.
   */
  private skipReason(node: DbtAssetNode): string {
    const failedTests = this.failedTestsByAsset();
    const causes: string[] = [];
    const seen = new Set<string>();
    const queue = [...node.deps];
    while (queue.length > 0) {
      const key = queue.shift()!;
      if (seen.has(key)) continue;
      seen.add(key);
      const upstream = this.plan.map.byAssetKey.get(key);
      if (upstream === undefined) continue;
      const entry = this.nodes.get(upstream.uniqueId);
      const name = `${upstream.resourceType} ${upstream.name}`;
      if (entry?.state.status === "error" || entry?.state.status === "canceled") causes.push(`upstream ${name} failed`);
      for (const test of failedTests.get(upstream.assetKey) ?? []) causes.push(`test ${test.checkName} of upstream ${name} failed`);
      if (entry?.state.status === "skipped") queue.push(...upstream.deps);
    }
    if (causes.length > 0) return `skipped by dbt: ${causes.join("; ")}`;
    if (this.keyboardInterrupt) return "skipped by dbt: the run was interrupted";
    if (this.generalErrors.length > 0) return `skipped by dbt after an error outside the nodes: ${this.generalErrors[0]!.split("\n")[0]}`;
    return "skipped by dbt (no failed upstream node in this run; with --fail-fast dbt skips everything after the first failure)";
  }

  /** Error-severity tests that failed in this run, by the key of their asset (what makes dbt skip that asset's children). */
  private failedTestsByAsset(): Map<string, DbtTestCheck[]> {
    const byAsset = new Map<string, DbtTestCheck[]>();
    for (const { test, state } of this.tests.values()) {
      if (test.severity !== "error" || (state.status !== "fail" && state.status !== "error")) continue;
      byAsset.set(test.assetKey, [...(byAsset.get(test.assetKey) ?? []), test]);
    }
    return byAsset;
  }

  private missingReason(node: DbtAssetNode): string {
    const command = this.plan.command;
    const builds = command === "build" ? ["model", "seed", "snapshot"] : command === "run" ? ["model"] : [command];
    if (!builds.includes(node.resourceType)) return `dbt ${command} does not build ${node.resourceType}s (use the command "build")`;
    return `dbt reported no result for it (its selector ${JSON.stringify(node.selector)} may match nothing in the project dbt ran)`;
  }

  private log(level: DbtLogLevel, message: string, fields?: Record<string, unknown>): void {
    try {
      this.sink.log(level, message, fields);
    } catch (error) {
      this.sinkErrors.push(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
