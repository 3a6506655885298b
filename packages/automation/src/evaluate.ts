/**
 * The automation evaluator, with no I/O: every asset's condition tree evaluated once per tick in
 * dependency order, each node producing the set of the asset's candidate partitions where it
 * holds (IndexRanges; position 0 for an unpartitioned asset) with a description and, for leaves
 * and dependency nodes, the reason in words. Dependency operators evaluate their condition on
 * each dependency and map the result through the partition mapping; `since` and `newly_true`
 * read the previous tick's sets from the cursor; `will_be_requested` of a dependency is what
 * this tick requests for it. Requested partitions are coalesced into runs (coalesce.ts).
 */
import { createHash } from "node:crypto";
import { AUTOMATION_TICK_TAG, PARTITION_RANGE_END_TAG, PARTITION_RANGE_START_TAG, type AssetNodeSnapshot, type AssetSyncStatus, type AutomationConditionSnapshot, type AutomationNodeResult } from "@flyt/core";
import { decodeRanges, emptyRanges, rangeOf, rangesFromIndices, rangesOf, type IndexRanges } from "@flyt/partitions";
import { coalesceRuns } from "./coalesce.js";
import { automationConditionProblem, describeAutomationCondition } from "./conditions.js";
import { decodeAutomationCursor, encodeAutomationCursor, type AssetMemory, type AutomationCursor } from "./cursor.js";
import { CronClock } from "./cron-clock.js";
import { describePositions, isoTime, partitionsCount, shortRun, thousands, whyFalse, whyTrue } from "./explain.js";
import { UPDATE_OVERLAP_MS, type AutomationEvaluationResult, type AutomationInput, type AutomationOutput, type RecentMaterialization } from "./input.js";
import { downstreamOf, mappingOn, SpaceCache, type AssetSpace } from "./space.js";
import { describeStalenessCause, listKeys, syncStatus, dependencyOrder, type LatestMaterialization } from "./staleness.js";

type Node = AutomationConditionSnapshot;

/** A leaf's finding for one asset: where it holds and why. */
interface Finding {
  set: IndexRanges;
  detail: string | null;
  /** When the newest event that makes it true happened (newly updated, newly requested), epoch ms. */
  at?: number;
}

/**
 * A node's set, and its explanation built on first use: a dependency's subtree is evaluated for
 * every upstream, but explained only for the few that decide the node.
 */
interface Evaluated {
  set: IndexRanges;
  readonly result: AutomationNodeResult;
  /**
   * When the newest event that made the node true happened, where its leaves know (a
   * materialization, a request): `since` lets a trigger that happened after its reset win.
   */
  at?: number | undefined;
}

/** The newest of some event times (undefined when none is known). */
function newest(times: Iterable<number | undefined>): number | undefined {
  let out: number | undefined;
  for (const t of times) if (t !== undefined && (out === undefined || t > out)) out = t;
  return out;
}

/** One asset as this evaluation sees it. */
interface AssetState {
  key: string;
  node: AssetNodeSnapshot;
  space: AssetSpace;
  location: string;
  latest: LatestMaterialization | null;
  /** Partitioned: positions materialized (null: status not known for this definition). */
  materialized: IndexRanges | null;
  failed: IndexRanges;
  latestFailure: { runId: string; at: number } | null;
  inProgress: IndexRanges;
  inProgressRuns: string[];
  /** Materializations read for this tick (position, time, run). */
  updates: Array<{ position: number; timestamp: number; runId: string }>;
  newlyUpdated: IndexRanges;
  newlyUpdatedRuns: string[];
  /** The newest of the newly updated materializations' times. */
  newlyUpdatedAt: number | undefined;
  previousRequested: IndexRanges;
  /** What this tick requests (empty until evaluated, and for assets not evaluated). */
  requested: IndexRanges;
  evaluated: boolean;
  findings: Map<string, Finding>;
}

/** Where a node is evaluated: the asset whose memory it uses, and the downstream asset a dependency is evaluated for. */
interface Scope {
  previous: Record<string, string> | null;
  next: Record<string, string>;
  /** Set while evaluating a dependency's condition for this downstream asset. */
  downstream: AssetState | null;
  /** The evaluated nodes' true sets, hashed as they are made: whether the evaluation changed, without building its explanation. */
  signature: SetSignature;
}

/**
 * A running hash of the true sets of an asset's evaluated nodes, in evaluation order (two 32-bit
 * FNV-1a lanes). An evaluation is stored when this differs from the previous tick's — when a
 * node's set changed, as Dagster compares evaluations — and its explanation text is built only then.
 */
class SetSignature {
  private a = 0x811c9dc5;
  private b = 0x01000193;

