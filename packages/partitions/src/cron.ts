/**
 * Cron fire times in an IANA zone (croner): parsing a cron expression the way schedules and cron
 * freshness policies are declared, and the next instants a schedule fires — what the daemon, the
 * webserver (a schedule's next ticks) and the CLI compute without loading user code.
 */
import type { Cron } from "croner";
import { croner } from "./lazy-deps.js";

/** What the fire-time math needs of a schedule: its cron and the zone it is read in. */
export interface CronSchedule {
  /** Standard 5-field cron or a nickname like `@daily`; a leading seconds field (6 fields) is accepted too. */
  readonly cron: string;
  /** IANA zone the cron is read in. */
  readonly timezone: string;
}

/**
 * Parses `cron` in `timezone`; throws croner's error (e.g. "CronPattern: …") for an invalid one.
 * The result is paused and has no callback: no timer is ever armed.
 * @example
 * parseCron("0 6 2 * *", "Europe/Oslo").nextRun(new Date("2024-01-01T00:00:00Z")); // 2024-01-02T05:00:00Z
 */
export function parseCron(cron: string, timezone: string): Cron {
  return new (croner().Cron)(cron, { timezone, paused: true, mode: "5-or-6-parts" });
}

/**
 * The schedule's next fire times strictly after `after` (for the daemon, the UI and the CLI).
 * @example
 * nextScheduleTimes({ cron: "0 6 2 * *", timezone: "Europe/Oslo" }, new Date(), 3); // the next three 06:00-on-the-2nd instants in Oslo
 */
export function nextScheduleTimes(definition: CronSchedule, after: Date, count = 1): Date[] {
  // Step one fire time at a time: croner's own iteration can repeat an instant around a DST gap.
  const cron = parseCron(definition.cron, definition.timezone);
  const out: Date[] = [];
  let cursor = after;
  while (out.length < count) {
    const next = cron.nextRun(cursor);
    if (next === null) break;
    if (next.getTime() > cursor.getTime()) out.push(next);
    cursor = new Date(Math.max(next.getTime(), cursor.getTime() + 1000));
  }
  return out;
}
