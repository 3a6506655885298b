/**
 * Planning: which steps a run executes, in which order, with which partition. Pure and
 * synchronous, so the CLI can validate a request (unknown asset, bad partition) before it
 * creates a run, and the worker plans the same way when it starts.
 */
import {
  FlytError,
  InvalidDefinitionsError,
  InvalidPartitionError,
  InvalidSelectionError,
  type RunRecord,
} from "@flyt/core";
import type { Definitions, StepDefinition, TimeWindow } from "@flyt/sdk";

export interface PlannedStep {
  stepKey: string;
  /** Printed keys of this step's assets that the run materializes (the selected ones). */
  assetKeys: string[];
  /** Steps of this plan that must succeed before this one starts. */
  upstream: string[];
  /** The run's partition key for partitioned steps; null for unpartitioned ones. */
  partitionKey: string | null;
  partitionTimeWindow: TimeWindow | null;
  definition: StepDefinition;
}

export interface ExecutionPlan {
  partitionKey: string | null;
  /** In dependency order: every step comes after its upstream steps. */
  steps: PlannedStep[];
}

/** A run of partitioned assets that names no partition. */
export class PartitionRequiredError extends FlytError {
  constructor(
    readonly assetKey: string,
    readonly example: string | null,
  ) {
    super(
      "INVALID_PARTITION",
      `Asset ${assetKey} is partitioned, so the run needs a partition: pass --partition <key>` +
        (example === null ? "." : `, e.g. ${example}.`),
    );
  }
}

export function planRun(
  definitions: Definitions,
  run: Pick<RunRecord, "assetKeys" | "stepKeys" | "partitionKey">,
): ExecutionPlan {
  const { graph, steps } = definitions;

  // Which assets of which steps are selected, in definition order per step.
  const selectedByStep = new Map<string, Set<string>>();
  for (const assetKey of run.assetKeys) {
    const node = graph.get(assetKey);
    if (node === undefined) {
      throw new InvalidSelectionError(assetKey, "no asset with this key in the definitions (were they changed since the run was created?)");
    }
    const set = selectedByStep.get(node.stepKey) ?? new Set<string>();
    set.add(assetKey);
    selectedByStep.set(node.stepKey, set);
  }

  let stepKeys = [...selectedByStep.keys()];
  if (run.stepKeys !== null && run.stepKeys !== undefined) {
    for (const stepKey of run.stepKeys) {
      if (!steps.has(stepKey)) {
        throw new InvalidSelectionError(stepKey, "no step with this key in the definitions (were they changed since the parent run?)");
      }
    }
    const restrict = new Set(run.stepKeys);
    stepKeys = stepKeys.filter((key) => restrict.has(key));
  }
  const inPlan = new Set(stepKeys);

  // Step-level dependencies: a step depends on the steps computing its assets' upstream assets.
  const upstreamOf = new Map<string, Set<string>>();
  for (const stepKey of stepKeys) {
    const definition = requireStep(definitions, stepKey);
    const upstream = new Set<string>();
    for (const assetKey of definition.assetKeys) {
      for (const dep of graph.upstreamOf(assetKey)) {
        const depStep = graph.get(dep)?.stepKey;
        // Upstream steps outside the plan (not selected, or already done in a parent run) count as satisfied.
        if (depStep !== undefined && depStep !== stepKey && inPlan.has(depStep)) upstream.add(depStep);
      }
    }
    upstreamOf.set(stepKey, upstream);
  }

  // Ties between ready steps follow the asset graph's order, so plans are deterministic.
  const assetRank = new Map<string, number>();
  graph.topologicalOrder().forEach((key, index) => assetRank.set(key, index));
  const stepRank = new Map<string, number>();
  for (const stepKey of stepKeys) {
    const ranks = requireStep(definitions, stepKey).assetKeys.map((key) => assetRank.get(key) ?? Number.MAX_SAFE_INTEGER);
    stepRank.set(stepKey, Math.min(Number.MAX_SAFE_INTEGER, ...ranks));
  }
  const ordered = orderSteps(stepKeys, upstreamOf, stepRank);

  const partitionKey = run.partitionKey ?? null;
  const planned: PlannedStep[] = ordered.map((stepKey) => {
    const definition = requireStep(definitions, stepKey);
    const selected = selectedByStep.get(stepKey) ?? new Set<string>();
    const assetKeys = definition.assetKeys.filter((key) => selected.has(key));
    let stepPartition: string | null = null;
    let window: TimeWindow | null = null;
    const partitions = definition.partitions;
    if (partitions !== null) {
      const firstAsset = assetKeys[0] ?? stepKey;
      if (partitionKey === null) {
        const keys = safeKeys(partitions);
        throw new PartitionRequiredError(firstAsset, keys.length > 0 ? keys[keys.length - 1]! : null);
      }
      if (!partitions.has(partitionKey)) {
        const keys = safeKeys(partitions);
        const hint =
          keys.length === 0
            ? "the asset has no partitions yet"
            : keys.length <= 5
              ? `valid keys: ${keys.join(", ")}`
              : `valid keys run from ${keys[0]!} to ${keys[keys.length - 1]!} (${keys.length} keys)`;
        throw new InvalidPartitionError(partitionKey, firstAsset, `not a partition of this asset; ${hint}`);
      }
      stepPartition = partitionKey;
      try {
        window = partitions.timeWindow(partitionKey);
      } catch (error) {
        if (error instanceof InvalidPartitionError) throw error;
        throw new InvalidPartitionError(partitionKey, firstAsset, `cannot compute its time window: ${String(error)}`);
      }
    }
    return {
      stepKey,
      assetKeys,
      upstream: [...(upstreamOf.get(stepKey) ?? [])].sort(),
      partitionKey: stepPartition,
      partitionTimeWindow: window,
      definition,
    };
  });

  return { partitionKey, steps: planned };
}

