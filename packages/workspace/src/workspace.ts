/**
 * The platform's view of its code locations. Each location is an address (production) or a
 * definitions file whose code server the platform starts as a child (development). The
 * workspace fetches each snapshot (with its content hash), keeps a status per location —
 * LOADING, LOADED, or ERROR with the error and the last good snapshot — and merges every
 * snapshot into one cross-location asset graph. One location failing never affects another;
 * `reload(name)` touches only that location. It never imports user code: it sees snapshots.
 */
import { coerceError, type SerializedError } from "@flyt/core";
import { boundedLocationError, type Snapshot } from "@flyt/protocol";
import { ChildServer } from "./child-server.js";
import { CodeLocationClient, CodeLocationError } from "./client.js";
import { mergeSnapshots, type MergedGraph } from "./merged-graph.js";
import { assetDefinitionsRegistration, DefinitionsRegistry, partitionsRegistration, type DefinitionsSink } from "./definitions-registry.js";

export type LocationConfig = { name: string; file: string } | { name: string; url: string };

export type LocationStatus = "LOADING" | "LOADED" | "ERROR";

export interface LocationState {
  name: string;
  kind: "file" | "url";
  /** The definitions file (file locations) or the configured address. */
  source: string;
  /** Where the code server answers now, null when it is not running. */
  url: string | null;
  status: LocationStatus;
  error: SerializedError | null;
  /** The current snapshot, or the last good one while in ERROR. */
  snapshot: Snapshot | null;
  hash: string | null;
  /** Epoch ms of the last successful load and of the last status change. */
  loadedAt: number | null;
  updatedAt: number;
}

export interface WorkspaceOptions {
  locations: LocationConfig[];
  /** Command starting a code server for file locations (default: this install's code-location-server). */
  codeServerCommand?: string[];
  /** Environment of child code servers (database credentials are always removed). */
  environment?: NodeJS.ProcessEnv;
  /** Health poll of every location (default 10 s; 0 turns polling off). */
  pollIntervalMs?: number;
  /** File locations: restart a crashed code server after this delay (default 2 s; doubled up to 60 s). */
  restartDelayMs?: number;
  /** File locations: start code servers with a warm spare worker (faster launches, one idle process more). */
  warmWorkers?: boolean;
  /**
   * File locations: how long a code server may take to load its definitions and listen (default
   * 60 s). Past it the server is killed and the location is ERROR; other locations never wait on it.
   */
  loadTimeoutMs?: number;
  log?: (record: Record<string, unknown>) => void;
  /**
   * Where what storage must know of the loaded assets is registered: their partitions definitions
   * (`putPartitionsDefinitions`, docs/partitions.md: storage keeps each partitioned asset's status by
   * them) and their dependencies and code versions (`putAssetDefinitions`, docs/staleness.md: storage
   * records each materialization's data version and provenance by them). Absent: nothing is
   * registered (tests, tools that read snapshots only). A storage error is logged, never a load failure.
   */
  storage?: DefinitionsSink | null;
}

const NAME = /^[A-Za-z0-9_.-]{1,100}$/;

class Location {
  state: LocationState;
  client: CodeLocationClient | null = null;
  child: ChildServer | null = null;
  busy: Promise<void> = Promise.resolve();
  restartDelay: number;

  constructor(readonly config: LocationConfig, restartDelay: number) {
    const file = "file" in config;
    this.state = {
      name: config.name,
      kind: file ? "file" : "url",
      source: file ? config.file : config.url,
      url: file ? null : config.url,
      status: "LOADING",
      error: null,
      snapshot: null,
      hash: null,
      loadedAt: null,
      updatedAt: Date.now(),
    };
    this.restartDelay = restartDelay;
    if (!file) this.client = new CodeLocationClient(config.name, config.url);
  }
}

export class Workspace {
  /** The last merge of the locations' snapshots, reused until one of them changes. */
  private merged: { snapshots: readonly unknown[]; graph: MergedGraph } | null = null;
  private readonly locations = new Map<string, Location>();
  private pollTimer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Stops code servers that are still starting when the workspace closes (a hung import must not hold up shutdown). */
  private readonly closing = new AbortController();
  /** Code servers replaced by a reload that still serve running workers (they exit after the last one). */
  private readonly retired = new Set<ChildServer>();
  private readonly log: (record: Record<string, unknown>) => void;
  private readonly listeners = new Set<(state: LocationState) => void>();
  /** Partitions definitions, then asset definitions (empty without storage). */
  private readonly registries: Array<Pick<DefinitionsRegistry<unknown>, "request" | "idle" | "failed">>;