  add(set: IndexRanges): void {
    this.mix(0x7fffffff);
    for (const [start, end] of set.intervals) {
      this.mix(start);
      this.mix(end);
    }
  }

  private mix(n: number): void {
    this.a = Math.imul(this.a ^ (n & 0xffff), 0x01000193) >>> 0;
    this.a = Math.imul(this.a ^ (n >>> 16), 0x01000193) >>> 0;
    this.b = Math.imul(this.b ^ n, 0x5bd1e995) >>> 0;
    this.b = (this.b ^ (this.b >>> 15)) >>> 0;
  }

  digest(): string {
    return `${this.a.toString(36)}.${this.b.toString(36)}`;
  }
}

/** An `Evaluated` whose explanation is built on first read (a class: an object literal with a getter costs a new accessor per node). */
class LazyResult implements Evaluated {
  private built: AutomationNodeResult | undefined;

  constructor(
    private readonly node: Node,
    readonly set: IndexRanges,
    private readonly detail: string | null,
    private readonly children: AutomationNodeResult[] | (() => AutomationNodeResult[]),
    readonly at: number | undefined,
  ) {}

  get result(): AutomationNodeResult {
    const { node, set, detail, children } = this;
    this.built ??= { kind: node.kind, description: describeAutomationCondition(node), trueCount: set.size, truePartitions: set.encode(), detail, children: typeof children === "function" ? children() : children };
    return this.built;
  }
}

/** Most upstreams a dependency node explains one by one (the detail names how many matched). */
const MAX_EXPLAINED_UPSTREAMS = 10;

function fingerprintOf(text: string): string {
  return createHash("sha1").update(text).digest("base64url").slice(0, 12);
}

/**
 * Per condition tree (by identity: the daemon keeps one graph between loads, so later ticks pay
 * nothing): its JSON fingerprint and whether it is valid.
 */
const fingerprintsByGraph = new WeakMap<object, Map<string, string>>();
const conditionInfo = new WeakMap<object, { hash: string; problem: string | null }>();

function infoOf(condition: Node): { hash: string; problem: string | null } {
  let info = conditionInfo.get(condition);
  if (info === undefined) {
    info = { hash: fingerprintOf(JSON.stringify(condition)), problem: automationConditionProblem(condition) };
    conditionInfo.set(condition, info);
  }
  return info;
}

/**
 * Evaluates every asset's automation condition once, in dependency order, and returns what to
 * request (coalesced into runs), the explanation of every decision, and the next cursor.
 * Deterministic: the same input gives the same output.
 * @example
 * const out = evaluateAutomation({ graph, now: Date.now(), tickId: 7, cursor: previous, facts, runsInProgress, materializations, locationOf });
 * for (const run of out.runRequests) await storage.createRun(run);
 */
export function evaluateAutomation(input: AutomationInput): AutomationOutput {
  return new Evaluator(input).run();
}

class Evaluator {
  private readonly spaces: SpaceCache;
  private readonly states = new Map<string, AssetState>();
  private readonly warnings: string[] = [];
  private readonly previous: AutomationCursor | null;
  private readonly clock: CronClock;
  private readonly sync: Map<string, AssetSyncStatus>;
  private readonly updatesByAsset = new Map<string, RecentMaterialization[]>();
  private readonly runsByAsset = new Map<string, Array<{ runId: string; partitionKey: string | null; tags: Readonly<Record<string, string>> }>>();
  private readonly counted = new Map<string, Set<string>>();

  constructor(private readonly input: AutomationInput) {
    if (!Number.isSafeInteger(input.now) || input.now < 0) throw new RangeError(`evaluateAutomation: now must be epoch milliseconds, got ${input.now}`);
    if (!Number.isSafeInteger(input.tickId)) throw new RangeError(`evaluateAutomation: tickId must be an integer, got ${input.tickId}`);
    const decoded = decodeAutomationCursor(input.cursor);
    if (decoded.problem !== null) this.warnings.push(decoded.problem);
    this.previous = decoded.cursor;
    this.spaces = new SpaceCache(input.now, input.dynamicPartitions ?? new Map());
    this.clock = new CronClock(input.now, this.previous?.tickTime ?? null);
    const latest: LatestMaterialization[] = [];
    for (const facts of input.facts.values()) if (facts.latest) latest.push(facts.latest);
    this.sync = syncStatus(input.graph, latest);
    for (const m of input.materializations) {
      const list = this.updatesByAsset.get(m.assetKey);
      if (list) list.push(m);
      else this.updatesByAsset.set(m.assetKey, [m]);
    }
    for (const run of input.runsInProgress) {
      for (const key of run.assetKeys) {
        const list = this.runsByAsset.get(key);
        const entry = { runId: run.runId, partitionKey: run.partitionKey, tags: run.tags };
        if (list) list.push(entry);
        else this.runsByAsset.set(key, [entry]);
      }
    }
  }

