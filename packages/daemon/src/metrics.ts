/**
 * A small in-memory metric registry: counters, gauges and sample summaries (p50/p99 over a
 * bounded window). Tests and benchmarks read it directly; DaemonObservability bridges it into
 * the Prometheus registry that `flyt daemon` (daemon.metricsPort) and `flyt dev` (its webserver's
 * `/metrics`) serve.
 */

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

/** Metric names the daemon records. */
export const METRICS = {
  /** ms from a tick's scheduled instant to its runs being queued. */
  tickLagMs: "scheduler.tick_lag_ms",
  ticks: "scheduler.ticks",
  tickFailures: "scheduler.tick_failures",
  sensorTicks: "sensors.ticks",
  sensorFailures: "sensors.failures",
  /** ms a sensor evaluation took (failed and timed-out ones included). */
  sensorEvaluationMs: "sensors.evaluation_ms",
  /** ms from a run being created (queued) to the queue launching it. */
  dispatchLagMs: "queue.dispatch_lag_ms",
  launched: "queue.launched",
  queued: "queue.queued",
  running: "queue.running",
  workersLost: "monitor.workers_lost",
  startingTimeouts: "monitor.starting_timeouts",
  retries: "retries.created",
} as const;