function requireStep(definitions: Definitions, stepKey: string): StepDefinition {
  const step = definitions.steps.get(stepKey);
  if (step === undefined) {
    throw new InvalidDefinitionsError([{ subject: stepKey, message: "an asset names this step, but no such step is defined" }]);
  }
  return step;
}

function safeKeys(partitions: { keys(now?: Date): string[] }): string[] {
  try {
    return partitions.keys();
  } catch {
    return [];
  }
}

/** Kahn's algorithm over steps; ties go to the lower rank, then the key. */
function orderSteps(stepKeys: string[], upstreamOf: Map<string, Set<string>>, rank: Map<string, number>): string[] {
  const rankOf = (stepKey: string): number => rank.get(stepKey) ?? Number.MAX_SAFE_INTEGER;
  const compare = (a: string, b: string): number => rankOf(a) - rankOf(b) || (a < b ? -1 : a > b ? 1 : 0);

  const downstream = new Map<string, string[]>();
  const indegree = new Map<string, number>();
  for (const stepKey of stepKeys) {
    const upstream = upstreamOf.get(stepKey) ?? new Set<string>();
    indegree.set(stepKey, upstream.size);
    for (const up of upstream) downstream.set(up, [...(downstream.get(up) ?? []), stepKey]);
  }
  const ready = stepKeys.filter((key) => indegree.get(key) === 0).sort(compare);
  const order: string[] = [];
  while (ready.length > 0) {
    const key = ready.shift()!;
    order.push(key);
    for (const down of downstream.get(key) ?? []) {
      const left = indegree.get(down)! - 1;
      indegree.set(down, left);
      if (left === 0) {
        ready.push(down);
        ready.sort(compare);
      }
    }
  }
  if (order.length < stepKeys.length) {
    const stuck = stepKeys.filter((key) => !order.includes(key));
    throw new InvalidDefinitionsError([
      { subject: stuck.join(", "), message: "these steps depend on each other in a cycle (check the deps of their assets)" },
    ]);
  }
  return order;
}
