/**
 * `flyt dev -f <definitions>…`: the whole platform in one process for development — SQLite
 * storage, the webserver (GraphQL, live run events, the UI), the daemon (schedules, sensors, the
 * run queue and monitor) — with each code location as a child code server (the workspace). The
 * HTTP server listens before the locations load, so the URL answers at once (locations show
 * LOADING until their code server is up); definition files are watched and their location reloaded
 * on change.
 */
import { existsSync, statSync, watch, type FSWatcher } from "node:fs";
import { uiDistDir } from "./ui-dir.js";
import { dirname, join, relative, resolve } from "node:path";
import { InvalidConfigError, serializeError } from "@flyt/core";
import { Daemon, RemoteEvaluator, StaticLaunchResolver } from "@flyt/daemon";
import { unavailableLocations, workspaceClient } from "./workspace-client.js";
import { FlytMetrics } from "@flyt/observability";
import { localLauncher } from "./execute.js";
import {
  createApiHandler,
  queueRunController,
  startWebserver,
  type DefinitionsProvider,
  type LocationEntry,
  type MergedGraphView,
} from "@flyt/webserver";
import { mergeSnapshots, Workspace, type LocationState } from "@flyt/workspace";
import { parsePort } from "../config.js";
import type { CommandContext } from "../context.js";
import { locationNamesForFiles } from "../location-names.js";
import { openProcessLogs, type Logger } from "../logging.js";
import { daemonSettings } from "./daemon-settings.js";

export interface DevOptions {
  file: string[];
  port?: string;
  host?: string;
}

/** Resolves once the process is told to stop (SIGINT/SIGTERM); tests pass their own signal. */
export type StopSignal = Promise<void>;

/** Until the workspace has started, every location is LOADING; then the workspace answers. */
class DeferredDefinitions implements DefinitionsProvider {
  workspace: Workspace | null = null;
  private readonly empty: MergedGraphView = mergeSnapshots([]);

  constructor(private readonly locations: Array<{ name: string; file: string }>) {}

  list(): LocationEntry[] {
    if (this.workspace) return this.workspace.list();
    return this.locations.map((l) => ({ name: l.name, status: "LOADING", source: l.file, error: null, snapshot: null, loadedAt: null, updatedAt: Date.now() }));
  }

  graph(): MergedGraphView {
    return this.workspace ? this.workspace.graph() : this.empty;
  }

  async reload(name: string): Promise<LocationEntry> {
    if (!this.workspace) throw new Error("the code locations are still starting");
    return this.workspace.reload(name);
  }
}

/**
 * The daemon asks the location's code server (already running as the workspace's child) for
 * snapshots and schedule/sensor evaluations, rather than loading the definitions a second time
 * in this process (that cost ~25 MiB of RSS and kept stale code after a reload). Until the
 * workspace is up or while the location is down there is no snapshot, so nothing is evaluated.
 */
/** The UI's build folder: packages/ui/dist beside this package. */
export { uiDistDir } from "./ui-dir.js";

