/**
 * Definitions → protocol snapshot: plain data only (no functions), sorted for a stable
 * content hash, so the platform can compare, store and show it without importing user code.
 */
import { abbreviate, type AssetNodeSnapshot, type PartitionMappingSnapshot } from "@flyt/core";
import { SnapshotSchema, type Snapshot, type ExternalAssetSnapshot } from "@flyt/protocol";
import type { Definitions } from "@flyt/sdk";

/** Definitions may declare assets of other locations (`externalAsset`); older SDKs have none. */
function externalAssetsOf(definitions: Definitions): ExternalAssetSnapshot[] {
  const declared = (definitions as { externalAssets?: ReadonlyArray<{ key: string; location: string | null }> }).externalAssets ?? [];
  return [...declared].map((e) => ({ key: e.key, location: e.location ?? null })).sort((a, b) => a.key.localeCompare(b.key));
}

/** Mappings by dep key, copied as plain data (static maps' key lists copied too). */
function sortedMappings(mappings: NonNullable<AssetNodeSnapshot["partitionMappings"]>): NonNullable<AssetNodeSnapshot["partitionMappings"]> {
  return Object.fromEntries(
    Object.keys(mappings)
      .sort()
      .map((dep) => {
        const mapping = mappings[dep]!;
        const copy: PartitionMappingSnapshot =
          mapping.kind === "static"
            ? { kind: "static", upstreamKeysByDownstreamKey: Object.fromEntries(Object.entries(mapping.upstreamKeysByDownstreamKey).map(([key, keys]) => [key, [...keys]])) }
            : { ...mapping };
        return [dep, copy];
      }),
  );
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
      // Only when declared, so the snapshot (and its hash) of a location without them is unchanged.
      ...(node.partitionMappings === undefined || Object.keys(node.partitionMappings).length === 0
        ? {}
        : { partitionMappings: sortedMappings(node.partitionMappings) }),
      ...(node.backfillPolicy === undefined || node.backfillPolicy === null ? {} : { backfillPolicy: { ...node.backfillPolicy } }),
      // A plain copy: the SDK's tree is frozen and shared between conditions.
      ...(node.automationCondition === undefined || node.automationCondition === null ? {} : { automationCondition: structuredClone(node.automationCondition) }),
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

/** Problems reported at most, so a location with thousands of bad assets still gets a readable error. */
const MAX_REPORTED_PROBLEMS = 20;

function valueAt(root: unknown, path: ReadonlyArray<string | number>): unknown {
  let value = root;
  for (const part of path) value = typeof value === "object" && value !== null ? (value as Record<string | number, unknown>)[part] : undefined;
  return value;
}

function sizeOf(value: unknown): string {
  if (typeof value === "string") return `${value.length} characters`;
  if (Array.isArray(value)) return `${value.length} entries`;
  if (typeof value === "object" && value !== null) return `${Buffer.byteLength(JSON.stringify(value), "utf8")} bytes serialized`;
  return JSON.stringify(value) ?? String(value);
}

/**
 * Why `snapshot` is not one the protocol can carry — each problem naming the asset, schedule or
 * sensor, the field and the limit — or null when it is. The SDK checks the same limits when a
 * definition is declared; this catches definitions built by anything else (another SDK copy, a
 * hand-made Definitions object), so the server never reports LOADED with a snapshot it cannot serve.
 */
export function snapshotProblems(snapshot: Snapshot): string | null {
  const parsed = SnapshotSchema.safeParse(snapshot);
  if (parsed.success) return null;
  const lines = parsed.error.issues.slice(0, MAX_REPORTED_PROBLEMS).map((issue) => {
    const [section, index, ...rest] = issue.path;
    const item = typeof index === "number" ? valueAt(snapshot, [section!, index]) : undefined;
    const label = (item as { key?: unknown; name?: unknown } | undefined)?.key ?? (item as { name?: unknown } | undefined)?.name;
    const kind: Record<string, string> = { assets: "asset", externalAssets: "external asset", schedules: "schedule", sensors: "sensor" };
    const subject =
      typeof section === "string" && kind[section] !== undefined && typeof label === "string"
        ? `${kind[section]} ${JSON.stringify(label.split("/").map((part) => abbreviate(part)).join("/"))}`
        : issue.path.length > 0
          ? issue.path.join(".")
          : "snapshot";
    const field = typeof index === "number" ? rest.join(".") : "";
    const limit = issue.code === "too_big" ? `${sizeOf(valueAt(snapshot, issue.path))}, over the limit of ${String(issue.maximum)}` : issue.message;
    return `  - ${subject}: ${field === "" ? "" : `${field} `}${issue.code === "too_big" ? `is ${limit}` : limit}`;
  });
  const more = parsed.error.issues.length - lines.length;
  return `the snapshot is outside protocol v1's limits (docs/protocol/README.md):\n${lines.join("\n")}${more > 0 ? `\n  … and ${more} more` : ""}`;
}
