/**
 * `AutomationCondition`: declarative automation on assets (docs/automation.md). A condition is an
 * immutable tree of core's `AutomationConditionSnapshot` nodes, built from blocks (`missing()`,
 * `anyDepsUpdated()`, `cronTickPassed(cron)`, …) joined with `and` / `or` / `not` / `since`; the
 * asset's snapshot carries the plain tree and the daemon's evaluator (@flyt/automation) reads it
 * without user code. Everything is checked here, when the condition is built, so a bad cron or
 * an oversized tree fails when the code location loads, naming the function that was given it.
 */
import { abbreviate, automationConditionChildren, DEFINITION_LIMITS, didYouMeanSuffix, type AutomationConditionKind, type AutomationConditionSnapshot } from "@flyt/core";
import { parseCron } from "@flyt/partitions";
import { timezoneProblem } from "./schedules.js";
import { callerLocation, definitionsError } from "./validation.js";

type Node = AutomationConditionSnapshot;

/**
 * Marks conditions, also across two copies of the SDK in one process (a location bundling its own):
 * `instanceof` would fail there, the registered symbol does not.
 */
const BRAND: unique symbol = Symbol.for("flyt.automation-condition");

/** Kinds without children, with the fields each carries besides `kind` and `label`. */
const LEAF_FIELDS: Readonly<Record<string, readonly string[]>> = {
  missing: [],
  in_progress: [],
  execution_failed: [],
  newly_updated: [],
  newly_requested: [],
  code_version_changed: [],
  unsynced: [],
  will_be_requested: [],
  cron_tick_passed: ["cron", "timezone"],
  updated_since_cron: ["cron", "timezone"],
  in_latest_time_window: ["lookbackMinutes"],
};
const BRANCH_FIELDS: Readonly<Record<string, readonly string[]>> = {
  any_deps_match: ["condition"],
  all_deps_match: ["condition"],
  newly_true: ["condition"],
  since: ["trigger", "reset"],
  not: ["operand"],
  and: ["operands"],
  or: ["operands"],
};
/** Every kind core's `AutomationConditionSnapshot` has, for messages and plain-data checks. */
const KINDS = [...Object.keys(LEAF_FIELDS), ...Object.keys(BRANCH_FIELDS)] as AutomationConditionKind[];


/** Nodes in all and on the longest root-to-leaf path (a leaf has depth 1). */
function measure(node: Node): { nodes: number; depth: number } {
  let nodes = 1;
  let depth = 0;
  for (const child of automationConditionChildren(node)) {
    const inner = measure(child);
    nodes += inner.nodes;
    depth = Math.max(depth, inner.depth);
  }
  return { nodes, depth: depth + 1 };
}

/** Why the tree is over DEFINITION_LIMITS, or null. */
function limitProblem(node: Node): string | null {
  const { nodes, depth } = measure(node);
  const why = "the daemon evaluates every condition on every tick; build it from fewer blocks";
  if (nodes > DEFINITION_LIMITS.automationConditionNodes) {
    return `the condition would have ${nodes} nodes, over the limit of ${DEFINITION_LIMITS.automationConditionNodes} (${why})`;
  }
  if (depth > DEFINITION_LIMITS.automationConditionDepth) {
    return `the condition would be ${depth} levels deep, over the limit of ${DEFINITION_LIMITS.automationConditionDepth} (${why})`;
  }
  return null;
}

function fail(fn: string, message: string): never {
  throw definitionsError([{ subject: `AutomationCondition.${fn}`, message }], callerLocation());
}

