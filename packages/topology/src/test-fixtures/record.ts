/**
 * How the topology fixtures prove what ran: every compute appends one JSON line
 * `{ pid, runId, asset, partition, at }` to the file named by FLYT_TOPOLOGY_EXECUTIONS, so a drill counts
 * EXECUTIONS (a run executed twice by two launchers shows two lines with two pids) rather than
 * trusting the run's status. Appends of one short line with O_APPEND do not interleave.
 */
import { appendFileSync } from "node:fs";

export const EXECUTIONS_ENV = "FLYT_TOPOLOGY_EXECUTIONS";

export interface ExecutionLine {
  pid: number;
  runId: string;
  asset: string;
  /** The partition computed (absent or null: an unpartitioned asset). */
  partition?: string | null;
  at: number;
}

export function recordExecution(ctx: { runId: string; assetKey: string; partitionKey?: string | null }): void {
  const file = process.env[EXECUTIONS_ENV];
  if (!file) return;
  const line: ExecutionLine = { pid: process.pid, runId: ctx.runId, asset: ctx.assetKey, partition: ctx.partitionKey ?? null, at: Date.now() };
  appendFileSync(file, `${JSON.stringify(line)}\n`);
}

/** Integer from the environment, for knobs the drills set on a code server (inherited by its workers). */
export function envInt(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}
