/**
 * Automation conditions as the platform reads them from a code location's snapshot: validated
 * (`automationConditionProblem`: known kinds and fields, valid crons and zones, within the size
 * limits core's DEFINITION_LIMITS sets), described in words for explanations
 * (`describeAutomationCondition`), and the ready-made trees (`eagerCondition()`,
 * `onCronCondition()`, `onMissingCondition()`), node for node the ones the SDK's
 * `AutomationCondition.eager()` etc. build (a test compares them).
 */
import { abbreviate, automationConditionChildren, DEFINITION_LIMITS, type AutomationConditionKind, type AutomationConditionSnapshot } from "@flyt/core";
import { isValidTimeZone, parseCron } from "@flyt/partitions";

type Node = AutomationConditionSnapshot;

/** Fields each kind carries besides `kind` and `label`, and which of them are child conditions. */
const FIELDS: Readonly<Record<AutomationConditionKind, { plain: readonly string[]; children: readonly string[] }>> = {
  missing: { plain: [], children: [] },
  in_progress: { plain: [], children: [] },
  execution_failed: { plain: [], children: [] },
  newly_updated: { plain: [], children: [] },
  newly_requested: { plain: [], children: [] },
  code_version_changed: { plain: [], children: [] },
  unsynced: { plain: [], children: [] },
  will_be_requested: { plain: [], children: [] },
  cron_tick_passed: { plain: ["cron", "timezone"], children: [] },
  updated_since_cron: { plain: ["cron", "timezone"], children: [] },
  in_latest_time_window: { plain: ["lookbackMinutes"], children: [] },
  any_deps_match: { plain: [], children: ["condition"] },
  all_deps_match: { plain: [], children: ["condition"] },
  newly_true: { plain: [], children: ["condition"] },
  since: { plain: [], children: ["trigger", "reset"] },
  not: { plain: [], children: ["operand"] },
  and: { plain: [], children: ["operands"] },
  or: { plain: [], children: ["operands"] },
};

/** Longest lookback `in_latest_time_window` accepts: ten years of minutes. */
export const MAX_LOOKBACK_MINUTES = 10 * 366 * 24 * 60;

/**
 * A node's child conditions, in snapshot order (`since`: trigger then reset).
 * @example
 * conditionChildren({ kind: "not", operand: { kind: "missing" } }); // [{ kind: "missing" }]
 */
export function conditionChildren(node: Node): readonly Node[] {
  return automationConditionChildren(node);
}

function shown(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string") return JSON.stringify(abbreviate(value));
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  return Array.isArray(value) ? "an array" : typeof value;
}

/** Why `cron` in `timezone` cannot be evaluated, or null. */
export function cronProblem(cron: unknown, timezone: unknown): string | null {
  if (typeof cron !== "string" || cron.trim() === "") return `cron must be a cron expression like "30 6 * * *", got ${shown(cron)}`;
  if (cron.length > DEFINITION_LIMITS.cronChars) return `cron is ${cron.length} characters, over the limit of ${DEFINITION_LIMITS.cronChars}`;
  if (typeof timezone !== "string" || timezone === "") return `timezone must be an IANA zone like "Europe/Oslo", got ${shown(timezone)}`;
  if (timezone.length > DEFINITION_LIMITS.timezoneChars) return `timezone is ${timezone.length} characters, over the limit of ${DEFINITION_LIMITS.timezoneChars}`;
  if (!isValidTimeZone(timezone)) return `timezone ${JSON.stringify(abbreviate(timezone))} is not an IANA time zone (like "Europe/Oslo" or "UTC")`;
  try {
    parseCron(cron, timezone).stop();
    return null;
  } catch (error) {
    return `cron ${JSON.stringify(abbreviate(cron))} is invalid: ${error instanceof Error ? error.message.replace(/^CronPattern: /, "") : String(error)}`;
  }
}

/**
 * Why `value` is not an automation condition the evaluator can run — an unknown kind, a missing
 * or unknown field, a bad cron or zone, a bad lookback or label, a tree over
 * DEFINITION_LIMITS.automationConditionDepth levels or automationConditionNodes nodes — naming
 * the path of the node at fault; null when it is fine. The platform checks what a code location
 * sends (it may run another SDK version) before evaluating it.
 * @example
 * automationConditionProblem({ kind: "not", operand: { kind: "mising" } });
 * // 'operand: kind "mising" is not a condition kind (one of missing, in_progress, …)'
 * automationConditionProblem(eagerCondition()); // null
 */
