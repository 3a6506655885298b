/**
 * Data versions and provenance, recorded on write (docs/decisions/0022): written once for every
 * backend as an operation (core/unit-of-work.ts) that each backend's hand-tuned `appendEvents`
 * runs inside its own transaction, after the insert and before the asset index is written, like
 * partition-ops.ts. The asset index then carries, per materialization, its code version, its
 * inputs' data versions and its data version, so staleness is computed from one read of the
 * index, never from the event log.
 */
import { createHash } from "node:crypto";
import { derivedDataVersionInput } from "@flyt/core";
import type { InsertedEvent, Provenance } from "../shared/derive.js";
import { fromJson } from "../shared/rows.js";
import type { Dialect } from "./dialect.js";
import { sql } from "./sql.js";
import { rows, type Operation } from "./unit-of-work.js";

/**
 * The data version of a materialization whose producer gave none: sha256 (hex) of core's
 * `derivedDataVersionInput`, so it changes exactly when the code version or an input changed, and
 * is the same on every backend and in every process.
 *
 * @example
 * derivedDataVersion("3", { "atlas/a": "9f2c…" }); // "5b1e…" (64 hex digits)
 */
export function derivedDataVersion(codeVersion: string | null, inputDataVersions: Readonly<Record<string, string | null>>): string {
  return sha256Hex(derivedDataVersionInput(codeVersion, inputDataVersions));
}

function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * The provenance of every materialization among `inserted` (by event id), in event order:
 * - code version: the event's, else the asset's registered one (`putAssetDefinitions`);
 * - input data versions: for each registered dependency, its current data version — an earlier
 *   materialization in this batch, else its row in asset_latest (null when it never was
 *   materialized or has none); null when the asset has no registered definition;
 * - data version: the event's (user provided), else `derivedDataVersion` of the two above.
 *
 * Costs nothing for a batch without materializations; otherwise one read of the batch's assets'
 * definitions and, when any has dependencies, one read of those dependencies' latest data
 * versions. An upstream and its downstream materialized in one batch: the downstream sees the
 * upstream's new data version.
 */
export function* provenanceOf(d: Dialect, inserted: readonly InsertedEvent[]): Operation<Map<number, Provenance>> {
  const out = new Map<number, Provenance>();
  const assets = new Set<string>();
  for (const event of inserted) if (event.body.type === "ASSET_MATERIALIZATION") assets.add(event.body.assetKey);
  if (assets.size === 0) return out;

  const definitions = new Map<string, { deps: string[]; codeVersion: string | null }>();
  const found = yield* rows<{ asset_key: string; deps: unknown; code_version: string | null }>(
    sql`SELECT asset_key, deps, code_version FROM asset_definitions WHERE ${d.inList("asset_key", [...assets])}`,
  );
  const depKeys = new Set<string>();
  for (const row of found) {
    const deps = fromJson<string[]>(row.deps);
    definitions.set(row.asset_key, { deps, codeVersion: row.code_version });
    for (const dep of deps) depKeys.add(dep);
  }
  const current = new Map<string, string | null>();
  if (depKeys.size > 0) {
    const latest = yield* rows<{ asset_key: string; data_version: string | null }>(
      sql`SELECT asset_key, data_version FROM asset_latest WHERE ${d.inList("asset_key", [...depKeys])}`,
    );
    for (const row of latest) current.set(row.asset_key, row.data_version);
  }

  const derived = new Map<string, string>();
  for (const event of inserted) {
    const body = event.body;
    if (body.type !== "ASSET_MATERIALIZATION") continue;
    const definition = definitions.get(body.assetKey);
    const codeVersion = body.codeVersion ?? definition?.codeVersion ?? null;
    // fromEntries defines properties: a dependency named "__proto__" stays a plain key.
    const inputDataVersions = definition === undefined ? null : Object.fromEntries(definition.deps.map((dep) => [dep, current.get(dep) ?? null]));
    // An empty data version says nothing about the data: it counts as none given.
    const given = typeof body.dataVersion === "string" && body.dataVersion.length > 0 ? body.dataVersion : null;
    let dataVersion = given;
    if (dataVersion === null) {
      // The partitions of one asset in one batch mostly share code and inputs: hash each input once.
      const input = derivedDataVersionInput(codeVersion, inputDataVersions ?? {});
      dataVersion = derived.get(input) ?? sha256Hex(input);
      derived.set(input, dataVersion);
    }
    out.set(event.id, { codeVersion, dataVersion, dataVersionUserProvided: given !== null, inputDataVersions });
    // Events are in id order: this is now the asset's latest materialization for later ones.
    if (depKeys.has(body.assetKey)) current.set(body.assetKey, dataVersion);
  }
  return out;
}
