/**
 * `flyt code-server`, `flyt webserver` and `flyt locations list|reload`: the code-location
 * commands. The servers run until SIGTERM/SIGINT; `locations` talks to a running webserver's
 * REST API (--url, FLYT_URL, or the configured webserver address).
 */
import { basename } from "node:path";
import { pathToFileURL } from "node:url";
import { builtUiDir } from "./ui-dir.js";
import { REMOTE_WORKER_ENV, REMOTE_WORKER_MAIN } from "@flyt/run-worker";
import type { Command } from "commander";
import { databaseUrlFromEnv, loadConfig, loggingFromEnv, parsePort, webserverClientEnv, type FlytConfig } from "../config.js";
import { openContext, type GlobalOptions } from "../context.js";
import { openProcessLogs } from "../logging.js";

interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once("SIGTERM", () => resolve());
    process.once("SIGINT", () => resolve());
  });
}

/**
 * What a code server's logs need: the secrets it knows and the log settings. It needs no flyt.yaml
 * to serve, so a config that does not load (e.g. alert secrets not given to this container) falls
 * back to FLYT_DATABASE_URL and the log variables alone.
 */
function codeServerLogConfig(configFile: string | undefined): Pick<FlytConfig, "alerts" | "storage" | "logging"> {
  try {
    return loadConfig({ ...(configFile ? { configFile } : {}) });
  } catch {
    return { alerts: null, storage: { databaseUrl: databaseUrlFromEnv(), sqlitePath: "" }, logging: loggingFromEnv() };
  }
}


