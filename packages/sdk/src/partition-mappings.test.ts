/**
 * Tests of what assets declare for backfills: `partitionMappings` on deps (keys checked against
 * the deps with a suggestion; resolved to plain data against both assets' partitions at load; a
 * function mapping evaluated there; invalid pairs refused naming both assets; deps of another
 * location resolved against this asset's side only) and `backfillPolicy` (constructors, their
 * validation, the snapshot, one policy per multi-asset step), and the SDK's re-exports.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { findProblem, problemsOf } from "@flyt/partitions/testing";
import * as sdk from "./index.js";
import {
  allPartitionsMapping,
  asset,
  dailyPartitions,
  defineDefinitions,
  dynamicPartitions,
  externalAsset,
  identityPartitionMapping,
  lastPartitionsMapping,
  monthlyPartitions,
  multiAsset,
  multiRunBackfill,
  previousPartitionMapping,
  singleRunBackfill,
  staticPartitionMapping,
  staticPartitions,
  timeWindowPartitionMapping,
  yearlyPartitions,
} from "./index.js";

const noop = (): void => undefined;
const days = dailyPartitions({ start: "2024-01-01" });
const months = monthlyPartitions({ start: "2024-01" });

void describe("partitionMappings", () => {
  void it("resolves declared mappings to plain data on the node, leaving defaults out", () => {
    const daily = asset({ key: "met/daily", partitions: days, compute: noop });
    const rolling = asset({
      key: "met/rolling",
      deps: [daily, "met/monthly"],
      partitions: days,
      partitionMappings: { "met/daily": lastPartitionsMapping(7) },
      compute: noop,
    });
    const monthly = asset({ key: "met/monthly", deps: [daily], partitions: months, compute: noop });
    const incremental = asset({
      key: "met/cumulative",
      deps: [monthly],
      partitions: months,
      partitionMappings: { "met/monthly": previousPartitionMapping() },
      compute: noop,
    });
    const definitions = defineDefinitions({ assets: [daily, rolling, monthly, incremental] });
    assert.deepEqual(definitions.graph.get("met/rolling")?.partitionMappings, { "met/daily": { kind: "time-window", startOffset: -6, endOffset: 0 } });
    assert.deepEqual(definitions.graph.get("met/cumulative")?.partitionMappings, { "met/monthly": { kind: "time-window", startOffset: -1, endOffset: -1 } });
    assert.equal(definitions.graph.get("met/monthly")?.partitionMappings, undefined, "a default mapping is not written down");
    assert.equal("partitionMappings" in definitions.graph.get("met/daily")!, false);
  });

  void it("accepts keys written as arrays or with the dep given as a definition, and names a key that is not a dep", () => {
    const daily = asset({ key: "met/daily", partitions: days, compute: noop });
    const ok = asset({ key: "met/report", deps: [daily], partitionMappings: { "met/daily": allPartitionsMapping() }, compute: noop });
    assert.deepEqual(defineDefinitions({ assets: [daily, ok] }).graph.get("met/report")?.partitionMappings, { "met/daily": { kind: "all" } });
    findProblem(
      problemsOf(() => asset({ key: "met/report", deps: [daily], partitionMappings: { "met/dayly": allPartitionsMapping() }, compute: noop })),
      'asset "met/report"',
      /partitionMappings names "met\/dayly", which is not a dep of this asset \(did you mean "met\/daily"\?\) \(its deps: met\/daily\)/,
    );
    findProblem(
      problemsOf(() => asset({ key: "met/report", partitionMappings: { "met/daily": allPartitionsMapping() }, compute: noop })),
      'asset "met/report"',
      /not a dep of this asset \(the asset has no deps\)/,
    );
    findProblem(
      problemsOf(() => asset({ key: "met/report", deps: [daily], partitionMappings: { "met/daily": { kind: "all" } as never }, compute: noop })),
      'asset "met/report"',
      /partitionMappings\.met\/daily must be a partition mapping \(identityPartitionMapping\(\), timeWindowPartitionMapping\(\)/,
    );
  });

  void it("refuses a mapping that does not fit the pair, naming both assets and their partitions", () => {
    const regions = asset({ key: "geo/regions", partitions: staticPartitions(["oslo", "bergen"]), compute: noop });
    const bad = asset({
      key: "geo/by_day",
      deps: [regions],
      partitions: days,
      partitionMappings: { "geo/regions": timeWindowPartitionMapping() },
      compute: noop,
    });
    findProblem(
      problemsOf(() => defineDefinitions({ assets: [regions, bad] })),
      'asset "geo/by_day"',
      /partitionMappings\["geo\/regions"\] \(time-window\) does not fit: a time-window mapping needs time-window partitions on both sides; the upstream has 2 static partitions \("geo\/by_day" is partitioned daily from 2024-01-01 in UTC.*, "geo\/regions" is partitioned by 2 static keys\)/,
    );
    const identity = asset({ key: "geo/sub", deps: [regions], partitions: staticPartitions(["oslo", "tromsø"]), partitionMappings: { "geo/regions": identityPartitionMapping() }, compute: noop });
    findProblem(problemsOf(() => defineDefinitions({ assets: [regions, identity] })), 'asset "geo/sub"', /"tromsø" is not/);
  });

  void it("evaluates a static mapping function at load over the downstream keys, and reports what it returns wrong", () => {
    const municipalities = asset({ key: "geo/municipalities", partitions: staticPartitions(["oslo", "bergen", "voss"]), compute: noop });
    const counties = asset({
      key: "geo/counties",
      deps: [municipalities],
      partitions: staticPartitions(["oslo", "vestland"]),
      partitionMappings: { "geo/municipalities": staticPartitionMapping((county) => (county === "oslo" ? "oslo" : ["bergen", "voss"])) },
      compute: noop,
    });
    const node = defineDefinitions({ assets: [municipalities, counties] }).graph.get("geo/counties");
    assert.deepEqual(node?.partitionMappings, {
      "geo/municipalities": { kind: "static", upstreamKeysByDownstreamKey: { oslo: ["oslo"], vestland: ["bergen", "voss"] } },
    });
    const wrong = asset({
      key: "geo/counties",
      deps: [municipalities],
      partitions: staticPartitions(["oslo", "vestland"]),
      partitionMappings: { "geo/municipalities": staticPartitionMapping(() => "stavanger") },
      compute: noop,
    });
    findProblem(problemsOf(() => defineDefinitions({ assets: [municipalities, wrong] })), 'asset "geo/counties"', /names "stavanger".*not partitions of the upstream/);
  });

  void it("asks for a mapping between partitions with no default one, suggesting the constructor", () => {
    const customers = dynamicPartitions({ name: "customers" });
    const raw = asset({ key: "crm/raw", partitions: customers, compute: noop });
    const byYear = asset({ key: "crm/yearly", deps: [raw], partitions: yearlyPartitions({ start: "2020" }), compute: noop });
    findProblem(
      problemsOf(() => defineDefinitions({ assets: [raw, byYear] })),
      'asset "crm/yearly"',
      /depends on "crm\/raw", partitioned by dynamic partitions "customers", and no default partition mapping .*declare it: partitionMappings: \{ "crm\/raw": allPartitionsMapping\(\) \}/,
    );
    // The same dynamic partitions map by identity.
    const clean = asset({ key: "crm/clean", deps: [raw], partitions: customers, compute: noop });
    defineDefinitions({ assets: [raw, clean] });
  });

  void it("resolves a mapping on another location's asset against this asset's side, leaving the pair to the platform", () => {
    const upstream = externalAsset("met/hourly", { location: "met" });
    const daily = asset({ key: "weather/daily", deps: [upstream], partitions: days, partitionMappings: { "met/hourly": timeWindowPartitionMapping() }, compute: noop });
    const plainDefault = asset({ key: "weather/other", deps: [upstream], partitions: staticPartitions(["a"]), compute: noop });
    const definitions = defineDefinitions({ assets: [daily, plainDefault] });
    assert.deepEqual(definitions.graph.get("weather/daily")?.partitionMappings, { "met/hourly": { kind: "time-window", startOffset: 0, endOffset: 0 } });
    assert.equal(definitions.graph.get("weather/other")?.partitionMappings, undefined, "no default is decided without the upstream's partitions");
  });

  void it("accepts a static map to another location's keys, checking only this asset's keys", () => {
    const upstream = externalAsset("geo/cities", { location: "geo" });
    const regions = staticPartitions(["west", "east"]);
    const byRegion = (map: Record<string, string[]>) =>
      asset({ key: "geo/regions", deps: [upstream], partitions: regions, partitionMappings: { "geo/cities": staticPartitionMapping(map) }, compute: noop });
    const definitions = defineDefinitions({ assets: [byRegion({ west: ["bergen", "stavanger"], east: ["oslo"] })] });
    assert.deepEqual(definitions.graph.get("geo/regions")?.partitionMappings, {
      "geo/cities": { kind: "static", upstreamKeysByDownstreamKey: { west: ["bergen", "stavanger"], east: ["oslo"] } },
    });
    findProblem(problemsOf(() => defineDefinitions({ assets: [byRegion({ north: ["tromso"] })] })), 'asset "geo/regions"', /"north".*not partitions of this asset/);
  });

  void it("keeps each multi-asset member's mappings", () => {
    const daily = asset({ key: "met/daily", partitions: days, compute: noop });
    const pair = multiAsset({
      name: "met_rollups",
      partitions: months,
      assets: [
        { key: "met/monthly_mean", deps: [daily] },
        { key: "met/monthly_trend", deps: [daily], partitionMappings: { "met/daily": timeWindowPartitionMapping({ startOffset: -31, endOffset: 0 }) } },
      ],
      compute: noop,
    });
    const definitions = defineDefinitions({ assets: [daily, pair] });
    assert.equal(definitions.graph.get("met/monthly_mean")?.partitionMappings, undefined);
    assert.deepEqual(definitions.graph.get("met/monthly_trend")?.partitionMappings, { "met/daily": { kind: "time-window", startOffset: -31, endOffset: 0 } });
    findProblem(
      problemsOf(() => multiAsset({ name: "m", assets: [{ key: "a", deps: ["b"], partitionMappings: { c: allPartitionsMapping() } }], compute: noop })),
      'multi-asset "m"',
      /assets\[0\]\.partitionMappings names "c", which is not a dep of this asset/,
    );
  });
});

void describe("backfillPolicy", () => {
  void it("builds frozen plain policies and puts them on the snapshot", () => {
    assert.deepEqual(singleRunBackfill(), { kind: "single-run" });
    assert.deepEqual(multiRunBackfill(12), { kind: "multi-run", maxPartitionsPerRun: 12 });
    assert.ok(Object.isFrozen(multiRunBackfill(1)));
    const single = asset({ key: "ssb/prices", partitions: yearlyPartitions({ start: "1992" }), backfillPolicy: singleRunBackfill(), compute: noop });
    assert.deepEqual(single.nodes[0]?.backfillPolicy, { kind: "single-run" });
    const none = asset({ key: "ssb/other", partitions: yearlyPartitions({ start: "1992" }), compute: noop });
    assert.equal("backfillPolicy" in none.nodes[0]!, false, "absent when not declared: older snapshots keep their shape");
    const multi = multiAsset({
      name: "ssb_tables",
      partitions: yearlyPartitions({ start: "1992" }),
      backfillPolicy: multiRunBackfill(5),
      assets: [{ key: "ssb/a" }, { key: "ssb/b" }],
      compute: noop,
    });
    assert.deepEqual(multi.nodes.map((n) => n.backfillPolicy), [{ kind: "multi-run", maxPartitionsPerRun: 5 }, { kind: "multi-run", maxPartitionsPerRun: 5 }]);
  });

  void it("refuses a partitions count outside 1…1,000,000 and a policy without partitions", () => {
    for (const bad of [0, -1, 1.5, 1_000_001, Number.NaN]) {
      findProblem(problemsOf(() => multiRunBackfill(bad)), "multiRunBackfill", /maxPartitionsPerRun must be an integer from 1 to 1,000,000/);
    }
    findProblem(problemsOf(() => multiRunBackfill("3" as never)), "multiRunBackfill", /got string/);
    findProblem(
      problemsOf(() => asset({ key: "a", backfillPolicy: singleRunBackfill(), compute: noop })),
      'asset "a"',
      /backfillPolicy is set but partitions is not/,
    );
    findProblem(
      problemsOf(() => asset({ key: "a", partitions: days, backfillPolicy: { kind: "multi-run", maxPartitionsPerRun: 0 }, compute: noop })),
      'asset "a"',
      /backfillPolicy maxPartitionsPerRun must be an integer from 1 to 1,000,000, got 0/,
    );
    findProblem(
      problemsOf(() => asset({ key: "a", partitions: days, backfillPolicy: "single" as never, compute: noop })),
      'asset "a"',
      /backfillPolicy must be singleRunBackfill\(\) or multiRunBackfill\(maxPartitionsPerRun\)/,
    );
  });
});

void describe("SDK exports for backfills", () => {
  void it("re-exports the partitions API: dynamic partitions, key spaces, ranges and mappings", () => {
    for (const name of [
      "dynamicPartitions",
      "partitionKeySpace",
      "decodeRanges",
      "rangeOf",
      "identityPartitionMapping",
      "timeWindowPartitionMapping",
      "previousPartitionMapping",
      "lastPartitionsMapping",
      "allPartitionsMapping",
      "staticPartitionMapping",
      "defaultPartitionMapping",
      "partitionMappingProblem",
      "singleRunBackfill",
      "multiRunBackfill",
    ]) {
      assert.equal(typeof (sdk as Record<string, unknown>)[name], "function", name);
    }
    const space = sdk.partitionKeySpace(yearlyPartitions({ start: "2000", end: "2010" }).snapshot(), new Date("2030-01-01"));
    assert.deepEqual([space.count, space.keyAt(3), space.indexOf("2009")], [10, "2003", 9]);
  });
});

void describe("an asset reading its own earlier partitions", () => {
  const years = yearlyPartitions({ start: "2000", end: "2025" });
  void it("is allowed with a mapping to earlier partitions, and is no cycle", () => {
    const cumulative = asset({
      key: "ssb/cumulative",
      deps: ["ssb/cumulative"],
      partitions: years,
      partitionMappings: { "ssb/cumulative": previousPartitionMapping() },
      compute: noop,
    });
    const downstream = asset({ key: "ssb/report", deps: [cumulative], partitions: years, compute: noop });
    const definitions = defineDefinitions({ assets: [cumulative, downstream] });
    assert.deepEqual(definitions.graph.get("ssb/cumulative")?.deps, ["ssb/cumulative"]);
    assert.deepEqual(definitions.graph.get("ssb/cumulative")?.partitionMappings, { "ssb/cumulative": { kind: "time-window", startOffset: -1, endOffset: -1 } });
    // The graph's traversals leave the self-edge out: it orders and selects as if it were not there.
    assert.deepEqual(definitions.graph.upstreamOf("ssb/cumulative"), []);
    assert.deepEqual(definitions.graph.downstreamOf("ssb/cumulative"), ["ssb/report"]);
    assert.deepEqual(definitions.graph.topologicalOrder(), ["ssb/cumulative", "ssb/report"]);
  });

  void it("is refused without a mapping, with one that includes its own partition, and when unpartitioned", () => {
    const subject = 'asset "ssb/cumulative"';
    const selfAsset = (extra: Record<string, unknown>) =>
      problemsOf(() => defineDefinitions({ assets: [asset({ key: "ssb/cumulative", deps: ["ssb/cumulative"], partitions: years, compute: noop, ...extra })] }));
    findProblem(selfAsset({}), subject, /depends on itself without a partition mapping.*previousPartitionMapping\(\)/);
    findProblem(selfAsset({ partitionMappings: { "ssb/cumulative": lastPartitionsMapping(3) } }), subject, /includes its own partition \(endOffset 0\)/);
    findProblem(selfAsset({ partitionMappings: { "ssb/cumulative": identityPartitionMapping() } }), subject, /includes its own partition \(identity\)/);
    findProblem(problemsOf(() => asset({ key: "ssb/cumulative", deps: ["ssb/cumulative"], compute: noop })), subject, /unpartitioned asset cannot depend on itself/);
  });
});
