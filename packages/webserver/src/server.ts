/**
 * The webserver: stateless HTTP in front of storage and the workspace. It serves the event-ingest
 * API for run workers, health and readiness, `/metrics`, a small REST surface for code locations,
 * runs, backfills and dynamic partitions (each a router module in src/routes/), the GraphQL API with its live run events
 * (src/graphql/), and the built UI. Requests for the UI and API pass the Host allowlist and
 * authentication here before they reach a module (ingest, health and metrics have their own rules).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ApiError, sendError } from "@flyt/protocol";
import type { RunLauncher } from "@flyt/contracts";
import { StorageUnavailableError, type Storage } from "@flyt/storage";
import { CodeLocationLauncher, type Workspace } from "@flyt/workspace";
import type { FlytMetrics } from "@flyt/observability";
import { Authenticator, type ApiTokenLookup } from "./auth/authenticator.js";
import { resolveAuthOptions, type AuthOptions } from "./auth/config.js";
import { attachPrincipal, checkCsrf, requireRole, setSecurityHeaders } from "./auth/guard.js";
import { HostAllowlist, hostName } from "./auth/hosts.js";
import type { ServerDeps } from "./deps.js";
import { launcherRunController } from "./graphql/controller.js";
import type { RunController } from "./graphql/context.js";
import { Router } from "./router.js";
import { automationRoutes } from "./routes/automation.js";
import { backfillRoutes } from "./routes/backfills.js";
import { dynamicPartitionRoutes } from "./routes/dynamic-partitions.js";
import { healthRoutes } from "./routes/health.js";
import { ingestRoutes } from "./routes/ingest.js";
import { locationRoutes } from "./routes/locations.js";
import { metricsRoutes, WebserverMetrics, type LocationStatusView } from "./routes/metrics.js";
import { runRoutes } from "./routes/runs.js";

export interface WebserverOptions {
  storage: Storage;
  /** The code locations; a function when they come up after the server (`flyt dev`). */
  workspace?: Workspace | null | (() => Workspace | null);
  /**
   * How runs the API creates are started: `queueRunController` (the daemon's queue launches them;
   * production), or by default — for setups without a daemon — `launcherRunController` over
   * `launcher`, which claims each run and starts it at once.
   */
  runs?: RunController | null;
  /** For the default `runs`: a CodeLocationLauncher over `workspace` reporting to this server's ingest URL. */
  launcher?: RunLauncher | null;
  host?: string;
  port?: number;
  /** The URL run workers use to reach this server (default: the bound address). */
  publicUrl?: string;
  log?: (record: Record<string, unknown>) => void;
  /** GraphQL, live run events and the UI (`createApiHandler` of ./graphql); tried before the REST routes. */
  api?: { handle(request: IncomingMessage, response: ServerResponse): Promise<boolean>; close(): void } | null;
  /** Access control (docs/auth.md); default mode `none`. */
  auth?: Partial<AuthOptions> | null;
  /** Where API tokens are looked up (default: `storage` when it stores them). */
  tokens?: ApiTokenLookup | null;
  /** The `/metrics` registry (default: a new one, component "webserver"; docs/metrics.md). */
  metrics?: FlytMetrics;
  /**
   * Host names the UI and API answer to besides loopback (docs/auth.md "Host allowlist"); the
   * host of `publicUrl` is added. `["*"]` turns the check off.
   */
  allowedHosts?: readonly string[];
  /** Code locations for `/readyz` and `/metrics` (default: the workspace's; `flyt dev` passes its own). */
  locations?: () => LocationStatusView[];
}

/** Paths with their own authentication (run tokens) or none at all. */
const PUBLIC_PATHS = /^\/(ingest\/|healthz$|readyz$|metrics$)/;
/** Paths that read or change platform state: at least a viewer. */
const API_PATHS = /^\/(graphql$|api\/)/;

/** Seconds a client is asked to wait before retrying while storage is unreachable. */
const STORAGE_RETRY_AFTER_S = 1;

/** The API error for a request that failed because storage is unreachable (with Retry-After). */
function storageUnavailable(error: StorageUnavailableError, response: ServerResponse): ApiError {
  if (!response.headersSent) response.setHeader("retry-after", String(STORAGE_RETRY_AFTER_S));
  return new ApiError("UNAVAILABLE", `Storage is unreachable; retry shortly. ${error.message}`);
}

export class Webserver {
  private readonly server: Server;
  private address: AddressInfo | null = null;
  readonly deps: ServerDeps;
  readonly authenticator: Authenticator;
  readonly hosts: HostAllowlist;
  readonly metrics: WebserverMetrics;

