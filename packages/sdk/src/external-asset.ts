/**
 * `externalAsset(key)`: a dependency on an asset that another code location defines. The
 * definitions of this location accept it as a dep without defining it; the snapshot lists it
 * under `externalAssets`, and the platform joins it to the owning location's asset, so lineage
 * spans locations. Selecting and running it stays with its own location.
 *
 * `upstreamAsset(key)` is the same dependency for code that cannot know which location defines
 * the key (an integration that maps dbt sources to asset keys): a local dependency when this
 * location defines it, an external one otherwise.
 */
import { InvalidAssetKeyError, InvalidDefinitionsError, normalizeAssetKey } from "@flyt/core";
import type { ExternalAssetRef } from "./types.js";

const LOCATION_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/**
 * Declares a dependency on an asset of another code location.
 * @param key the upstream asset's key (`"atlas/ssb/population"` or an array)
 * @param options.location the owning location's name, when you want the platform to check it
 * @throws InvalidDefinitionsError for a malformed key or location name.
 * @example
 * const forecast = externalAsset("atlas/met/bergen_forecast", { location: "atlas" });
 * export const umbrellaIndex = asset({ key: "weather/umbrella_index", deps: [forecast], compute: () => ({}) });
 */
export function externalAsset(key: string | readonly string[], options: { location?: string } = {}): ExternalAssetRef {
  return externalRef("externalAsset", key, options, false);
}

/**
 * Declares a dependency on an asset that this location or another one defines: resolved when the
 * definitions are assembled (`defineDefinitions`).
 * @throws InvalidDefinitionsError for a malformed key or location name.
 * @example
 * // A dbt source's upstream: the ingest asset, wherever it is defined.
 * const raw = upstreamAsset(["atlas", "ssb", "house_price_index_raw"]);
 */
export function upstreamAsset(key: string | readonly string[], options: { location?: string } = {}): ExternalAssetRef {
  return externalRef("upstreamAsset", key, options, true);
}

function externalRef(what: string, key: string | readonly string[], options: { location?: string }, localIfDefined: boolean): ExternalAssetRef {
  let printed: string;
  try {
    printed = normalizeAssetKey(key);
  } catch (error) {
    if (error instanceof InvalidAssetKeyError) {
      throw new InvalidDefinitionsError([{ subject: `${what}(${JSON.stringify(error.input)})`, message: error.reason }]);
    }
    throw error;
  }
  const refused = refusedOption(options);
  if (refused !== null) throw new InvalidDefinitionsError([{ subject: `${what}(${JSON.stringify(printed)})`, message: refused }]);
  const location = options.location ?? null;
  if (location !== null && (typeof location !== "string" || !LOCATION_NAME.test(location))) {
    throw new InvalidDefinitionsError([
      { subject: `${what}(${JSON.stringify(printed)})`, message: `location ${JSON.stringify(location)} must be a location name (letters, digits, '_', '-', '.')` },
    ]);
  }
  return Object.freeze({ kind: "external-asset" as const, key: printed, location, ...(localIfDefined ? { localIfDefined: true } : {}) });
}

/**
 * Options an external dependency cannot take. The owning location materializes the asset, so
 * automation belongs on its definition there; a condition here would be silently dropped.
 */
function refusedOption(options: unknown): string | null {
  if (typeof options !== "object" || options === null) return "options must be an object like { location }";
  for (const key of Object.keys(options)) {
    if (key === "location") continue;
    if (key === "automationCondition") {
      return "automationCondition is not allowed on an external asset: its own location materializes it, so declare the condition on the asset() there";
    }
    return `unknown option ${JSON.stringify(key)} (the only option is location)`;
  }
  return null;
}

export function isExternalAssetRef(value: unknown): value is ExternalAssetRef {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "external-asset" && typeof (value as { key?: unknown }).key === "string";
}

/** The external refs among a spec's deps, once each. */
export function externalDepsOf(deps: readonly unknown[] | undefined): ExternalAssetRef[] {
  const out = new Map<string, ExternalAssetRef>();
  for (const dep of deps ?? []) if (isExternalAssetRef(dep) && !out.has(dep.key)) out.set(dep.key, dep);
  return [...out.values()];
}
