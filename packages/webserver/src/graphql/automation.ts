/**
 * Declarative automation from the API: the condition an asset declares and the results of its
 * evaluations as flat preorder lists (GraphQL cannot ask for a tree of unknown depth; a client
 * rebuilds it from `parentId`), the automation loop's ticks with their evaluations, and its on/off
 * switches (instigator states `automation` and `automation:<location>`, docs/automation.md).
 * GraphQL and REST (`/api/v1/automation/…`) share these.
 */
import { conditionChildren, describeAutomationCondition } from "@flyt/automation";
import { AUTOMATION_INSTIGATOR_ID, type AutomationAssetEvaluation, type AutomationConditionSnapshot, type AutomationNodeResult } from "@flyt/core";
import type { InstigatorState, InstigatorStatus, Tick } from "@flyt/storage";

/** What a switch is while no operator has set it: automation runs what the code declares. */
export const AUTOMATION_DEFAULT_STATUS: InstigatorStatus = "RUNNING";

/** The instigator id of a location's switch. */
export function automationLocationId(location: string): string {
  return `${AUTOMATION_INSTIGATOR_ID}:${location}`;
}

export interface ConditionNodeView {
  id: number;
  parentId: number | null;
  depth: number;
  kind: string;
  description: string;
}

export interface ResultNodeView extends ConditionNodeView {
  trueCount: number;
  detail: string | null;
}

/** A condition tree in preorder, each node with its description (the label when it has one). */
export function flattenCondition(root: AutomationConditionSnapshot): ConditionNodeView[] {
  const out: ConditionNodeView[] = [];
  const visit = (node: AutomationConditionSnapshot, parentId: number | null, depth: number): void => {
    const id = out.length;
    out.push({ id, parentId, depth, kind: node.kind, description: describeAutomationCondition(node) });
    for (const child of conditionChildren(node)) visit(child, id, depth + 1);
  };
  visit(root, null, 0);
  return out;
}

/** An evaluation's result tree in preorder. */
export function flattenResult(root: AutomationNodeResult): ResultNodeView[] {
  const out: ResultNodeView[] = [];
  const visit = (node: AutomationNodeResult, parentId: number | null, depth: number): void => {
    const id = out.length;
    out.push({ id, parentId, depth, kind: node.kind, description: node.description, trueCount: node.trueCount, detail: node.detail });
    for (const child of node.children) visit(child, id, depth + 1);
  };
  visit(root, null, 0);
  return out;
}

/** An evaluation as REST sends it (GraphQL resolves the same fields from the record). */
export function evaluationView(evaluation: AutomationAssetEvaluation): Record<string, unknown> {
  return {
    assetKey: evaluation.assetKey,
    tickId: evaluation.tickId,
    evaluatedAt: evaluation.evaluatedAt,
    requestedCount: evaluation.requestedCount,
    runIds: evaluation.runIds,
    result: flattenResult(evaluation.root),
  };
}

/** Counts of a tick's stored evaluations: those stored (requested or changed) and those that requested something. */
export function tickCounts(evaluations: readonly AutomationAssetEvaluation[]): { evaluatedCount: number; requestedCount: number } {
  return { evaluatedCount: evaluations.length, requestedCount: evaluations.filter((e) => e.requestedCount > 0).length };
}

export function tickView(tick: Tick, evaluations: readonly AutomationAssetEvaluation[]): Record<string, unknown> {
  return {
    tickId: tick.tickId,
    status: tick.status,
    tickTime: tick.tickTime,
    runIds: tick.runIds,
    skipReason: tick.skipReason,
    error: tick.error,
    createdAt: tick.createdAt,
    ...tickCounts(evaluations),
  };
}

export interface AutomationStatusView {
  status: InstigatorStatus;
  locations: Array<{ location: string; status: InstigatorStatus; running: boolean; assetsWithCondition: number }>;
}

/** The global switch and each location's, from stored states (a switch never set is on). */
export function automationStatusOf(states: ReadonlyMap<string, InstigatorState>, locations: ReadonlyArray<{ name: string; assetsWithCondition: number }>): AutomationStatusView {
  const global = states.get(AUTOMATION_INSTIGATOR_ID)?.status ?? AUTOMATION_DEFAULT_STATUS;
  return {
    status: global,
    locations: locations.map(({ name, assetsWithCondition }) => {
      const status = states.get(automationLocationId(name))?.status ?? AUTOMATION_DEFAULT_STATUS;
      return { location: name, status, running: global === "RUNNING" && status === "RUNNING", assetsWithCondition };
    }),
  };
}
