/**
 * `defineDefinitions`: the load-time check of a whole code location. Every problem is
 * collected (cycles, duplicates, unknown deps, missing resources, unresolvable targets,
 * partitioned deps without a valid mapping) and thrown together, so one failed load shows
 * everything to fix.
 */
import {
  AssetGraph,
  didYouMeanSuffix,
  InvalidDefinitionsError,
  InvalidSelectionError,
  resolveSelection,
  type AssetNodeSnapshot,
  type DefinitionProblem,
  type PartitionMappingSnapshot,
  type PartitionsSnapshot,
} from "@flyt/core";
import { defaultPartitionMapping } from "@flyt/partitions";
import { isAssetDefinition } from "./asset.js";
import { isResourceDefinition } from "./resources.js";
import { checkSnapshot, isCheckDefinition, type CheckDefinition } from "./checks.js";
import type {
  ExternalAssetRef,
  AssetDefinition,
  PartitionMapping,
  Definitions,
  DefinitionsInput,
  ResourceDefinition,
  ScheduleDefinition,
  SensorDefinition,
  StepDefinition,
} from "./types.js";

const where = (definedAt: string | null): string => (definedAt ? ` (declared at ${definedAt})` : "");

/**
 * Every dependency cycle, one per strongly connected component (Tarjan), as a closed path in
 * data-flow order starting at its smallest key.
 * @example
 * findCycles(graph.nodes).map((cycle) => cycle.join(" → ")); // ["atlas/a → atlas/b → atlas/a"]
 */
/** The steps as nodes of a graph, each depending on the steps of its assets' upstream assets. */
function stepGraph(nodes: ReadonlyMap<string, AssetNodeSnapshot>, nodeStep: ReadonlyMap<string, { stepKey: string }>): Map<string, Pick<AssetNodeSnapshot, "deps">> {
  const deps = new Map<string, Set<string>>();
  for (const node of nodes.values()) {
    const stepKey = nodeStep.get(node.key)!.stepKey;
    const set = deps.get(stepKey) ?? new Set<string>();
    for (const dep of node.deps) {
      const upstream = nodeStep.get(dep)?.stepKey;
      if (upstream !== undefined && upstream !== stepKey) set.add(upstream);
    }
    deps.set(stepKey, set);
  }
  return new Map([...deps].map(([key, set]) => [key, { deps: [...set].sort() }]));
}

