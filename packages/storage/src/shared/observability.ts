/**
 * Alert deliveries and freshness states, shared by both backends: input checks and row mapping.
 */
import { StorageInputError } from "../errors.js";
import type { AlertDelivery, AssetFreshnessState, FreshnessStateName, NewAlertDelivery } from "../storage.js";
import { validateEpochMs, validateId } from "./validate.js";

const OUTCOMES = new Set(["sent", "failed", "suppressed"]);
const STATUSES = new Set(["firing", "resolved"]);
const STATES = new Set<string>(["FRESH", "WARN", "STALE", "UNKNOWN"]);

function text(value: unknown, subject: string, max = 2000): string {
  if (typeof value !== "string" || value.length === 0) throw new StorageInputError(subject, "must be a non-empty string");
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}

function epochOrNull(value: unknown, subject: string): number | null {
  return value === null || value === undefined ? null : validateEpochMs(value, subject);
}

export function validateAlertDelivery(d: NewAlertDelivery): NewAlertDelivery {
  if (typeof d !== "object" || d === null) throw new StorageInputError("alert delivery", "recordAlertDelivery needs { alertId, rule, kind, status, channel, outcome, attempts, error, title, count, at }");
  if (!OUTCOMES.has(d.outcome)) throw new StorageInputError("alert delivery outcome", `must be sent, failed or suppressed, got ${JSON.stringify(d.outcome)}`);
  if (!STATUSES.has(d.status)) throw new StorageInputError("alert delivery status", `must be firing or resolved, got ${JSON.stringify(d.status)}`);
  if (!Number.isInteger(d.attempts) || d.attempts < 0) throw new StorageInputError("alert delivery attempts", "must be an integer ≥ 0");
  if (!Number.isInteger(d.count) || d.count < 0) throw new StorageInputError("alert delivery count", "must be an integer ≥ 0");
  if (d.error !== null && typeof d.error !== "string") throw new StorageInputError("alert delivery error", "must be a string or null");
  return {
    alertId: validateId(d.alertId, "alert id"),
    rule: text(d.rule, "alert rule", 200),
    kind: text(d.kind, "alert kind", 100),
    status: d.status,
    channel: text(d.channel, "alert channel", 200),
    outcome: d.outcome,
    attempts: d.attempts,
    error: d.error === null ? null : d.error.slice(0, 4000),
    title: text(d.title, "alert title"),
    count: d.count,
    at: validateEpochMs(d.at, "alert delivery time"),
  };
}

export interface AlertDeliveryRow {
  id: number | string;
  alert_id: string;
  rule: string;
  kind: string;
  status: string;
  channel: string;
  outcome: string;
  attempts: number | string;
  error: string | null;
  title: string;
  item_count: number | string;
  delivered_at: number | string;
}

export function alertDeliveryFromRow(row: AlertDeliveryRow): AlertDelivery {
  return {
    id: Number(row.id),
    alertId: row.alert_id,
    rule: row.rule,
    kind: row.kind,
    status: row.status as AlertDelivery["status"],
    channel: row.channel,
    outcome: row.outcome as AlertDelivery["outcome"],
    attempts: Number(row.attempts),
    error: row.error,
    title: row.title,
    count: Number(row.item_count),
    at: Number(row.delivered_at),
  };
}

export function validateFreshnessState(s: AssetFreshnessState): AssetFreshnessState {
  if (typeof s !== "object" || s === null) throw new StorageInputError("freshness state", "putFreshnessState needs { assetKey, state, since, … }");
  if (!STATES.has(s.state)) throw new StorageInputError("freshness state", `must be FRESH, WARN, STALE or UNKNOWN, got ${JSON.stringify(s.state)}`);
  return {
    assetKey: validateId(s.assetKey, "asset key"),
    state: s.state,
    since: validateEpochMs(s.since, `freshness since of ${s.assetKey}`),
    staleSince: epochOrNull(s.staleSince, `staleSince of ${s.assetKey}`),
    freshUntil: epochOrNull(s.freshUntil, `freshUntil of ${s.assetKey}`),
    warnAt: epochOrNull(s.warnAt, `warnAt of ${s.assetKey}`),
    partition: s.partition === null || s.partition === undefined ? null : text(s.partition, `freshness partition of ${s.assetKey}`, 500),
    reason: typeof s.reason === "string" ? s.reason.slice(0, 2000) : "",
    evaluatedAt: validateEpochMs(s.evaluatedAt, `freshness evaluation time of ${s.assetKey}`),
  };
}

export interface FreshnessRow {
  asset_key: string;
  state: string;
  since: number | string;
  stale_since: number | string | null;
  fresh_until: number | string | null;
  warn_at: number | string | null;
  partition_key: string | null;
  reason: string;
  evaluated_at: number | string;
}

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

export function freshnessFromRow(row: FreshnessRow): AssetFreshnessState {
  return {
    assetKey: row.asset_key,
    state: row.state as FreshnessStateName,
    since: Number(row.since),
    staleSince: num(row.stale_since),
    freshUntil: num(row.fresh_until),
    warnAt: num(row.warn_at),
    partition: row.partition_key,
    reason: row.reason,
    evaluatedAt: Number(row.evaluated_at),
  };
}

/** Column values of a freshness row, in the order of FRESHNESS_COLUMNS. */
export function freshnessValues(s: AssetFreshnessState): Array<string | number | null> {
  return [s.assetKey, s.state, s.since, s.staleSince, s.freshUntil, s.warnAt, s.partition, s.reason, s.evaluatedAt];
}
export const FRESHNESS_COLUMNS = "asset_key, state, since, stale_since, fresh_until, warn_at, partition_key, reason, evaluated_at";
