/**
 * Flyt's Prometheus metrics: one prom-client registry per process with every metric the
 * webserver and daemon expose (names and labels: docs/metrics.md). Labels stay low-cardinality:
 * location, status, state, severity, channel, loop — never run ids or asset keys.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { FRESHNESS_STATES, type FreshnessState } from "../freshness/evaluate.js";

export interface MetricsOptions {
  /** "webserver", "daemon", "dev", … — a constant label on every series (`component`). */
  component: string;
  /** Collect process metrics (CPU, memory, event loop lag, handles). Default true. */
  processMetrics?: boolean;
}

/** Seconds: from a fraction of a second (a quick asset) to hours (a big backfill). */
const DURATION_BUCKETS = [0.1, 0.5, 1, 5, 15, 60, 300, 900, 1800, 3600, 7200, 21600];
const LAG_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300];

export class FlytMetrics {
  readonly registry: Registry;
  readonly runsStarted: Counter<"location">;
  readonly runsFinished: Counter<"location" | "status">;
  readonly runDuration: Histogram<"location" | "status">;
  readonly queueDepth: Gauge;
  readonly runsInProgress: Gauge;
  readonly queueWait: Histogram;
  readonly scheduleTickLag: Histogram;
  readonly scheduleTickFailures: Counter;
  readonly sensorEvaluationDuration: Histogram;
  readonly sensorEvaluationFailures: Counter;
  readonly freshnessAssets: Gauge<"state">;
  readonly checkFailures: Counter<"severity">;
  readonly checkEvaluations: Counter<"severity" | "result">;
  readonly eventsIngested: Counter<"location">;
  readonly daemonLeader: Gauge;
  readonly daemonHeartbeatAge: Gauge<"loop">;
  readonly codeLocationLoaded: Gauge<"location">;
  readonly alertsSent: Counter<"channel" | "kind">;
  readonly alertDeliveryFailures: Counter<"channel">;
  readonly backfillRunsLaunched: Counter;
  readonly backfillsActive: Gauge;
  readonly automationEvaluationDuration: Histogram;
  readonly automationTickFailures: Counter;
  readonly automationRunsRequested: Counter;
  private readonly collectors: Array<() => void | Promise<void>> = [];

