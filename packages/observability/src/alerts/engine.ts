/**
 * The alert engine: the daemon hands it signals (a run failed, an asset went STALE or came
 * back, a check failed, a location failed to load) and leader observations; it matches rules,
 * de-duplicates, groups signals arriving within a window into one alert per rule and kind
 * (40 assets going stale at once → one message), rate-limits per rule, delivers to channels
 * with retries and backoff, and records every delivery and failure.
 */
import { randomUUID } from "node:crypto";
import { coerceError } from "@flyt/core";
import { deliver as defaultDeliver, itemLine } from "./channels.js";
import type { AlertKind, CompiledAlertsConfig, CompiledChannel, CompiledRule } from "./config.js";
import type { Alert, AlertRecorder, AlertSignal } from "./types.js";

export interface AlertEngineOptions {
  config: CompiledAlertsConfig;
  recorder: AlertRecorder;
  now?: () => number;
  /** Replaced in tests of retry behaviour; default: the real channel senders. */
  deliver?: (channel: CompiledChannel, alert: Alert) => Promise<void>;
  /** Called with each delivery (for metrics): channel, kind, outcome. */
  onDelivery?: (channel: string, kind: AlertKind, outcome: "sent" | "failed" | "suppressed") => void;
  log?: (line: string) => void;
}

interface Group {
  rule: CompiledRule;
  status: "firing" | "resolved";
  items: AlertSignal[];
  timer: NodeJS.Timeout | null;
}

export class AlertEngine {
  private readonly config: CompiledAlertsConfig;
  private readonly now: () => number;
  private readonly send: (channel: CompiledChannel, alert: Alert) => Promise<void>;
  /** dedupe key → when it was last sent. */
  private readonly sent = new Map<string, number>();
  /** Assets whose STALE alert was sent per rule: only those get a recovery. */
  private readonly staleAlerted = new Set<string>();
  private readonly groups = new Map<string, Group>();
  private readonly sentTimes = new Map<string, number[]>();
  private readonly inFlight = new Set<Promise<void>>();
  private leaderlessSince: number | null = null;
  private readonly leaderAlerted = new Set<string>();
  private closed = false;

  constructor(private readonly options: AlertEngineOptions) {
    this.config = options.config;
    this.now = options.now ?? Date.now;
    this.send = options.deliver ?? defaultDeliver;
  }

  /** Takes one signal: matches rules, drops duplicates, and queues it into its rule's group. */
  notify(signal: AlertSignal): void {
    if (this.closed) return;
    for (const rule of this.config.rules) {
      if (!matches(rule, signal)) continue;
      if (signal.kind === "freshness") {
        const staleKey = `${rule.name}|${signal.assetKey}`;
        if (signal.state === "FRESH") {
          // Only an asset we said was stale is announced as fresh again.
          if (!this.staleAlerted.delete(staleKey) || !rule.recovery) continue;
          this.sent.delete(`${rule.name}|freshness|${signal.assetKey}|STALE`);
        } else {
          if (this.staleAlerted.has(staleKey)) continue;
          this.staleAlerted.add(staleKey);
        }
      }
      const key = `${rule.name}|${dedupeSubject(signal)}`;
      const last = this.sent.get(key);
      if (last !== undefined && this.now() - last < this.config.dedupeMs) continue;
      this.sent.set(key, this.now());
      this.enqueue(rule, signal);
    }
  }

  /**
   * Tells the engine whether some daemon holds the leader lease now. Once no leader has been
   * seen for a rule's threshold, that rule fires once until a leader is back. Call it on a timer.
   */
  observeLeader(leaderPresent: boolean): void {
    const now = this.now();
    if (leaderPresent) {
      this.leaderlessSince = null;
      this.leaderAlerted.clear();
      return;
    }
    this.leaderlessSince ??= now;
    for (const rule of this.config.rules) {
      if (rule.on !== "leader_lost" || this.leaderAlerted.has(rule.name)) continue;
      if (now - this.leaderlessSince < rule.thresholdMs) continue;
      this.leaderAlerted.add(rule.name);
      this.enqueue(rule, { kind: "leader_lost", leaderlessSince: this.leaderlessSince, at: now });
    }
  }

  private enqueue(rule: CompiledRule, signal: AlertSignal): void {
    const status = signal.kind === "freshness" && signal.state === "FRESH" ? "resolved" : "firing";
    const groupKey = `${rule.name}|${status}`;
    let group = this.groups.get(groupKey);
    if (group === undefined) {
      group = { rule, status, items: [], timer: null };
      this.groups.set(groupKey, group);
      if (this.config.groupWindowMs > 0) {
        group.timer = setTimeout(() => this.flushGroup(groupKey), this.config.groupWindowMs);
        group.timer.unref();
      }
    }
    group.items.push(signal);
    if (this.config.groupWindowMs === 0) this.flushGroup(groupKey);
  }