export function automationConditionProblem(value: unknown): string | null {
  let nodes = 0;
  const visit = (node: unknown, path: string, depth: number): string | null => {
    const at = path === "" ? "" : `${path}: `;
    if (depth > DEFINITION_LIMITS.automationConditionDepth) return `${at}the condition is more than ${DEFINITION_LIMITS.automationConditionDepth} levels deep, over the limit`;
    if (++nodes > DEFINITION_LIMITS.automationConditionNodes) return `the condition has more than ${DEFINITION_LIMITS.automationConditionNodes} nodes, over the limit`;
    if (typeof node !== "object" || node === null || Array.isArray(node)) return `${at}must be a condition node like { kind: "missing" }, got ${shown(node)}`;
    const record = node as Record<string, unknown>;
    const kind = record.kind;
    const fields = typeof kind === "string" && Object.hasOwn(FIELDS, kind) ? FIELDS[kind as AutomationConditionKind] : undefined;
    if (fields === undefined) return `${at}kind ${shown(kind)} is not a condition kind (one of ${Object.keys(FIELDS).join(", ")})`;
    const allowed = new Set(["kind", "label", ...fields.plain, ...fields.children]);
    const unknown = Object.keys(record).find((field) => !allowed.has(field));
    if (unknown !== undefined) return `${at}${kind as string} has unknown field ${JSON.stringify(unknown)} (its fields: ${[...allowed].join(", ")})`;
    if (record.label !== undefined) {
      if (typeof record.label !== "string" || record.label.trim() === "") return `${at}label must be a non-empty string, got ${shown(record.label)}`;
      if (record.label.length > DEFINITION_LIMITS.automationLabelChars) return `${at}label is ${record.label.length} characters, over the limit of ${DEFINITION_LIMITS.automationLabelChars}`;
    }
    const child = (field: string, index?: number): string => `${path === "" ? "" : `${path}.`}${field}${index === undefined ? "" : `[${index}]`}`;
    switch (kind) {
      case "cron_tick_passed":
      case "updated_since_cron": {
        const problem = cronProblem(record.cron, record.timezone);
        return problem === null ? null : `${at}${problem}`;
      }
      case "in_latest_time_window": {
        const minutes = record.lookbackMinutes;
        if (minutes === null) return null;
        if (typeof minutes !== "number" || !Number.isFinite(minutes) || minutes <= 0 || minutes > MAX_LOOKBACK_MINUTES) {
          return `${at}lookbackMinutes must be null (the latest window only) or a number of minutes above 0 and at most ${MAX_LOOKBACK_MINUTES}, got ${shown(minutes)}`;
        }
        return null;
      }
      case "and":
      case "or": {
        if (!Array.isArray(record.operands) || record.operands.length === 0) return `${at}${kind} needs a non-empty operands array`;
        for (const [index, operand] of (record.operands as unknown[]).entries()) {
          const problem = visit(operand, child("operands", index), depth + 1);
          if (problem !== null) return problem;
        }
        return null;
      }
      default:
        for (const field of fields.children) {
          const problem = visit(record[field], child(field), depth + 1);
          if (problem !== null) return problem;
        }
        return null;
    }
  };
  return visit(value, "", 1);
}

/** Most characters a generated description keeps (a big tree's is cut with "…"). */
const MAX_DESCRIPTION_CHARS = 200;

/**
 * A node's label, or a description generated from the tree ("newly missing or any upstream newly
 * updated or requested in this tick"), read as a property of the asset: "X is <description>".
 * @example
 * describeAutomationCondition({ kind: "any_deps_match", condition: { kind: "in_progress" } }); // "any upstream in progress"
 * describeAutomationCondition(eagerCondition()); // "eager"
 */
export function describeAutomationCondition(node: Node): string {
  if (node.label !== undefined) return cut(node.label);
  // Evaluation asks for the same nodes' descriptions on every asset and tick.
  let text = descriptions.get(node);
  if (text === undefined) {
    text = cut(generated(node, 0));
    descriptions.set(node, text);
  }
  return text;
}

const descriptions = new WeakMap<object, string>();

function cut(text: string): string {
  return text.length > MAX_DESCRIPTION_CHARS ? `${text.slice(0, MAX_DESCRIPTION_CHARS - 1)}…` : text;
}

function inner(node: Node, depth: number): string {
  if (node.label !== undefined) return node.label;
  const text = generated(node, depth + 1);
  return (node.kind === "and" || node.kind === "or" || node.kind === "since") && depth >= 0 ? `(${text})` : text;
}