  constructor(options: MetricsOptions) {
    if (!/^[a-z][a-z0-9_-]*$/.test(options.component)) {
      throw new TypeError(`metrics component must be a short lowercase name, got ${JSON.stringify(options.component)}`);
    }
    const registry = new Registry();
    registry.setDefaultLabels({ component: options.component });
    this.registry = registry;
    const registers = [registry];

    this.runsStarted = new Counter({ name: "flyt_runs_started_total", help: "Runs that started executing.", labelNames: ["location"], registers });
    this.runsFinished = new Counter({
      name: "flyt_runs_finished_total",
      help: "Runs that reached a terminal status (SUCCESS, FAILURE, CANCELED).",
      labelNames: ["location", "status"],
      registers,
    });
    this.runDuration = new Histogram({
      name: "flyt_run_duration_seconds",
      help: "Run duration from start to its terminal status.",
      labelNames: ["location", "status"],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.queueDepth = new Gauge({ name: "flyt_run_queue_depth", help: "Runs waiting in the queue (QUEUED).", registers });
    this.runsInProgress = new Gauge({ name: "flyt_runs_in_progress", help: "Runs STARTING or STARTED.", registers });
    this.queueWait = new Histogram({
      name: "flyt_run_queue_wait_seconds",
      help: "Time from a run being queued to its launch.",
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.scheduleTickLag = new Histogram({
      name: "flyt_schedule_tick_lag_seconds",
      help: "Delay from a schedule tick's scheduled instant to its runs being queued.",
      buckets: LAG_BUCKETS,
      registers,
    });
    this.scheduleTickFailures = new Counter({ name: "flyt_schedule_tick_failures_total", help: "Schedule ticks that failed.", registers });
    this.sensorEvaluationDuration = new Histogram({
      name: "flyt_sensor_evaluation_duration_seconds",
      help: "Duration of sensor evaluations.",
      buckets: LAG_BUCKETS,
      registers,
    });
    this.sensorEvaluationFailures = new Counter({ name: "flyt_sensor_evaluation_failures_total", help: "Sensor evaluations that failed.", registers });
    this.freshnessAssets = new Gauge({ name: "flyt_asset_freshness_assets", help: "Assets by freshness state.", labelNames: ["state"], registers });
    for (const state of FRESHNESS_STATES) this.freshnessAssets.set({ state }, 0);
    this.checkEvaluations = new Counter({
      name: "flyt_asset_check_evaluations_total",
      help: "Asset check evaluations by severity and result (passed, failed).",
      labelNames: ["severity", "result"],
      registers,
    });
    this.checkFailures = new Counter({ name: "flyt_asset_check_failures_total", help: "Failed asset check evaluations.", labelNames: ["severity"], registers });
    this.eventsIngested = new Counter({ name: "flyt_events_ingested_total", help: "Events written to the event log.", labelNames: ["location"], registers });
    this.daemonLeader = new Gauge({ name: "flyt_daemon_leader", help: "1 while this daemon holds the leader lease, else 0.", registers });
    this.daemonHeartbeatAge = new Gauge({
      name: "flyt_daemon_heartbeat_age_seconds",
      help: "Seconds since each daemon loop's last pass.",
      labelNames: ["loop"],
      registers,
    });
    this.codeLocationLoaded = new Gauge({
      name: "flyt_code_location_loaded",
      help: "1 when the code location's definitions loaded, 0 when it fails to load.",
      labelNames: ["location"],
      registers,
    });
    this.alertsSent = new Counter({ name: "flyt_alerts_sent_total", help: "Alerts delivered, by channel and kind.", labelNames: ["channel", "kind"], registers });
    this.alertDeliveryFailures = new Counter({
      name: "flyt_alert_delivery_failures_total",
      help: "Alert deliveries that failed after all retries.",
      labelNames: ["channel"],
      registers,
    });
    this.backfillRunsLaunched = new Counter({ name: "flyt_backfill_runs_launched_total", help: "Runs the daemon's backfill loop created.", registers });
    this.backfillsActive = new Gauge({ name: "flyt_backfills_active", help: "Backfills being planned or driven (REQUESTED, IN_PROGRESS, CANCELING).", registers });
    this.automationEvaluationDuration = new Histogram({
      name: "flyt_automation_evaluation_duration_seconds",
      help: "Duration of one automation tick's evaluation of every condition (storage reads not included).",
      buckets: LAG_BUCKETS,
      registers,
    });
    this.automationTickFailures = new Counter({ name: "flyt_automation_tick_failures_total", help: "Automation ticks that failed.", registers });
    this.automationRunsRequested = new Counter({ name: "flyt_automation_runs_requested_total", help: "Runs automation ticks created.", registers });
    if (options.processMetrics ?? true) {
      collectDefaultMetrics({ register: registry });
      // prom-client names these gauges `*_total`, which Prometheus reserves for counters
      // (promtool rejects them); the per-type gauges without the suffix carry the same data.
      for (const name of ["nodejs_active_handles_total", "nodejs_active_requests_total", "nodejs_active_resources_total"]) {
        registry.removeSingleMetric(name);
      }
    }
  }

  /** Replaces the freshness gauge with counts per state (every state present, zero included). */
  setFreshnessCounts(counts: Partial<Record<FreshnessState, number>>): void {
    for (const state of FRESHNESS_STATES) this.freshnessAssets.set({ state }, counts[state] ?? 0);
  }

  /** Runs `collect` before every scrape: for values read from elsewhere (queue depth, heartbeats). */
  addCollector(collect: () => void | Promise<void>): void {
    this.collectors.push(collect);
  }

  /** The exposition text (Prometheus text format 0.0.4). Collector failures do not fail the scrape. */
  async render(): Promise<string> {
    for (const collect of this.collectors) {
      try {
        await collect();
      } catch {
        // A broken collector leaves its gauges at their last values; the scrape still answers.
      }
    }
    return await this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
