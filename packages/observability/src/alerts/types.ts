/**
 * What the alert engine is told (signals), what it sends (alerts), and what it records
 * (deliveries). The webhook body is the `Alert` object as JSON (docs/alerts.md).
 */
import type { AlertKind } from "./config.js";

export type AlertSignal =
  | { kind: "run_failure"; runId: string; location: string; tags: Record<string, string>; assetKeys: string[]; message: string; at: number }
  | {
      kind: "freshness";
      assetKey: string;
      location: string;
      /** STALE fires; FRESH after a STALE resolves. WARN and UNKNOWN do not alert. */
      state: "STALE" | "FRESH";
      staleSince: number | null;
      reason: string;
      at: number;
    }
  | {
      kind: "check_failure";
      assetKey: string;
      location: string;
      checkName: string;
      severity: "warn" | "error";
      runId: string;
      description: string | null;
      at: number;
    }
  | { kind: "location_load_failure"; location: string; error: string; at: number }
  | { kind: "leader_lost"; leaderlessSince: number; at: number };

/** One alert as delivered: possibly a group of signals of one rule and kind. */
export interface Alert {
  /** Body format version; bumped only on a breaking change. */
  version: 1;
  id: string;
  rule: string;
  kind: AlertKind;
  /** "firing", or "resolved" for a freshness recovery. */
  status: "firing" | "resolved";
  title: string;
  summary: string;
  /** Link into the UI, when `uiUrl` is configured. */
  url: string | null;
  createdAt: string;
  /** How many signals this alert groups. */
  count: number;
  items: AlertSignal[];
}

export type DeliveryOutcome = "sent" | "failed" | "suppressed";

/** One record per alert and channel: sent, failed after retries, or suppressed by the rate limit. */
export interface AlertDeliveryRecord {
  alertId: string;
  rule: string;
  kind: AlertKind;
  status: "firing" | "resolved";
  channel: string;
  outcome: DeliveryOutcome;
  attempts: number;
  error: string | null;
  title: string;
  count: number;
  at: number;
}

/** Where deliveries are recorded (storage, or memory in `flyt dev` and tests). */
export interface AlertRecorder {
  record(entry: AlertDeliveryRecord): Promise<void>;
}

export class MemoryAlertRecorder implements AlertRecorder {
  readonly entries: AlertDeliveryRecord[] = [];
  record(entry: AlertDeliveryRecord): Promise<void> {
    this.entries.push(entry);
    if (this.entries.length > 10_000) this.entries.splice(0, this.entries.length - 10_000);
    return Promise.resolve();
  }
}
