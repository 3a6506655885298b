/**
 * Validation and row mapping for partitions definitions, dynamic partitions and backfills, shared
 * by both backends, so a bad input fails the same way everywhere with a message naming the culprit.
 */
import { createHash, randomUUID } from "node:crypto";
import { z } from "zod";
import {
  BACKFILL_STATUSES,
  type BackfillAssetProgress,
  type BackfillCounts,
  type BackfillRecord,
  type BackfillRequest,
  type BackfillStatus,
  type PartitionsSnapshot,
} from "@flyt/core";
import { partitionKeyProblem, MAX_PARTITION_KEY_LENGTH } from "@flyt/partitions";
import { StorageInputError } from "../errors.js";
import type { BackfillFilter, BackfillUpdate, NewBackfill, PartitionsDefinitionEntry } from "../storage.js";
import { fromJson } from "./rows.js";

/** Longest dynamic partitions name (as the DYNAMIC_PARTITIONS_CHANGED event allows). */
export const MAX_DYNAMIC_PARTITIONS_NAME_LENGTH = 200;
/** Most keys one add or delete call may carry; a million keys go in as a hundred calls. */
export const MAX_DYNAMIC_PARTITION_KEYS_PER_CALL = 10_000;
/** Most definitions one `putPartitionsDefinitions` call may carry. */
export const MAX_DEFINITIONS_PER_CALL = 10_000;
/** A backfill request as JSON must fit in this many bytes (use a range, not a million listed keys). */
export const MAX_BACKFILL_REQUEST_BYTES = 1024 * 1024;
/** A backfill's plan, and its progress, as JSON must each fit in this many bytes. */
export const MAX_BACKFILL_PLAN_BYTES = 16 * 1024 * 1024;

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "(root)"}: ${issue.message}`)
    .join("; ");
}

function parseWith<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, value: unknown, subject: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new StorageInputError(subject, `invalid (${describeIssues(result.error)})`);
  return result.data;
}

const partitionKey = z.string().superRefine((key, ctx) => {
  const problem = partitionKeyProblem(key);
  if (problem !== null) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `partition key ${JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key)} ${problem}` });
});
const dynamicName = z.string().min(1).max(MAX_DYNAMIC_PARTITIONS_NAME_LENGTH);

// Field order here is the canonical order of a snapshot's JSON (zod outputs the shape's order), so
// the fingerprint does not depend on how the caller ordered its object's keys.
const PartitionsSnapshotSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("static"), keys: z.array(z.string().min(1).max(MAX_PARTITION_KEY_LENGTH)) }).strict(),
  z
    .object({
      kind: z.literal("time-window"),
      cadence: z.enum(["hourly", "daily", "monthly", "yearly"]),
      start: z.string().min(1).max(100),
      end: z.string().min(1).max(100).nullable(),
      timezone: z.string().min(1).max(100),
      format: z.string().min(1).max(100),
    })
    .strict(),
  z.object({ kind: z.literal("dynamic"), name: dynamicName }).strict(),
]);

export interface ValidDefinition {
  assetKey: string;
  snapshot: PartitionsSnapshot | null;
  /** sha256 of the snapshot's canonical JSON; null for an unpartitioned asset. */
  fingerprint: string | null;
}

/** sha256 of the canonical JSON of a validated snapshot. */
export function fingerprintOf(snapshot: PartitionsSnapshot): string {
  return createHash("sha256").update(JSON.stringify(snapshot)).digest("hex");
}

/** Validates `putPartitionsDefinitions` entries; the last entry of an asset listed twice wins. */
export function validateDefinitionEntries(entries: PartitionsDefinitionEntry[]): ValidDefinition[] {
  if (!Array.isArray(entries)) throw new StorageInputError("partitions definitions", "must be an array of { assetKey, partitions }");
  if (entries.length > MAX_DEFINITIONS_PER_CALL) {
    throw new StorageInputError("partitions definitions", `at most ${MAX_DEFINITIONS_PER_CALL} per call, got ${entries.length}`);
  }
  const byAsset = new Map<string, ValidDefinition>();
  entries.forEach((entry, index) => {
    if (entry === null || typeof entry !== "object") throw new StorageInputError(`partitions definition #${index}`, "must be an object { assetKey, partitions }");
    const { assetKey, partitions } = entry;
    if (typeof assetKey !== "string" || assetKey.length === 0) {
      throw new StorageInputError(`partitions definition #${index}`, `assetKey must be a non-empty string, got ${JSON.stringify(assetKey) ?? String(assetKey)}`);
    }
    if (partitions === null) {
      byAsset.set(assetKey, { assetKey, snapshot: null, fingerprint: null });
      return;
    }
    const snapshot: PartitionsSnapshot = parseWith(PartitionsSnapshotSchema, partitions, `partitions definition of asset ${JSON.stringify(assetKey)}`);
    byAsset.set(assetKey, { assetKey, snapshot, fingerprint: fingerprintOf(snapshot) });
  });
  return [...byAsset.values()];
}