function cronProblem(cron: unknown, timezone: unknown): string | null {
  if (typeof cron !== "string" || cron.trim() === "") return `cron must be a cron expression like "30 6 * * *", got ${describeValue(cron)}`;
  if (cron.length > DEFINITION_LIMITS.cronChars) return `cron is ${cron.length} characters, over the limit of ${DEFINITION_LIMITS.cronChars}`;
  const zoneProblem = timezoneProblem(timezone);
  if (zoneProblem !== null) return zoneProblem;
  if ((timezone as string).length > DEFINITION_LIMITS.timezoneChars) return `timezone is ${(timezone as string).length} characters, over the limit of ${DEFINITION_LIMITS.timezoneChars}`;
  try {
    parseCron(cron, timezone as string).stop();
    return null;
  } catch (error) {
    return `cron ${JSON.stringify(abbreviate(cron))} is invalid: ${error instanceof Error ? error.message.replace(/^CronPattern: /, "") : String(error)}`;
  }
}

function lookbackProblem(lookbackMinutes: unknown): string | null {
  if (lookbackMinutes === null) return null;
  if (typeof lookbackMinutes !== "number" || !Number.isFinite(lookbackMinutes) || lookbackMinutes <= 0) {
    return `lookbackMinutes must be a number of minutes above 0 (or left out for the latest time window only), got ${describeValue(lookbackMinutes)}`;
  }
  return null;
}

function labelProblem(label: unknown): string | null {
  if (typeof label !== "string" || label.trim() === "") return `label must be a non-empty string, got ${describeValue(label)}`;
  if (label.length > DEFINITION_LIMITS.automationLabelChars) return `label is ${label.length} characters, over the limit of ${DEFINITION_LIMITS.automationLabelChars}`;
  return null;
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string") return JSON.stringify(abbreviate(value));
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  return Array.isArray(value) ? "an array" : typeof value === "object" ? "an object" : typeof value;
}

/**
 * Why `value` is not a valid automation condition tree (core `AutomationConditionSnapshot`: known
 * kinds, their fields and nothing else, valid crons and zones, within the size limits), naming
 * the path of the node at fault; null when it is one.
 * @example
 * automationConditionProblem({ kind: "not", operand: { kind: "mising" } });
 * // 'operand: kind "mising" is not a condition kind (did you mean "missing"?) …'
 */
export function automationConditionProblem(value: unknown): string | null {
  // Size first, without recursion and stopping at the limit: a hostile tree a million levels
  // deep or wide costs no more than a small one.
  return plainSizeProblem(value) ?? shapeProblem(value, "", 1);
}

/** Why a plain tree (of any shape) is over the node or depth limit, or null. */
function plainSizeProblem(value: unknown): string | null {
  const stack: Array<{ node: unknown; depth: number }> = [{ node: value, depth: 1 }];
  let nodes = 0;
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (typeof node !== "object" || node === null) continue;
    nodes += 1;
    if (nodes > DEFINITION_LIMITS.automationConditionNodes) return `the condition has more than ${DEFINITION_LIMITS.automationConditionNodes} nodes, over the limit`;
    if (depth > DEFINITION_LIMITS.automationConditionDepth) return `the condition is more than ${DEFINITION_LIMITS.automationConditionDepth} levels deep, over the limit`;
    const record = node as Record<string, unknown>;
    for (const field of ["condition", "trigger", "reset", "operand"]) if (field in record) stack.push({ node: record[field], depth: depth + 1 });
    if (Array.isArray(record.operands)) for (const operand of record.operands as unknown[]) stack.push({ node: operand, depth: depth + 1 });
  }
  return null;
}