export function registerCodeLocationCommands(program: Command, io: Io, setExitCode: (code: number) => void, globals: () => GlobalOptions): void {
  program
    .command("code-server")
    .description("serve one code location's definitions over protocol v1 (docs/protocol/README.md)")
    .requiredOption("-f, --file <definitions>", "TypeScript or JavaScript module exporting defineDefinitions(...)")
    .option("--port <port>", "port to listen on (0: any free port)", "4000")
    .option("--host <host>", "address to bind", "127.0.0.1")
    .option("--name <location>", "location name (default: the file's base name)")
    .option("--warm-worker", "keep one booted spare run worker for faster launches (one idle process more)")
    .action(async (options: { file: string; port: string; host: string; name?: string; warmWorker?: boolean }) => {
      // Imported when used: every `flyt` command starts faster and smaller without the servers' modules.
      const { startCodeLocationServer } = await import("@flyt/code-location-server");
      // Every line names the location; secrets to redact: flyt.yaml's alert secrets and the database password when set.
      const location = options.name ?? basename(options.file).replace(/\.[^.]+$/, "");
      const logs = await openProcessLogs(codeServerLogConfig(globals().config), { base: { location } });
      const log = logs.logger("code-server");
      const server = await startCodeLocationServer({
        definitionsFile: options.file,
        port: parsePort(options.port, 4000, "--port"),
        host: options.host,
        ...(options.name ? { name: options.name } : {}),
        warmWorker: options.warmWorker === true,
        log: logs.sink("code-server"),
      });
      // The "listening" line with `url` is what a supervising process (and tests) wait for.
      log.info({ url: server.url, status: server.loadStatus, pid: process.pid }, "listening");
      await untilSignal();
      await server.close();
      setExitCode(0);
    });

  program
    .command("webserver")
    .description("serve the event-ingest API, health and the locations/runs REST API; starts file locations as code servers")
    .option("--port <port>", "port to listen on (default: webserver.port in flyt.yaml, or 3000)")
    .option("--host <host>", "address to bind (default: webserver.host, or 127.0.0.1)")
    .action(async (options: { port?: string; host?: string }) => {
      await using ctx = await openContext(globals(), io);
      const { config } = ctx;
      const [{ Workspace }, { createApiHandler, queueRunController, startWebserver }, logs] = await Promise.all([
        import("@flyt/workspace"),
        import("@flyt/webserver"),
        openProcessLogs(config),
      ]);
      const log = logs.logger("webserver");
      // Opened, not awaited: the API answers at once and each location shows its own status as soon as
      // it has one; a location that hangs at import holds back nothing but itself.
      const workspace = Workspace.open({ locations: config.locations, log: logs.sink("workspace"), storage: ctx.storage });
      const uiDir = builtUiDir();
      if (!uiDir) log.warn("the UI is not built (run `npm run build`); serving the API only");
      // The GraphQL API and UI. Runs launched through it are queued; the daemon launches them.
      const api = createApiHandler({
        storage: ctx.storage,
        definitions: workspace,
        runs: queueRunController(ctx.storage),
        uiDir,
        log: logs.sink("webserver"),
      });
      const web = await startWebserver({
        storage: ctx.storage,
        workspace,
        // REST launches queue like GraphQL's: the daemon's queue claims and starts every run.
        runs: queueRunController(ctx.storage),
        api,
        auth: config.auth,
        port: parsePort(options.port, config.webserver.port, "--port"),
        host: options.host ?? config.webserver.host,
        ...(config.webserver.publicUrl ? { publicUrl: config.webserver.publicUrl } : {}),
        allowedHosts: config.webserver.allowedHosts,
        log: logs.sink("webserver"),
      });
      log.info({ url: web.url, locations: workspace.list().map((l) => `${l.name}:${l.status}`) }, "listening");
      await untilSignal();
      await web.close();
      api.close();
      await workspace.close();
      setExitCode(0);
    });

  program
    .command("run-worker")
    .description("execute one run as a remote worker (what a Kubernetes Job runs): events go to FLYT_INGEST_URL with FLYT_RUN_TOKEN")
    .option("--run-id <id>", "the run (default: FLYT_RUN_ID); its record is fetched from the ingest API")
    .option("--location <name>", "the code location (informational; the token fixes it)")
    .option("--definitions <file>", "definitions module (default: FLYT_DEFINITIONS_FILE)")
    .action(async (options: { runId?: string; location?: string; definitions?: string }) => {
      if (options.runId) process.env[REMOTE_WORKER_ENV.runId] = options.runId;
      if (options.definitions) process.env[REMOTE_WORKER_ENV.definitionsFile] = options.definitions;
      // The worker entry runs on import and exits the process when the run is over.
      await import(pathToFileURL(REMOTE_WORKER_MAIN).href);
      await new Promise(() => undefined);
    });

  const locations = program.command("locations").description("list and reload the code locations of a running webserver");
  const baseUrl = (url: string | undefined): string => {
    if (url) return url.replace(/\/+$/, "");
    const fromEnv = webserverClientEnv().url;
    if (fromEnv !== null) return fromEnv.replace(/\/+$/, "");
    const config = loadConfig({ ...(globals().config ? { configFile: globals().config } : {}) });
    return (config.webserver.publicUrl ?? `http://${config.webserver.host}:${config.webserver.port}`).replace(/\/+$/, "");
  };
  const call = async (url: string, init?: RequestInit): Promise<{ ok: boolean; body: any }> => {
    let response: Response;
    try {
      // FLYT_TOKEN: an API token (`flyt tokens create`) for webservers with access control (docs/auth.md).
      const headers = new Headers(init?.headers);
      headers.set("X-Flyt-Request", "1");
      const { token } = webserverClientEnv();
      if (token !== null) headers.set("Authorization", `Bearer ${token}`);
      response = await fetch(url, { ...init, headers, signal: AbortSignal.timeout(120_000) });
    } catch (error) {
      throw new Error(`cannot reach the webserver at ${url}: ${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message}`, { cause: error });
    }
    return { ok: response.ok, body: await response.json() };
  };

  locations
    .command("list")
    .description("each location with its status, error and asset count")
    .option("--url <url>", "webserver URL (default: FLYT_URL or the configured webserver)")
    .option("--json", "print JSON for scripts")
    .action(async (options: { url?: string; json?: boolean }) => {
      const { ok, body } = await call(`${baseUrl(options.url)}/api/v1/locations`);
      if (!ok) {
        io.err(`error: ${body?.error?.message ?? JSON.stringify(body)}`);
        setExitCode(1);
        return;
      }
      if (options.json) io.out(JSON.stringify(body.locations, null, 2));
      else {
        for (const l of body.locations as Array<{ name: string; status: string; assetCount: number; source: string; error: { message: string } | null }>) {
          io.out(`${l.name.padEnd(20)} ${l.status.padEnd(8)} ${String(l.assetCount).padStart(4)} assets  ${l.source}`);
          if (l.error) io.out(`  ${l.error.message.split("\n").join("\n  ")}`);
        }
      }
      setExitCode(0);
    });

  locations
    .command("reload")
    .description("reload one location (restart its code server, or refetch its snapshot) without touching the others")
    .argument("<name>")
    .option("--url <url>", "webserver URL (default: FLYT_URL or the configured webserver)")
    .action(async (name: string, options: { url?: string }) => {
      const { ok, body } = await call(`${baseUrl(options.url)}/api/v1/locations/${encodeURIComponent(name)}/reload`, { method: "POST" });
      if (!ok) {
        io.err(`error: ${body?.error?.message ?? JSON.stringify(body)}`);
        setExitCode(1);
        return;
      }
      io.out(`${body.name}: ${body.status}${body.error ? `\n  ${body.error.message}` : ` (${body.assetCount} assets, ${body.hash})`}`);
      setExitCode(body.status === "LOADED" ? 0 : 1);
    });
}
