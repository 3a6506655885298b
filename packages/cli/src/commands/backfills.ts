/**
 * `flyt backfills list|show|cancel`: backfills as stored, read and canceled in the configured
 * storage. Per-asset progress is range-encoded over partition positions; it is shown as keys
 * ("2000…2016, 2019") through each asset's registered partitions definition.
 */
import {
  BACKFILL_STATUSES,
  BACKFILL_TAG,
  InvalidConfigError,
  PARTITION_RANGE_END_TAG,
  PARTITION_RANGE_START_TAG,
  isTerminalBackfillStatus,
  type BackfillRecord,
  type BackfillStatus,
} from "@flyt/core";
import pc from "picocolors";
import type { CommandContext } from "../context.js";
import {
  colorBackfillStatus,
  countsLine,
  describeIndexRanges,
  describePartitionSet,
  describePolicy,
  keysAtFor,
} from "../render/backfill.js";
import { colorStatus, formatDuration, formatTime, table } from "../render/format.js";

/** The storage's record, or an error naming the id (with how to list backfills). */
export async function requireBackfill(ctx: CommandContext, backfillId: string): Promise<BackfillRecord> {
  const backfill = await ctx.storage.getBackfill(backfillId);
  if (backfill === null) throw new InvalidConfigError("backfills", `no backfill with id ${JSON.stringify(backfillId)}; list them with: flyt backfills list`);
  return backfill;
}

export async function listBackfills(ctx: CommandContext, options: { status?: string[]; limit?: string; cursor?: string; json?: boolean }): Promise<number> {
  const statuses = (options.status ?? []).flatMap((s) => s.split(",")).map((s) => s.trim().toUpperCase());
  for (const status of statuses) {
    if (!(BACKFILL_STATUSES as readonly string[]).includes(status)) {
      throw new InvalidConfigError("--status", `unknown backfill status ${JSON.stringify(status)}; use one of ${BACKFILL_STATUSES.join(", ")}`);
    }
  }
  const limit = options.limit === undefined ? 20 : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new InvalidConfigError("--limit", `expected an integer from 1 to 1000, got ${JSON.stringify(options.limit)}`);
  }
  const page = await ctx.storage.listBackfills(statuses.length > 0 ? { statuses: statuses as BackfillStatus[] } : {}, { limit, cursor: options.cursor ?? null });
  if (options.json) {
    ctx.out(JSON.stringify({ backfills: page.items, nextCursor: page.nextCursor }, null, 2));
    return 0;
  }
  if (page.items.length === 0) {
    ctx.out("No backfills yet. Start one with: flyt backfill -f <definitions.ts> --select <selection> --from <key> --to <key>");
    return 0;
  }
  ctx.out(
    table(
      ["BACKFILL ID", "STATUS", "SELECTION", "PARTITIONS", "PROGRESS", "CREATED", "DURATION"],
      page.items.map((b) => [
        b.backfillId,
        colorBackfillStatus(b.status),
        truncate(b.request.selection, 30),
        truncate(describePartitionSet(b.request), 24),
        b.status === "REQUESTED" ? "-" : countsLine(b.counts),
        formatTime(b.createdAt),
        formatDuration((b.endedAt ?? Date.now()) - b.createdAt),
      ]),
    ),
  );
  if (page.nextCursor) ctx.out(pc.dim(`More: flyt backfills list --cursor ${page.nextCursor}`));
  return 0;
}

/** The per-asset sets a `show` prints, in order, with the label and color of each. */
const PROGRESS_SETS = [
  ["materialized", pc.green],
  ["failed", pc.red],
  ["skipped", pc.yellow],
  ["canceled", pc.yellow],
] as const;

