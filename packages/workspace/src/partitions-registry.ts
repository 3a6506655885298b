/**
 * Keeps storage's copy of each asset's partitions definition in step with the loaded code
 * locations. Storage places a materialized partition key in the asset's status bitmaps by the
 * definition it was last given (`putPartitionsDefinitions`, decision 0021), so the workspace hands
 * it every definition that changed whenever a location's snapshot changes — the first load of
 * each asset included, so an asset that stopped being partitioned while the platform was down has
 * its old status dropped. Registration is best effort: a storage error is logged and retried on the
 * next change or poll, and never fails a location's load.
 */
import type { PartitionsSnapshot } from "@flyt/core";
import type { PartitionsDefinitionEntry, Storage } from "@flyt/storage";
import type { MergedGraph } from "./merged-graph.js";

/** What registration needs of storage (tests pass a recorder). */
export type PartitionsDefinitionsSink = Pick<Storage, "putPartitionsDefinitions">;

/** Entries per `putPartitionsDefinitions` call: a location of 10,000 assets is a few calls, not one huge statement. */
const BATCH = 1_000;

export class PartitionsRegistry {
  /** Asset key → the definition storage has, as JSON ("null": unpartitioned). */
  private readonly registered = new Map<string, string>();
  /** JSON of each definition object seen (snapshots are immutable; a big static list is printed once). */
  private readonly printed = new WeakMap<PartitionsSnapshot, string>();
  private running: Promise<void> | null = null;
  private again = false;
  /** True while the last attempt failed: the workspace's poll tries again. */
  failed = false;

  constructor(
    private readonly storage: PartitionsDefinitionsSink,
    private readonly graph: () => MergedGraph,
    private readonly log: (record: Record<string, unknown>) => void,
  ) {}

  /** Registers what changed since the last successful call, in the background; calls during a run coalesce into one more. */
  request(): void {
    if (this.running !== null) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = null;
    });
  }

  /** Resolves once no registration is in progress (the last one may have failed: see `failed`). */
  async idle(): Promise<void> {
    while (this.running !== null) await this.running;
  }

  /** The entries storage lacks: definitions that differ from what it was last given. */
  changes(merged: MergedGraph): PartitionsDefinitionEntry[] {
    const out: PartitionsDefinitionEntry[] = [];
    for (const asset of merged.assets.values()) {
      const json = this.print(asset.partitions);
      if (this.registered.get(asset.key) !== json) out.push({ assetKey: asset.key, partitions: asset.partitions });
    }
    return out;
  }

  private print(partitions: PartitionsSnapshot | null): string {
    if (partitions === null) return "null";
    let json = this.printed.get(partitions);
    if (json === undefined) {
      json = JSON.stringify(partitions);
      this.printed.set(partitions, json);
    }
    return json;
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      const entries = this.changes(this.graph());
      try {
        for (let i = 0; i < entries.length; i += BATCH) {
          const batch = entries.slice(i, i + BATCH);
          await this.storage.putPartitionsDefinitions(batch);
          for (const entry of batch) this.registered.set(entry.assetKey, this.print(entry.partitions));
        }
        if (this.failed) this.log({ level: "info", msg: "partitions definitions registered after an earlier failure" });
        this.failed = false;
      } catch (error) {
        // Status bitmaps of the changed assets stay as they were until the next attempt; the
        // locations themselves are loaded and serve as usual.
        if (!this.failed) {
          this.log({ level: "warn", msg: "could not register partitions definitions in storage; retrying on the next poll", assets: entries.length, error: error instanceof Error ? error.message : String(error) });
        }
        this.failed = true;
        return;
      }
    } while (this.again);
  }
}