  run(): AutomationOutput {
    const { graph, now, tickId } = this.input;
    const enabled = this.input.enabled ?? (() => true);
    const evaluations: AutomationEvaluationResult[] = [];
    const memories = new Map<string, AssetMemory>();
    // Per graph (the daemon keeps one between loads): an asset's fingerprint depends only on it and its upstreams' partitions.
    let fingerprints = fingerprintsByGraph.get(graph);
    if (fingerprints === undefined) fingerprintsByGraph.set(graph, (fingerprints = new Map()));
    for (const key of dependencyOrder(graph)) {
      const node = graph.get(key)!;
      const condition = node.automationCondition;
      if (condition === null || condition === undefined) continue;
      const asset = this.state(key)!;
      if (!enabled(asset.location)) continue;
      const info = infoOf(condition);
      let fingerprint = fingerprints.get(key);
      if (fingerprint === undefined) {
        let depIds = "";
        for (const dep of graph.upstreamOf(key)) depIds += `\u0000${this.spaces.of(graph.get(dep)?.partitions).hash}`;
        fingerprint = `${info.hash}${asset.space.hash}${depIds === "" ? "" : fingerprintOf(depIds)}`;
        fingerprints.set(key, fingerprint);
      }
      const before = this.previous?.assets.get(key);
      const scope: Scope = { previous: before?.fingerprint === fingerprint ? before.nodes : null, next: {}, downstream: null, signature: new SetSignature() };

      // The explanation is built when first read: the tick reads it only for the evaluations it stores.
      let explain: () => AutomationNodeResult;
      let requested: IndexRanges;
      let signature: string;
      const problem = info.problem;
      if (problem !== null) {
        this.warnings.push(`${key}: its automation condition is invalid, so it is not evaluated: ${problem}`);
        const invalid: AutomationNodeResult = { kind: condition.kind ?? "and", description: "invalid condition", trueCount: 0, truePartitions: "", detail: `not evaluated: the condition is invalid: ${problem}`, children: [] };
        explain = () => invalid;
        requested = emptyRanges();
        signature = `invalid:${info.hash}`;
      } else {
        const evaluated = this.evaluate(condition, asset, "r", scope);
        const chosen = evaluated.set.intersect(asset.space.universe);
        requested = chosen;
        signature = scope.signature.digest();
        explain = () => ({ ...evaluated.result, detail: this.summary(asset, chosen, evaluated.result) });
      }
      asset.requested = requested;
      asset.evaluated = true;
      memories.set(key, { fingerprint, signature, requested, nodes: scope.next });
      let root: AutomationNodeResult | undefined;
      evaluations.push({
        assetKey: key,
        tickId,
        evaluatedAt: now,
        requestedCount: requested.size,
        requestedPartitions: requested.encode(),
        runIds: [],
        runKeys: [],
        get root(): AutomationNodeResult {
          return (root ??= explain());
        },
        changed: before === undefined || before.signature !== signature || !requested.isEmpty(),
      });
    }

    const requestedByAsset = new Map<string, IndexRanges>();
    for (const evaluation of evaluations) {
      const asset = this.states.get(evaluation.assetKey)!;
      if (!asset.requested.isEmpty()) requestedByAsset.set(evaluation.assetKey, asset.requested);
    }
    const { runs, problems } = coalesceRuns(
      evaluations.filter((e) => requestedByAsset.has(e.assetKey)).map((e) => {
        const asset = this.states.get(e.assetKey)!;
        return { assetKey: e.assetKey, location: asset.location, space: asset.space, requested: asset.requested };
      }),
      tickId,
    );
    this.warnings.push(...problems);
    const byKey = new Map(evaluations.map((e) => [e.assetKey, e]));
    for (const run of runs) for (const key of run.assetKeys) byKey.get(key)!.runKeys.push(run.runKey);
    for (const run of runs) run.tags[AUTOMATION_TICK_TAG] = String(tickId);

    const cursor = encodeAutomationCursor({ tickTime: now, assets: memories, counted: this.counted });
    return { evaluations, requested: requestedByAsset, runRequests: runs, cursor, warnings: this.warnings };
  }

  /** "requested 2 partitions: …" / "not requested: upstream x is in progress". */
  private summary(asset: AssetState, requested: IndexRanges, root: AutomationNodeResult): string {
    if (!requested.isEmpty()) {
      return asset.space.partitions === null ? `requested: ${whyTrueShort(root)}` : `requested ${partitionsCount(requested.size)}: ${describePositions(asset.space, requested)}`;
    }
    if (asset.space.universe.isEmpty()) return "not requested: it has no partitions yet";
    return `not requested: ${whyFalse(root)}`;
  }