function shapeProblem(value: unknown, path: string, depth: number): string | null {
  const at = path === "" ? "" : `${path}: `;
  // plainSizeProblem has bounded the depth; this keeps the recursion safe on its own as well.
  if (depth > DEFINITION_LIMITS.automationConditionDepth) return `${at}the condition is too deep`;
  if (typeof value !== "object" || value === null || Array.isArray(value)) return `${at}must be a condition node like { kind: "missing" }, got ${describeValue(value)}`;
  const node = value as Record<string, unknown>;
  const kind = node.kind;
  const fields = typeof kind === "string" ? (LEAF_FIELDS[kind] ?? BRANCH_FIELDS[kind]) : undefined;
  if (fields === undefined) {
    const suggestion = typeof kind === "string" ? didYouMeanSuffix(kind, KINDS) : "";
    return `${at}kind ${describeValue(kind)} is not a condition kind${suggestion} (one of ${KINDS.join(", ")})`;
  }
  const unknown = Object.keys(node).filter((key) => key !== "kind" && key !== "label" && !fields.includes(key));
  if (unknown.length > 0) return `${at}${kind as string} has unknown field ${JSON.stringify(unknown[0])} (its fields: ${["kind", ...fields, "label"].join(", ")})`;
  if (node.label !== undefined) {
    const problem = labelProblem(node.label);
    if (problem !== null) return `${at}${problem}`;
  }
  const child = (field: string, index?: number): string => `${path === "" ? "" : `${path}.`}${field}${index === undefined ? "" : `[${index}]`}`;
  switch (kind) {
    case "cron_tick_passed":
    case "updated_since_cron": {
      const problem = cronProblem(node.cron, node.timezone);
      return problem === null ? null : `${at}${problem}`;
    }
    case "in_latest_time_window": {
      if (!("lookbackMinutes" in node)) return `${at}in_latest_time_window needs lookbackMinutes (null for the latest window only)`;
      const problem = lookbackProblem(node.lookbackMinutes);
      return problem === null ? null : `${at}${problem}`;
    }
    case "and":
    case "or": {
      if (!Array.isArray(node.operands) || node.operands.length === 0) return `${at}${kind} needs a non-empty operands array`;
      for (const [index, operand] of (node.operands as unknown[]).entries()) {
        const problem = shapeProblem(operand, child("operands", index), depth + 1);
        if (problem !== null) return problem;
      }
      return null;
    }
    default:
      for (const field of fields) {
        const problem = shapeProblem(node[field], child(field), depth + 1);
        if (problem !== null) return problem;
      }
      return null;
  }
}

/** A frozen deep copy: conditions share subtrees, so none may be changed afterwards. */
function frozen(node: Node): Node {
  const copy = structuredClone(node);
  const freeze = (n: Node): void => {
    for (const c of automationConditionChildren(n)) freeze(c);
    if (n.kind === "and" || n.kind === "or") Object.freeze(n.operands);
    Object.freeze(n);
  };
  freeze(copy);
  return copy;
}

/**
 * True for what `AutomationCondition`'s functions return (also from another copy of the SDK).
 * @example
 * isAutomationCondition(AutomationCondition.eager()); // true
 * isAutomationCondition({ kind: "missing" }); // false: plain data goes through AutomationCondition.fromSnapshot
 */
export function isAutomationCondition(value: unknown): value is AutomationCondition {
  return typeof value === "object" && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true && typeof (value as { snapshot?: unknown }).snapshot === "function";
}

/** The validated plain tree of a condition given to `fn` (another SDK copy's condition is checked again). */
function nodeOf(fn: string, value: unknown, what: string): Node {
  if (value instanceof AutomationCondition) return value.node;
  if (isAutomationCondition(value)) {
    const snapshot = value.snapshot();
    const problem = automationConditionProblem(snapshot);
    if (problem !== null) fail(fn, `${what}: ${problem}`);
    return frozen(snapshot);
  }
  return fail(fn, `${what} must be an AutomationCondition (e.g. AutomationCondition.missing()), got ${describeValue(value)}`);
}

/** The label the ready-made conditions and the `anyDeps…` blocks give their "requested or updated since" reset. */
const HANDLED_LABEL = "requested or updated";

/**
 * A declarative automation condition: when true for an asset (or a partition of it), the daemon
 * requests a run of it (docs/automation.md). Immutable: every method returns a new condition.
 * Start from a ready-made one (`eager()`, `onCron(cron, timezone)`, `onMissing()`) or compose
 * blocks; the evaluator explains each decision node by node, so `withLabel` the parts you want
 * read back in words.
 * @example
 * asset({ key: "atlas/dbt/stg_prices", deps: [raw], automationCondition: AutomationCondition.eager(), compute });
 * asset({ key: "atlas/serving/overview", automationCondition: AutomationCondition.onCron("30 6 * * *", "Europe/Oslo"), compute });
 * // Eager, but also rebuilt when the code changed:
 * const cond = AutomationCondition.eager().or(AutomationCondition.codeVersionChanged().sinceLastHandled());
 */