/** Parses a stored snapshot column (JSON text on SQLite, JSONB on PostgreSQL). */
export function snapshotFromColumn(value: unknown): PartitionsSnapshot {
  return fromJson<PartitionsSnapshot>(value);
}

export function validateDynamicName(name: unknown): string {
  return parseWith(dynamicName, name, "dynamic partitions name");
}

/** Validates keys to add or delete; duplicates are dropped, the first occurrence keeps its place. */
export function validateDynamicKeys(name: string, keys: unknown): string[] {
  const subject = `keys of dynamic partitions ${JSON.stringify(name)}`;
  if (!Array.isArray(keys)) throw new StorageInputError(subject, "must be an array of partition keys");
  if (keys.length > MAX_DYNAMIC_PARTITION_KEYS_PER_CALL) {
    throw new StorageInputError(subject, `at most ${MAX_DYNAMIC_PARTITION_KEYS_PER_CALL} per call, got ${keys.length}: add or delete them in batches`);
  }
  const seen = new Set<string>();
  keys.forEach((key: unknown, index) => {
    const problem = partitionKeyProblem(key);
    if (problem !== null) throw new StorageInputError(`${subject} #${index}`, `${JSON.stringify(key) ?? String(key)} ${problem}`);
    seen.add(key as string);
  });
  return [...seen];
}

/** Validates a list of positions (non-negative safe integers); returns them sorted and distinct. */
export function validatePositions(positions: unknown, subject: string): number[] {
  if (!Array.isArray(positions)) throw new StorageInputError(subject, "must be an array of non-negative integers");
  if (positions.length > MAX_DYNAMIC_PARTITION_KEYS_PER_CALL) {
    throw new StorageInputError(subject, `at most ${MAX_DYNAMIC_PARTITION_KEYS_PER_CALL} per call, got ${positions.length}`);
  }
  for (const p of positions) {
    if (typeof p !== "number" || !Number.isSafeInteger(p) || p < 0) throw new StorageInputError(subject, `must be non-negative integers, got ${String(p)}`);
  }
  return [...new Set(positions as number[])].sort((a, b) => a - b);
}

// Backfills ------------------------------------------------------------------------------

const BACKFILL_STATUS_SET = new Set<string>(BACKFILL_STATUSES);
const nonEmpty = z.string().min(1);

const BackfillPartitionSetSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("range"), from: partitionKey, to: partitionKey }).strict(),
  z.object({ kind: z.literal("keys"), keys: z.array(partitionKey).min(1) }).strict(),
  z.object({ kind: z.literal("all") }).strict(),
  z.object({ kind: z.literal("missing") }).strict(),
  z.object({ kind: z.literal("failed"), backfillId: nonEmpty.max(200).optional() }).strict(),
]);

const BackfillPolicySchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("multi-run"), maxPartitionsPerRun: z.number().int().min(1).max(1_000_000) }).strict(),
  z.object({ kind: z.literal("single-run") }).strict(),
]);

const BackfillRequestSchema = z
  .object({
    selection: z.string().min(1).max(10_000),
    partitions: BackfillPartitionSetSchema,
    policy: BackfillPolicySchema.nullable().optional(),
    tags: z
      .record(z.string().min(1).max(200), z.string().max(10_000))
      .refine((tags) => !Object.keys(tags).some((key) => key.startsWith("flyt/")), {
        message: "tag keys under flyt/ are reserved for the platform",
      })
      .optional(),
    maxConcurrentRuns: z.number().int().min(1).max(100_000).nullable().optional(),
    requestedBy: z.string().max(200).nullable().optional(),
  })
  .strict();

function jsonBytes(value: unknown, subject: string): number {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new StorageInputError(subject, `must be JSON-serializable (${(error as Error).message})`);
  }
  if (text === undefined) throw new StorageInputError(subject, "must be JSON-serializable");
  return Buffer.byteLength(text);
}

export interface ValidNewBackfill {
  backfillId: string;
  request: BackfillRequest;
}

