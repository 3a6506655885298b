/**
 * The webserver's Prometheus `/metrics` (docs/metrics.md): runs per status and location, events
 * taken in by the ingest API, code-location load status, freshness counts and process metrics.
 * Run and freshness figures are read from storage at scrape time, so every replica of a stateless
 * webserver reports the same platform-wide values; only the ingest counter is per process.
 */
import { isTerminalRunStatus, type RunStatus } from "@flyt/core";
import { FlytMetrics, metricsHandler } from "@flyt/observability";
import type { Storage } from "@flyt/storage";
import { Gauge } from "prom-client";
import type { Router } from "../router.js";

/** Runs that have not ended yet: counted whatever their age. */
const ACTIVE: RunStatus[] = ["QUEUED", "STARTING", "STARTED", "CANCELING"];
const TERMINAL: RunStatus[] = ["SUCCESS", "FAILURE", "CANCELED"];
const DAY_MS = 24 * 60 * 60 * 1000;
/** Reading more runs than this per scrape means something else is wrong; the gauge then undercounts. */
const MAX_RUNS_READ = 20_000;

export interface LocationStatusView {
  name: string;
  status: "LOADING" | "LOADED" | "ERROR";
}

export interface WebserverMetricsOptions {
  storage: Storage;
  /** The code locations this webserver serves (none for an ingest-only server). */
  locations: () => LocationStatusView[];
  /** Default: a new registry with the `component="webserver"` label and process metrics. */
  metrics?: FlytMetrics;
  now?: () => number;
}

/** The registry, its scrape-time collectors and the extra webserver-only gauges. */
export class WebserverMetrics {
  readonly metrics: FlytMetrics;
  /** Non-terminal runs by status and location (every age). */
  readonly runsActive: Gauge<"status" | "location">;
  /** Runs that ended in the last 24 hours, by terminal status and location. */
  readonly runsEnded24h: Gauge<"status" | "location">;

  constructor(private readonly options: WebserverMetricsOptions) {
    this.metrics = options.metrics ?? new FlytMetrics({ component: "webserver" });
    const registers = [this.metrics.registry];
    this.runsActive = new Gauge({
      name: "flyt_runs_active",
      help: "Runs not yet ended (QUEUED, STARTING, STARTED, CANCELING), by status and location.",
      labelNames: ["status", "location"],
      registers,
    });
    this.runsEnded24h = new Gauge({
      name: "flyt_runs_ended_24h",
      help: "Runs that ended in the last 24 hours (SUCCESS, FAILURE, CANCELED), by status and location.",
      labelNames: ["status", "location"],
      registers,
    });
    this.metrics.addCollector(() => this.collectRuns());
    this.metrics.addCollector(() => this.collectLocations());
    this.metrics.addCollector(() => this.collectFreshness());
  }

  /** Counts events the ingest API stored for a run of `location`. */
  eventsIngested(location: string, count: number): void {
    if (count > 0) this.metrics.eventsIngested.inc({ location }, count);
  }

  private async readRuns(filter: Parameters<Storage["listRuns"]>[0]): Promise<Array<{ status: RunStatus; location: string }>> {
    const out: Array<{ status: RunStatus; location: string }> = [];
    let cursor: string | null = null;
    do {
      const page = await this.options.storage.listRuns(filter, { limit: 500, cursor });
      for (const run of page.items) out.push({ status: run.status, location: run.location });
      cursor = page.nextCursor;
    } while (cursor !== null && out.length < MAX_RUNS_READ);
    return out;
  }

  private async collectRuns(): Promise<void> {
    const now = (this.options.now ?? Date.now)();
    const [active, ended] = await Promise.all([
      this.readRuns({ statuses: ACTIVE }),
      this.readRuns({ statuses: TERMINAL, endedAfter: now - DAY_MS }),
    ]);
    const locations = new Set([...this.options.locations().map((l) => l.name), ...active.map((r) => r.location), ...ended.map((r) => r.location)]);
    // Reset, then fill every (status, location) pair, so a status that drops to zero reads 0, not its old value.
    this.runsActive.reset();
    this.runsEnded24h.reset();
    for (const location of locations) {
      for (const status of ACTIVE) this.runsActive.set({ status, location }, 0);
      for (const status of TERMINAL) this.runsEnded24h.set({ status, location }, 0);
    }
    for (const run of active) this.runsActive.inc({ status: run.status, location: run.location });
    for (const run of ended) if (isTerminalRunStatus(run.status)) this.runsEnded24h.inc({ status: run.status, location: run.location });
    this.metrics.queueDepth.set(active.filter((r) => r.status === "QUEUED").length);
    this.metrics.runsInProgress.set(active.filter((r) => r.status === "STARTING" || r.status === "STARTED").length);
  }

  private collectLocations(): void {
    this.metrics.codeLocationLoaded.reset();
    for (const location of this.options.locations()) {
      // LOADING is not a failure yet; it reads 0 until it has loaded, as "not serving definitions".
      this.metrics.codeLocationLoaded.set({ location: location.name }, location.status === "LOADED" ? 1 : 0);
    }
  }

  private async collectFreshness(): Promise<void> {
    const counts: Record<string, number> = {};
    for (const state of await this.options.storage.listFreshnessStates()) counts[state.state] = (counts[state.state] ?? 0) + 1;
    this.metrics.setFreshnessCounts(counts);
  }
}

export function metricsRoutes(router: Router, metrics: WebserverMetrics): void {
  const handle = metricsHandler(metrics.metrics);
  router.add("GET", "/metrics", ({ request, response }) => handle(request, response));
  router.add("HEAD", "/metrics", ({ request, response }) => handle(request, response));
}