  private constructor(private readonly options: WorkspaceOptions) {
    this.log = options.log ?? (() => undefined);
    const sink = options.storage;
    this.registries = sink
      ? [
          new DefinitionsRegistry(partitionsRegistration(sink), () => this.graph(), this.log),
          new DefinitionsRegistry(assetDefinitionsRegistration(sink), () => this.graph(), this.log),
        ]
      : [];
    for (const config of options.locations) {
      if (!NAME.test(config.name)) throw new TypeError(`Location name ${JSON.stringify(config.name)} may only contain letters, digits, '_', '-' and '.'`);
      if (this.locations.has(config.name)) throw new TypeError(`Location ${JSON.stringify(config.name)} is listed twice`);
      this.locations.set(config.name, new Location(config, options.restartDelayMs ?? 2_000));
    }
  }

  /** Starts every location (in parallel) and resolves once each is LOADED or ERROR. Never throws for a location's failure. */
  static async start(options: WorkspaceOptions): Promise<Workspace> {
    const workspace = Workspace.open(options);
    await workspace.ready;
    return workspace;
  }

  /**
   * Starts every location, each on its own, and returns at once: every location is LOADING until
   * its own code server answers, and one that is slow or hangs at import (a child process, killed
   * after `loadTimeoutMs`) never holds back another's status, snapshot or schedules. `ready`
   * resolves once each location is LOADED or ERROR.
   */
  static open(options: WorkspaceOptions): Workspace {
    const workspace = new Workspace(options);
    workspace.ready = Promise.all([...workspace.locations.keys()].map((name) => workspace.reload(name).catch(() => undefined))).then(() => undefined);
    const interval = options.pollIntervalMs ?? 10_000;
    if (interval > 0) {
      workspace.pollTimer = setInterval(() => void workspace.poll(), interval);
      workspace.pollTimer.unref();
    }
    return workspace;
  }

  /** Resolves once every location has finished its first load (LOADED or ERROR). */
  ready: Promise<void> = Promise.resolve();

  /**
   * Resolves once the partitions definitions, dependencies and code versions of every snapshot
   * loaded so far are registered in storage (or an attempt failed and was logged; it is retried on
   * the next poll). For callers that read partition status or staleness right after a load, and tests.
   */
  async definitionsRegistered(): Promise<void> {
    await Promise.all(this.registries.map((r) => r.idle()));
  }

  /** The same as `definitionsRegistered` (its name before asset definitions were registered too). */
  async partitionsRegistered(): Promise<void> {
    await this.definitionsRegistered();
  }