export async function showBackfill(ctx: CommandContext, backfillId: string, options: { json?: boolean }): Promise<number> {
  const backfill = await requireBackfill(ctx, backfillId);
  const runs = await ctx.storage.listRuns({ tags: { [BACKFILL_TAG]: backfill.backfillId } }, { limit: 1000 });
  if (options.json) {
    ctx.out(JSON.stringify({ backfill, runs: runs.items.map((r) => ({ runId: r.runId, status: r.status, assetKeys: r.assetKeys, partitionKey: r.partitionKey, tags: r.tags, createdAt: r.createdAt, endedAt: r.endedAt })) }, null, 2));
    return 0;
  }
  const o = ctx.out;
  const { request } = backfill;
  o(`${pc.bold("Backfill")} ${backfill.backfillId}  ${colorBackfillStatus(backfill.status)}`);
  o(`  selection   ${request.selection}`);
  o(`  partitions  ${describePartitionSet(request)}`);
  o(`  policy      ${describePolicy(request)}${request.maxConcurrentRuns ? `, at most ${request.maxConcurrentRuns} runs at once` : ""}`);
  const userTags = Object.entries(request.tags ?? {});
  if (userTags.length > 0) o(`  tags        ${userTags.map(([k, v]) => `${k}=${v}`).join(" ")}`);
  if (request.requestedBy) o(`  requested   by ${request.requestedBy}`);
  o(`  created     ${formatTime(backfill.createdAt)}   ended ${formatTime(backfill.endedAt)}   took ${formatDuration((backfill.endedAt ?? Date.now()) - backfill.createdAt)}`);
  if (backfill.status !== "REQUESTED") o(`  targets     ${countsLine(backfill.counts)}`);
  if (backfill.error) o(pc.red(`  error       ${backfill.error}`));

  if (backfill.progress.length > 0) {
    o("");
    o(pc.bold("Assets"));
    for (const asset of backfill.progress) {
      const status = asset.partitions === "partitioned" ? await ctx.storage.getPartitionStatus(asset.assetKey) : null;
      const keysAt = keysAtFor(ctx.storage, status?.partitions ?? null);
      o(`  ${pc.bold(asset.assetKey)}`);
      o(`    ${pc.dim("targets".padEnd(13))}${await describeIndexRanges(asset.targets, keysAt)}`);
      for (const [field, color] of PROGRESS_SETS) {
        if (asset[field] === "") continue;
        o(`    ${color(field.padEnd(13))}${await describeIndexRanges(asset[field], keysAt)}`);
      }
    }
  }
  if (runs.items.length > 0) {
    o("");
    o(pc.bold(`Runs (${runs.items.length}${runs.nextCursor ? "+" : ""})`));
    o(
      table(
        ["RUN ID", "STATUS", "ASSETS", "PARTITIONS", "DURATION"],
        runs.items.map((r) => [
          r.runId,
          colorStatus(r.status),
          truncate(r.assetKeys.join(", "), 40),
          runPartitions(r),
          formatDuration(r.startedAt && r.endedAt ? r.endedAt - r.startedAt : null),
        ]),
      ),
    );
  }
  return 0;
}

/** A run's partition, or its range ("2000…2004") from the range tags. */
function runPartitions(run: { partitionKey: string | null; tags: Record<string, string> }): string {
  const start = run.tags[PARTITION_RANGE_START_TAG];
  const end = run.tags[PARTITION_RANGE_END_TAG];
  if (start !== undefined && end !== undefined) return start === end ? start : `${start}…${end}`;
  return run.partitionKey ?? "-";
}

export async function cancelBackfill(ctx: CommandContext, backfillId: string, options: { json?: boolean }): Promise<number> {
  const before = await requireBackfill(ctx, backfillId);
  if (isTerminalBackfillStatus(before.status)) {
    if (options.json) ctx.out(JSON.stringify(before, null, 2));
    else ctx.out(`Backfill ${backfillId} already ended (${colorBackfillStatus(before.status)}); nothing to cancel`);
    return 0;
  }
  const after = (await ctx.storage.requestBackfillCancel(backfillId)) ?? before;
  if (options.json) ctx.out(JSON.stringify(after, null, 2));
  else {
    ctx.out(
      after.status === "CANCELING"
        ? `Backfill ${backfillId} is CANCELING: the daemon launches nothing more, cancels its runs in progress, then marks it CANCELED`
        : `Backfill ${backfillId} is ${colorBackfillStatus(after.status)}`,
    );
  }
  return 0;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
