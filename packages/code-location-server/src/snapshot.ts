/**
 * Definitions → protocol snapshot: plain data only (no functions), sorted for a stable
 * content hash, so the platform can compare, store and show it without importing user code.
 */
import type { Snapshot, ExternalAssetSnapshot } from "@flyt/protocol";
import type { Definitions } from "@flyt/sdk";

/** Definitions may declare assets of other locations (`externalAsset`); older SDKs have none. */
function externalAssetsOf(definitions: Definitions): ExternalAssetSnapshot[] {
  const declared = (definitions as { externalAssets?: ReadonlyArray<{ key: string; location: string | null }> }).externalAssets ?? [];
  return [...declared].map((e) => ({ key: e.key, location: e.location ?? null })).sort((a, b) => a.key.localeCompare(b.key));
}

export function buildSnapshot(definitions: Definitions, location: string): Snapshot {
  const assets = [...definitions.graph.nodes.values()]
    .map((node) => ({
      key: node.key,
      deps: [...node.deps].sort(),
      description: node.description,
      group: node.group,
      owners: [...node.owners],
      tags: { ...node.tags },
      kinds: [...node.kinds],
      codeVersion: node.codeVersion,
      partitions: node.partitions,
      retryPolicy: node.retryPolicy,
      stepKey: node.stepKey,
      metadata: { ...node.metadata },
      checks: (node.checks ?? []).map((c) => ({ name: c.name, severity: c.severity, blocking: c.blocking, description: c.description })),
      freshnessPolicy: node.freshnessPolicy ? { ...node.freshnessPolicy } : null,
    }))
    .sort((a, b) => a.key.localeCompare(b.key));
  return {
    location,
    assets,
    externalAssets: externalAssetsOf(definitions),
    schedules: definitions.schedules
      .map((s) => ({
        name: s.name,
        cron: s.cron,
        timezone: s.timezone,
        target: s.target,
        tags: { ...s.tags },
        defaultStatus: s.defaultStatus,
        description: s.description,
        catchUp: s.catchUp,
        maxCatchUpTicks: s.maxCatchUpTicks,
        partition: s.partition === null ? null : typeof s.partition === "string" ? { kind: "fixed" as const, key: s.partition } : { kind: "computed" as const },
        hasEvaluate: s.evaluate !== null,
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    sensors: definitions.sensors
      .map((s) => ({
        name: s.name,
        target: s.target,
        minimumIntervalSeconds: s.minimumIntervalSeconds,
        defaultStatus: s.defaultStatus,
        description: s.description,
        sensorType: s.sensorType ?? "custom",
        assets: [...(s.assets ?? [])],
        runStatuses: [...(s.runStatuses ?? [])],
        monitoredSelection: s.monitoredSelection ?? null,
        tags: { ...(s.tags ?? {}) },
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    metadata: { sdkVersion: "0.1.0", runtime: `node ${process.version}` },
  };
}
