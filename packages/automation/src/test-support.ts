/**
 * A small in-memory world for the evaluator's tests: assets, their materializations (index
 * entries, partition status, recent materializations) and runs in progress, kept the way storage
 * keeps them, and ticks that feed the evaluator and carry its cursor from one to the next.
 */
import { AssetGraph, type AssetNodeSnapshot, type AutomationConditionSnapshot, type PartitionsSnapshot } from "@flyt/core";
import { partitionKeySpace, rangesFromIndices } from "@flyt/partitions";
import { evaluateAutomation } from "./evaluate.js";
import type { AutomationAssetFacts, AutomationOutput, AutomationRun, RecentMaterialization } from "./input.js";
import type { LatestMaterialization } from "./staleness.js";

export const DAILY: PartitionsSnapshot = { kind: "time-window", cadence: "daily", start: "2024-01-01", end: null, timezone: "UTC", format: "yyyy-MM-dd" };
export const MONTHLY: PartitionsSnapshot = { kind: "time-window", cadence: "monthly", start: "2024-01-01", end: null, timezone: "UTC", format: "yyyy-MM" };

export function node(key: string, deps: string[] = [], extra: Partial<AssetNodeSnapshot> = {}): AssetNodeSnapshot {
  return {
    key,
    deps,
    description: null,
    group: "default",
    owners: [],
    tags: {},
    kinds: [],
    codeVersion: null,
    partitions: null,
    retryPolicy: null,
    stepKey: key,
    metadata: {},
    ...extra,
  };
}

export function withCondition(n: AssetNodeSnapshot, condition: AutomationConditionSnapshot): AssetNodeSnapshot {
  return { ...n, automationCondition: condition };
}

/** Epoch ms of an ISO time. */
export function at(iso: string): number {
  return Date.parse(iso);
}

export class World {
  graph: AssetGraph;
  now = at("2024-03-05T12:00:00Z");
  cursor: string | null = null;
  tickId = 0;
  readonly latest = new Map<string, LatestMaterialization>();
  /** Materialized partition keys per partitioned asset. */
  readonly partitionsDone = new Map<string, Set<string>>();
  readonly failedPartitions = new Map<string, Set<string>>();
  readonly log: RecentMaterialization[] = [];
  readonly running = new Map<string, AutomationRun>();
  readonly failures = new Map<string, { runId: string; at: number }>();
  locations: Record<string, string> = {};
  disabled = new Set<string>();
  dataVersions = new Map<string, number>();
  private runSeq = 0;

  constructor(nodes: AssetNodeSnapshot[]) {
    this.graph = new AssetGraph(nodes);
  }

  setNodes(nodes: AssetNodeSnapshot[]): void {
    this.graph = new AssetGraph(nodes);
  }

  /** Records a materialization now (a second later than the clock, like a run finishing between ticks). */
  materialize(key: string, partition: string | null = null, runId = `run-${++this.runSeq}`, timestamp = this.now - 1000): void {
    const n = this.graph.get(key)!;
    const version = (this.dataVersions.get(key) ?? 0) + 1;
    this.dataVersions.set(key, version);
    const inputs: Record<string, string | null> = {};
    for (const dep of this.graph.upstreamOf(key)) inputs[dep] = this.latest.get(dep)?.dataVersion ?? null;
    this.latest.set(key, { assetKey: key, partition, runId, timestamp, codeVersion: n.codeVersion, dataVersion: `${key}#${version}`, inputDataVersions: inputs });
    if (partition !== null) {
      let done = this.partitionsDone.get(key);
      if (!done) this.partitionsDone.set(key, (done = new Set()));
      done.add(partition);
      this.failedPartitions.get(key)?.delete(partition);
    }
    this.log.push({ assetKey: key, partition, timestamp, runId });
  }

  startRun(assetKeys: string[], partitionKey: string | null = null, tags: Record<string, string> = {}): string {
    const runId = `run-${++this.runSeq}`;
    this.running.set(runId, { runId, status: "STARTED", assetKeys, partitionKey, tags });
    return runId;
  }

  /** Ends a run; on success every asset in it is materialized. */
  finishRun(runId: string, success = true): void {
    const run = this.running.get(runId)!;
    this.running.delete(runId);
    for (const key of run.assetKeys) {
      if (success) this.materialize(key, run.partitionKey, runId);
      else if (run.partitionKey !== null) {
        let failed = this.failedPartitions.get(key);
        if (!failed) this.failedPartitions.set(key, (failed = new Set()));
        failed.add(run.partitionKey);
      } else this.failures.set(key, { runId, at: this.now - 500 });
    }
  }

  /** Starts the runs a tick requested (as the daemon would), returning their ids. */
  launch(output: AutomationOutput): string[] {
    return output.runRequests.map((request) => this.startRun(request.assetKeys, request.partitionKey, request.tags));
  }

  facts(): Map<string, AutomationAssetFacts> {
    const out = new Map<string, AutomationAssetFacts>();
    for (const [key, n] of this.graph.nodes) {
      const facts: AutomationAssetFacts = { latest: this.latest.get(key) ?? null, latestFailure: this.failures.get(key) ?? null };
      if (n.partitions && n.partitions.kind !== "dynamic") {
        const space = partitionKeySpace(n.partitions, new Date(this.now));
        const positions = (keys: Set<string> | undefined): string => rangesFromIndices([...(keys ?? [])].map((k) => space.indexOf(k)).filter((i) => i >= 0)).encode();
        facts.partitionStatus = { partitions: n.partitions, materialized: positions(this.partitionsDone.get(key)), failed: positions(this.failedPartitions.get(key)) };
      }
      out.set(key, facts);
    }
    return out;
  }

  /** One evaluation at the current time; the clock then moves on by `advanceMs`. */
  tick(advanceMs = 60_000): AutomationOutput {
    const since = this.cursor === null ? 0 : this.now - 10 * 60_000;
    const output = evaluateAutomation({
      graph: this.graph,
      now: this.now,
      tickId: ++this.tickId,
      cursor: this.cursor,
      facts: this.facts(),
      runsInProgress: [...this.running.values()],
      materializations: this.log.filter((m) => m.timestamp > since),
      locationOf: (key) => this.locations[key] ?? "atlas",
      enabled: (location) => !this.disabled.has(location),
    });
    this.cursor = output.cursor;
    this.now += advanceMs;
    return output;
  }
}

/** The evaluation of `key` in `output`. */
export function evaluationOf(output: AutomationOutput, key: string) {
  const found = output.evaluations.find((e) => e.assetKey === key);
  if (!found) throw new Error(`no evaluation of ${key} (evaluated: ${output.evaluations.map((e) => e.assetKey).join(", ")})`);
  return found;
}

/** Requested asset keys (sorted). */
export function requestedKeys(output: AutomationOutput): string[] {
  return [...output.requested.keys()].sort();
}