  // -------------------------------------------------------------------------------------------
  // Asset states
  // -------------------------------------------------------------------------------------------

  private state(key: string): AssetState | undefined {
    let state = this.states.get(key);
    if (state !== undefined) return state;
    const node = this.input.graph.get(key);
    if (node === undefined) return undefined;
    const space = this.spaces.of(node.partitions);
    const facts = this.input.facts.get(key) ?? {};
    const partitioned = space.partitions !== null;

    let materialized: IndexRanges | null = null;
    let failed = emptyRanges();
    if (!partitioned) {
      materialized = facts.latest ? rangeOf(0, 1) : emptyRanges();
    } else if (facts.partitionStatus && facts.partitionStatus.partitions !== null && this.spaces.of(facts.partitionStatus.partitions).id === space.id) {
      try {
        materialized = decodeRanges(facts.partitionStatus.materialized);
        failed = decodeRanges(facts.partitionStatus.failed).subtract(materialized);
      } catch (error) {
        this.warnings.push(`${key}: its partition status cannot be read (${(error as Error).message}); nothing counts as missing or failed`);
        materialized = null;
      }
    }

    // Runs in progress, by position.
    const inProgressRuns: string[] = [];
    const inProgressParts: Array<readonly [number, number]> = [];
    for (const run of this.runsByAsset.get(key) ?? []) {
      const positions = this.runPositions(space, run.partitionKey, run.tags);
      if (positions.isEmpty()) continue;
      inProgressParts.push(...positions.intervals);
      if (inProgressRuns.length < 3) inProgressRuns.push(run.runId);
    }

    // Materializations read for this tick: newly updated unless counted at the previous tick.
    const updates: AssetState["updates"] = [];
    const newly: number[] = [];
    const newlyUpdatedRuns: string[] = [];
    let newlyUpdatedAt: number | undefined;
    const counted = new Set<string>();
    const before = this.previous;
    const countedBefore = before?.counted.get(key);
    for (const m of this.updatesByAsset.get(key) ?? []) {
      const position = partitioned ? (m.partition === null ? -1 : space.positionOf(m.partition)) : m.partition === null ? 0 : -1;
      if (position < 0) continue;
      updates.push({ position, timestamp: m.timestamp, runId: m.runId });
      const id = `${position}:${m.timestamp}`;
      if (before !== null && (m.timestamp > before.tickTime || (m.timestamp > before.tickTime - UPDATE_OVERLAP_MS && !countedBefore?.has(id)))) {
        newly.push(position);
        if (newlyUpdatedAt === undefined || m.timestamp > newlyUpdatedAt) newlyUpdatedAt = m.timestamp;
        if (newlyUpdatedRuns.length < 3 && !newlyUpdatedRuns.includes(m.runId)) newlyUpdatedRuns.push(m.runId);
      }
      if (m.timestamp > this.input.now - UPDATE_OVERLAP_MS) counted.add(id);
    }
    if (counted.size > 0) this.counted.set(key, counted);

    state = {
      key,
      node,
      space,
      location: this.input.locationOf(key),
      latest: facts.latest ?? null,
      materialized,
      failed: failed.intersect(space.universe),
      latestFailure: facts.latestFailure ?? null,
      inProgress: rangesOf(inProgressParts).intersect(space.universe),
      inProgressRuns,
      updates,
      newlyUpdated: rangesFromIndices(newly).intersect(space.universe),
      newlyUpdatedRuns,
      newlyUpdatedAt,
      previousRequested: (before?.assets.get(key)?.requested ?? emptyRanges()).intersect(space.universe),
      requested: emptyRanges(),
      evaluated: false,
      findings: new Map(),
    };
    this.states.set(key, state);
    return state;
  }

  /** The positions of `space` a run targets: its partition range tags, its partition key, or everything when it names none. */
  private runPositions(space: AssetSpace, partitionKey: string | null, tags: Readonly<Record<string, string>>): IndexRanges {
    if (space.partitions === null) return rangeOf(0, 1);
    const start = tags[PARTITION_RANGE_START_TAG];
    const end = tags[PARTITION_RANGE_END_TAG];
    if (start !== undefined && end !== undefined) {
      const from = space.positionOf(start);
      const to = space.positionOf(end);
      if (from >= 0 && to >= from) return rangeOf(from, to + 1).intersect(space.universe);
    }
    if (partitionKey !== null) {
      const position = space.positionOf(partitionKey);
      return position >= 0 ? rangeOf(position, position + 1) : emptyRanges();
    }
    // A run of a partitioned asset naming no partition: count the whole asset as in progress.
    return space.universe;
  }

