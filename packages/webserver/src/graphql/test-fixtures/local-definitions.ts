/**
 * An in-process `DefinitionsProvider` for one definitions file: imports it (run-worker's
 * `loadDefinitions`), turns it into a protocol snapshot and serves the same views a `Workspace`
 * does. For tests and single-process setups; production and `flyt dev` use the Workspace, whose
 * code servers keep user code out of the platform's process.
 */
import { coerceError, serializeError } from "@flyt/core";
import { buildSnapshot } from "@flyt/code-location-server";
import { loadDefinitions } from "@flyt/run-worker";
import { mergeSnapshots } from "@flyt/workspace";
import type { DefinitionsProvider, LocationEntry, MergedGraphView } from "../context.js";

export class LocalDefinitions implements DefinitionsProvider {
  private entry: LocationEntry;
  private merged: MergedGraphView | null = null;

  private constructor(
    readonly name: string,
    readonly file: string,
  ) {
    this.entry = { name, status: "LOADING", source: file, error: null, snapshot: null, loadedAt: null, updatedAt: Date.now() };
  }

  /** Loads the file; a load failure leaves the location in ERROR (it never throws for user code). */
  static async load(name: string, file: string): Promise<LocalDefinitions> {
    const local = new LocalDefinitions(name, file);
    await local.reload(name);
    return local;
  }

  list(): LocationEntry[] {
    return [{ ...this.entry }];
  }

  graph(): MergedGraphView {
    this.merged ??= mergeSnapshots(this.entry.snapshot ? [this.entry.snapshot] : []);
    return this.merged;
  }

  async reload(name: string): Promise<LocationEntry> {
    if (name !== this.name) throw new Error(`No code location ${JSON.stringify(name)}; this server has only ${this.name}`);
    try {
      const definitions = await loadDefinitions(this.file);
      this.entry = { ...this.entry, status: "LOADED", error: null, snapshot: buildSnapshot(definitions, this.name), loadedAt: Date.now(), updatedAt: Date.now() };
    } catch (error) {
      this.entry = { ...this.entry, status: "ERROR", error: serializeError(coerceError(error)), updatedAt: Date.now() };
    }
    this.merged = null;
    return { ...this.entry };
  }
}
