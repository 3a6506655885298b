/**
 * Staleness per partition: an in-memory asset index that records provenance as storage does (each
 * dependency's latest data version, any partition, when a materialization is stored), and
 * partitionSyncStatus read from it — code version changes, upstream partitions re-materialized
 * through identity, daily → monthly and "all" mappings, unpartitioned upstreams, dependencies
 * changed, the cause cap, and a daily asset with 20,000 partitions.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AssetGraph, type PartitionsSnapshot } from "@flyt/core";
import { partitionKeySpace } from "@flyt/partitions";
import { partitionSyncStatus, type PartitionSyncStatus } from "./partition-staleness.js";
import type { LatestMaterialization } from "./staleness.js";
import { at, DAILY, MONTHLY, node } from "./test-support.js";

const NOW = at("2024-03-05T12:00:00Z");

/** The asset index as storage keeps it: latest per asset and per partition, with provenance. */
class Index {
  readonly latest = new Map<string, LatestMaterialization>();
  readonly byPartition = new Map<string, Map<string, LatestMaterialization>>();
  private clock = at("2024-03-01T00:00:00Z");
  private seq = 0;

  constructor(public graph: AssetGraph) {}

  /** Stores a materialization now (one millisecond after the previous one). */
  materialize(key: string, partition: string | null, options: { dataVersion?: string; codeVersion?: string | null } = {}): LatestMaterialization {
    const n = this.graph.get(key)!;
    const inputDataVersions: Record<string, string | null> = {};
    for (const dep of this.graph.upstreamOf(key)) inputDataVersions[dep] = this.latest.get(dep)?.dataVersion ?? null;
    const entry: LatestMaterialization = {
      assetKey: key,
      partition,
      runId: `run-${++this.seq}`,
      timestamp: ++this.clock,
      codeVersion: options.codeVersion === undefined ? n.codeVersion : options.codeVersion,
      dataVersion: options.dataVersion ?? `${key}:${partition ?? "-"}#${this.seq}`,
      inputDataVersions,
    };
    this.latest.set(key, entry);
    if (partition !== null) {
      let partitions = this.byPartition.get(key);
      if (partitions === undefined) this.byPartition.set(key, (partitions = new Map()));
      partitions.set(partition, entry);
    }
    return entry;
  }

  materializeAll(key: string, partitions: readonly string[]): void {
    for (const partition of partitions) this.materialize(key, partition);
  }

  status(key: string, maxCausesPerPartition?: number): PartitionSyncStatus {
    const upstreamPartitions = new Map<string, LatestMaterialization[]>();
    for (const dep of this.graph.upstreamOf(key)) upstreamPartitions.set(dep, [...(this.byPartition.get(dep)?.values() ?? [])]);
    return partitionSyncStatus({
      graph: this.graph,
      assetKey: key,
      partitions: [...(this.byPartition.get(key)?.values() ?? [])],
      latest: this.latest.values(),
      upstreamPartitions,
      now: NOW,
      ...(maxCausesPerPartition === undefined ? {} : { maxCausesPerPartition }),
    });
  }
}

function keysOf(partitions: PartitionsSnapshot, from: string, to: string): string[] {
  const space = partitionKeySpace(partitions, new Date(NOW));
  return space.keysBetween(space.indexOf(from), space.indexOf(to) + 1);
}

const unsyncedKeys = (status: PartitionSyncStatus): string[] => status.unsynced.map((p) => p.key);