function generated(node: Node, depth: number): string {
  // Deep trees are summarised: the whole text would be cut anyway.
  if (depth > 6) return "…";
  switch (node.kind) {
    case "missing":
      return "missing";
    case "in_progress":
      return "in progress";
    case "execution_failed":
      return "failed";
    case "newly_updated":
      return "newly updated";
    case "newly_requested":
      return "newly requested";
    case "code_version_changed":
      return "code version changed";
    case "unsynced":
      return "unsynced";
    case "will_be_requested":
      return "requested in this tick";
    case "cron_tick_passed":
      return `past a tick of ${abbreviate(node.cron)} (${node.timezone})`;
    case "updated_since_cron":
      return `updated since the latest tick of ${abbreviate(node.cron)} (${node.timezone})`;
    case "in_latest_time_window":
      return node.lookbackMinutes === null ? "in the latest time window" : `in a time window that ended within ${node.lookbackMinutes} minutes`;
    case "any_deps_match":
      return `any upstream ${inner(node.condition, depth)}`;
    case "all_deps_match":
      return `every upstream ${inner(node.condition, depth)}`;
    case "newly_true":
      return node.condition.label === undefined && conditionChildren(node.condition).length === 0 ? `newly ${generated(node.condition, depth + 1)}` : `newly true: ${inner(node.condition, depth)}`;
    case "since":
      return `${inner(node.trigger, depth)} since last ${inner(node.reset, depth)}`;
    case "not":
      return `not ${inner(node.operand, depth)}`;
    case "and":
      return node.operands.map((operand) => inner(operand, depth)).join(" and ");
    case "or":
      return node.operands.map((operand) => inner(operand, depth)).join(" or ");
  }
}

// ---------------------------------------------------------------------------------------------
// Ready-made conditions: the same trees as the SDK's AutomationCondition.eager() / onCron() / onMissing()
// ---------------------------------------------------------------------------------------------

const HANDLED: Node = { kind: "or", operands: [{ kind: "newly_requested" }, { kind: "newly_updated" }], label: "requested or updated" };

/**
 * "any upstream missing" counts a dependency missing only when this tick does not request it:
 * a chain of never-materialized assets is then requested together, in one run (Dagster's
 * any_deps_missing has the same `& ~will_be_requested`).
 */
function anyDepsMissing(): Node {
  return { kind: "any_deps_match", condition: { kind: "and", operands: [{ kind: "missing" }, { kind: "not", operand: { kind: "will_be_requested" } }] }, label: "any upstream missing" };
}

/**
 * Materialize when the asset (partition) is newly missing or any upstream was updated (or is
 * requested in this tick), since it was last requested or updated; not while an upstream is missing
 * or in progress, or it is in progress itself. Time-window partitions: the latest window only.
 * @example
 * { ...assetSnapshot, automationCondition: eagerCondition() }
 */
export function eagerCondition(): Node {
  return {
    kind: "and",
    label: "eager",
    operands: [
      { kind: "in_latest_time_window", lookbackMinutes: null },
      {
        kind: "since",
        label: "newly missing or any upstream updated, since the last request",
        trigger: {
          kind: "or",
          label: "newly missing or any upstream updated",
          operands: [
            { kind: "newly_true", condition: { kind: "missing" }, label: "newly missing" },
            { kind: "any_deps_match", condition: { kind: "or", operands: [{ kind: "newly_updated" }, { kind: "will_be_requested" }] }, label: "any upstream updated" },
          ],
        },
        reset: structuredClone(HANDLED),
      },
      { kind: "not", operand: anyDepsMissing(), label: "no upstream missing" },
      { kind: "not", operand: { kind: "any_deps_match", condition: { kind: "in_progress" }, label: "any upstream in progress" }, label: "no upstream in progress" },
      { kind: "not", operand: { kind: "in_progress" }, label: "not in progress" },
    ],
  };
}

/**
 * Materialize once per tick of `cron` in `timezone`, as soon as every upstream was updated since
 * that tick (or is requested in this tick). Time-window partitions: the latest window only.
 * @throws TypeError for an invalid cron or zone.
 * @example
 * onCronCondition("30 6 * * *", "Europe/Oslo");
 */
export function onCronCondition(cron: string, timezone = "UTC"): Node {
  const problem = cronProblem(cron, timezone);
  if (problem !== null) throw new TypeError(`onCronCondition: ${problem}`);
  return {
    kind: "and",
    label: `on cron ${abbreviate(cron)} (${timezone})`,
    operands: [
      { kind: "in_latest_time_window", lookbackMinutes: null },
      { kind: "since", label: "a cron tick passed since the last request", trigger: { kind: "cron_tick_passed", cron, timezone }, reset: structuredClone(HANDLED) },
      {
        kind: "all_deps_match",
        label: "every upstream updated since the latest cron tick",
        condition: { kind: "or", operands: [{ kind: "updated_since_cron", cron, timezone }, { kind: "will_be_requested" }] },
      },
    ],
  };
}

/**
 * Materialize what is newly missing, once, when no upstream is missing and it is not in
 * progress: for assets built once and kept. Time-window partitions: the latest window only.
 * @example
 * onMissingCondition();
 */
export function onMissingCondition(): Node {
  return {
    kind: "and",
    label: "on missing",
    operands: [
      { kind: "in_latest_time_window", lookbackMinutes: null },
      {
        kind: "since",
        label: "newly missing since the last request",
        trigger: { kind: "newly_true", condition: { kind: "missing" }, label: "newly missing" },
        reset: structuredClone(HANDLED),
      },
      { kind: "not", operand: anyDepsMissing(), label: "no upstream missing" },
      { kind: "not", operand: { kind: "in_progress" }, label: "not in progress" },
    ],
  };
}
