/**
 * The daemon's observability: the freshness monitor and alert engine (alerts on STALE/recovery,
 * failed runs, failed error-severity checks, a lost leader), and Prometheus `/metrics` fed from
 * the daemon's in-memory metrics. Only the leader judges freshness and raises run/check alerts,
 * so replicas do not alert twice; every replica watches for a missing leader.
 */
import { coerceError } from "@flyt/core";
import {
  AlertEngine,
  FlytMetrics,
  FreshnessMonitor,
  StorageAlertRecorder,
  serveMetrics,
  type AlertSignal,
  type CompiledAlertsConfig,
  type FreshnessState,
  type MonitoredAsset,
} from "@flyt/observability";
import type { RunWatch, Storage } from "@flyt/storage";
import type { DaemonLogRecord } from "./daemon.js";
import type { LeaderElector } from "./leader.js";
import type { Loop } from "./loop.js";
import { METRIC_DEFINITIONS, type MetricDefinition, type MetricRegistry } from "./metrics.js";

/** Prometheus records durations in seconds; a summary's unit says how to get there. */
const UNITS_PER_SECOND = { ms: 1000 } as const;

export interface DaemonObservabilityOptions {
  /** The compiled `alerts:` section of flyt.yaml; null or absent: no alerts are sent. */
  alerts?: CompiledAlertsConfig | null;
  /** Port of the Prometheus `/metrics` endpoint; null or absent: no endpoint (tests). 0: any free port. */
  metricsPort?: number | null;
  metricsHost?: string;
  /** The assets to judge for freshness (those without a policy are skipped), re-read every pass. */
  assets?: () => Promise<MonitoredAsset[]> | MonitoredAsset[];
  /** Longest wait between freshness passes. Default 60 s. */
  freshnessMaxSleepMs?: number;
  /** How often leader presence is checked for `leader_lost` rules. Default 5 s. */
  leaderCheckMs?: number;
  /** Collect process metrics (CPU, memory, event loop). Default: only when there is an endpoint. Ignored with `metrics`. */
  processMetrics?: boolean;
  /**
   * A Prometheus registry to feed instead of a new one: `flyt dev` passes its webserver's, so one
   * `/metrics` shows the daemon's series (leader, loop heartbeats, tick lag, queue wait, sensor
   * durations and failures, run counters, alerts) beside the webserver's. The owner reads what
   * comes from storage (queue depth, freshness counts), so the daemon adds no storage collector.
   */
  metrics?: FlytMetrics;
  now?: () => number;
}

interface DaemonParts {
  storage: Storage;
  metrics: MetricRegistry;
  leader: LeaderElector;
  loops: () => Iterable<Loop>;
  log: (record: DaemonLogRecord) => void;
}

export class DaemonObservability {
  readonly metrics: FlytMetrics;
  readonly alerts: AlertEngine | null;
  readonly freshness: FreshnessMonitor;
  private server: { url: string; close(): Promise<void> } | null = null;
  private watch: RunWatch | null = null;
  private leaderTimer: NodeJS.Timeout | null = null;
  private readonly pending = new Set<Promise<void>>();
  private readonly now: () => number;

  constructor(
    private readonly parts: DaemonParts,
    private readonly options: DaemonObservabilityOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.metrics = options.metrics ?? new FlytMetrics({ component: "daemon", processMetrics: options.processMetrics ?? (options.metricsPort !== null && options.metricsPort !== undefined) });
    const metrics = this.metrics;
    this.alerts = options.alerts
      ? new AlertEngine({
          config: options.alerts,
          recorder: new StorageAlertRecorder(parts.storage),
          now: this.now,
          log: (line) => parts.log({ level: "warn", loop: "alerts", msg: line }),
          onDelivery: (channel, kind, outcome) => {
            if (outcome === "sent") metrics.alertsSent.inc({ channel, kind });
            else if (outcome === "failed") metrics.alertDeliveryFailures.inc({ channel });
          },
        })
      : null;
    const notify = (signal: AlertSignal): void => this.alerts?.notify(signal);
    this.freshness = new FreshnessMonitor({
      storage: parts.storage,
      assets: options.assets ?? (() => []),
      notify,
      now: this.now,
      isActive: () => parts.leader.isLeader(),
      log: (line) => parts.log({ level: "warn", loop: "freshness", msg: line }),
      ...(options.freshnessMaxSleepMs === undefined ? {} : { maxSleepMs: options.freshnessMaxSleepMs }),
    });
    this.bridgeMetrics();
  }

  /** The `/metrics` URL once started with a port, else null. */
  get metricsUrl(): string | null {
    return this.server?.url ?? null;
  }

