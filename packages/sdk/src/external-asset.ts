/**
 * `externalAsset(key)`: a dependency on an asset that another code location defines. The
 * definitions of this location accept it as a dep without defining it; the snapshot lists it
 * under `externalAssets`, and the platform joins it to the owning location's asset, so lineage
 * spans locations. Selecting and running it stays with its own location.
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
  let printed: string;
  try {
    printed = normalizeAssetKey(key);
  } catch (error) {
    if (error instanceof InvalidAssetKeyError) {
      throw new InvalidDefinitionsError([{ subject: `externalAsset(${JSON.stringify(error.input)})`, message: error.reason }]);
    }
    throw error;
  }
  const location = options.location ?? null;
  if (location !== null && (typeof location !== "string" || !LOCATION_NAME.test(location))) {
    throw new InvalidDefinitionsError([
      { subject: `externalAsset(${JSON.stringify(printed)})`, message: `location ${JSON.stringify(location)} must be a location name (letters, digits, '_', '-', '.')` },
    ]);
  }
  return Object.freeze({ kind: "external-asset" as const, key: printed, location });
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
