/**
 * The one definition of a schedule's or sensor's id and of what starting or stopping it writes.
 * The daemon, the CLI and the GraphQL API all change instigator state, and they must agree:
 * a different id or start time in one of them would make the scheduler skip or replay ticks.
 */
import { AUTOMATION_INSTIGATOR_ID } from "@flyt/core";
import type { InstigatorKind, InstigatorState, InstigatorStatus, Storage, WriteOptions } from "./storage.js";

/** `<location>:<name>`: names are unique within a location only. */
export function instigatorId(location: string, name: string): string {
  return `${location}:${name}`;
}

/**
 * The id of an automation on/off switch (instigator kind `automation`): the global one without a
 * location, else the location's.
 *
 * @example
 * automationSwitchId(); // "automation"
 * automationSwitchId("atlas"); // "automation:atlas"
 */
export function automationSwitchId(location?: string): string {
  return location === undefined ? AUTOMATION_INSTIGATOR_ID : `${AUTOMATION_INSTIGATOR_ID}:${location}`;
}

/** Turns an operator's start/stop into stored state (the override survives restarts and redeploys). */
export async function setInstigatorStatus(
  storage: Storage,
  id: string,
  kind: InstigatorKind,
  status: InstigatorStatus,
  now = Date.now(),
  options?: WriteOptions,
): Promise<InstigatorState> {
  const current = await storage.getInstigatorState(id);
  if (current?.status === status) return current;
  return storage.upsertInstigatorState(
    {
      id,
      kind,
      status,
      cursor: current?.cursor ?? null,
      // Starting moves the catch-up floor to now: ticks from while it was stopped are never run.
      startedAt: status === "RUNNING" ? now : (current?.startedAt ?? null),
    },
    options,
  );
}
