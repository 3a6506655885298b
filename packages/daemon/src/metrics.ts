/**
 * A small in-memory metric registry: counters, gauges and sample summaries (p50/p99 over a
 * bounded window). Tests and benchmarks read it directly; DaemonObservability bridges it into
 * the Prometheus registry that `flyt daemon` (daemon.metricsPort) and `flyt dev` (its webserver's
 * `/metrics`) serve, following METRIC_DEFINITIONS.
 */
import type { FlytMetrics } from "@flyt/observability";

/** How many recent samples a summary keeps for its quantiles. */
const SUMMARY_WINDOW = 20_000;

export interface SummarySnapshot {
  count: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
}

class Summary {
  private samples: number[] = [];
  private next = 0;
  count = 0;

  observe(value: number): void {
    this.count += 1;
    if (this.samples.length < SUMMARY_WINDOW) this.samples.push(value);
    else {
      this.samples[this.next] = value;
      this.next = (this.next + 1) % SUMMARY_WINDOW;
    }
  }

  snapshot(): SummarySnapshot {
    if (this.samples.length === 0) return { count: this.count, p50: null, p99: null, max: null };
    const sorted = [...this.samples].sort((a, b) => a - b);
    const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    return { count: this.count, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1]! };
  }
}

export class MetricRegistry {
  private readonly counters = new Map<string, number>();
  private readonly gauges = new Map<string, number>();
  private readonly summaries = new Map<string, Summary>();
  private readonly listeners: Array<(kind: "counter" | "summary", name: string, value: number) => void> = [];

  /** Hears every counter increment and summary sample (the Prometheus bridge, observability.ts). */
  listen(listener: (kind: "counter" | "summary", name: string, value: number) => void): void {
    this.listeners.push(listener);
  }

  increment(name: string, by = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + by);
    for (const listener of this.listeners) listener("counter", name, by);
  }

  setGauge(name: string, value: number): void {
    this.gauges.set(name, value);
  }

  observe(name: string, value: number): void {
    let summary = this.summaries.get(name);
    if (summary === undefined) {
      summary = new Summary();
      this.summaries.set(name, summary);
    }
    summary.observe(value);
    for (const listener of this.listeners) listener("summary", name, value);
  }

  counter(name: string): number {
    return this.counters.get(name) ?? 0;
  }

  gauge(name: string): number | null {
    return this.gauges.get(name) ?? null;
  }

  summary(name: string): SummarySnapshot {
    return this.summaries.get(name)?.snapshot() ?? { count: 0, p50: null, p99: null, max: null };
  }

  /** Everything, for status output and benchmarks. */
  snapshot(): { counters: Record<string, number>; gauges: Record<string, number>; summaries: Record<string, SummarySnapshot> } {
    return {
      counters: Object.fromEntries(this.counters),
      gauges: Object.fromEntries(this.gauges),
      summaries: Object.fromEntries([...this.summaries].map(([name, s]) => [name, s.snapshot()])),
    };
  }
}

/**
 * The Prometheus series (a FlytMetrics instrument, names and help in docs/metrics.md) a daemon
 * metric feeds: counters add their increments, summaries observe their samples in seconds,
 * gauges are read on every scrape. Typed so a counter can only feed something with `inc`.
 */
type Instrument<Shape> = { [K in keyof FlytMetrics]: FlytMetrics[K] extends Shape ? K : never }[keyof FlytMetrics];
export type CounterInstrument = Instrument<{ inc(value?: number): void }>;
export type GaugeInstrument = Instrument<{ set(value: number): void }>;
export type HistogramInstrument = Instrument<{ observe(value: number): void }>;

/** One metric the daemon records: its kind, and the Prometheus series it feeds (if any). */
export type MetricDefinition =
  | { readonly kind: "counter"; readonly name: string; readonly prometheus?: CounterInstrument }
  | { readonly kind: "gauge"; readonly name: string; readonly prometheus?: GaugeInstrument }
  | { readonly kind: "summary"; readonly name: string; readonly unit: "ms"; readonly prometheus?: HistogramInstrument };

