/**
 * Planning: which steps a run executes, in which order, with which partitions. Pure and
 * synchronous, so the CLI can validate a request (unknown asset, bad partition) before it
 * creates a run, and the worker plans the same way when it starts.
 *
 * A run covers one partition (`partitionKey`) or a range of them (the tags
 * `flyt/partition_range_start` / `_end`, inclusive, which backfills set on single-run chunks).
 * A range's keys are found by position in each step's key space, never by listing every
 * partition. Dynamic partitions live in storage, which the worker does not read: a run over them
 * covers one key (a range whose start and end are equal); a wider range is refused, and the
 * backfill planner launches one run per dynamic partition (docs/partitions.md#partitions-in-a-run).
 */
import {
  FlytError,
  InvalidDefinitionsError,
  InvalidPartitionError,
  InvalidSelectionError,
  PARTITION_RANGE_END_TAG,
  PARTITION_RANGE_START_TAG,
  type RunRecord,
} from "@flyt/core";
import { partitionKeyProblem } from "@flyt/sdk";
import type { Definitions, PartitionKeyRange, PartitionKeySpace, PartitionsDefinition, StepDefinition, TimeWindow } from "@flyt/sdk";

export interface PlannedStep {
  stepKey: string;
  /** Printed keys of this step's assets that the run materializes (the selected ones). */
  assetKeys: string[];
  /** Steps of this plan that must succeed before this one starts. */
  upstream: string[];
  /**
   * The step's one partition key: the run's key (or its range of one key) for partitioned steps;
   * null for unpartitioned steps and for a range of several keys.
   */
  partitionKey: string | null;
  /** Every key the step covers, in key-space order: [] for an unpartitioned step. */
  partitionKeys: string[];
  /** First and last of `partitionKeys` (equal for one); null for an unpartitioned step. */
  partitionKeyRange: PartitionKeyRange | null;
  /** Time windows: from the first key's start to the last key's end. */
  partitionTimeWindow: TimeWindow | null;
  definition: StepDefinition;
}

export interface ExecutionPlan {
  partitionKey: string | null;
  /** The run's range (from its tags), or null for a run of one partition or none. */
  partitionKeyRange: PartitionKeyRange | null;
  /** In dependency order: every step comes after its upstream steps. */
  steps: PlannedStep[];
}

/** A run's partition range tags that do not fit its assets (one tag without the other, keys out of order…). */
export class PartitionRangeError extends FlytError {
  constructor(
    readonly range: { start: string | null; end: string | null },
    readonly assetKey: string | null,
    reason: string,
  ) {
    const printed = `${range.start ?? "(none)"}…${range.end ?? "(none)"}`;
    super("INVALID_PARTITION", `Invalid partition range ${printed}${assetKey === null ? "" : ` for asset ${assetKey}`}: ${reason}`);
  }
}

/**
 * The partition range a run's tags give (both tags, inclusive keys), or null when it has none.
 * @throws PartitionRangeError when only one tag is set, a key is not a valid partition key, or the
 * run also names one partition.
 * @example
 * runPartitionRange({ partitionKey: null, tags: { "flyt/partition_range_start": "2000", "flyt/partition_range_end": "2011" } });
 * // { start: "2000", end: "2011" }
 */
export function runPartitionRange(run: { partitionKey?: string | null; tags?: Readonly<Record<string, string>> | null }): PartitionKeyRange | null {
  const start = run.tags?.[PARTITION_RANGE_START_TAG] ?? null;
  const end = run.tags?.[PARTITION_RANGE_END_TAG] ?? null;
  if (start === null && end === null) return null;
  const range = { start, end };
  if (start === null || end === null) {
    const [given, missing] = start === null ? [PARTITION_RANGE_END_TAG, PARTITION_RANGE_START_TAG] : [PARTITION_RANGE_START_TAG, PARTITION_RANGE_END_TAG];
    throw new PartitionRangeError(range, null, `the run has tag ${given} but not ${missing}; a range needs both (inclusive keys)`);
  }
  if (run.partitionKey !== null && run.partitionKey !== undefined) {
    throw new PartitionRangeError(range, null, `the run also names partition ${JSON.stringify(run.partitionKey)}; a run covers one partition or a range, not both`);
  }
  for (const [label, key] of [["start", start], ["end", end]] as const) {
    const problem = partitionKeyProblem(key);
    if (problem !== null) throw new PartitionRangeError(range, null, `the ${label} key ${problem}`);
  }
  return { start, end };
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

/**
 * The steps of `run` in dependency order, each with the partitions it covers.
 * `now` decides which time windows exist (complete ones only), as when the run was created.
 * @throws InvalidSelectionError, PartitionRequiredError, InvalidPartitionError, PartitionRangeError.
 * @example
 * planRun(definitions, { assetKeys: ["atlas/ssb/house_prices"], stepKeys: null, partitionKey: null,
 *   tags: { "flyt/partition_range_start": "2000", "flyt/partition_range_end": "2011" } }).steps[0].partitionKeys.length; // 12
 */
export function planRun(
  definitions: Definitions,
  run: Pick<RunRecord, "assetKeys" | "stepKeys" | "partitionKey"> & { tags?: Readonly<Record<string, string>> | null },
  now: Date = new Date(),
): ExecutionPlan {
  const { graph, steps } = definitions;
  const range = runPartitionRange(run);

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
    const firstAsset = assetKeys[0] ?? stepKey;
    const partitions = definition.partitions;
    const covered: StepPartitions =
      partitions === null
        ? { partitionKey: null, partitionKeys: [], partitionKeyRange: null, partitionTimeWindow: null }
        : range !== null
          ? rangePartitions(partitions, range, firstAsset, now)
          : singlePartition(partitions, partitionKey, firstAsset, now);
    return {
      stepKey,
      assetKeys,
      upstream: [...(upstreamOf.get(stepKey) ?? [])].sort(),
      ...covered,
      definition,
    };
  });

  return { partitionKey, partitionKeyRange: range, steps: planned };
}