  // -------------------------------------------------------------------------------------------
  // Nodes
  // -------------------------------------------------------------------------------------------

  private evaluate(node: Node, asset: AssetState, path: string, scope: Scope): Evaluated {
    const evaluated = this.evaluateNode(node, asset, path, scope);
    scope.signature.add(evaluated.set);
    return evaluated;
  }

  private evaluateNode(node: Node, asset: AssetState, path: string, scope: Scope): Evaluated {
    switch (node.kind) {
      case "and":
      case "or": {
        const children = node.operands.map((operand, i) => this.evaluate(operand, asset, `${path}.${i}`, scope));
        let set = node.kind === "and" ? asset.space.universe : emptyRanges();
        for (const child of children) set = node.kind === "and" ? set.intersect(child.set) : set.union(child.set);
        return this.result(node, asset, set, null, () => children.map((c) => c.result), newest(children.map((c) => c.at)));
      }
      case "not": {
        const child = this.evaluate(node.operand, asset, `${path}.0`, scope);
        return this.result(node, asset, asset.space.universe.subtract(child.set), null, () => [child.result]);
      }
      case "since":
        return this.since(node, asset, path, scope);
      case "newly_true": {
        const child = this.evaluate(node.condition, asset, `${path}.0`, scope);
        const stored = scope.previous?.[path];
        const before = stored === undefined ? null : safeRanges(stored);
        scope.next[path] = child.set.encode();
        const set = before === null ? child.set : child.set.subtract(before);
        const partitioned = asset.space.partitions !== null;
        let detail: string;
        if (before === null) detail = set.isEmpty() ? "first evaluation: not true now" : "first evaluation: true now, so newly true";
        else if (!set.isEmpty()) detail = partitioned ? `newly true for ${partitionsCount(set.size)}: ${describePositions(asset.space, set)}` : "true now, not at the previous evaluation";
        else detail = child.set.isEmpty() ? "not true now" : "already true at the previous evaluation";
        return this.result(node, asset, set, detail, () => [child.result], child.at);
      }
      case "any_deps_match":
      case "all_deps_match":
        return this.deps(node, asset, path, scope);
      case "will_be_requested":
        return this.willBeRequested(node, asset, scope);
      case "cron_tick_passed":
      case "updated_since_cron":
      case "in_latest_time_window":
      case "missing":
      case "in_progress":
      case "execution_failed":
      case "newly_updated":
      case "newly_requested":
      case "code_version_changed":
      case "unsynced": {
        if (node.kind === "updated_since_cron" && asset.space.partitions !== null) return this.updatedSinceCronPartitioned(node, asset, path, scope);
        const cacheKey = node.kind === "cron_tick_passed" || node.kind === "updated_since_cron" ? `${node.kind}\u0000${node.cron}\u0000${node.timezone}` : node.kind === "in_latest_time_window" ? `${node.kind}\u0000${node.lookbackMinutes}` : node.kind;
        let finding = asset.findings.get(cacheKey);
        if (finding === undefined) {
          finding = this.leaf(node, asset);
          asset.findings.set(cacheKey, finding);
        }
        return this.result(node, asset, finding.set, finding.detail, [], finding.at);
      }
    }
  }

  private result(node: Node, _asset: AssetState, set: IndexRanges, detail: string | null, children: AutomationNodeResult[] | (() => AutomationNodeResult[]), at?: number): Evaluated {
    return new LazyResult(node, set, detail, children, set.isEmpty() ? undefined : at);
  }

  private since(node: Extract<Node, { kind: "since" }>, asset: AssetState, path: string, scope: Scope): Evaluated {
    const trigger = this.evaluate(node.trigger, asset, `${path}.0`, scope);
    const reset = this.evaluate(node.reset, asset, `${path}.1`, scope);
    const stored = scope.previous?.[path];
    const before = (stored === undefined ? null : safeRanges(stored)) ?? emptyRanges();
    const held = before.intersect(asset.space.universe);
    let set = held.union(trigger.set).subtract(reset.set);
    // Triggered and reset in the same tick (the asset's run ended and an upstream landed between
    // two ticks): the later event wins, so an upstream materialized after the asset's own update
    // keeps it triggered instead of being lost (Dagster lets the reset win). Event times are known
    // per asset, not per partition: unpartitioned assets only.
    const triggeredAfterReset = trigger.at !== undefined && reset.at !== undefined && trigger.at > reset.at;
    if (asset.space.partitions === null && triggeredAfterReset && !trigger.set.isEmpty()) set = set.union(trigger.set);
    scope.next[path] = set.encode();
    const partitioned = asset.space.partitions !== null;
    const triggerText = describeAutomationCondition(node.trigger);
    const resetText = describeAutomationCondition(node.reset);
    let detail: string;
    if (!set.isEmpty()) {
      const now = set.intersect(trigger.set);
      if (partitioned) {
        const fresh = now.size;
        detail = `true for ${partitionsCount(set.size)}: ${describePositions(asset.space, set)} (${fresh === set.size ? "triggered now" : fresh === 0 ? "triggered at an earlier evaluation, not reset since" : `${fresh} triggered now, the rest earlier`})`;
      } else {
        detail = now.isEmpty() ? `${triggerText}: triggered at an earlier evaluation, not reset since` : `triggered now: ${whyTrue(trigger.result)}`;
      }
    } else if (!reset.set.isEmpty() && (!trigger.set.isEmpty() || !held.isEmpty())) {
      detail = `reset now (${resetText})`;
    } else {
      detail = `waiting for: ${triggerText} (not true since the last time it was ${resetText})`;
    }
    return this.result(node, asset, set, detail, () => [trigger.result, reset.result], trigger.at);
  }

