/**
 * The daemon settings `flyt daemon` and `flyt dev` both take from the compiled configuration:
 * run-monitor timeouts, the sensor timeout and the leader lease ttl (FLYT_DAEMON_LEASE_TTL_MS,
 * read and checked by config.ts), with command flags over them. A small module of its own so
 * `flyt dev` does not load the `flyt daemon` command's Kubernetes and local-evaluator modules.
 */
import { InvalidConfigError } from "@flyt/core";
import type { DaemonIntervals, DaemonOptions } from "@flyt/daemon";
import type { DaemonConfig } from "../config.js";

export function positiveNumber(text: string | undefined, what: string): number | undefined {
  if (text === undefined || text === "") return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidConfigError(what, `expected a positive number, got ${JSON.stringify(text)}`);
  return n;
}

/**
 * Monitor, sensor and lease options for a Daemon. `workerTimeoutSeconds` and `leaseTtlMs` come
 * from command flags where a command has them, over the configuration; the lease renews at a fifth of its ttl (2 s of
 * the default 10 s), so a standby notices an expired lease within a fifth of the ttl.
 */
export function daemonSettings(
  config: DaemonConfig,
  overrides: { workerTimeoutSeconds?: string | undefined; leaseTtlMs?: string | undefined } = {},
  intervals: DaemonIntervals = {},
): Pick<DaemonOptions, "monitor" | "sensorTimeoutMs" | "lease" | "intervals"> {
  const workerTimeout = positiveNumber(overrides.workerTimeoutSeconds, "--worker-timeout");
  const leaseTtl = positiveNumber(overrides.leaseTtlMs, "--lease-ttl-ms") ?? config.leaseTtlMs ?? undefined;
  return {
    monitor: {
      workerTimeoutMs: workerTimeout === undefined ? config.workerTimeoutMs : Math.round(workerTimeout * 1000),
      startingTimeoutMs: config.startingTimeoutMs,
      ...(config.relaunchAfterMs === null ? {} : { relaunchAfterMs: config.relaunchAfterMs }),
    },
    sensorTimeoutMs: config.sensorTimeoutMs,
    // The command's own intervals, with flyt.yaml's automation interval over them.
    intervals: { ...intervals, ...(config.automationIntervalMs === null ? {} : { automationMs: config.automationIntervalMs }) },
    ...(leaseTtl === undefined ? {} : { lease: { ttlMs: Math.round(leaseTtl), renewMs: Math.max(50, Math.round(leaseTtl / 5)) } }),
  };
}
