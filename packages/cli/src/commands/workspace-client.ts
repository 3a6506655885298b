/**
 * A workspace location as the daemon's RemoteEvaluator sees it (`flyt dev`, `flyt daemon`): no
 * snapshot until its code server has loaded, then its client. `workspace` is read on each call
 * because `flyt dev` opens its workspace after the daemon is built.
 */
import type { RemoteLocationClient } from "@flyt/daemon";
import type { Workspace } from "@flyt/workspace";

export function workspaceClient(workspace: () => Workspace | null, name: string): RemoteLocationClient {
  const client = () => {
    const current = workspace();
    if (current === null) throw new Error(`code location ${name} is still starting`);
    return current.client(name);
  };
  return {
    snapshot: async (knownHash) => (workspace()?.get(name)?.status === "LOADED" ? client().snapshot(knownHash) : null),
    evaluateSchedule: (scheduleName, scheduledTime) => client().evaluateSchedule(scheduleName, scheduledTime),
    evaluateSensor: (sensorName, request) => client().evaluateSensor(sensorName, request),
  };
}

/**
 * The workspace's locations whose definitions failed to load (name → error), for the daemon's
 * automation loop: it does not evaluate their assets' conditions while they are in ERROR, even
 * though their last good snapshot still lists them.
 */
export function unavailableLocations(workspace: Workspace | null, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (workspace === null) return out;
  for (const name of names) {
    const state = workspace.get(name);
    if (state?.status === "ERROR") out[name] = state.error?.message ?? "the location failed to load";
  }
  return out;
}