function signalStop(): StopSignal {
  return new Promise((resolveStop) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolveStop();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

export async function dev(ctx: CommandContext, options: DevOptions, stop: StopSignal = signalStop()): Promise<number> {
  const started = performance.now();
  // --port, else flyt.yaml's webserver.port or FLYT_WEBSERVER_PORT (as `flyt webserver`), else 3000.
  const port = parsePort(options.port, ctx.config.webserver.port, "--port");
  const host = options.host ?? "127.0.0.1";
  if (options.file.length === 0) throw new InvalidConfigError("--file", "give at least one definitions file: flyt dev -f definitions.ts");
  const files = options.file.map((given) => {
    const file = resolve(given);
    if (!existsSync(file) || !statSync(file).isFile()) throw new InvalidConfigError("--file", `${given} is not a file (paths are relative to ${process.cwd()})`);
    return file;
  });
  const names = locationNamesForFiles(files);
  const locations = files.map((file, i) => ({ name: names[i]!, file }));

  const { storage } = ctx;
  // Pretty lines on a terminal, JSON lines otherwise (FLYT_LOG_PRETTY overrides; docs/logging.md).
  const logs = await openProcessLogs(ctx.config);
  const log = logs.logger("dev");
  const daemonLog = logs.logger("daemon");
  const definitions = new DeferredDefinitions(locations);
  const launcher = localLauncher(ctx.config.execution.launcher);
  // One registry for the whole process: the webserver's /metrics shows the daemon's series too
  // (leader, tick lag, queue wait, sensor durations, loop heartbeats), as `flyt daemon` serves them.
  const metrics = new FlytMetrics({ component: "dev" });
  const daemon = new Daemon({
    storage,
    evaluator: new RemoteEvaluator(
      locations.map((l) => ({ name: l.name, client: workspaceClient(() => definitions.workspace, l.name) })),
      { onError: (error) => daemonLog.warn({ loop: "remote-evaluator" }, error.message) },
    ),
    resolver: new StaticLaunchResolver(launcher, Object.fromEntries(locations.map((l) => [l.name, l.file]))),
    // Automation skips a location whose definitions failed to load (it says so in the tick).
    unavailableLocations: () => unavailableLocations(definitions.workspace, locations.map((l) => l.name)),
    // flyt.yaml's monitor and sensor timeouts, automation interval and FLYT_DAEMON_LEASE_TTL_MS, as
    // in `flyt daemon`. Schedules and sensors are re-listed often: the snapshot call answers
    // "unchanged" by hash, and a location that loads (or reloads) after the daemon started is
    // picked up within 2 s.
    ...daemonSettings(ctx.config.daemon, {}, { instigatorRefreshMs: 2_000 }),
    launchOptions: { parallelism: ctx.config.execution.parallelism },
    logRecord: ({ level, msg, ...fields }) => daemonLog[level](fields, msg),
    // The freshness monitor judges every loaded asset with a policy (re-read each pass, so reloads
    // count); alerts follow flyt.yaml's `alerts:` section as in `flyt daemon`.
    observability: {
      alerts: ctx.config.alerts,
      metrics,
      assets: () => {
        const merged = definitions.graph();
        return [...merged.graph.nodes.values()].map((node) => ({ node, location: merged.locationOf.get(node.key) ?? "" }));
      },
    },
  });
  const uiDir = uiDistDir();
  const hasUi = existsSync(join(uiDir, "index.html"));
  const api = createApiHandler({ storage, definitions, runs: queueRunController(storage), uiDir: hasUi ? uiDir : null, log: logs.sink("webserver") });
  let webserver;
  try {
    // /metrics and /readyz report the dev locations; the registry is the daemon's too.
    webserver = await startWebserver({
      storage,
      // The REST API sees the code locations once their servers are up; its launches queue for the daemon.
      workspace: () => definitions.workspace,
      runs: queueRunController(storage),
      host,
      port,
      api,
      auth: ctx.config.auth,
      allowedHosts: ctx.config.webserver.allowedHosts,
      metrics,
      locations: () => definitions.list(),
      log: warningsOnly(logs.sink("webserver")),
    });
  } catch (error) {
    api.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new InvalidConfigError("--port", `port ${port} on ${host} is in use; pick another with --port`);
    throw error;
  }
  // Tests and scripts find the URL in this line (ui-e2e harness): keep its wording.
  log.info({ url: webserver.url }, `Flyt dev is up at ${webserver.url}  (answering after ${Math.round(performance.now() - started)} ms; Ctrl-C stops it)`);
  if (!hasUi) log.warn(`The UI is not built (${relative(process.cwd(), uiDir)} is missing): run \`npm run build\`. The GraphQL API is at ${webserver.url}/graphql.`);

  const watchers: FSWatcher[] = [];
  let workspace: Workspace | null = null;
  try {
    // Without the lease (another live daemon on this database) it runs as a standby and keeps
    // trying; a lease left by a killed dev on SQLite is taken at once (docs/failover.md).
    await daemon.start().catch((error: unknown) => daemonLog.error(`not started: ${serializeError(error).message}`));
    // The workspace's info lines repeat the location lines below: only its warnings and errors.
    // Opened, not awaited: each location (a child code server) reports as soon as it is up, and one
    // that hangs at import stays LOADING until its own timeout without holding back the others.
    workspace = Workspace.open({ locations: locations.map((l) => ({ name: l.name, file: l.file })), log: warningsOnly(logs.sink("workspace")), storage });
    definitions.workspace = workspace;
    const reported = new Set<string>();
    const report = (state: LocationState): void => {
      if (state.status === "LOADING" || reported.has(state.name)) return;
      reported.add(state.name);
      const text = `location ${state.name}: ${state.status}${state.error ? ` — ${state.error.message}` : ` (${state.snapshot?.assets.length ?? 0} assets)`}`;
      if (state.error) log.warn({ location: state.name, status: state.status }, text);
      else log.info({ location: state.name, status: state.status }, text);
    };
    const unsubscribe = workspace.onChange(report);
    void workspace.ready.then(unsubscribe);
    for (const state of workspace.list()) report(state);
    for (const location of locations) watchers.push(watchLocation(location, workspace, log));
    await stop;
  } finally {
    log.info("stopping…");
    for (const w of watchers) w.close();
    await daemon.stop().catch(() => undefined);
    await webserver.close();
    await workspace?.close();
  }
  return 0;
}

/** Passes on only warn/error records (dev's terminal stays quiet about routine requests). */
function warningsOnly(sink: (record: Record<string, unknown>) => void): (record: Record<string, unknown>) => void {
  return (record) => {
    if (record.level === "warn" || record.level === "error" || record.level === "fatal") sink(record);
  };
}

const IGNORED = /(^|[/\\])(node_modules|\.git|\.flyt|dist|data|\.venv[^/\\]*)([/\\]|$)/;

/** Reloads a location when a source file in its folder changes (debounced). */
function watchLocation(location: { name: string; file: string }, workspace: Workspace, log: Logger): FSWatcher {
  let timer: NodeJS.Timeout | null = null;
  const reload = () => {
    timer = null;
    void workspace.reload(location.name).then((state) => {
      const text = `location ${state.name} reloaded: ${state.status}${state.error ? ` — ${state.error.message}` : ""}`;
      if (state.error) log.warn({ location: state.name, status: state.status }, text);
      else log.info({ location: state.name, status: state.status }, text);
    });
  };
  const watcher = watch(dirname(location.file), { recursive: true }, (_event, name) => {
    if (name === null || IGNORED.test(name) || !/\.(ts|mts|js|mjs|json)$/.test(name)) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(reload, 300);
  });
  watcher.on("error", (error) => log.warn({ location: location.name }, `watching ${location.file} failed: ${error.message}`));
  return watcher;
}