  /** Called after any location's state changes. */
  onChange(listener: (state: LocationState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(): LocationState[] {
    return [...this.locations.values()].map((l) => ({ ...l.state }));
  }

  get(name: string): LocationState | null {
    const location = this.locations.get(name);
    return location ? { ...location.state } : null;
  }

  /** The protocol client of a location whose code server is up. @throws CodeLocationError otherwise. */
  client(name: string): CodeLocationClient {
    const location = this.require(name);
    if (location.client === null) {
      throw new CodeLocationError(name, "UNREACHABLE", `its code server is not running (${location.state.error?.message ?? location.state.status})`);
    }
    return location.client;
  }

  /** The merged asset graph of every location's current or last good snapshot. */
  graph(): MergedGraph {
    const snapshots = [...this.locations.values()].flatMap((l) => (l.state.snapshot ? [l.state.snapshot] : []));
    // Merging is linear in assets and callers ask per field (GraphQL resolves one asset node at a
    // time): reuse the merge while every location still has the very same snapshot object.
    const cached = this.merged;
    if (cached && cached.snapshots.length === snapshots.length && cached.snapshots.every((s, i) => s === snapshots[i])) return cached.graph;
    const graph = mergeSnapshots(snapshots);
    this.merged = { snapshots, graph };
    return graph;
  }

  /**
   * Reloads one location: restarts its code server (file locations — a fresh process re-imports
   * the code) or refetches its snapshot (address locations). Other locations are not touched.
   */
  async reload(name: string): Promise<LocationState> {
    const location = this.require(name);
    const next = location.busy.then(() => this.load(location, true));
    location.busy = next.catch(() => undefined);
    await next;
    return { ...location.state };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.closing.abort();
    if (this.pollTimer) clearInterval(this.pollTimer);
    await Promise.all([...this.locations.values()].map(async (l) => {
      await l.busy;
      await l.child?.stop();
    }));
    await Promise.all([...this.retired].map((child) => child.stop()));
    await this.definitionsRegistered();
  }

  private require(name: string): Location {
    const location = this.locations.get(name);
    if (!location) {
      throw new CodeLocationError(name, "ERROR_RESPONSE", `no such location; configured: ${[...this.locations.keys()].join(", ") || "(none)"}`, 404, "NOT_FOUND");
    }
    return location;
  }

  private setState(location: Location, patch: Partial<LocationState>): void {
    const before = location.state.status;
    location.state = { ...location.state, ...patch, updatedAt: Date.now() };
    // Only a new snapshot can change a definition; the registry sends only the ones that did.
    if (patch.snapshot !== undefined) for (const registry of this.registries) registry.request();
    if (before !== location.state.status || patch.hash !== undefined) {
      this.log({ level: location.state.status === "ERROR" ? "warn" : "info", msg: "location status", location: location.state.name, status: location.state.status, error: location.state.error?.message ?? null });
    }
    for (const listener of this.listeners) {
      try {
        listener({ ...location.state });
      } catch {
        // A listener's failure is its own business.
      }
    }
  }

  private fail(location: Location, error: unknown): void {
    // Keep the last good snapshot: the UI shows it with the error. The platform's own stack is
    // not the user's business (and is in no way about their code): name and message only.
    const { name, message } = coerceError(error);
    this.setState(location, { status: "ERROR", error: boundedLocationError({ name, message }) });
  }

  private async load(location: Location, restart: boolean): Promise<void> {
    if (this.closed) return;
    const { config } = location;
    if ("file" in config && (restart || location.child === null || location.child.exit !== null)) {
      this.setState(location, { status: "LOADING" });
      const old = location.child;
      location.child = null;
      location.client = null;
      if (old !== null && old.exit === null) {
        // Retired rather than stopped: runs it started keep their worker (and their worker its parent).
        this.retired.add(old);
        void old.exited.then(() => this.retired.delete(old));
        old.retire();
      }
      let child: ChildServer;
      try {
        child = await ChildServer.start({
          name: config.name,
          file: config.file,
          ...(this.options.codeServerCommand ? { command: this.options.codeServerCommand } : {}),
          ...(this.options.environment ? { environment: this.options.environment } : {}),
          warmWorker: this.options.warmWorkers === true,
          ...(this.options.loadTimeoutMs === undefined ? {} : { startTimeoutMs: this.options.loadTimeoutMs }),
          signal: this.closing.signal,
        });
      } catch (error) {
        this.fail(location, error);
        return;
      }
      location.child = child;
      location.client = new CodeLocationClient(config.name, child.url);
      this.setState(location, { url: child.url });
      void child.exited.then((exit) => this.onChildExit(location, child, exit));
    }
    await this.fetchSnapshot(location, restart);
  }

  private async fetchSnapshot(location: Location, force: boolean): Promise<void> {
    const client = location.client;
    if (client === null) return;
    try {
      const health = await client.health();
      if (health.status === "ERROR") {
        // The server's own account (message, and the user's frame as `stack`), bounded: a url
        // location's server is not necessarily ours.
        this.setState(location, { status: "ERROR", error: boundedLocationError(health.error ?? { name: "Error", message: "the code location failed to load (its server gave no reason)" }) });
        return;
      }
      if (!force && location.state.status === "LOADED" && health.hash === location.state.hash) return;
      const response = await client.snapshot(location.state.status === "LOADED" ? location.state.hash : null);
      if (response === null) {
        if (location.state.status !== "LOADED") this.setState(location, { status: "LOADED", error: null });
        return;
      }
      if (response.snapshot.location !== location.config.name) {
        throw new CodeLocationError(location.config.name, "PROTOCOL", `the server at ${client.baseUrl} serves location ${JSON.stringify(response.snapshot.location)}`);
      }
      this.setState(location, { status: "LOADED", error: null, snapshot: response.snapshot, hash: response.hash, loadedAt: Date.now() });
    } catch (error) {
      this.fail(location, error);
    }
  }

  private onChildExit(location: Location, child: ChildServer, exit: { code: number | null; signal: NodeJS.Signals | null }): void {
    if (this.closed || location.child !== child || child.stopRequested) return;
    const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${String(exit.code)}`;
    location.child = null;
    location.client = null;
    this.fail(location, new Error(`The code server of ${location.config.name} ${how}${child.stderrTail ? `; stderr:\n${child.stderrTail}` : ""}`));
    this.setState(location, { url: null });
    // Development: bring it back, with a growing delay so a crash loop does not spin.
    const delay = location.restartDelay;
    location.restartDelay = Math.min(delay * 2, 60_000);
    setTimeout(() => {
      if (this.closed || location.child !== null) return;
      const next = location.busy.then(() => this.load(location, false));
      location.busy = next.catch(() => undefined);
    }, delay).unref();
  }

  /** Every location at once: one that answers slowly (up to the client's timeout) delays only itself. */
  private async poll(): Promise<void> {
    for (const registry of this.registries) if (registry.failed) registry.request();
    await Promise.all(
      [...this.locations.values()].map(async (location) => {
        if (this.closed || location.client === null) return;
        const next = location.busy.then(() => this.fetchSnapshot(location, false));
        location.busy = next.catch(() => undefined);
        await location.busy;
        if (location.state.status === "LOADED") location.restartDelay = this.options.restartDelayMs ?? 2_000;
      }),
    );
  }
}