  private deps(node: Extract<Node, { kind: "any_deps_match" | "all_deps_match" }>, asset: AssetState, path: string, scope: Scope): Evaluated {
    const any = node.kind === "any_deps_match";
    const phrase = describeAutomationCondition(node.condition);
    const children: AutomationNodeResult[] = [];
    let set = any ? emptyRanges() : asset.space.universe;
    const matched: string[] = [];
    const unmatched: string[] = [];
    let at: number | undefined;
    const deps = this.input.graph.upstreamOf(asset.key);
    for (const depKey of deps) {
      const dep = this.state(depKey);
      if (dep === undefined) {
        if (children.length < MAX_EXPLAINED_UPSTREAMS) children.push({ kind: node.condition.kind, description: `upstream ${depKey}: ${phrase}`, trueCount: 0, truePartitions: "", detail: "not in the workspace: ignored", children: [] });
        continue;
      }
      const mapping = mappingOn(asset.node, dep.node);
      if ("problem" in mapping) {
        if (children.length < MAX_EXPLAINED_UPSTREAMS) children.push({ kind: node.condition.kind, description: `upstream ${depKey}: ${phrase}`, trueCount: 0, truePartitions: "", detail: `no partition mapping: ${mapping.problem}`, children: [] });
        if (!any) {
          set = emptyRanges();
          unmatched.push(depKey);
        }
        continue;
      }
      const evaluated = this.evaluate(node.condition, dep, `${path}@${depKey}`, { ...scope, downstream: asset });
      const mapped = downstreamOf(mapping, asset.space, dep.space, evaluated.set);
      // Only the upstreams that decide the node are explained (those that match for "any", those
      // that do not for "all"): the rest are summed up in the detail, and an explanation stays small
      // for an asset with hundreds of upstreams.
      let deciding: boolean;
      if (any) {
        set = set.union(mapped);
        deciding = !mapped.isEmpty();
        if (deciding) {
          matched.push(depKey);
          at = newest([at, evaluated.at]);
        }
      } else {
        at = newest([at, evaluated.at]);
        set = set.intersect(mapped);
        deciding = !asset.space.universe.subtract(mapped).isEmpty();
        if (deciding) unmatched.push(depKey);
      }
      if (deciding && children.length < MAX_EXPLAINED_UPSTREAMS) {
        children.push({ ...evaluated.result, description: `upstream ${depKey}: ${evaluated.result.description}`, trueCount: mapped.size, truePartitions: mapped.encode() });
      }
    }
    const partitioned = asset.space.partitions !== null;
    const where = partitioned && !set.isEmpty() ? ` (for ${describePositions(asset.space, set)})` : "";
    let detail: string;
    if (deps.length === 0) detail = any ? "it has no upstream" : "it has no upstream, so every upstream does";
    else if (any) detail = matched.length > 0 ? `upstream ${listKeys(matched)} ${matched.length === 1 ? "is" : "are"} ${phrase}${where}` : `no upstream is ${phrase}`;
    else detail = unmatched.length === 0 ? `every upstream is ${phrase}` : `upstream ${listKeys(unmatched)} ${unmatched.length === 1 ? "is" : "are"} not ${phrase}${partitioned && !set.isEmpty() ? ` everywhere; all are for ${describePositions(asset.space, set)}` : ""}`;
    return this.result(node, asset, set, detail, () => children, at);
  }

