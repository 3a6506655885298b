/**
 * Test helpers for the backfill loop: a launcher that executes a run's partitions the way a run
 * worker does — for each asset in order, each partition of the run (its key, or every key of its
 * range tags) — writing real ASSET_MATERIALIZATION events to real storage (so storage's partition
 * status is kept as in production), failing where told, and recording every execution with its
 * time, so a test checks order, concurrency and "exactly once" from what actually ran.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { PARTITION_RANGE_END_TAG, PARTITION_RANGE_START_TAG, type AssetGraph, type EventBody, type RunRecord } from "@flyt/core";
import type { LaunchRequest, RunHandle, RunLauncher } from "@flyt/contracts";
import { partitionKeySpace } from "@flyt/partitions";

export interface Execution {
  runId: string;
  asset: string;
  partition: string | null;
  at: number;
}

export interface PartitionLauncherOptions {
  /** Milliseconds each (asset, partition) takes. Default 1. */
  stepMs?: number;
  /** Fail the run at this (asset, partition): what came before it in the run stays materialized. */
  fails?: (asset: string, partition: string | null) => boolean;
  /** Never finish on its own: the run ends only when canceled. */
  hang?: boolean;
}

/** The partition keys of a run: its key, the keys of its range tags, or [null] for an unpartitioned run. */
export function runPartitionKeys(graph: AssetGraph, run: RunRecord, asset: string): Array<string | null> {
  const partitions = graph.get(asset)?.partitions ?? null;
  const start = run.tags[PARTITION_RANGE_START_TAG];
  const end = run.tags[PARTITION_RANGE_END_TAG];
  if (partitions === null || partitions.kind === "dynamic" || start === undefined || end === undefined) return [run.partitionKey];
  const space = partitionKeySpace(partitions);
  return space.keysBetween(space.indexOf(start), space.indexOf(end) + 1);
}

export class PartitionLauncher implements RunLauncher {
  readonly name = "partitions";
  readonly executions: Execution[] = [];
  /** Runs executing now, and the most at once. */
  running = 0;
  maxRunning = 0;
  private readonly cancels = new Map<string, () => void>();

  constructor(
    private readonly graph: AssetGraph,
    public options: PartitionLauncherOptions = {},
  ) {}

  launch(request: LaunchRequest): RunHandle {
    const { storage, run } = request;
    const event = (body: EventBody) => ({ runId: run.runId, seq: null, timestamp: Date.now(), stepKey: null, body });
    let canceled = false;
    const stopped = new Promise<void>((resolve) => this.cancels.set(run.runId, resolve));
    this.running += 1;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    // Stops counting as running before its end is written: once storage says it ended, the daemon
    // may launch the next run at once, and a count still holding this one would see one too many.
    let counted = true;
    const stopCounting = (): void => {
      if (counted) this.running -= 1;
      counted = false;
    };
    const done = (async () => {
      try {
        await storage.appendEvents([event({ type: "RUN_STARTED" })]);
        if (this.options.hang) {
          await stopped;
          canceled = true;
        }
        for (const asset of run.assetKeys) {
          for (const partition of runPartitionKeys(this.graph, run, asset)) {
            if (canceled) break;
            await Promise.race([sleep(this.options.stepMs ?? 1), stopped.then(() => (canceled = true))]);
            if (canceled) break;
            this.executions.push({ runId: run.runId, asset, partition, at: Date.now() });
            if (this.options.fails?.(asset, partition)) {
              stopCounting();
              await storage.appendEvents([event({ type: "RUN_FAILURE", message: `${asset} ${partition ?? ""} failed (test)` })]);
              return (await storage.getRun(run.runId))!;
            }
            await storage.appendEvents([event({ type: "ASSET_MATERIALIZATION", assetKey: asset, partition, metadata: {} })]);
          }
        }
        stopCounting();
        await storage.appendEvents([event(canceled ? { type: "RUN_CANCELED", message: "canceled (test)" } : { type: "RUN_SUCCESS" })]);
        return (await storage.getRun(run.runId))!;
      } finally {
        stopCounting();
        this.cancels.delete(run.runId);
      }
    })();
    return {
      runId: run.runId,
      done,
      cancel: () => {
        this.cancels.get(run.runId)?.();
        return Promise.resolve();
      },
    };
  }
}