describe("partitionSyncStatus", () => {
  it("marks exactly the partitions materialized with the old code version, with from and to", () => {
    const index = new Index(new AssetGraph([node("d", [], { partitions: DAILY, codeVersion: "1" })]));
    index.materializeAll("d", keysOf(DAILY, "2024-01-01", "2024-01-10"));
    assert.deepEqual(index.status("d").unsynced, [], "materialized with the current code: none unsynced");

    index.graph = new AssetGraph([node("d", [], { partitions: DAILY, codeVersion: "2" })]);
    index.materializeAll("d", ["2024-01-03", "2024-01-04", "2024-01-09"]);
    const status = index.status("d");
    assert.deepEqual(unsyncedKeys(status), ["2024-01-01", "2024-01-02", "2024-01-05", "2024-01-06", "2024-01-07", "2024-01-08", "2024-01-10"]);
    assert.deepEqual(status.unsynced[0]!.causes, [{ kind: "code_version_changed", from: "1", to: "2" }]);
    assert.equal(status.encodedRanges, "0-1,4-7,9");
    assert.equal(status.unsyncedRanges.size, 7);
    assert.deepEqual([status.materializedCount, status.unsyncedCount, status.notPartitionsCount], [10, 7, 0]);
  });

  it("marks only the downstream partitions that read a re-materialized upstream partition (identity), with the recorded and new data versions", () => {
    const index = new Index(new AssetGraph([node("u", [], { partitions: DAILY }), node("d", ["u"], { partitions: DAILY })]));
    const days = keysOf(DAILY, "2024-01-01", "2024-01-10");
    index.materializeAll("u", days);
    index.materializeAll("d", days);
    assert.deepEqual(index.status("d").unsynced, [], "unchanged upstream: none unsynced");

    const recorded = index.byPartition.get("d")!.get("2024-01-03")!.inputDataVersions!.u!;
    index.materialize("u", "2024-01-03", { dataVersion: "u3-new" });
    // A new upstream day that no materialized downstream partition reads changes nothing.
    index.materialize("u", "2024-01-11");
    const status = index.status("d");
    assert.deepEqual(unsyncedKeys(status), ["2024-01-03"]);
    assert.deepEqual(status.unsynced[0]!.causes, [{ kind: "upstream_data_version_changed", upstream: "u", from: recorded, to: "u3-new" }]);
    assert.equal(status.encodedRanges, "2");

    // Rebuilt: it records the upstream's new latest data version and is synced again.
    index.materialize("d", "2024-01-03");
    assert.deepEqual(unsyncedKeys(index.status("d")), []);
  });

  it("maps daily → monthly: only the month that reads the re-materialized day", () => {
    const index = new Index(new AssetGraph([node("u", [], { partitions: DAILY }), node("m", ["u"], { partitions: MONTHLY })]));
    index.materializeAll("u", keysOf(DAILY, "2024-01-01", "2024-02-29"));
    index.materializeAll("m", ["2024-01", "2024-02"]);
    assert.deepEqual(unsyncedKeys(index.status("m")), []);

    index.materialize("u", "2024-02-10", { dataVersion: "feb10-new" });
    const status = index.status("m");
    assert.deepEqual(unsyncedKeys(status), ["2024-02"]);
    assert.equal(status.unsynced[0]!.causes[0]!.kind, "upstream_data_version_changed");
    assert.equal(status.encodedRanges, "1");

    index.materialize("u", "2024-01-31");
    assert.deepEqual(unsyncedKeys(index.status("m")), ["2024-01", "2024-02"]);
  });

  it("honours a declared mapping: 'all' reads every upstream partition, a time-window offset reads the previous day", () => {
    const previous = { kind: "time-window" as const, startOffset: -1, endOffset: -1 };
    const graph = new AssetGraph([
      node("u", [], { partitions: DAILY }),
      node("all", ["u"], { partitions: DAILY, partitionMappings: { u: { kind: "all" } } }),
      node("prev", ["u"], { partitions: DAILY, partitionMappings: { u: previous } }),
    ]);
    const index = new Index(graph);
    const days = keysOf(DAILY, "2024-01-01", "2024-01-05");
    index.materializeAll("u", days);
    index.materializeAll("all", days);
    index.materializeAll("prev", keysOf(DAILY, "2024-01-02", "2024-01-05"));
    index.materialize("u", "2024-01-02", { dataVersion: "jan2-new" });
    assert.deepEqual(unsyncedKeys(index.status("all")), days);
    assert.deepEqual(unsyncedKeys(index.status("prev")), ["2024-01-03"], "only the day after reads 2024-01-02");
  });

  it("marks every materialized partition when an unpartitioned upstream has a new data version", () => {
    const index = new Index(new AssetGraph([node("raw"), node("d", ["raw"], { partitions: DAILY })]));
    index.materialize("raw", null, { dataVersion: "raw-1" });
    const days = keysOf(DAILY, "2024-01-01", "2024-01-05");
    index.materializeAll("d", days);
    assert.deepEqual(unsyncedKeys(index.status("d")), []);
    index.materialize("raw", null, { dataVersion: "raw-2" });
    const status = index.status("d");
    assert.deepEqual(unsyncedKeys(status), days);
    assert.deepEqual(status.unsynced[4]!.causes, [{ kind: "upstream_data_version_changed", upstream: "raw", from: "raw-1", to: "raw-2" }]);
    assert.equal(status.encodedRanges, "0-4");
  });

  it("reports dependencies added and removed for partitions whose inputs are known, ignores a self-dependency, and caps the causes", () => {
    const index = new Index(new AssetGraph([node("a"), node("b"), node("d", ["a", "d"], { partitions: DAILY, codeVersion: "1" })]));
    index.materialize("a", null);
    index.materializeAll("d", ["2024-01-01", "2024-01-02"]);
    assert.deepEqual(unsyncedKeys(index.status("d")), [], "a self-dependency is no upstream");
    // 2024-01-02's inputs are unknown (stored before its dependencies were registered).
    index.byPartition.get("d")!.set("2024-01-02", { ...index.byPartition.get("d")!.get("2024-01-02")!, inputDataVersions: null });

    index.graph = new AssetGraph([node("a"), node("b"), node("d", ["b", "d"], { partitions: DAILY, codeVersion: "2" })]);
    const status = index.status("d");
    assert.deepEqual(status.unsynced.map((p) => [p.key, p.causes]), [
      ["2024-01-01", [{ kind: "code_version_changed", from: "1", to: "2" }, { kind: "dependencies_changed", added: ["b"], removed: ["a"] }]],
      ["2024-01-02", [{ kind: "code_version_changed", from: "1", to: "2" }]],
    ]);
    const capped = index.status("d", 1);
    assert.deepEqual(capped.unsynced.map((p) => [p.causes.length, p.moreCauses]), [[1, 1], [1, 0]]);
  });

  it("leaves out materialized keys that are no partitions now, and refuses an unpartitioned asset", () => {
    const stations: PartitionsSnapshot = { kind: "static", keys: ["oslo", "bergen"] };
    const index = new Index(new AssetGraph([node("s", [], { partitions: stations, codeVersion: "1" })]));
    index.materializeAll("s", ["oslo", "bergen", "tromso"]);
    index.graph = new AssetGraph([node("s", [], { partitions: stations, codeVersion: "2" })]);
    const status = index.status("s");
    assert.deepEqual([unsyncedKeys(status), status.materializedCount, status.notPartitionsCount], [["oslo", "bergen"], 2, 1]);
    assert.throws(() => partitionSyncStatus({ graph: new AssetGraph([node("x")]), assetKey: "x", partitions: [], latest: [], upstreamPartitions: new Map(), now: NOW }), RangeError);
  });

  it("handles a daily asset with 20,000 partitions over a daily and a monthly upstream", (t) => {
    const daily: PartitionsSnapshot = { kind: "time-window", cadence: "daily", start: "1969-01-01", end: null, timezone: "UTC", format: "yyyy-MM-dd" };
    const monthly: PartitionsSnapshot = { kind: "time-window", cadence: "monthly", start: "1969-01-01", end: null, timezone: "UTC", format: "yyyy-MM" };
    const graph = new AssetGraph([
      node("up", [], { partitions: daily }),
      node("months", [], { partitions: monthly }),
      node("down", ["up", "months"], { partitions: daily, partitionMappings: { months: { kind: "time-window", startOffset: 0, endOffset: 0 } } }),
    ]);
    const space = partitionKeySpace(daily, new Date(NOW));
    const monthSpace = partitionKeySpace(monthly, new Date(NOW));
    const days = space.keysBetween(0, 20_000);
    const index = new Index(graph);
    index.materializeAll("up", days);
    index.materializeAll("months", monthSpace.keysBetween(0, monthSpace.count));
    index.materializeAll("down", days);
    // Day 12,345 and one month re-materialized after.
    index.materialize("up", days[12_345]!, { dataVersion: "new" });
    const month = monthSpace.keyAt(5);
    index.materialize("months", month, { dataVersion: "new-month" });

    const started = performance.now();
    const status = index.status("down");
    const ms = performance.now() - started;
    const monthDays = days.filter((day) => day.startsWith(month));
    assert.equal(status.materializedCount, 20_000);
    assert.deepEqual(unsyncedKeys(status), [...monthDays, days[12_345]!].sort());
    // Loose: a regression to quadratic work takes minutes, not seconds.
    assert.ok(ms < 10_000, `took ${ms.toFixed(0)} ms`);
    t.diagnostic(`partitionSyncStatus over 20,000 daily partitions: ${ms.toFixed(1)} ms`);
  });
});