  private willBeRequested(node: Node, asset: AssetState, scope: Scope): Evaluated {
    const downstream = scope.downstream;
    if (downstream === null) {
      return this.result(node, asset, emptyRanges(), "not known for the asset itself (what this evaluation decides); use it on dependencies", []);
    }
    const requested = asset.requested;
    if (requested.isEmpty()) return this.result(node, asset, requested, asset.evaluated ? "not requested in this tick" : "not evaluated in this tick (no condition, or automation is off for its location)", []);
    // A dependency requested in another run would run beside its downstream, not before it: it
    // counts only when both can share a run (same location, same partitions).
    if (asset.location !== downstream.location) return this.result(node, asset, emptyRanges(), `requested in this tick, but in a run of location ${asset.location}: it counts once updated`, []);
    if (asset.space.id !== downstream.space.id) return this.result(node, asset, emptyRanges(), "requested in this tick, but its partitions differ, so in another run: it counts once updated", []);
    const partitioned = asset.space.partitions !== null;
    return this.result(node, asset, requested, partitioned ? `requested in this tick: ${describePositions(asset.space, requested)}` : "requested in this tick", [], this.input.now);
  }

  private updatedSinceCronPartitioned(node: Extract<Node, { kind: "updated_since_cron" }>, asset: AssetState, path: string, scope: Scope): Evaluated {
    const tick = this.clock.of(node.cron, node.timezone);
    if (tick.latest === null) {
      return this.result(node, asset, emptyRanges(), `no tick of ${node.cron} (${node.timezone}) yet`, []);
    }
    // Memory: the positions updated since this tick, kept while the tick is the same one.
    const stored = scope.previous?.[path];
    let set = emptyRanges();
    if (stored !== undefined) {
      const bar = stored.indexOf("|");
      if (bar > 0 && Number(stored.slice(0, bar)) === tick.latest) set = safeRanges(stored.slice(bar + 1)) ?? emptyRanges();
    }
    const fresh = asset.updates.filter((u) => u.timestamp > tick.latest!).map((u) => u.position);
    set = set.union(rangesFromIndices(fresh)).intersect(asset.space.universe);
    scope.next[path] = `${tick.latest}|${set.encode()}`;
    const detail = set.isEmpty()
      ? `no partition materialized since the tick at ${isoTime(tick.latest)}`
      : `${partitionsCount(set.size)} materialized since the tick at ${isoTime(tick.latest)}: ${describePositions(asset.space, set)}`;
    return this.result(node, asset, set, detail, []);
  }

