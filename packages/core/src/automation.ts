/**
 * Declarative automation and staleness as plain data (docs/automation.md, docs/staleness.md): the
 * condition tree an asset declares, what an evaluation of it found (per node, over the asset's
 * partitions, with the reason), and whether an asset is in sync with its code and its inputs.
 * The SDK builds conditions, @flyt/automation evaluates them, the daemon runs the loop.
 */

/**
 * A node of an automation condition. Leaves are facts about the asset (or one partition of it);
 * `any_deps_match` / `all_deps_match` evaluate a condition on the dependencies (through partition
 * mappings); `since`, `newly_true` remember the previous evaluation. Every node may carry a `label`
 * shown in explanations instead of the generated description.
 */
export type AutomationConditionSnapshot = { label?: string } & (
  /** Never materialized (the partition, for partitioned assets). */
  | { kind: "missing" }
  /** In a run that has not ended (QUEUED, STARTING, STARTED, CANCELING). */
  | { kind: "in_progress" }
  /** Its latest run (for the partition) failed after its latest materialization. */
  | { kind: "execution_failed" }
  /** Materialized since the previous evaluation. */
  | { kind: "newly_updated" }
  /** Requested by the previous evaluation. */
  | { kind: "newly_requested" }
  /** The code version differs from the one its latest materialization was made with. */
  | { kind: "code_version_changed" }
  /** Unsynced (docs/staleness.md): code version changed, an upstream has a newer data version, or its dependencies changed. */
  | { kind: "unsynced" }
  /** A tick of `cron` in `timezone` passed since the previous evaluation. */
  | { kind: "cron_tick_passed"; cron: string; timezone: string }
  /** Materialized after the latest tick of `cron` (before now). */
  | { kind: "updated_since_cron"; cron: string; timezone: string }
  /** Time-window partitions: the latest complete window (or those ending within `lookbackMinutes`); other assets: always true. */
  | { kind: "in_latest_time_window"; lookbackMinutes: number | null }
  /** This evaluation is requesting it (true for a dependency that the same tick launches: lets downstream coalesce into the same run). */
  | { kind: "will_be_requested" }
  /** True where at least one dependency (through its partition mapping) matches `condition`. */
  | { kind: "any_deps_match"; condition: AutomationConditionSnapshot }
  /** True where every dependency matches `condition` (vacuously true without dependencies). */
  | { kind: "all_deps_match"; condition: AutomationConditionSnapshot }
  /** True once `trigger` has been true, until `reset` is true (reset wins in the same evaluation). */
  | { kind: "since"; trigger: AutomationConditionSnapshot; reset: AutomationConditionSnapshot }
  /** True where `condition` is true now but was not at the previous evaluation. */
  | { kind: "newly_true"; condition: AutomationConditionSnapshot }
  | { kind: "and"; operands: AutomationConditionSnapshot[] }
  | { kind: "or"; operands: AutomationConditionSnapshot[] }
  | { kind: "not"; operand: AutomationConditionSnapshot }
);

export type AutomationConditionKind = AutomationConditionSnapshot["kind"];

/**
 * A node's child conditions, in snapshot order (`since`: trigger then reset); none for a leaf.
 * @example
 * automationConditionChildren({ kind: "not", operand: { kind: "missing" } }); // [{ kind: "missing" }]
 */
export function automationConditionChildren(node: AutomationConditionSnapshot): readonly AutomationConditionSnapshot[] {
  switch (node.kind) {
    case "any_deps_match":
    case "all_deps_match":
    case "newly_true":
      return [node.condition];
    case "since":
      return [node.trigger, node.reset];
    case "not":
      return [node.operand];
    case "and":
    case "or":
      return node.operands;
    case "missing":
    case "in_progress":
    case "execution_failed":
    case "newly_updated":
    case "newly_requested":
    case "code_version_changed":
    case "unsynced":
    case "will_be_requested":
    case "cron_tick_passed":
    case "updated_since_cron":
    case "in_latest_time_window":
      return [];
  }
}

/**
 * What one node of a condition found for one asset in one evaluation: where it is true (over the
 * asset's partitions, range-encoded like @flyt/partitions' IndexRanges; "0" is "true" for an
 * unpartitioned asset), and why, for the operator ("not requested: upstream atlas/met/forecast is
 * in progress").
 */
export interface AutomationNodeResult {
  kind: AutomationConditionKind;
  /** The node's label, or a generated description ("any upstream updated since the last request"). */
  description: string;
  /** How many of the candidate partitions it is true for (unpartitioned: 0 or 1). */
  trueCount: number;
  /** Encoded positions where it is true. */
  truePartitions: string;
  /** For leaves and dependency nodes: what made it true or false, in words (null when nothing to add). */
  detail: string | null;
  children: AutomationNodeResult[];
}

/** One asset's evaluation in one automation tick. */
export interface AutomationAssetEvaluation {
  assetKey: string;
  /** The tick (instigator ticks of `AUTOMATION_INSTIGATOR_ID`). */
  tickId: number;
  evaluatedAt: number;
  /** How many partitions (or 1 for an unpartitioned asset) the evaluation requested. */
  requestedCount: number;
  /** Encoded positions requested. */
  requestedPartitions: string;
  /** Runs created for this asset in the tick. */
  runIds: string[];
  root: AutomationNodeResult;
}

/** The instigator id of the automation loop's ticks and of its global on/off state; per location: `automation:<location>`. */
export const AUTOMATION_INSTIGATOR_ID = "automation";
/** Tag on every run automation requests (its value: the tick id). */
export const AUTOMATION_TICK_TAG = "flyt/automation_tick";

/** Why an asset is unsynced. */
export type StalenessCause =
  | { kind: "code_version_changed"; from: string | null; to: string | null }
  | { kind: "upstream_data_version_changed"; upstream: string; from: string | null; to: string | null }
  | { kind: "dependencies_changed"; added: string[]; removed: string[] }
  | { kind: "upstream_unsynced"; upstream: string };

export type SyncState = "SYNCED" | "UNSYNCED" | "NEVER_MATERIALIZED";

/** Whether an asset's latest materialization is current with its code and its inputs, and why not. */
export interface AssetSyncStatus {
  assetKey: string;
  state: SyncState;
  /** Empty unless UNSYNCED. */
  causes: StalenessCause[];
}

/**
 * The data version a materialization gets when its producer gave none: a hash of its code version
 * and its inputs' data versions (Dagster's rule), so it changes exactly when the code or an input
 * changed. Stable across processes and backends.
 */
export function derivedDataVersionInput(codeVersion: string | null, inputDataVersions: Readonly<Record<string, string | null>>): string {
  const inputs = Object.keys(inputDataVersions)
    .sort()
    .map((key) => `${key}=${inputDataVersions[key] ?? ""}`);
  return `${codeVersion ?? ""}\u0000${inputs.join("\u0000")}`;
}