export function validateNewBackfill(input: NewBackfill): ValidNewBackfill {
  if (input === null || typeof input !== "object") throw new StorageInputError("backfill", "must be an object { backfillId?, request }");
  const backfillId = input.backfillId ?? randomUUID();
  if (typeof backfillId !== "string" || backfillId.length === 0 || backfillId.length > 200) {
    throw new StorageInputError("backfill id", `must be a string of 1 to 200 characters, got ${JSON.stringify(backfillId) ?? String(backfillId)}`);
  }
  const subject = `request of backfill ${JSON.stringify(backfillId)}`;
  const bytes = jsonBytes(input.request, subject);
  if (bytes > MAX_BACKFILL_REQUEST_BYTES) {
    throw new StorageInputError(subject, `is ${bytes} bytes as JSON, more than ${MAX_BACKFILL_REQUEST_BYTES}: ask for a range of partitions rather than listing them`);
  }
  const request: BackfillRequest = parseWith(BackfillRequestSchema, input.request, subject);
  return { backfillId, request };
}

const ranges = z.string().regex(/^(?:\d+(?:-\d+)?(?:,\d+(?:-\d+)?)*)?$/, "must be encoded ranges like 0-24,30");
const count = z.number().int().nonnegative();

const BackfillCountsSchema = z
  .object({ total: count, requested: count, queued: count, inProgress: count, materialized: count, failed: count, skipped: count, canceled: count })
  .strict();

const BackfillProgressSchema = z.array(
  z
    .object({
      assetKey: nonEmpty,
      partitions: z.enum(["partitioned", "unpartitioned"]),
      targets: ranges,
      launched: ranges,
      materialized: ranges,
      failed: ranges,
      skipped: ranges,
      canceled: ranges,
    })
    .strict(),
);

const BackfillUpdateSchema = z
  .object({
    status: z.enum(BACKFILL_STATUSES).optional(),
    // An object or array (opaque to storage); a bare string would not round-trip through JSONB.
    plan: z.union([z.record(z.unknown()), z.array(z.unknown())]).nullable().optional(),
    progress: BackfillProgressSchema.optional(),
    counts: BackfillCountsSchema.optional(),
    error: z.string().max(100_000).nullable().optional(),
    endedAt: z.number().int().nonnegative().nullable().optional(),
  })
  .strict();

export function validateBackfillUpdate(backfillId: string, update: BackfillUpdate): BackfillUpdate {
  const subject = `update of backfill ${JSON.stringify(backfillId)}`;
  const valid = parseWith(BackfillUpdateSchema, update, subject) as BackfillUpdate;
  for (const field of ["plan", "progress"] as const) {
    if (valid[field] === undefined) continue;
    const bytes = jsonBytes(valid[field], `${field} of ${subject}`);
    if (bytes > MAX_BACKFILL_PLAN_BYTES) throw new StorageInputError(`${field} of ${subject}`, `is ${bytes} bytes as JSON, more than ${MAX_BACKFILL_PLAN_BYTES}`);
  }
  return valid;
}

export function validateBackfillFilter(filter: BackfillFilter | undefined): BackfillFilter {
  return parseWith(z.object({ statuses: z.array(z.enum(BACKFILL_STATUSES)).optional() }).strict(), filter ?? {}, "backfill filter");
}

export function emptyBackfillCounts(): BackfillCounts {
  return { total: 0, requested: 0, queued: 0, inProgress: 0, materialized: 0, failed: 0, skipped: 0, canceled: 0 };
}

export interface BackfillRow {
  id: number | string;
  backfill_id: string;
  status: string;
  request: unknown;
  plan: unknown;
  progress: unknown;
  counts: unknown;
  error: string | null;
  created_at: number | string;
  updated_at: number | string;
  ended_at: number | string | null;
}

export function backfillFromRow(row: BackfillRow): BackfillRecord {
  if (!BACKFILL_STATUS_SET.has(row.status)) throw new StorageInputError(`backfill ${JSON.stringify(row.backfill_id)}`, `has an unknown stored status ${JSON.stringify(row.status)}`);
  return {
    backfillId: row.backfill_id,
    status: row.status as BackfillStatus,
    request: fromJson<BackfillRequest>(row.request),
    plan: row.plan === null ? null : fromJson<unknown>(row.plan),
    progress: fromJson<BackfillAssetProgress[]>(row.progress),
    counts: fromJson<BackfillCounts>(row.counts),
    error: row.error,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    endedAt: row.ended_at === null ? null : Number(row.ended_at),
  };
}