  /** Sends every pending group now and waits for all deliveries (shutdown, tests). */
  async flush(): Promise<void> {
    for (const key of [...this.groups.keys()]) this.flushGroup(key);
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Flushes, then ignores further signals. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private flushGroup(key: string): void {
    const group = this.groups.get(key);
    if (group === undefined) return;
    this.groups.delete(key);
    if (group.timer !== null) clearTimeout(group.timer);
    const alert = this.buildAlert(group);
    const task = this.dispatch(group.rule, alert).finally(() => this.inFlight.delete(task));
    this.inFlight.add(task);
  }

  private async dispatch(rule: CompiledRule, alert: Alert): Promise<void> {
    const now = this.now();
    const window = (this.sentTimes.get(rule.name) ?? []).filter((t) => now - t < this.config.rateLimitWindowMs);
    const limited = window.length >= this.config.rateLimit;
    if (!limited) window.push(now);
    this.sentTimes.set(rule.name, window);
    await Promise.all(
      rule.channels.map(async (channelName) => {
        const channel = this.config.channels.get(channelName)!;
        if (limited) {
          await this.record(alert, channelName, "suppressed", 0, `rate limit: ${this.config.rateLimit} alerts per ${this.config.rateLimitWindowMs / 1000} s for rule ${rule.name}`);
          return;
        }
        let attempts = 0;
        let lastError: string | undefined;
        for (;;) {
          attempts += 1;
          try {
            await this.send(channel, alert);
            await this.record(alert, channelName, "sent", attempts, null);
            return;
          } catch (error) {
            lastError = coerceError(error).message;
            if (attempts >= this.config.maxAttempts) break;
            await sleep(this.config.retryDelayMs * 2 ** (attempts - 1));
          }
        }
        this.options.log?.(`alert ${alert.id} (${rule.name}) to ${channelName} failed after ${attempts} attempts: ${lastError}`);
        await this.record(alert, channelName, "failed", attempts, lastError ?? null);
      }),
    );
  }

  private async record(alert: Alert, channel: string, outcome: "sent" | "failed" | "suppressed", attempts: number, error: string | null): Promise<void> {
    this.options.onDelivery?.(channel, alert.kind, outcome);
    try {
      await this.options.recorder.record({
        alertId: alert.id,
        rule: alert.rule,
        kind: alert.kind,
        status: alert.status,
        channel,
        outcome,
        attempts,
        error,
        title: alert.title,
        count: alert.count,
        at: this.now(),
      });
    } catch (thrown) {
      this.options.log?.(`could not record alert ${alert.id}: ${coerceError(thrown).message}`);
    }
  }

  private buildAlert(group: Group): Alert {
    const { rule, items, status } = group;
    const first = items[0]!;
    const count = items.length;
    const { title, summary, path } = describeGroup(rule.on, status, items);
    return {
      version: 1,
      id: randomUUID(),
      rule: rule.name,
      kind: rule.on,
      status,
      title,
      summary: count === 1 ? itemLine(first) : summary,
      url: this.config.uiUrl === null ? null : `${this.config.uiUrl}${path}`,
      createdAt: new Date(this.now()).toISOString(),
      count,
      items,
    };
  }
}

function describeGroup(kind: AlertKind, status: "firing" | "resolved", items: AlertSignal[]): { title: string; summary: string; path: string } {
  const n = items.length;
  const first = items[0]!;
  const plural = (one: string, many: string): string => (n === 1 ? one : many);
  switch (kind) {
    case "run_failure":
      return {
        title: n === 1 && first.kind === "run_failure" ? `Run ${first.runId} failed in ${first.location}` : `${n} runs failed`,
        summary: `${n} ${plural("run", "runs")} failed`,
        path: n === 1 && first.kind === "run_failure" ? `/runs/${encodeURIComponent(first.runId)}` : "/runs?status=FAILURE",
      };
    case "freshness": {
      const asset = first.kind === "freshness" ? first.assetKey : "";
      if (status === "resolved") {
        return { title: n === 1 ? `${asset} is fresh again` : `${n} assets are fresh again`, summary: `${n} ${plural("asset is", "assets are")} fresh again`, path: n === 1 ? `/assets/${asset}` : "/assets" };
      }
      return { title: n === 1 ? `${asset} is stale` : `${n} assets are stale`, summary: `${n} ${plural("asset is", "assets are")} stale`, path: n === 1 ? `/assets/${asset}` : "/assets?freshness=STALE" };
    }
    case "check_failure":
      return {
        title: n === 1 && first.kind === "check_failure" ? `Check ${first.checkName} failed on ${first.assetKey}` : `${n} checks failed`,
        summary: `${n} ${plural("check", "checks")} failed`,
        path: n === 1 && first.kind === "check_failure" ? `/assets/${first.assetKey}` : "/assets",
      };
    case "location_load_failure":
      return {
        title: n === 1 && first.kind === "location_load_failure" ? `Code location ${first.location} failed to load` : `${n} code locations failed to load`,
        summary: `${n} ${plural("code location", "code locations")} failed to load`,
        path: "/locations",
      };
    case "leader_lost":
      return { title: "No Flyt daemon is leading", summary: "No daemon holds the leader lease: schedules, sensors and the run queue are stopped", path: "/status" };
  }
}

function dedupeSubject(signal: AlertSignal): string {
  switch (signal.kind) {
    case "run_failure":
      return `run|${signal.runId}`;
    case "freshness":
      return `freshness|${signal.assetKey}|${signal.state}`;
    case "check_failure":
      return `check|${signal.assetKey}|${signal.checkName}|${signal.runId}`;
    case "location_load_failure":
      return `location|${signal.location}|${signal.error}`;
    case "leader_lost":
      return `leader|${signal.leaderlessSince}`;
  }
}

/** Whether a rule applies to a signal: its kind, locations, tags and asset patterns. */
export function matches(rule: CompiledRule, signal: AlertSignal): boolean {
  if (rule.on !== signal.kind) return false;
  if (signal.kind === "leader_lost") return true;
  if (rule.locations !== null && !rule.locations.includes(signal.location)) return false;
  if (signal.kind === "check_failure" && signal.severity !== "error") return false;
  if (rule.tags !== null && signal.kind === "run_failure") {
    for (const [k, v] of Object.entries(rule.tags)) if (signal.tags[k] !== v) return false;
  }
  if (rule.assets !== null) {
    const keys = signal.kind === "run_failure" ? signal.assetKeys : signal.kind === "location_load_failure" ? [] : [signal.assetKey];
    if (!keys.some((key) => rule.assets!.some((pattern) => pattern.test(key)))) return false;
  }
  return true;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
