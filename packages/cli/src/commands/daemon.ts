/**
 * `flyt daemon`: runs the scheduler, sensors, run queue, run monitor and retries in this process
 * until SIGINT/SIGTERM. `flyt daemon status`: the current leader and each loop's last heartbeat.
 * Every location is evaluated through a code server (RemoteEvaluator): file locations through
 * child code servers this process starts (the Workspace, as `flyt dev` does), so a location whose
 * module loops or hangs at import delays only itself and user code never runs in the daemon nor
 * sees its database URL; `url:` locations through their running code servers.
 */
import { resolve } from "node:path";
import { InvalidConfigError } from "@flyt/core";
import { Daemon, readDaemonStatus, RemoteEvaluator, StaticLaunchResolver, type LocalLocation } from "@flyt/daemon";
import { unavailableLocations, workspaceClient } from "./workspace-client.js";
import { localLauncher } from "./execute.js";
import { CodeLocationClient, CodeLocationLauncher, Workspace } from "@flyt/workspace";
import type { CommandContext } from "../context.js";
import { locationNamesForFiles } from "../location-names.js";
import { openProcessLogs } from "../logging.js";
import { daemonSettings, positiveNumber } from "./daemon-settings.js";
import { formatTime, table } from "../render/format.js";
import { kubernetesLaunchTargets } from "./kubernetes.js";

export interface DaemonCommandOptions {
  file?: string[];
  location?: string[];
  maxConcurrentRuns?: string;
  workerTimeout?: string;
  /** Test hook: lease ttl in ms, over FLYT_DAEMON_LEASE_TTL_MS (config.daemon.leaseTtlMs). */
  leaseTtlMs?: string;
}

/**
 * Locations from `-f file` (named after the file, as in `flyt dev`) and `-l name=file`, over flyt.yaml's file-based
 * `locations:` (URL-based ones are served by code servers: see `daemonRemoteLocations`).
 */
export function daemonLocations(ctx: CommandContext, options: Pick<DaemonCommandOptions, "file" | "location">): LocalLocation[] {
  const locations: Record<string, string> = {};
  for (const location of ctx.config.locations) if ("file" in location) locations[location.name] = location.file;
  // A file flyt.yaml already lists keeps its configured name.
  const listed = new Set(Object.values(locations));
  const files = (options.file ?? []).map((file) => resolve(file)).filter((file) => !listed.has(file));
  const names = locationNamesForFiles(files, new Set(Object.keys(locations)));
  files.forEach((file, i) => {
    locations[names[i]!] = file;
  });
  for (const pair of options.location ?? []) {
    const at = pair.indexOf("=");
    if (at <= 0) throw new InvalidConfigError("--location", `expected name=definitions-file, got ${JSON.stringify(pair)}`);
    locations[pair.slice(0, at)] = resolve(pair.slice(at + 1));
  }
  return Object.entries(locations).map(([name, definitionsFile]) => ({ name, definitionsFile }));
}

/**
 * The webserver's ingest API as run workers reach it: `webserver.publicUrl` (FLYT_WEBSERVER_URL),
 * else the configured host and port. Workers started by code servers post their events there.
 */
export function ingestBaseUrl(config: CommandContext["config"]): { url: string; configured: boolean } {
  if (config.webserver.publicUrl !== null) return { url: `${config.webserver.publicUrl.replace(/\/+$/, "")}/ingest/v1`, configured: true };
  const host = config.webserver.host === "0.0.0.0" || config.webserver.host === "::" ? "127.0.0.1" : config.webserver.host;
  return { url: `http://${host.includes(":") ? `[${host}]` : host}:${config.webserver.port}/ingest/v1`, configured: false };
}

/** flyt.yaml's `url:` locations, minus any a `-f`/`-l` flag turned into a file location. */
export function daemonRemoteLocations(ctx: CommandContext, local: readonly LocalLocation[]): { name: string; url: string }[] {
  const files = new Set(local.map((l) => l.name));
  return ctx.config.locations.flatMap((l) => ("url" in l && !files.has(l.name) ? [{ name: l.name, url: l.url }] : []));
}

