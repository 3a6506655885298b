/**
 * Keeps storage's copy of what it must know about each loaded asset in step with the code
 * locations, for two kinds of registration:
 * - partitions definitions (`putPartitionsDefinitions`, decision 0021): storage places a
 *   materialized partition key in the asset's status bitmaps by the definition it was last given;
 * - dependencies and code version (`putAssetDefinitions`, decision 0022): storage records each
 *   materialization's provenance (input data versions) and derives its data version by them.
 * The workspace hands storage every entry that changed whenever a location's snapshot changes —
 * the first load of each asset included, so an asset changed while the platform was down is
 * registered anew. Registration is best effort: a storage error is logged and retried on the next
 * change or poll, and never fails a location's load.
 */
import type { AssetNodeSnapshot, PartitionsSnapshot } from "@flyt/core";
import type { AssetDefinitionEntry, PartitionsDefinitionEntry, Storage } from "@flyt/storage";
import type { MergedGraph } from "./merged-graph.js";

/** What registration needs of storage (tests pass a recorder). */
export type DefinitionsSink = Pick<Storage, "putPartitionsDefinitions" | "putAssetDefinitions">;

/** Entries per storage call: a location of 10,000 assets is a few calls, not one huge statement. */
const BATCH = 1_000;

/** One kind of registration: what to send for an asset (with a printed form to compare), and how. */
export interface RegistrationKind<Entry> {
  /** In log lines: "partitions definitions", "asset definitions". */
  what: string;
  /** The entry for one asset and its printed form; an asset whose printed form storage already has is not sent. */
  entryOf(asset: AssetNodeSnapshot): { entry: Entry; printed: string };
  put(entries: Entry[]): Promise<void>;
}

/** Partitions definitions (decision 0021); a big static key list is printed once per snapshot object. */
export function partitionsRegistration(sink: Pick<Storage, "putPartitionsDefinitions">): RegistrationKind<PartitionsDefinitionEntry> {
  const printed = new WeakMap<PartitionsSnapshot, string>();
  const print = (partitions: PartitionsSnapshot | null): string => {
    if (partitions === null) return "null";
    let json = printed.get(partitions);
    if (json === undefined) {
      json = JSON.stringify(partitions);
      printed.set(partitions, json);
    }
    return json;
  };
  return {
    what: "partitions definitions",
    entryOf: (asset) => ({ entry: { assetKey: asset.key, partitions: asset.partitions }, printed: print(asset.partitions) }),
    put: (entries) => sink.putPartitionsDefinitions(entries),
  };
}

/**
 * Dependencies and code version (decision 0022). An asset reading its own earlier partitions lists
 * itself among its deps; storage's provenance is about other assets, so it is left out.
 */
export function assetDefinitionsRegistration(sink: Pick<Storage, "putAssetDefinitions">): RegistrationKind<AssetDefinitionEntry> {
  return {
    what: "asset definitions",
    entryOf: (asset) => {
      const deps = asset.deps.filter((dep) => dep !== asset.key);
      return { entry: { assetKey: asset.key, deps, codeVersion: asset.codeVersion }, printed: JSON.stringify([asset.codeVersion, deps]) };
    },
    put: (entries) => sink.putAssetDefinitions(entries),
  };
}

export class DefinitionsRegistry<Entry> {
  /** Asset key → the printed entry storage has. */
  private readonly registered = new Map<string, string>();
  private running: Promise<void> | null = null;
  private again = false;
  /** True while the last attempt failed: the workspace's poll tries again. */
  failed = false;

  constructor(
    private readonly kind: RegistrationKind<Entry>,
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

  /** The entries storage lacks: those that differ from what it was last given. */
  changes(merged: MergedGraph): Array<{ key: string; entry: Entry; printed: string }> {
    const out: Array<{ key: string; entry: Entry; printed: string }> = [];
    for (const asset of merged.assets.values()) {
      const { entry, printed } = this.kind.entryOf(asset);
      if (this.registered.get(asset.key) !== printed) out.push({ key: asset.key, entry, printed });
    }
    return out;
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      const changes = this.changes(this.graph());
      try {
        for (let i = 0; i < changes.length; i += BATCH) {
          const batch = changes.slice(i, i + BATCH);
          await this.kind.put(batch.map((c) => c.entry));
          for (const change of batch) this.registered.set(change.key, change.printed);
        }
        if (this.failed) this.log({ level: "info", msg: `${this.kind.what} registered after an earlier failure` });
        this.failed = false;
      } catch (error) {
        // What storage derives from these (partition status, data versions) stays as it was for
        // the changed assets until the next attempt; the locations themselves load and serve as usual.
        if (!this.failed) {
          this.log({ level: "warn", msg: `could not register ${this.kind.what} in storage; retrying on the next poll`, assets: changes.length, error: error instanceof Error ? error.message : String(error) });
        }
        this.failed = true;
        return;
      }
    } while (this.again);
  }
}