export class AutomationCondition {
  /** @internal */
  readonly [BRAND] = true as const;
  /** @internal The frozen tree; read it with `snapshot()`. */
  readonly node: Node;

  private constructor(fn: string, node: Node) {
    const problem = limitProblem(node);
    if (problem !== null) fail(fn, problem);
    // Children come frozen from the conditions they were; only this level is new.
    if (node.kind === "and" || node.kind === "or") Object.freeze(node.operands);
    this.node = Object.freeze(node);
    Object.freeze(this);
  }

  // Leaves -------------------------------------------------------------------------------

  /**
   * True where the asset (the partition) was never materialized.
   * @example
   * AutomationCondition.missing().newlyTrue().sinceLastHandled(); // the core of onMissing()
   */
  static missing(): AutomationCondition {
    return new AutomationCondition("missing", { kind: "missing" });
  }

  /**
   * True where a run that has not ended (queued, starting, started, canceling) targets it.
   * @example
   * AutomationCondition.inProgress().not();
   */
  static inProgress(): AutomationCondition {
    return new AutomationCondition("inProgress", { kind: "in_progress" });
  }

  /**
   * True where its latest run failed after its latest materialization.
   * @example
   * AutomationCondition.eager().and(AutomationCondition.executionFailed().not());
   */
  static executionFailed(): AutomationCondition {
    return new AutomationCondition("executionFailed", { kind: "execution_failed" });
  }

  /**
   * True where it was materialized since the previous evaluation.
   * @example
   * AutomationCondition.anyDepsMatch(AutomationCondition.newlyUpdated());
   */
  static newlyUpdated(): AutomationCondition {
    return new AutomationCondition("newlyUpdated", { kind: "newly_updated" });
  }

  /**
   * True where the previous evaluation requested it.
   * @example
   * AutomationCondition.missing().since(AutomationCondition.newlyRequested());
   */
  static newlyRequested(): AutomationCondition {
    return new AutomationCondition("newlyRequested", { kind: "newly_requested" });
  }

  /**
   * True where its code version differs from the one of its latest materialization.
   * @example
   * AutomationCondition.codeVersionChanged().sinceLastHandled();
   */
  static codeVersionChanged(): AutomationCondition {
    return new AutomationCondition("codeVersionChanged", { kind: "code_version_changed" });
  }

  /**
   * True where the asset is unsynced (docs/staleness.md): its code version changed, an upstream
   * has a newer data version, or its dependencies changed.
   * @example
   * AutomationCondition.unsynced().newlyTrue().sinceLastHandled();
   */
  static unsynced(): AutomationCondition {
    return new AutomationCondition("unsynced", { kind: "unsynced" });
  }

  /**
   * True when a tick of `cron` in `timezone` passed since the previous evaluation.
   * @throws InvalidDefinitionsError for an invalid cron or an unknown time zone.
   * @example
   * AutomationCondition.cronTickPassed("0 6 * * 1", "Europe/Oslo").sinceLastHandled(); // once a week
   */
  static cronTickPassed(cron: string, timezone = "UTC"): AutomationCondition {
    const problem = cronProblem(cron, timezone);
    if (problem !== null) fail("cronTickPassed", problem);
    return new AutomationCondition("cronTickPassed", { kind: "cron_tick_passed", cron, timezone });
  }

  /**
   * True where it was materialized after the latest tick of `cron` in `timezone`.
   * @throws InvalidDefinitionsError for an invalid cron or an unknown time zone.
   * @example
   * AutomationCondition.updatedSinceCron("0 6 * * *", "Europe/Oslo").not();
   */
  static updatedSinceCron(cron: string, timezone = "UTC"): AutomationCondition {
    const problem = cronProblem(cron, timezone);
    if (problem !== null) fail("updatedSinceCron", problem);
    return new AutomationCondition("updatedSinceCron", { kind: "updated_since_cron", cron, timezone });
  }