  constructor(private readonly options: WebserverOptions) {
    const log = options.log ?? ((record) => process.stdout.write(`${JSON.stringify({ at: new Date().toISOString(), component: "webserver", ...record })}\n`));
    const given = options.workspace ?? null;
    const currentWorkspace = typeof given === "function" ? given : () => given;
    const workspace = typeof given === "function" ? null : given;
    const launcher =
      options.launcher !== undefined
        ? options.launcher
        : workspace === null
          ? null
          : new CodeLocationLauncher({ workspace, ingestUrl: () => this.ingestUrl });
    const locations = options.locations ?? (() => currentWorkspace()?.list() ?? []);
    this.metrics = new WebserverMetrics({ storage: options.storage, locations, ...(options.metrics ? { metrics: options.metrics } : {}) });
    const runs =
      options.runs !== undefined
        ? options.runs
        : launcher === null || workspace === null
          ? null
          : launcherRunController({ storage: options.storage, launcher, definitionsFile: (run) => workspace.get(run.location)?.source ?? "" });
    this.deps = { storage: options.storage, workspace: currentWorkspace, runs, log, metrics: this.metrics };
    const router = new Router();
    healthRoutes(router, this.deps, locations);
    metricsRoutes(router, this.metrics);
    ingestRoutes(router, this.deps);
    locationRoutes(router, this.deps);
    runRoutes(router, this.deps);
    backfillRoutes(router, this.deps);
    dynamicPartitionRoutes(router, this.deps);
    automationRoutes(router, this.deps);
    const api = options.api ?? null;
    const storageTokens = options.storage as Partial<ApiTokenLookup>;
    const tokens = options.tokens !== undefined ? options.tokens : typeof storageTokens.getApiTokenByHash === "function" ? (options.storage as unknown as ApiTokenLookup) : null;
    this.authenticator = new Authenticator(resolveAuthOptions(options.auth ?? undefined), tokens);
    const publicHost = options.publicUrl ? hostName(new URL(options.publicUrl).host) : null;
    // The address it is bound to, when that is one address (not every interface), is its own name too.
    const boundHost = options.host !== undefined && !["0.0.0.0", "::", ""].includes(options.host) ? [options.host] : [];
    this.hosts = new HostAllowlist([...(options.allowedHosts ?? []), ...(publicHost === null ? [] : [publicHost]), ...boundHost]);
    const guard = async (request: IncomingMessage): Promise<void> => {
      const path = new URL(request.url ?? "/", "http://flyt").pathname;
      if (PUBLIC_PATHS.test(path)) return;
      this.hosts.check(request);
      const principal = await this.authenticator.authenticate(request);
      attachPrincipal(request, principal);
      checkCsrf(request, principal);
      if (API_PATHS.test(path)) requireRole(principal, "viewer", "use the API");
    };
    this.server = createServer((request, response) => {
      setSecurityHeaders(response);
      guard(request)
        .then(() => (api === null ? false : api.handle(request, response)))
        .then((handled) => (handled ? undefined : router.dispatch(request, response)))
        .catch((thrown: unknown) => {
        // Storage down (a PostgreSQL restart) is not a bug: a retryable 503, never a 500. Workers
        // posting events retry a 503 until it passes (http-transport.ts).
        const error = thrown instanceof StorageUnavailableError ? storageUnavailable(thrown, response) : thrown;
        if (!(error instanceof ApiError)) log({ level: "error", msg: "request failed", method: request.method, url: request.url, error: (error as Error).stack ?? String(error) });
        else if (error.status >= 500 || error.status === 403) log({ level: "warn", msg: error.message, method: request.method, url: request.url, code: error.code });
        sendError(response, error);
      });
    });
    this.server.keepAliveTimeout = 5_000;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.options.port ?? 3000, this.options.host ?? "127.0.0.1", () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    this.address = this.server.address() as AddressInfo;
    return this;
  }

  get url(): string {
    if (this.options.publicUrl) return this.options.publicUrl.replace(/\/+$/, "");
    if (this.address === null) throw new Error("the webserver is not listening yet");
    const host = this.address.address === "0.0.0.0" || this.address.address === "::" ? "127.0.0.1" : this.address.address;
    return `http://${host.includes(":") ? `[${host}]` : host}:${this.address.port}`;
  }

  get ingestUrl(): string {
    return `${this.url}/ingest/v1`;
  }

  get port(): number {
    return this.address?.port ?? 0;
  }

  async close(): Promise<void> {
    this.options.api?.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export function startWebserver(options: WebserverOptions): Promise<Webserver> {
  return new Webserver(options).start();
}