  /** Facts about the asset itself, cached per asset for the tick (many downstream assets ask about the same dependency). */
  private leaf(node: Node, asset: AssetState): Finding {
    const space = asset.space;
    const universe = space.universe;
    const partitioned = space.partitions !== null;
    const all = (holds: boolean): IndexRanges => (holds ? universe : emptyRanges());
    const named = (set: IndexRanges): string => describePositions(space, set);
    switch (node.kind) {
      case "missing": {
        if (!partitioned) {
          return asset.latest === null
            ? { set: universe, detail: "never materialized" }
            : { set: emptyRanges(), detail: `materialized at ${isoTime(asset.latest.timestamp)} (run ${shortRun(asset.latest.runId)})` };
        }
        if (asset.materialized === null) return { set: emptyRanges(), detail: "its partition status is not known for its current partitions yet, so none counts as missing" };
        const set = universe.subtract(asset.materialized);
        if (universe.isEmpty()) return { set, detail: "it has no partitions yet" };
        return set.isEmpty() ? { set, detail: `all ${partitionsCount(universe.size)} materialized` } : { set, detail: `${thousands(set.size)} of ${partitionsCount(universe.size)} never materialized: ${named(set)}` };
      }
      case "in_progress": {
        const set = asset.inProgress;
        if (set.isEmpty()) return { set, detail: "no run in progress targets it" };
        const runs = asset.inProgressRuns.map(shortRun).join(", ");
        return { set, detail: partitioned ? `${partitionsCount(set.size)} in runs in progress (${runs}): ${named(set)}` : `in run ${runs}, in progress` };
      }
      case "execution_failed": {
        if (partitioned) {
          const set = asset.failed;
          return set.isEmpty() ? { set, detail: "no partition failed since it was last materialized" } : { set, detail: `${partitionsCount(set.size)} failed and not materialized since: ${named(set)}` };
        }
        const failure = asset.latestFailure;
        const holds = failure !== null && (asset.latest === null || (failure.at > asset.latest.timestamp && failure.runId !== asset.latest.runId));
        return holds ? { set: universe, detail: `run ${shortRun(failure.runId)} failed at ${isoTime(failure.at)}, after its latest materialization` } : { set: emptyRanges(), detail: "no run failed since its latest materialization" };
      }
      case "newly_updated": {
        const set = asset.newlyUpdated;
        if (this.previous === null) return { set, detail: "first evaluation: nothing counts as newly updated" };
        if (set.isEmpty()) return { set, detail: "not materialized since the previous evaluation" };
        const runs = asset.newlyUpdatedRuns.map(shortRun).join(", ");
        return { set, at: asset.newlyUpdatedAt, detail: partitioned ? `${partitionsCount(set.size)} materialized since the previous evaluation (run ${runs}): ${named(set)}` : `materialized since the previous evaluation (run ${runs})` };
      }
      case "newly_requested": {
        const set = asset.previousRequested;
        if (set.isEmpty()) return { set, detail: "not requested by the previous evaluation" };
        return { set, at: this.previous?.tickTime, detail: partitioned ? `${partitionsCount(set.size)} requested by the previous evaluation: ${named(set)}` : "requested by the previous evaluation" };
      }
      case "code_version_changed": {
        const now = asset.node.codeVersion ?? null;
        if (asset.latest === null) return { set: emptyRanges(), detail: "never materialized" };
        const then = asset.latest.codeVersion ?? null;
        return then !== now ? { set: universe, detail: `code version ${then ?? "(none)"} → ${now ?? "(none)"}` } : { set: emptyRanges(), detail: `code version ${now ?? "(none)"} unchanged` };
      }
      case "unsynced": {
        const status = this.sync.get(asset.key);
        if (status === undefined || status.state === "NEVER_MATERIALIZED") return { set: emptyRanges(), detail: "never materialized (missing, not unsynced)" };
        if (status.state === "SYNCED") return { set: emptyRanges(), detail: "synced with its code and its inputs" };
        const causes = status.causes.map(describeStalenessCause);
        return { set: universe, detail: `unsynced: ${causes.slice(0, 3).join("; ")}${causes.length > 3 ? `; and ${causes.length - 3} more` : ""}` };
      }
      case "cron_tick_passed": {
        const tick = this.clock.of(node.cron, node.timezone);
        const cron = `${node.cron} (${node.timezone})`;
        const next = tick.next === null ? "" : `; next at ${isoTime(tick.next)}`;
        if (this.previous === null) return { set: emptyRanges(), detail: `first evaluation: waiting for the next tick of ${cron}${next}` };
        return tick.passed && tick.latest !== null
          ? { set: universe, detail: `the tick at ${isoTime(tick.latest)} of ${cron} passed since the previous evaluation` }
          : { set: emptyRanges(), detail: `no tick of ${cron} since the previous evaluation${next}` };
      }
      case "updated_since_cron": {
        // Unpartitioned (partitioned ones keep memory: updatedSinceCronPartitioned).
        const tick = this.clock.of(node.cron, node.timezone);
        if (tick.latest === null) return { set: emptyRanges(), detail: `no tick of ${node.cron} (${node.timezone}) yet` };
        const at = asset.latest?.timestamp ?? null;
        return at !== null && at > tick.latest
          ? { set: universe, detail: `materialized at ${isoTime(at)}, after the tick at ${isoTime(tick.latest)}` }
          : { set: emptyRanges(), detail: `not materialized since the tick at ${isoTime(tick.latest)}${at === null ? " (never materialized)" : ` (last at ${isoTime(at)})`}` };
      }
      case "in_latest_time_window": {
        const windows = space.windows;
        if (windows === null) return { set: universe, detail: partitioned ? "not time-partitioned: every partition counts" : "not partitioned: always true" };
        if (windows.count === 0) return { set: emptyRanges(), detail: "no time window has ended yet" };
        if (node.lookbackMinutes === null) {
          const set = rangeOf(windows.count - 1, windows.count);
          return { set, detail: `the latest complete window is ${named(set)}` };
        }
        const from = Math.max(0, windows.indexAtTime(this.input.now - node.lookbackMinutes * 60_000) ?? 0);
        const set = rangeOf(Math.min(from, windows.count - 1), windows.count);
        return { set, detail: `${partitionsCount(set.size)} ended within ${node.lookbackMinutes} minutes: ${named(set)}` };
      }
      case "will_be_requested":
      case "any_deps_match":
      case "all_deps_match":
      case "since":
      case "newly_true":
      case "and":
      case "or":
      case "not":
        // Evaluated by `evaluate` itself, never as a leaf.
        return { set: all(false), detail: null };
    }
  }
}

/** For an unpartitioned asset's root: the first true operands' reasons. */
function whyTrueShort(root: AutomationNodeResult): string {
  if (root.kind !== "and") return root.detail ?? root.description;
  const parts = root.children.filter((child) => child.kind !== "in_latest_time_window" && child.kind !== "not").map((child) => child.detail ?? child.description);
  return parts.length > 0 ? parts.join("; ") : root.description;
}

/** A memory set from the cursor, or null when it does not decode (then the node starts afresh). */
function safeRanges(text: string): IndexRanges | null {
  try {
    return decodeRanges(text);
  } catch {
    return null;
  }
}