  /**
   * For time-window partitions: true for the latest complete window (or, with `lookbackMinutes`,
   * every window that ended within that many minutes); always true for other assets.
   * @throws InvalidDefinitionsError when `lookbackMinutes` is not a number above 0.
   * @example
   * AutomationCondition.inLatestTimeWindow(3 * 24 * 60); // the windows of the last three days
   */
  static inLatestTimeWindow(lookbackMinutes?: number): AutomationCondition {
    const minutes = lookbackMinutes ?? null;
    const problem = lookbackProblem(minutes);
    if (problem !== null) fail("inLatestTimeWindow", problem);
    return new AutomationCondition("inLatestTimeWindow", { kind: "in_latest_time_window", lookbackMinutes: minutes });
  }

  /**
   * True where this same evaluation requests it: on a dependency it lets a downstream asset join
   * the run its upstream gets, instead of waiting for the next tick.
   * @example
   * AutomationCondition.anyDepsMatch(AutomationCondition.newlyUpdated().or(AutomationCondition.willBeRequested()));
   */
  static willBeRequested(): AutomationCondition {
    return new AutomationCondition("willBeRequested", { kind: "will_be_requested" });
  }

  // Dependencies -------------------------------------------------------------------------

  /**
   * True where at least one dependency (through its partition mapping) matches `condition`.
   * @throws InvalidDefinitionsError when `condition` is not an AutomationCondition.
   * @example
   * AutomationCondition.anyDepsMatch(AutomationCondition.executionFailed()).not();
   */
  static anyDepsMatch(condition: AutomationCondition): AutomationCondition {
    return new AutomationCondition("anyDepsMatch", { kind: "any_deps_match", condition: nodeOf("anyDepsMatch", condition, "the condition") });
  }

  /**
   * True where every dependency matches `condition` (true for an asset without dependencies).
   * @throws InvalidDefinitionsError when `condition` is not an AutomationCondition.
   * @example
   * AutomationCondition.allDepsMatch(AutomationCondition.missing().not());
   */
  static allDepsMatch(condition: AutomationCondition): AutomationCondition {
    return new AutomationCondition("allDepsMatch", { kind: "all_deps_match", condition: nodeOf("allDepsMatch", condition, "the condition") });
  }

  /**
   * "any upstream updated": a dependency was materialized since the previous evaluation, or this
   * evaluation requests it.
   * @example
   * AutomationCondition.anyDepsUpdated().snapshot();
   * // { kind: "any_deps_match", condition: { kind: "or", operands: [{ kind: "newly_updated" }, { kind: "will_be_requested" }] }, label: "any upstream updated" }
   */
  static anyDepsUpdated(): AutomationCondition {
    return AutomationCondition.anyDepsMatch(AutomationCondition.newlyUpdated().or(AutomationCondition.willBeRequested())).withLabel("any upstream updated");
  }

  /**
   * "any upstream missing": a dependency (the partitions it maps to) was never materialized and
   * this evaluation does not request it — so a chain of missing assets is requested together, in
   * one run, instead of one link per tick (Dagster's `any_deps_missing` is the same).
   * @example
   * AutomationCondition.anyDepsMissing().not().withLabel("no upstream missing");
   */
  static anyDepsMissing(): AutomationCondition {
    const C = AutomationCondition;
    return C.anyDepsMatch(C.missing().and(C.willBeRequested().not())).withLabel("any upstream missing");
  }

  /**
   * "any upstream in progress": a run targeting a dependency has not ended.
   * @example
   * AutomationCondition.anyDepsInProgress().not().withLabel("no upstream in progress");
   */
  static anyDepsInProgress(): AutomationCondition {
    return AutomationCondition.anyDepsMatch(AutomationCondition.inProgress()).withLabel("any upstream in progress");
  }