export function findCycles(nodes: ReadonlyMap<string, Pick<AssetNodeSnapshot, "deps">>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  const deps = (key: string): string[] => (nodes.get(key)?.deps ?? []).filter((d) => nodes.has(d));

  // Iterative to survive long chains without overflowing the call stack.
  for (const root of [...nodes.keys()].sort()) {
    if (index.has(root)) continue;
    const work: Array<{ key: string; next: number }> = [{ key: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const children = deps(frame.key);
      if (frame.next < children.length) {
        const child = children[frame.next++]!;
        if (!index.has(child)) {
          index.set(child, counter);
          low.set(child, counter++);
          stack.push(child);
          onStack.add(child);
          work.push({ key: child, next: 0 });
        } else if (onStack.has(child)) {
          low.set(frame.key, Math.min(low.get(frame.key)!, index.get(child)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.key, Math.min(low.get(parent.key)!, low.get(frame.key)!));
      if (low.get(frame.key) === index.get(frame.key)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.key);
        if (component.length > 1 || deps(frame.key).includes(frame.key)) components.push(component);
      }
    }
  }

  return components.map((component) => {
    const members = new Set(component);
    const start = [...component].sort()[0]!;
    // Shortest way back to `start` inside the component (breadth-first over deps).
    const previous = new Map<string, string>();
    const queue = [start];
    let found: string | null = null;
    while (queue.length > 0 && found === null) {
      const key = queue.shift()!;
      for (const dep of [...deps(key)].sort()) {
        if (!members.has(dep)) continue;
        if (dep === start) {
          found = key;
          break;
        }
        if (!previous.has(dep)) {
          previous.set(dep, key);
          queue.push(dep);
        }
      }
    }
    const path = [start];
    for (let key = found; key !== null && key !== start; key = previous.get(key) ?? null) path.splice(1, 0, key);
    // Deps point upstream; print in data-flow direction (upstream → downstream) from `start`.
    return [start, ...path.slice(1).reverse(), start];
  });
}

/**
 * Validates assets, schedules, sensors and resources together and returns the code location's
 * definitions: the step map the run worker executes and the plain graph the platform reads.
 * @throws InvalidDefinitionsError with every problem found, each naming its culprit.
 * @example
 * export default defineDefinitions({
 *   assets: [population, populationByRegion],
 *   resources: { ssb: ssbClient },
 *   schedules: [schedule({ name: "ssb_monthly", cron: "0 6 2 * *", target: "group:ssb" })],
 * });
 */
export function defineDefinitions(input: DefinitionsInput): Definitions {
  const problems: DefinitionProblem[] = [];
  if (typeof input !== "object" || input === null || !Array.isArray(input.assets)) {
    throw new InvalidDefinitionsError([{ subject: "defineDefinitions", message: "expects { assets: [...], schedules?, sensors?, resources? }" }]);
  }

  // Assets and steps. The same definition object listed twice is harmless and kept once.
  const definitions: AssetDefinition[] = [];
  input.assets.forEach((definition, index) => {
    if (!isAssetDefinition(definition)) {
      problems.push({ subject: `assets[${index}]`, message: "is not an asset definition (use asset() or multiAsset())" });
    } else if (!definitions.includes(definition)) definitions.push(definition);
  });
  const nodes = new Map<string, AssetNodeSnapshot>();
  const nodeStep = new Map<string, StepDefinition>();
  const steps = new Map<string, StepDefinition>();
  /** Declared partition mappings: asset key → dep key → mapping. */
  const declaredMappings = new Map<string, Readonly<Record<string, PartitionMapping>>>();
  for (const { step, nodes: stepNodes, partitionMappings } of definitions) {
    for (const [assetKey, byDep] of Object.entries(partitionMappings ?? {})) if (!declaredMappings.has(assetKey)) declaredMappings.set(assetKey, byDep);
    const existingStep = steps.get(step.stepKey);
    if (existingStep) {
      // Two single assets with one key: the duplicate-asset problem below says it better.
      if (!existingStep.multi && !step.multi) {
        for (const node of stepNodes) {
          problems.push({ subject: `asset ${JSON.stringify(node.key)}`, message: `is declared twice: at ${existingStep.definedAt ?? "?"} and at ${step.definedAt ?? "?"}` });
        }
        continue;
      }
      problems.push({
        subject: `step ${JSON.stringify(step.stepKey)}`,
        message: `two steps have this key: declared at ${existingStep.definedAt ?? "?"} and at ${step.definedAt ?? "?"}; rename one (a multi-asset's name must differ from every asset key)`,
      });
    } else steps.set(step.stepKey, step);
    for (const node of stepNodes) {
      const existing = nodeStep.get(node.key);
      if (existing) {
        problems.push({
          subject: `asset ${JSON.stringify(node.key)}`,
          message: `is declared twice: at ${existing.definedAt ?? "?"} and at ${step.definedAt ?? "?"}`,
        });
        continue;
      }
      nodes.set(node.key, node);
      nodeStep.set(node.key, step);
    }
  }
  // A multi-asset's name colliding with another step's asset key (not caught above when that asset is in a multi-asset).
  for (const [stepKey, step] of steps) {
    const owner = nodeStep.get(stepKey);
    if (owner && owner !== step) {
      problems.push({
        subject: `multi-asset ${JSON.stringify(stepKey)}`,
        message: `its name is also the key of an asset declared at ${owner.definedAt ?? "?"}${where(step.definedAt)}; rename the multi-asset`,
      });
    }
  }

  // Deps on other locations' assets (externalAsset): accepted without a local definition.
  // An upstreamAsset the location defines itself is an ordinary local dependency.
  const externalAssets = new Map<string, ExternalAssetRef>();
  for (const definition of definitions) {
    for (const ref of definition.externalDeps ?? []) {
      if (ref.localIfDefined === true && nodes.has(ref.key)) continue;
      const seen = externalAssets.get(ref.key);
      if (seen && seen.location !== null && ref.location !== null && seen.location !== ref.location) {
        problems.push({ subject: `externalAsset ${JSON.stringify(ref.key)}`, message: `declared with two locations: ${seen.location} and ${ref.location}` });
      }
      if (!seen || (seen.location === null && ref.location !== null)) externalAssets.set(ref.key, ref);
    }
  }
  for (const key of externalAssets.keys()) {
    if (nodes.has(key)) problems.push({ subject: `externalAsset ${JSON.stringify(key)}`, message: "is declared external but this location defines it; depend on the asset directly" });
  }

  // Dependencies: unknown keys, and how partitions map across each one (docs/partitions.md#mappings).
  const resolvedMappings = new Map<string, Record<string, PartitionMappingSnapshot>>();
  for (const node of nodes.values()) {
    const step = nodeStep.get(node.key)!;
    const subject = `asset ${JSON.stringify(node.key)}`;
    const declared = declaredMappings.get(node.key) ?? {};
    const resolved: Record<string, PartitionMappingSnapshot> = {};
    for (const dep of node.deps) {
      const upstream = nodes.get(dep);
      const mapping = Object.hasOwn(declared, dep) ? declared[dep]! : null;
      if (!upstream && externalAssets.has(dep)) {
        // The upstream's partitions are another location's: the workspace checks the pair when both
        // are loaded. Here only this asset's side of the mapping is checked.
        if (mapping !== null) {
          const plain = mapping.resolve(undefined, node.partitions);
          if ("problem" in plain) {
            problems.push({
              subject,
              message:
                `partitionMappings[${JSON.stringify(dep)}] (${mapping.kind}) cannot be resolved without the partitions of ${JSON.stringify(dep)}, ` +
                `an asset of another code location: ${plain.problem}${where(step.definedAt)}`,
            });
          } else resolved[dep] = plain;
        }
        continue;
      }
      if (!upstream) {
        problems.push({
          subject,
          message: `depends on unknown asset ${JSON.stringify(dep)}${didYouMeanSuffix(dep, nodes.keys())}${where(step.definedAt)}`,
        });
        continue;
      }
      if (dep === node.key) {
        const problem = selfDependencyProblem(node, mapping === null ? null : mapping.resolve(node.partitions, node.partitions));
        if (typeof problem === "string") problems.push({ subject, message: `${problem}${where(step.definedAt)}` });
        else resolved[dep] = problem;
        continue;
      }
      if (mapping !== null) {
        const plain = mapping.resolve(upstream.partitions, node.partitions);
        if ("problem" in plain) {
          problems.push({
            subject,
            message:
              `partitionMappings[${JSON.stringify(dep)}] (${mapping.kind}) does not fit: ${plain.problem} ` +
              `(${JSON.stringify(node.key)} is ${describePartitions(node.partitions)}, ${JSON.stringify(dep)} is ${describePartitions(upstream.partitions)})${where(step.definedAt)}`,
          });
        } else resolved[dep] = plain;
        continue;
      }
      const fallback = defaultPartitionMapping(upstream.partitions, node.partitions);
      if ("problem" in fallback) {
        problems.push({
          subject,
          message:
            `is ${describePartitions(node.partitions)} but depends on ${JSON.stringify(dep)}, ${describePartitions(upstream.partitions)}, ` +
            `and no default partition mapping reads one from the other; declare it: partitionMappings: { ${JSON.stringify(dep)}: ${suggestMapping(upstream.partitions, node.partitions)} }${where(step.definedAt)}`,
        });
      }
    }
    if (Object.keys(resolved).length > 0) resolvedMappings.set(node.key, resolved);
  }
  for (const [assetKey, mappings] of resolvedMappings) {
    nodes.set(assetKey, Object.freeze({ ...nodes.get(assetKey)!, partitionMappings: mappings }));
  }
  // A valid self-dependency (checked above) is no cycle: it reads earlier partitions.
  const assetCycles = findCycles(new Map([...nodes].map(([key, node]) => [key, { deps: node.deps.filter((d) => d !== key) }])));
  for (const cycle of assetCycles) {
    problems.push({ subject: `asset ${JSON.stringify(cycle[0])}`, message: `dependency cycle: ${cycle.join(" → ")}` });
  }
  // Without an asset cycle there can still be a step cycle: a multi-asset whose assets sit both
  // upstream and downstream of another step's asset. The planner could not order it.
  if (assetCycles.length === 0) {
    for (const found of findCycles(stepGraph(nodes, nodeStep))) {
      // Told from the multi-asset's side: it is the one to split. The cycle repeats its start at the end.
      const ring = found.slice(0, -1);
      const at = Math.max(0, ring.findIndex((key) => steps.get(key)?.multi === true));
      const cycle = [...ring.slice(at), ...ring.slice(0, at), ring[at]!];
      const label = (stepKey: string): string => `${steps.get(stepKey)?.multi === true ? "multi-asset" : "asset"} ${JSON.stringify(stepKey)}`;
      problems.push({
        subject: label(cycle[0]!),
        message: `steps depend on each other in a cycle: ${cycle.join(" → ")}; a step runs as a whole, so split the multi-asset where its assets sit on both sides of another step${where(steps.get(cycle[0]!)?.definedAt ?? null)}`,
      });
    }
  }

  // Resources.
  const resources: Record<string, ResourceDefinition> = {};
  for (const [name, definition] of Object.entries(input.resources ?? {})) {
    if (!isResourceDefinition(definition)) problems.push({ subject: `resource ${JSON.stringify(name)}`, message: "is not a resource definition (use resource())" });
    else resources[name] = definition as ResourceDefinition;
  }
  for (const step of steps.values()) {
    for (const name of step.resourceKeys) {
      if (Object.hasOwn(input.resources ?? {}, name)) continue;
      const label = step.multi ? "multi-asset" : "asset";
      problems.push({
        subject: `${label} ${JSON.stringify(step.stepKey)}`,
        message: `needs resource ${JSON.stringify(name)}, which is not provided${didYouMeanSuffix(name, Object.keys(input.resources ?? {}))}; add it to defineDefinitions({ resources })${where(step.definedAt)}`,
      });
    }
  }

  // Checks: each names a known asset, unique names per asset, their resources provided.
  const checks: CheckDefinition[] = [];
  if (input.checks !== undefined && !Array.isArray(input.checks)) {
    problems.push({ subject: "checks", message: "must be an array of check() definitions" });
  }
  const checksByAsset = new Map<string, CheckDefinition[]>();
  (Array.isArray(input.checks) ? input.checks : []).forEach((definition: unknown, index) => {
    if (!isCheckDefinition(definition)) {
      problems.push({ subject: `checks[${index}]`, message: "is not a check definition (use check())" });
      return;
    }
    if (checks.includes(definition)) return;
    const subject = `check ${JSON.stringify(`${definition.assetKey}:${definition.name}`)}`;
    if (!nodes.has(definition.assetKey)) {
      problems.push({ subject, message: `checks unknown asset ${JSON.stringify(definition.assetKey)}${didYouMeanSuffix(definition.assetKey, nodes.keys())}${where(definition.definedAt)}` });
      return;
    }
    const siblings = checksByAsset.get(definition.assetKey) ?? [];
    const twin = siblings.find((c) => c.name === definition.name);
    if (twin) {
      problems.push({ subject, message: `two checks of this asset have this name: declared at ${twin.definedAt ?? "?"} and at ${definition.definedAt ?? "?"}` });
      return;
    }
    for (const name of definition.resourceKeys) {
      if (Object.hasOwn(input.resources ?? {}, name)) continue;
      problems.push({ subject, message: `needs resource ${JSON.stringify(name)}, which is not provided${didYouMeanSuffix(name, Object.keys(input.resources ?? {}))}${where(definition.definedAt)}` });
    }
    siblings.push(definition);
    checksByAsset.set(definition.assetKey, siblings);
    checks.push(definition);
  });
  for (const [assetKey, list] of checksByAsset) {
    const node = nodes.get(assetKey)!;
    nodes.set(assetKey, Object.freeze({ ...node, checks: list.map(checkSnapshot) }));
  }

  // Schedules and sensors: unique names per kind, targets that resolve against this graph.
  const graph = new AssetGraph(nodes.values());
  const checkTarget = (subject: string, target: string): void => {
    try {
      resolveSelection(graph, target);
    } catch (error) {
      if (!(error instanceof InvalidSelectionError)) throw error;
      problems.push({ subject, message: `target does not resolve: ${error.message}` });
    }
  };
  const schedules = collectInstigators<ScheduleDefinition>(input.schedules ?? [], "schedule", problems);
  const sensors = collectInstigators<SensorDefinition>(input.sensors ?? [], "sensor", problems);
  for (const s of schedules) checkTarget(`schedule ${JSON.stringify(s.name)}`, s.target);
  for (const s of sensors) checkTarget(`sensor ${JSON.stringify(s.name)}`, s.target);

  if (problems.length > 0) throw new InvalidDefinitionsError(problems);
  return Object.freeze({
    kind: "definitions" as const,
    steps,
    graph,
    resources: Object.freeze(resources),
    schedules: Object.freeze(schedules),
    sensors: Object.freeze(sensors),
    externalAssets: Object.freeze([...externalAssets.values()].sort((a, b) => a.key.localeCompare(b.key))),
    checks: Object.freeze(checks),
  });
}

/**
 * An asset depending on itself reads its own earlier partitions — an incremental asset building
 * on the previous year — so it must be partitioned and map strictly backwards in time (a
 * time-window mapping ending before its own partition); anything else would wait for itself.
 * Returns the resolved mapping, or why the self-dependency is refused.
 */
function selfDependencyProblem(node: AssetNodeSnapshot, resolved: PartitionMappingSnapshot | { problem: string } | null): PartitionMappingSnapshot | string {
  const fix = `declare which earlier partitions it reads: partitionMappings: { ${JSON.stringify(node.key)}: previousPartitionMapping() }`;
  if (node.partitions === null) return `depends on itself; only a partitioned asset may, to read its own earlier partitions`;
  if (resolved === null) return `depends on itself without a partition mapping, so each partition would wait for itself; ${fix}`;
  if ("problem" in resolved) return `partitionMappings[${JSON.stringify(node.key)}] (its own earlier partitions) does not fit: ${resolved.problem}`;
  if (resolved.kind !== "time-window" || resolved.endOffset >= 0) {
    return `depends on itself with a mapping that includes its own partition (${resolved.kind === "time-window" ? `endOffset ${resolved.endOffset}` : resolved.kind}), so each partition would wait for itself; ${fix}`;
  }
  return resolved;
}

function describePartitions(p: PartitionsSnapshot | null): string {
  if (p === null) return "not partitioned";
  if (p.kind === "static") return `partitioned by ${p.keys.length} static keys`;
  if (p.kind === "dynamic") return `partitioned by dynamic partitions ${JSON.stringify(p.name)}`;
  return `partitioned ${p.cadence} from ${p.start}${p.end ? ` to ${p.end}` : ""} in ${p.timezone}${p.format ? ` (format ${p.format})` : ""}`;
}

/** The mapping constructor to suggest for a pair without a default one. */
function suggestMapping(upstream: PartitionsSnapshot | null, downstream: PartitionsSnapshot | null): string {
  if (downstream === null || upstream === null) return "allPartitionsMapping()";
  if (upstream.kind === "time-window" && downstream.kind === "time-window") return "timeWindowPartitionMapping()";
  if (upstream.kind === "static" && downstream.kind === "static") return "staticPartitionMapping({ downstreamKey: [upstreamKeys…] })";
  if (upstream.kind === downstream.kind) return "identityPartitionMapping()";
  return "allPartitionsMapping()";
}

function collectInstigators<T extends ScheduleDefinition | SensorDefinition>(
  list: ReadonlyArray<T>,
  kind: T["kind"],
  problems: DefinitionProblem[],
): T[] {
  const out: T[] = [];
  const names = new Set<string>();
  if (!Array.isArray(list)) {
    problems.push({ subject: `${kind}s`, message: `must be an array of ${kind}() definitions` });
    return out;
  }
  list.forEach((item, index) => {
    if (typeof item !== "object" || item === null || item.kind !== kind || typeof item.name !== "string" || typeof item.target !== "string") {
      problems.push({ subject: `${kind}s[${index}]`, message: `is not a ${kind} definition (use ${kind}())` });
      return;
    }
    if (names.has(item.name)) {
      problems.push({ subject: `${kind} ${JSON.stringify(item.name)}`, message: `two ${kind}s have this name; ${kind} names must be unique` });
      return;
    }
    names.add(item.name);
    out.push(item);
  });
  return out;
}

/**
 * True when a module export is a Definitions object (used by loaders). A shape check, so it
 * also holds for definitions built by another copy of the SDK.
 * @example
 * const mod = await import(file);
 * const definitions = isDefinitions(mod.default) ? mod.default : undefined;
 */
export function isDefinitions(value: unknown): value is Definitions {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Partial<Definitions>;
  return (
    v.kind === "definitions" &&
    v.steps instanceof Map &&
    typeof v.graph === "object" &&
    v.graph !== null &&
    v.graph.nodes instanceof Map &&
    Array.isArray(v.schedules) &&
    Array.isArray(v.sensors) &&
    typeof v.resources === "object"
  );
}