  async start(): Promise<void> {
    const { storage, leader } = this.parts;
    await this.freshness.start();
    this.watch = await storage.watchRuns((change) => {
      if (!leader.isLeader()) return;
      if (change.status === "STARTED" || change.status === "SUCCESS" || change.status === "FAILURE" || change.status === "CANCELED") {
        this.track(this.runChanged(change.runId, change.status));
      }
    });
    const observeLeader = (): void => {
      this.track(
        leader.currentLease().then(
          (lease) => this.alerts?.observeLeader(lease !== null && lease.expiresAt > Date.now()),
          (error: unknown) => this.parts.log({ level: "warn", loop: "alerts", msg: `could not read the leader lease: ${coerceError(error).message}` }),
        ),
      );
    };
    if (this.alerts && (this.options.alerts?.rules.some((r) => r.on === "leader_lost") ?? false)) {
      this.leaderTimer = setInterval(observeLeader, this.options.leaderCheckMs ?? 5_000);
      this.leaderTimer.unref();
    }
    if (this.options.metricsPort !== null && this.options.metricsPort !== undefined) {
      this.server = await serveMetrics(this.metrics, { port: this.options.metricsPort, ...(this.options.metricsHost ? { host: this.options.metricsHost } : {}) });
      this.parts.log({ level: "info", msg: `metrics on ${this.metricsUrl ?? "?"}` });
    }
  }

  async stop(): Promise<void> {
    if (this.leaderTimer) clearInterval(this.leaderTimer);
    this.leaderTimer = null;
    await this.freshness.stop();
    await this.watch?.close();
    this.watch = null;
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    await this.alerts?.close();
    await this.server?.close();
    this.server = null;
  }

  private track(promise: Promise<void>): void {
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise));
  }

  /** Run counters and, when a run ends, its failed checks: error ones become alerts. */
  private async runChanged(runId: string, status: string): Promise<void> {
    try {
      const run = await this.parts.storage.getRun(runId);
      if (run === null) return;
      if (status === "STARTED") {
        this.metrics.runsStarted.inc({ location: run.location });
        return;
      }
      this.metrics.runsFinished.inc({ location: run.location, status });
      if (run.startedAt !== null && run.endedAt !== null) {
        this.metrics.runDuration.observe({ location: run.location, status }, Math.max(0, run.endedAt - run.startedAt) / 1000);
      }
      const results = (await this.parts.storage.getLatestCheckResults(run.assetKeys)).filter((r) => r.runId === runId);
      for (const result of results) {
        this.metrics.checkEvaluations.inc({ severity: result.severity, result: result.passed ? "passed" : "failed" });
        if (result.passed) continue;
        this.metrics.checkFailures.inc({ severity: result.severity });
        if (result.severity !== "error") continue;
        this.alerts?.notify({
          kind: "check_failure",
          assetKey: result.assetKey,
          location: run.location,
          checkName: result.checkName,
          severity: result.severity,
          runId,
          description: null,
          at: this.now(),
        });
      }
    } catch (error) {
      this.parts.log({ level: "warn", loop: "alerts", runId, msg: `could not read run ${runId}: ${coerceError(error).message}` });
    }
  }

  /**
   * Feeds the Prometheus registry from the daemon's in-memory metrics, each to the series its
   * definition names (METRIC_DEFINITIONS), plus the leader flag and loop heartbeats.
   */
  private bridgeMetrics(): void {
    const { metrics: prom } = this;
    const { metrics, leader, storage } = this.parts;
    const definitions = new Map<string, MetricDefinition>(Object.values(METRIC_DEFINITIONS).map((definition) => [definition.name, definition]));
    metrics.listen((_kind, name, value) => {
      const definition = definitions.get(name);
      if (definition?.prometheus === undefined) return;
      if (definition.kind === "counter") {
        const counter: { inc(value: number): void } = prom[definition.prometheus];
        counter.inc(value);
      } else if (definition.kind === "summary") {
        const histogram: { observe(value: number): void } = prom[definition.prometheus];
        histogram.observe(value / UNITS_PER_SECOND[definition.unit]);
      }
    });
    prom.addCollector(() => {
      for (const definition of definitions.values()) {
        if (definition.kind !== "gauge" || definition.prometheus === undefined) continue;
        const gauge: { set(value: number): void } = prom[definition.prometheus];
        gauge.set(metrics.gauge(definition.name) ?? 0);
      }
      prom.daemonLeader.set(leader.isLeader() ? 1 : 0);
      const now = Date.now();
      for (const loop of this.parts.loops()) {
        if (loop.lastPassAt !== null) prom.daemonHeartbeatAge.set({ loop: loop.name }, Math.max(0, now - loop.lastPassAt) / 1000);
      }
    });
    if (this.options.metrics !== undefined) return;
    prom.addCollector(async () => {
      const counts: Partial<Record<FreshnessState, number>> = {};
      for (const state of await storage.listFreshnessStates()) counts[state.state] = (counts[state.state] ?? 0) + 1;
      prom.setFreshnessCounts(counts);
    });
  }
}