export async function runDaemon(ctx: CommandContext, options: DaemonCommandOptions, signal?: AbortSignal): Promise<number> {
  const locations = daemonLocations(ctx, options);
  const { config } = ctx;
  // JSON lines on stdout (docs/logging.md); alert secrets and the database password redacted.
  const logs = await openProcessLogs(config);
  const log = logs.logger("daemon");
  const launcher = localLauncher(config.execution.launcher);
  // Locations with an image run as Kubernetes Jobs; the rest (e.g. file locations in development) as subprocesses.
  const imageTargets = await kubernetesLaunchTargets(config, ctx.storage);
  const maxRuns = positiveNumber(options.maxConcurrentRuns, "--max-concurrent-runs");
  const remoteLocations = daemonRemoteLocations(ctx, locations);
  const clients = new Map(remoteLocations.map((l) => [l.name, new CodeLocationClient(l.name, l.url)]));
  // Runs of url locations start on their own code servers (its code, its environment, its
  // container); the worker reports through the webserver's ingest API with a run-scoped token.
  const ingest = ingestBaseUrl(config);
  const onCodeServers = new CodeLocationLauncher({
    workspace: {
      client: (name) => {
        const client = clients.get(name);
        if (client === undefined) throw new Error(`no url location named ${JSON.stringify(name)} in this daemon's flyt.yaml`);
        return client;
      },
    },
    ingestUrl: ingest.url,
  });
  const codeServerTargets = Object.fromEntries(remoteLocations.map((l) => [l.name, { launcher: onCodeServers }]));
  // File locations: one child code server each, loading on its own (a hung import delays only it).
  const workspace = locations.length === 0 ? null : Workspace.open({ locations: locations.map((l) => ({ name: l.name, file: l.definitionsFile })), log: logs.sink("workspace"), storage: ctx.storage });
  const fileClients = workspace === null ? [] : locations.map((l) => ({ name: l.name, client: workspaceClient(() => workspace, l.name) }));
  const evaluator = new RemoteEvaluator(
    [...fileClients, ...remoteLocations.map((l) => ({ name: l.name, client: clients.get(l.name)! }))],
    { sensorTimeoutMs: config.daemon.sensorTimeoutMs, onError: (error) => log.warn({ loop: "remote-evaluator" }, error.message) },
  );
  const daemon = new Daemon({
    storage: ctx.storage,
    evaluator,
    // A location with a Kubernetes image runs as Jobs; other url locations on their code servers.
    resolver: new StaticLaunchResolver(launcher, Object.fromEntries(locations.map((l) => [l.name, l.definitionsFile])), { ...codeServerTargets, ...imageTargets }),
    limits: { ...config.daemon.queue, ...(maxRuns === undefined ? {} : { maxConcurrentRuns: Math.floor(maxRuns) }) },
    // A file location that loads after the daemon started is picked up within 2 s (the snapshot
    // call answers "unchanged" by hash, so re-listing costs little).
    ...daemonSettings(config.daemon, { workerTimeoutSeconds: options.workerTimeout, leaseTtlMs: options.leaseTtlMs }, workspace === null ? {} : { instigatorRefreshMs: 2_000 }),
    launchOptions: { parallelism: config.execution.parallelism },
    logRecord: ({ level, msg, ...fields }) => log[level](fields, msg),
    // Automation skips a file location whose definitions failed to load (it says so in the tick).
    unavailableLocations: () => unavailableLocations(workspace, locations.map((l) => l.name)),
    // Freshness of every asset with a policy, alerts from flyt.yaml, and /metrics when a port is set.
    observability: {
      alerts: config.alerts,
      metricsPort: config.daemon.metricsPort,
      // The assets of every location's last snapshot (read with its schedules and sensors).
      assets: () => Promise.resolve(evaluator.assets()),
    },
  });
  await daemon.start();
  const onKubernetes = Object.keys(imageTargets);
  if (onKubernetes.length > 0) log.info({ locations: onKubernetes }, `runs of ${onKubernetes.join(", ")} are launched as Kubernetes Jobs`);
  const served = remoteLocations.map((l) => l.name).filter((name) => !onKubernetes.includes(name));
  if (served.length > 0) {
    log.info({ locations: served, ingestUrl: ingest.url }, `runs of ${served.join(", ")} are launched on their code servers; workers report to ${ingest.url}`);
    if (!ingest.configured) {
      log.warn(
        { ingestUrl: ingest.url },
        `webserver.publicUrl (FLYT_WEBSERVER_URL) is not set: run workers on code servers will report to ${ingest.url}; set it to the webserver's address as the code servers reach it`,
      );
    }
  }
  const all = [...locations.map((l) => `${l.name}=${l.definitionsFile}`), ...remoteLocations.map((l) => `${l.name}=${l.url}`)];
  log.info({ locations: all }, `serving ${all.length} code location(s): ${all.join(", ") || "(none: only the queue, monitor and retries run)"}`);
  await new Promise<void>((resolveStop) => {
    const stop = (): void => resolveStop();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    signal?.addEventListener("abort", stop, { once: true });
  });
  await daemon.stop();
  await workspace?.close();
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
