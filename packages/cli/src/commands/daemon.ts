/**
 * `flyt daemon`: runs the scheduler, sensors, run queue, run monitor and retries in this process
 * until SIGINT/SIGTERM. `flyt daemon status`: the current leader and each loop's last heartbeat.
 */
import { resolve } from "node:path";
import { DEFAULT_LOCATION, InvalidConfigError } from "@flyt/core";
import { Daemon, LocalEvaluator, readDaemonStatus, StaticLaunchResolver, type LocalLocation } from "@flyt/daemon";
import { InProcessLauncher, loadDefinitions, SubprocessLauncher } from "@flyt/run-worker";
import type { CommandContext } from "../context.js";
import { formatTime, table } from "../render/format.js";
import { kubernetesLaunchTargets } from "./kubernetes.js";

export interface DaemonCommandOptions {
  file?: string[];
  location?: string[];
  maxConcurrentRuns?: string;
  workerTimeout?: string;
  /** Test hook: lease ttl in ms (FLYT_DAEMON_LEASE_TTL_MS also works). */
  leaseTtlMs?: string;
}

/**
 * Locations from `-f file` (the default location) and `-l name=file`, over flyt.yaml's file-based
 * `locations:` (URL-based ones are served by code servers; the remote evaluator is not built yet).
 */
export function daemonLocations(ctx: CommandContext, options: Pick<DaemonCommandOptions, "file" | "location">): LocalLocation[] {
  const locations: Record<string, string> = {};
  for (const location of ctx.config.locations) if ("file" in location) locations[location.name] = location.file;
  for (const file of options.file ?? []) locations[DEFAULT_LOCATION] = resolve(file);
  for (const pair of options.location ?? []) {
    const at = pair.indexOf("=");
    if (at <= 0) throw new InvalidConfigError("--location", `expected name=definitions-file, got ${JSON.stringify(pair)}`);
    locations[pair.slice(0, at)] = resolve(pair.slice(at + 1));
  }
  return Object.entries(locations).map(([name, definitionsFile]) => ({ name, definitionsFile }));
}

function positiveNumber(text: string | undefined, what: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidConfigError(what, `expected a positive number, got ${JSON.stringify(text)}`);
  return n;
}

export async function runDaemon(ctx: CommandContext, options: DaemonCommandOptions, signal?: AbortSignal): Promise<number> {
  const locations = daemonLocations(ctx, options);
  const { config } = ctx;
  const launcher = config.execution.launcher === "in-process" ? new InProcessLauncher() : new SubprocessLauncher();
  // Locations with an image run as Kubernetes Jobs; the rest (e.g. file locations in development) as subprocesses.
  const imageTargets = await kubernetesLaunchTargets(config, ctx.storage);
  const maxRuns = positiveNumber(options.maxConcurrentRuns, "--max-concurrent-runs");
  const workerTimeout = positiveNumber(options.workerTimeout, "--worker-timeout");
  const leaseTtl = positiveNumber(options.leaseTtlMs ?? process.env.FLYT_DAEMON_LEASE_TTL_MS, "lease ttl");
  const daemon = new Daemon({
    storage: ctx.storage,
    evaluator: new LocalEvaluator(locations),
    resolver: new StaticLaunchResolver(launcher, Object.fromEntries(locations.map((l) => [l.name, l.definitionsFile])), imageTargets),
    limits: { ...config.daemon.queue, ...(maxRuns === undefined ? {} : { maxConcurrentRuns: Math.floor(maxRuns) }) },
    monitor: {
      workerTimeoutMs: workerTimeout === undefined ? config.daemon.workerTimeoutMs : Math.round(workerTimeout * 1000),
      startingTimeoutMs: config.daemon.startingTimeoutMs,
    },
    sensorTimeoutMs: config.daemon.sensorTimeoutMs,
    launchOptions: { parallelism: config.execution.parallelism },
    ...(leaseTtl === undefined ? {} : { lease: { ttlMs: Math.round(leaseTtl), renewMs: Math.max(50, Math.round(leaseTtl / 5)) } }),
    log: (line) => ctx.out(`${new Date().toISOString()} ${line}`),
    // Freshness of every asset with a policy, alerts from flyt.yaml, and /metrics when a port is set.
    observability: {
      alerts: config.alerts,
      metricsPort: config.daemon.metricsPort,
      assets: async () => {
        // loadDefinitions reuses the cached bundle (and the module cache) while the files are unchanged.
        const perLocation = await Promise.all(
          locations.map(async (location) => {
            const definitions = await loadDefinitions(location.definitionsFile);
            return [...definitions.graph.nodes.values()].map((node) => ({ node, location: location.name }));
          }),
        );
        return perLocation.flat();
      },
    },
  });
  await daemon.start();
  const onKubernetes = Object.keys(imageTargets);
  if (onKubernetes.length > 0) ctx.out(`runs of ${onKubernetes.join(", ")} are launched as Kubernetes Jobs`);
  ctx.out(`serving ${locations.length} code location(s): ${locations.map((l) => `${l.name}=${l.definitionsFile}`).join(", ") || "(none: only the queue, monitor and retries run)"}`);
  await new Promise<void>((resolveStop) => {
    const stop = (): void => resolveStop();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    signal?.addEventListener("abort", stop, { once: true });
  });
  await daemon.stop();
  return 0;
}

export async function daemonStatus(ctx: CommandContext, options: { json?: boolean }): Promise<number> {
  const status = await readDaemonStatus(ctx.storage);
  if (options.json) {
    ctx.out(JSON.stringify(status, null, 2));
    return 0;
  }
  ctx.out(status.leader === null ? "leader: none (no daemon holds the lease)" : `leader: ${status.leader.holder} (fencing token ${status.leader.fencingToken}, lease until ${formatTime(status.leader.expiresAt)})`);
  if (status.heartbeats.length === 0) {
    ctx.out("no daemon heartbeats in the last 10 minutes");
    return status.leader === null ? 1 : 0;
  }
  ctx.out(
    table(
      ["DAEMON", "LOOP", "LAST HEARTBEAT", "AGO", "INFO"],
      status.heartbeats.map((h) => [h.daemonId, h.loop, formatTime(h.at), `${Math.round((Date.now() - h.at) / 100) / 10} s`, h.info ?? ""]),
    ),
  );
  return 0;
}