  /**
   * "every upstream updated since the latest cron tick": each dependency was materialized after
   * the latest tick of `cron`, or this evaluation requests it.
   * @throws InvalidDefinitionsError for an invalid cron or an unknown time zone.
   * @example
   * AutomationCondition.cronTickPassed("0 7 * * *").sinceLastHandled().and(AutomationCondition.allDepsUpdatedSinceCron("0 7 * * *"));
   */
  static allDepsUpdatedSinceCron(cron: string, timezone = "UTC"): AutomationCondition {
    const problem = cronProblem(cron, timezone);
    if (problem !== null) fail("allDepsUpdatedSinceCron", problem);
    return AutomationCondition.allDepsMatch(AutomationCondition.updatedSinceCron(cron, timezone).or(AutomationCondition.willBeRequested())).withLabel(
      "every upstream updated since the latest cron tick",
    );
  }

  // Ready-made ---------------------------------------------------------------------------

  /**
   * Materialize when the asset is newly missing or any upstream was updated since it was last
   * requested or updated, unless an upstream is missing or in progress, or it is in progress
   * itself. Partitioned assets: the latest time window only.
   * @example
   * asset({ key: "atlas/dbt/stg_prices", deps: [raw], automationCondition: AutomationCondition.eager(), compute });
   */
  static eager(): AutomationCondition {
    const C = AutomationCondition;
    return C.inLatestTimeWindow()
      .and(
        C.missing()
          .newlyTrue()
          .withLabel("newly missing")
          .or(C.anyDepsUpdated())
          .withLabel("newly missing or any upstream updated")
          .sinceLastHandled()
          .withLabel("newly missing or any upstream updated, since the last request"),
        C.anyDepsMissing().not().withLabel("no upstream missing"),
        C.anyDepsInProgress().not().withLabel("no upstream in progress"),
        C.inProgress().not().withLabel("not in progress"),
      )
      .withLabel("eager");
  }

  /**
   * Materialize once per tick of `cron` in `timezone`, as soon as every upstream has been updated
   * since that tick (or is requested with it). Partitioned assets: the latest time window only.
   * @throws InvalidDefinitionsError for an invalid cron or an unknown time zone.
   * @example
   * asset({ key: "atlas/serving/daily_overview_json", automationCondition: AutomationCondition.onCron("30 6 * * *", "Europe/Oslo"), compute });
   */
  static onCron(cron: string, timezone = "UTC"): AutomationCondition {
    const problem = cronProblem(cron, timezone);
    if (problem !== null) fail("onCron", problem);
    const C = AutomationCondition;
    return C.inLatestTimeWindow()
      .and(C.cronTickPassed(cron, timezone).sinceLastHandled().withLabel("a cron tick passed since the last request"), C.allDepsUpdatedSinceCron(cron, timezone))
      .withLabel(`on cron ${abbreviate(cron)} (${timezone})`);
  }

  /**
   * Materialize what is missing, once, as soon as no upstream is missing: for assets built once
   * and then kept (a lookup table, a history partition).
   * @example
   * asset({ key: "atlas/ssb/region_codes", automationCondition: AutomationCondition.onMissing(), compute });
   */
  static onMissing(): AutomationCondition {
    const C = AutomationCondition;
    return C.inLatestTimeWindow()
      .and(
        C.missing().newlyTrue().withLabel("newly missing").sinceLastHandled().withLabel("newly missing since the last request"),
        C.anyDepsMissing().not().withLabel("no upstream missing"),
        C.inProgress().not().withLabel("not in progress"),
      )
      .withLabel("on missing");
  }

  /**
   * A condition from its plain tree (what `snapshot()` returns, e.g. read from configuration).
   * @throws InvalidDefinitionsError naming the node at fault.
   * @example
   * AutomationCondition.fromSnapshot({ kind: "not", operand: { kind: "in_progress" } });
   */
  static fromSnapshot(snapshot: AutomationConditionSnapshot): AutomationCondition {
    const problem = automationConditionProblem(snapshot);
    if (problem !== null) fail("fromSnapshot", problem);
    return new AutomationCondition("fromSnapshot", frozen(snapshot));
  }

