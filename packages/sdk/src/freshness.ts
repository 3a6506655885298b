/**
 * Freshness policies as users write them on assets (`freshnessPolicy`), validated and turned
 * into the plain snapshot the daemon evaluates (docs/freshness.md).
 */
import { isValidTimeZone, parseCron } from "@flyt/partitions";
import { z } from "zod";
import type { FreshnessPolicySnapshot } from "@flyt/core";

/** "Materialized within X" (time window) or "by a cron deadline, data no older than X". */
export type FreshnessPolicy =
  | { maximumLagMinutes: number; warnAfterMinutes?: number; partitions?: "any" | "latest" }
  | { cron: string; timezone?: string; maximumLagMinutes: number; warnBeforeMinutes?: number; partitions?: "any" | "latest" };

const minutes = z.number().finite().nonnegative();
const validCron = (cron: string, timezone: string): boolean => {
  try {
    if (!isValidTimeZone(timezone)) return false;
    parseCron(cron, timezone).stop();
    return true;
  } catch {
    return false;
  }
};

export const freshnessPolicySchema = z.union([
  z
    .object({ cron: z.string().min(1), timezone: z.string().min(1).optional(), maximumLagMinutes: minutes, warnBeforeMinutes: minutes.optional(), partitions: z.enum(["any", "latest"]).optional() })
    .strict()
    .refine((p) => validCron(p.cron, p.timezone ?? "UTC"), { message: "cron must be a valid 5- or 6-field cron expression and timezone an IANA zone (e.g. Europe/Oslo)" }),
  z
    .object({ maximumLagMinutes: minutes.positive(), warnAfterMinutes: minutes.optional(), partitions: z.enum(["any", "latest"]).optional() })
    .strict()
    .refine((p) => p.warnAfterMinutes === undefined || p.warnAfterMinutes < p.maximumLagMinutes, { message: "warnAfterMinutes must be below maximumLagMinutes" }),
]);

/**
 * The snapshot of a validated policy (null when there is none).
 * @example
 * normalizeFreshnessPolicy({ maximumLagMinutes: 1560 }); // { kind: "time-window", maximumLagMinutes: 1560, warnAfterMinutes: null, partitions: "any" }
 */
export function normalizeFreshnessPolicy(policy: FreshnessPolicy | undefined): FreshnessPolicySnapshot | null {
  if (policy === undefined) return null;
  if ("cron" in policy) {
    return {
      kind: "cron",
      cron: policy.cron,
      timezone: policy.timezone ?? "UTC",
      maximumLagMinutes: policy.maximumLagMinutes,
      warnBeforeMinutes: policy.warnBeforeMinutes ?? null,
      partitions: policy.partitions ?? "any",
    };
  }
  return { kind: "time-window", maximumLagMinutes: policy.maximumLagMinutes, warnAfterMinutes: policy.warnAfterMinutes ?? null, partitions: policy.partitions ?? "any" };
}
