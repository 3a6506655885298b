/**
 * One asset graph across every code location: each location's snapshot contributes its assets,
 * and a dependency on an asset of another location (declared with `externalAsset`) becomes an
 * edge between locations, so lineage spans them. Conflicts (two locations defining one key),
 * dependencies nobody defines and partition mappings that do not fit an upstream asset of another
 * location are reported, not fatal.
 */
import { AssetGraph, type AssetNodeSnapshot } from "@flyt/core";
import { defaultPartitionMapping, partitionMappingProblem } from "@flyt/partitions";
import type { AssetSnapshot, Snapshot } from "@flyt/protocol";

export interface MergedGraph {
  graph: AssetGraph;
  /** Asset key → owning location. */
  locationOf: ReadonlyMap<string, string>;
  /** Asset key → its snapshot entry (with checks and freshness). */
  assets: ReadonlyMap<string, AssetSnapshot & { location: string }>;
  /** Keys defined by more than one location: the first location (by name) wins. */
  conflicts: Array<{ key: string; locations: string[] }>;
  /** Dependencies on assets no loaded location defines, or defined elsewhere than the declared location. */
  unresolved: Array<{ location: string; asset: string; dep: string; reason: string }>;
  /**
   * Dependencies on another location's asset whose partition mapping (declared, or the default for
   * the two definitions) does not fit them. A location checks its own deps when it loads; a dep on
   * another location's asset can only be checked here, and changes when either location reloads.
   */
  partitionMappingProblems: Array<{ location: string; asset: string; dep: string; reason: string }>;
}

export function mergeSnapshots(snapshots: Snapshot[]): MergedGraph {
  const ordered = [...snapshots].sort((a, b) => a.location.localeCompare(b.location));
  const assets = new Map<string, AssetSnapshot & { location: string }>();
  const owners = new Map<string, string[]>();
  for (const snapshot of ordered) {
    for (const asset of snapshot.assets) {
      owners.set(asset.key, [...(owners.get(asset.key) ?? []), snapshot.location]);
      if (!assets.has(asset.key)) assets.set(asset.key, { ...asset, location: snapshot.location });
    }
  }
  const unresolved: MergedGraph["unresolved"] = [];
  for (const snapshot of ordered) {
    const declared = new Map(snapshot.externalAssets.map((e) => [e.key, e.location]));
    for (const asset of snapshot.assets) {
      for (const dep of asset.deps) {
        const owner = assets.get(dep)?.location;
        if (owner === undefined) {
          unresolved.push({ location: snapshot.location, asset: asset.key, dep, reason: "no loaded location defines it" });
        } else if (declared.has(dep)) {
          const wanted = declared.get(dep);
          if (wanted !== null && wanted !== undefined && wanted !== owner) {
            unresolved.push({ location: snapshot.location, asset: asset.key, dep, reason: `declared in location ${wanted} but defined by ${owner}` });
          }
        }
      }
    }
  }
  const partitionMappingProblems: MergedGraph["partitionMappingProblems"] = [];
  for (const asset of assets.values()) {
    for (const dep of asset.deps) {
      const upstream = assets.get(dep);
      // Within one location the SDK checked the pair at load; an unresolved dep is reported above.
      if (upstream === undefined || upstream.location === asset.location) continue;
      const declared = asset.partitionMappings?.[dep];
      if (declared === undefined) {
        const fallback = defaultPartitionMapping(upstream.partitions, asset.partitions);
        if ("problem" in fallback) partitionMappingProblems.push({ location: asset.location, asset: asset.key, dep, reason: `${fallback.problem} (${dep} is defined by location ${upstream.location})` });
        continue;
      }
      const problem = partitionMappingProblem(declared, upstream.partitions, asset.partitions);
      if (problem !== null) partitionMappingProblems.push({ location: asset.location, asset: asset.key, dep, reason: `its ${declared.kind} partition mapping does not fit: ${problem} (${dep} is defined by location ${upstream.location})` });
    }
  }
  const nodes: AssetNodeSnapshot[] = [...assets.values()].map((a) => ({
    key: a.key,
    deps: a.deps,
    description: a.description,
    group: a.group,
    owners: a.owners,
    tags: a.tags,
    kinds: a.kinds,
    codeVersion: a.codeVersion,
    partitions: a.partitions,
    retryPolicy: a.retryPolicy,
    stepKey: a.stepKey,
    metadata: a.metadata,
    freshnessPolicy: a.freshnessPolicy,
    checks: a.checks,
    ...(a.partitionMappings === undefined ? {} : { partitionMappings: a.partitionMappings }),
    ...(a.backfillPolicy === undefined ? {} : { backfillPolicy: a.backfillPolicy }),
    // The daemon's automation loop and the API read the condition from this graph (issue 16).
    ...(a.automationCondition === undefined || a.automationCondition === null ? {} : { automationCondition: a.automationCondition }),
  }));
  return {
    graph: new AssetGraph(nodes),
    locationOf: new Map([...assets].map(([key, a]) => [key, a.location])),
    assets,
    conflicts: [...owners].filter(([, locs]) => locs.length > 1).map(([key, locations]) => ({ key, locations })),
    unresolved,
    partitionMappingProblems,
  };
}