type StepPartitions = Pick<PlannedStep, "partitionKey" | "partitionKeys" | "partitionKeyRange" | "partitionTimeWindow">;

/** The key space of a static or time-window definition; null for dynamic partitions (their keys live in storage). */
function keySpaceOf(partitions: PartitionsDefinition, now: Date): PartitionKeySpace | null {
  if (partitions.kind === "dynamic" || partitions.keySpace === undefined) return null;
  return partitions.keySpace(now);
}

/** "valid keys run from 2020 to 2024 (5 keys)", from the ends of the key space (nothing listed). */
function validKeysHint(space: PartitionKeySpace | null, partitions: PartitionsDefinition): string {
  if (space === null) return `its partitions are dynamic (${describeDynamic(partitions)}): add the key first (flyt partitions add, ctx.addDynamicPartitions or a sensor)`;
  if (space.count === 0) return "the asset has no partitions yet";
  if (space.count <= 5) return `valid keys: ${space.keysBetween(0, space.count).join(", ")}`;
  return `valid keys run from ${space.keyAt(0)} to ${space.keyAt(space.count - 1)} (${space.count} keys)`;
}

function describeDynamic(partitions: PartitionsDefinition): string {
  const snapshot = partitions.snapshot();
  return snapshot.kind === "dynamic" ? JSON.stringify(snapshot.name) : snapshot.kind;
}

function windowOf(partitions: PartitionsDefinition, key: string, assetKey: string): TimeWindow | null {
  try {
    return partitions.timeWindow(key);
  } catch (error) {
    if (error instanceof InvalidPartitionError) throw error;
    throw new InvalidPartitionError(key, assetKey, `cannot compute its time window: ${String(error)}`);
  }
}

/** A run of one partition (or none, which a partitioned step refuses). */
function singlePartition(partitions: PartitionsDefinition, partitionKey: string | null, assetKey: string, now: Date): StepPartitions {
  const space = keySpaceOf(partitions, now);
  if (partitionKey === null) {
    throw new PartitionRequiredError(assetKey, space !== null && space.count > 0 ? space.keyAt(space.count - 1) : null);
  }
  if (space === null) {
    // Whether a dynamic key exists is storage's to say (the launcher checks it); here only its shape.
    const problem = partitionKeyProblem(partitionKey);
    if (problem !== null) throw new InvalidPartitionError(partitionKey, assetKey, problem);
  } else if (space.indexOf(partitionKey) < 0) {
    throw new InvalidPartitionError(partitionKey, assetKey, `not a partition of this asset; ${validKeysHint(space, partitions)}`);
  }
  return {
    partitionKey,
    partitionKeys: [partitionKey],
    partitionKeyRange: { start: partitionKey, end: partitionKey },
    partitionTimeWindow: windowOf(partitions, partitionKey, assetKey),
  };
}

/** A run over `range`: its keys by position in the step's key space. */
function rangePartitions(partitions: PartitionsDefinition, range: PartitionKeyRange, assetKey: string, now: Date): StepPartitions {
  const space = keySpaceOf(partitions, now);
  if (space === null) {
    if (range.start !== range.end) {
      throw new PartitionRangeError(
        range,
        assetKey,
        `the asset's partitions are dynamic (${describeDynamic(partitions)}), whose order only storage knows; a run over them covers one key (start = end): launch one run per key`,
      );
    }
    return singlePartition(partitions, range.start, assetKey, now);
  }
  const from = space.indexOf(range.start);
  const to = space.indexOf(range.end);
  for (const [label, key, index] of [["start", range.start, from], ["end", range.end, to]] as const) {
    if (index < 0) throw new PartitionRangeError(range, assetKey, `the ${label} key ${JSON.stringify(key)} is not a partition of this asset; ${validKeysHint(space, partitions)}`);
  }
  if (from > to) {
    throw new PartitionRangeError(range, assetKey, `the start key comes after the end key (positions ${from} and ${to}); give the earlier key as start`);
  }
  const partitionKeys = space.keysBetween(from, to + 1);
  const first = windowOf(partitions, range.start, assetKey);
  const last = from === to ? first : windowOf(partitions, range.end, assetKey);
  return {
    partitionKey: from === to ? range.start : null,
    partitionKeys,
    partitionKeyRange: { start: range.start, end: range.end },
    partitionTimeWindow: first === null || last === null ? null : { start: first.start, end: last.end },
  };
}

function requireStep(definitions: Definitions, stepKey: string): StepDefinition {
  const step = definitions.steps.get(stepKey);
  if (step === undefined) {
    throw new InvalidDefinitionsError([{ subject: stepKey, message: "an asset names this step, but no such step is defined" }]);
  }
  return step;
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