/** Every metric the daemon records, declared once; DaemonObservability bridges them generically. */
export const METRIC_DEFINITIONS = {
  /** ms from a tick's scheduled instant to its runs being queued. */
  tickLagMs: { kind: "summary", name: "scheduler.tick_lag_ms", unit: "ms", prometheus: "scheduleTickLag" },
  ticks: { kind: "counter", name: "scheduler.ticks" },
  tickFailures: { kind: "counter", name: "scheduler.tick_failures", prometheus: "scheduleTickFailures" },
  sensorTicks: { kind: "counter", name: "sensors.ticks" },
  sensorFailures: { kind: "counter", name: "sensors.failures", prometheus: "sensorEvaluationFailures" },
  /** ms a sensor evaluation took (failed and timed-out ones included). */
  sensorEvaluationMs: { kind: "summary", name: "sensors.evaluation_ms", unit: "ms", prometheus: "sensorEvaluationDuration" },
  /** ms from a run being created (queued) to the queue launching it. */
  dispatchLagMs: { kind: "summary", name: "queue.dispatch_lag_ms", unit: "ms", prometheus: "queueWait" },
  launched: { kind: "counter", name: "queue.launched" },
  queued: { kind: "gauge", name: "queue.queued", prometheus: "queueDepth" },
  running: { kind: "gauge", name: "queue.running", prometheus: "runsInProgress" },
  workersLost: { kind: "counter", name: "monitor.workers_lost" },
  startingTimeouts: { kind: "counter", name: "monitor.starting_timeouts" },
  /** Runs an earlier leader claimed and never got started, relaunched by this leader. */
  relaunched: { kind: "counter", name: "monitor.relaunched" },
  retries: { kind: "counter", name: "retries.created" },
  /** Runs the backfill loop created (a chunk found already created by an earlier leader is not counted). */
  backfillRunsLaunched: { kind: "counter", name: "backfills.runs_launched", prometheus: "backfillRunsLaunched" },
  /** Backfills REQUESTED, IN_PROGRESS or CANCELING at the last pass. */
  backfillsActive: { kind: "gauge", name: "backfills.active", prometheus: "backfillsActive" },
  /** ms one pass of the backfill loop took (passes with no backfill are not counted). */
  backfillPassMs: { kind: "summary", name: "backfills.pass_ms", unit: "ms" },
  /** Automation ticks that evaluated (SUCCESS or SKIPPED; a tick closed as FAILURE is counted in automationTickFailures). */
  automationTicks: { kind: "counter", name: "automation.ticks" },
  automationTickFailures: { kind: "counter", name: "automation.tick_failures", prometheus: "automationTickFailures" },
  /** ms the pure evaluation of one automation tick took (reading its input and storing the decision not included). */
  automationEvaluationMs: { kind: "summary", name: "automation.evaluation_ms", unit: "ms", prometheus: "automationEvaluationDuration" },
  /** ms one automation tick waited on storage reading what it evaluates. */
  automationReadMs: { kind: "summary", name: "automation.read_ms", unit: "ms" },
  /** Assets whose condition an automation tick evaluated. */
  automationAssetsEvaluated: { kind: "counter", name: "automation.assets_evaluated" },
  /** Runs automation created (a planned run found already created by an earlier leader is not counted). */
  automationRunsRequested: { kind: "counter", name: "automation.runs_requested", prometheus: "automationRunsRequested" },
} as const satisfies Record<string, MetricDefinition>;

type Definitions = typeof METRIC_DEFINITIONS;

/** Metric names the daemon records. */
export const METRICS = Object.fromEntries(Object.entries(METRIC_DEFINITIONS).map(([key, definition]) => [key, definition.name])) as {
  readonly [K in keyof Definitions]: Definitions[K]["name"];
};
