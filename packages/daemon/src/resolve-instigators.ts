/**
 * From a location's schedules and sensors to what the daemon runs: its location added and every
 * target resolved to asset keys on the graph. One mapping for every evaluator — LocalEvaluator
 * builds the same protocol snapshot from its definitions as a code server serves — so a location
 * lists the same whether it is evaluated in process or through its code server.
 */
import { resolveSelection, type AssetGraph } from "@flyt/core";
import type { Snapshot } from "@flyt/protocol";
import type { ResolvedSchedule, ResolvedSensor } from "./evaluator.js";

/** The keys `selection` names on `graph`, in dependency order. */
export function orderedKeys(graph: AssetGraph, selection: string): string[] {
  return graph.topologicalOrder(resolveSelection(graph, selection));
}

export function resolveInstigators(location: string, snapshot: Pick<Snapshot, "schedules" | "sensors">, graph: AssetGraph): { schedules: ResolvedSchedule[]; sensors: ResolvedSensor[] } {
  return {
    schedules: snapshot.schedules.map((s) => ({
      location,
      name: s.name,
      cron: s.cron,
      timezone: s.timezone,
      target: s.target,
      targetAssetKeys: orderedKeys(graph, s.target),
      tags: { ...s.tags },
      defaultStatus: s.defaultStatus,
      description: s.description,
      catchUp: s.catchUp,
      maxCatchUpTicks: s.maxCatchUpTicks,
      partition: s.partition?.kind === "fixed" ? s.partition.key : null,
      needsCode: s.hasEvaluate || s.partition?.kind === "computed",
    })),
    sensors: snapshot.sensors.map((s) => ({
      location,
      name: s.name,
      sensorType: s.sensorType,
      target: s.target,
      targetAssetKeys: orderedKeys(graph, s.target),
      minimumIntervalSeconds: s.minimumIntervalSeconds,
      defaultStatus: s.defaultStatus,
      description: s.description,
      tags: { ...s.tags },
      assets: [...s.assets],
      runStatuses: [...s.runStatuses],
      monitoredAssetKeys: s.monitoredSelection === null ? null : orderedKeys(graph, s.monitoredSelection),
    })),
  };
}