  // Operators ----------------------------------------------------------------------------

  /**
   * True where this and every one of `others` are. `a.and(b).and(c)` is one `and` of three
   * (unless the first `and` has a label: then it stays one operand).
   * @throws InvalidDefinitionsError when given nothing or something that is not a condition.
   * @example
   * AutomationCondition.missing().and(AutomationCondition.inProgress().not());
   */
  and(...others: AutomationCondition[]): AutomationCondition {
    return this.join("and", others);
  }

  /**
   * True where this or any one of `others` is.
   * @throws InvalidDefinitionsError when given nothing or something that is not a condition.
   * @example
   * AutomationCondition.missing().or(AutomationCondition.codeVersionChanged());
   */
  or(...others: AutomationCondition[]): AutomationCondition {
    return this.join("or", others);
  }

  /**
   * True where this is false.
   * @example
   * AutomationCondition.inProgress().not();
   */
  not(): AutomationCondition {
    return new AutomationCondition("not", { kind: "not", operand: this.node });
  }

  /**
   * True once this has been true, until `reset` is (reset wins when both are true in one evaluation).
   * @throws InvalidDefinitionsError when `reset` is not a condition.
   * @example
   * AutomationCondition.anyDepsUpdated().since(AutomationCondition.newlyUpdated());
   */
  since(reset: AutomationCondition): AutomationCondition {
    return new AutomationCondition("since", { kind: "since", trigger: this.node, reset: nodeOf("since", reset, "reset") });
  }

  /**
   * True where this is true now but was not at the previous evaluation.
   * @example
   * AutomationCondition.missing().newlyTrue(); // "newly missing"
   */
  newlyTrue(): AutomationCondition {
    return new AutomationCondition("newlyTrue", { kind: "newly_true", condition: this.node });
  }

  /**
   * True once this has been true, until the asset is requested or updated: "X since it was last
   * handled", so one trigger yields one request.
   * @example
   * AutomationCondition.codeVersionChanged().sinceLastHandled();
   */
  sinceLastHandled(): AutomationCondition {
    const reset = AutomationCondition.newlyRequested().or(AutomationCondition.newlyUpdated()).withLabel(HANDLED_LABEL);
    return new AutomationCondition("sinceLastHandled", { kind: "since", trigger: this.node, reset: reset.node });
  }

  /**
   * The same condition, explained as `text` in evaluations instead of the generated description.
   * @throws InvalidDefinitionsError for an empty label or one over 200 characters.
   * @example
   * AutomationCondition.anyDepsMissing().not().withLabel("no upstream missing");
   */
  withLabel(text: string): AutomationCondition {
    const problem = labelProblem(text);
    if (problem !== null) fail("withLabel", problem);
    return new AutomationCondition("withLabel", { ...this.node, label: text });
  }

  /**
   * The plain tree (a fresh copy) that the asset's snapshot carries and the evaluator reads.
   * @example
   * AutomationCondition.inProgress().not().snapshot(); // { kind: "not", operand: { kind: "in_progress" } }
   */
  snapshot(): AutomationConditionSnapshot {
    return structuredClone(this.node);
  }

  /** `JSON.stringify(condition)` writes the plain tree. */
  toJSON(): AutomationConditionSnapshot {
    return this.snapshot();
  }

  private join(kind: "and" | "or", others: readonly unknown[]): AutomationCondition {
    if (others.length === 0) fail(kind, `needs at least one other condition, e.g. a.${kind}(b)`);
    const operands = others.map((other, index) => nodeOf(kind, other, `argument ${index + 1}`));
    // Flatten a chain (a.and(b).and(c)) so explanations list its parts side by side; a labelled
    // node is kept whole, its label names the group.
    const node = this.node;
    const head = (node.kind === "and" || node.kind === "or") && node.kind === kind && node.label === undefined ? node.operands : [node];
    return new AutomationCondition(kind, { kind, operands: [...head, ...operands] });
  }
}
