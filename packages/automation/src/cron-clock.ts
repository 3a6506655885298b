/**
 * Cron ticks as automation conditions see them at one evaluation: the latest tick at or before
 * `now`, the next one, and whether a tick passed since the previous evaluation. Computed once per
 * distinct (cron, zone) per evaluation — thousands of assets share a few crons.
 */
import { parseCron } from "@flyt/partitions";

export interface CronTicks {
  /** The latest tick at or before now (epoch ms), or null when the cron never fired before now. */
  latest: number | null;
  /** The next tick after now, or null. */
  next: number | null;
  /** A tick fell after the previous evaluation and at or before now (false on a first evaluation). */
  passed: boolean;
}

export class CronClock {
  private readonly ticks = new Map<string, CronTicks>();

  constructor(
    private readonly now: number,
    private readonly previousEvaluation: number | null,
  ) {}

  of(cron: string, timezone: string): CronTicks {
    const key = `${cron}\u0000${timezone}`;
    let ticks = this.ticks.get(key);
    if (ticks === undefined) {
      ticks = latestTicks(cron, timezone, this.now, this.previousEvaluation);
      this.ticks.set(key, ticks);
    }
    return ticks;
  }
}

/**
 * The ticks of `cron` around `now`.
 * @example
 * latestTicks("0 6 * * *", "UTC", Date.parse("2024-03-05T07:00:00Z"), Date.parse("2024-03-05T05:59:00Z")).passed; // true
 */
export function latestTicks(cron: string, timezone: string, now: number, previousEvaluation: number | null): CronTicks {
  const schedule = parseCron(cron, timezone);
  try {
    const at = new Date(now);
    // croner's previousRuns works in whole seconds and leaves out the current one: step forward
    // from its answer to catch a tick earlier in this same second.
    let latest = schedule.previousRuns(1, at)[0]?.getTime() ?? null;
    for (;;) {
      const after = schedule.nextRun(new Date(latest ?? now - 1000))?.getTime() ?? null;
      if (after === null || after > now || (latest !== null && after <= latest)) break;
      latest = after;
    }
    const next = schedule.nextRun(at)?.getTime() ?? null;
    const passed = previousEvaluation !== null && latest !== null && latest > previousEvaluation;
    return { latest, next: next !== null && next > now ? next : null, passed };
  } finally {
    schedule.stop();
  }
}
