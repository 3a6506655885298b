/**
 * Where the Atlas ingests read from: the switch `ATLAS_SOURCE=fixtures|live`. The same ingest
 * code asks this module for "SSB table 07221 with this query" or "the MET forecast for Bergen";
 * in `fixtures` mode (the default) it reads the recorded responses shipped with the example
 * (`examples/atlas/fixtures`, see its README for their sources), in `live` mode it calls the real APIs (SSB PxWebApi v0, MET locationforecast 2.0,
 * MET Frost observations with the client id in ATLAS_FROST_CLIENT_ID).
 */
import { readFile } from "node:fs/promises";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { InvalidConfigError } from "@flyt/core";
import { SourceFetchError } from "./errors.js";
import type { ForecastLocation } from "./met.js";
import type { PxQuery } from "./ssb.js";

export type SourceMode = "fixtures" | "live";

export type FetchFn = (input: string, init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal }) => Promise<Response>;

export interface SourcesConfig {
  mode: SourceMode;
  /** Root of the recorded responses (holds `ssb/`, `met/`). */
  fixturesDir: string;
  /** Sent to MET (required by its terms) and SSB. */
  userAgent: string;
  /** Frost's client id (HTTP basic auth user), needed for Frost in live mode only. */
  frostClientId?: string;
  /** Injected in tests; the global fetch otherwise. */
  fetch?: FetchFn;
}

/** A source response: the parsed JSON body and where it came from. */
export interface SourceResponse {
  body: unknown;
  /** The public URL the data is (or would be) fetched from. */
  url: string;
  /** The fixture file read, in fixtures mode. */
  fixture: string | null;
}

export const SSB_API = "https://data.ssb.no/api/v0/no/table";
export const MET_API = "https://api.met.no/weatherapi/locationforecast/2.0/compact";
export const FROST_API = "https://frost.met.no/observations/v0.jsonld";
/** SSB's release calendar (RSS with the `ssbrss` namespace). */
export const SSB_RELEASE_CALENDAR_URL = "https://www.ssb.no/rss/statkal";
/** No public sample of the calendar exists: fixtures mode reads this synthetic feed, shipped with the example. */
export const RELEASE_CALENDAR_FIXTURE = "fixtures/ssb_statkal_rss_synthetic.xml";

/** Fixture files by source, relative to the fixtures root. */
const SSB_FIXTURES: Record<string, string> = { "07221": "ssb/ssb_v0_table07221_post_jsonstat2_response.json" };
const MET_FIXTURES: Record<string, string> = { bergen: "met/met_locationforecast2_compact_bergen_2023-09-17.json" };
/** Recorded Frost observations by `<station>/<UTC date>`: the fixtures cover one day. */
export const FROST_FIXTURES: Record<string, string> = { "SN50540/2022-04-01": "met/frost_observations_v0_SN50540_2022-04-01.json" };
/** The query body Atlas sends for table 07221, recorded with the response. */
export const SSB_QUERY_FIXTURES: Record<string, string> = { "07221": "ssb/ssb_v0_table07221_post_query.json" };

export function ssbTableUrl(tableId: string): string {
  if (!/^\d{5}$/.test(tableId)) throw new RangeError(`SSB table id ${JSON.stringify(tableId)} is not five digits`);
  return `${SSB_API}/${tableId}/`;
}

export function metForecastUrl(location: ForecastLocation): string {
  const params = new URLSearchParams({ lat: location.lat.toFixed(4), lon: location.lon.toFixed(4) });
  if (location.altitude !== undefined) params.set("altitude", String(Math.round(location.altitude)));
  return `${MET_API}?${params.toString()}`;
}

/** Frost's URL for one UTC day of a station's hourly observations. */
export function frostObservationsUrl(stationId: string, date: string, elements: readonly string[]): string {
  if (!/^SN\d{1,6}$/.test(stationId)) throw new RangeError(`Frost station id ${JSON.stringify(stationId)} is not like SN50540`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new RangeError(`Frost date ${JSON.stringify(date)} is not yyyy-MM-dd`);
  const next = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const params = new URLSearchParams({ sources: stationId, referencetime: `${date}/${next}`, elements: elements.join(",") });
  return `${FROST_API}?${params.toString()}`;
}

/** Walks up from this module to the folder holding a package.json named `name`. */
function findPackageDir(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, "utf8")) as { name?: unknown }).name === name) return dir;
      } catch {
        // an unreadable package.json is not the one we look for
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Could not find the ${name} package above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** The example's folder (`examples/atlas`), wherever this module runs from (source or dist). */
export function exampleDir(): string {
  return findPackageDir("@flyt/example-atlas");
}

/** `examples/atlas/fixtures`, the default fixtures root: shipped with the example, so a clone runs offline. */
export function defaultFixturesDir(): string {
  return join(exampleDir(), "fixtures");
}

/** Reads the switch from raw config values (env strings); empty strings mean "default". */
export function resolveSourcesConfig(raw: { mode: string; fixturesDir: string; userAgent: string; frostClientId?: string }): SourcesConfig {
  const mode = raw.mode.trim() || "fixtures";
  if (mode !== "fixtures" && mode !== "live") {
    throw new InvalidConfigError("ATLAS_SOURCE", `${JSON.stringify(raw.mode)} is not one of fixtures, live`);
  }
  const userAgent = raw.userAgent.trim();
  if (mode === "live" && !userAgent) {
    throw new InvalidConfigError("ATLAS_USER_AGENT", "is empty; MET requires an identifying User-Agent (app name and contact)");
  }
  const config: SourcesConfig = { mode, fixturesDir: raw.fixturesDir.trim() ? resolve(raw.fixturesDir) : defaultFixturesDir(), userAgent };
  if (raw.frostClientId?.trim()) config.frostClientId = raw.frostClientId.trim();
  return config;
}

export interface AtlasSources {
  readonly mode: SourceMode;
  /** The PxWebApi query body Atlas uses for a table (the recorded one). */
  ssbBaseQuery(tableId: string): Promise<unknown>;
  /** POSTs `query` to the table (live) or reads the recorded response (fixtures). */
  ssbTable(tableId: string, query: PxQuery, signal?: AbortSignal): Promise<SourceResponse>;
  /** GETs the compact forecast for a location (live) or reads the recorded one (fixtures). */
  metForecast(location: ForecastLocation, signal?: AbortSignal): Promise<SourceResponse>;
  /** GETs one UTC day of a Frost station's hourly observations (live) or reads the recorded day (fixtures). */
  frostObservations(stationId: string, date: string, elements: readonly string[], signal?: AbortSignal): Promise<SourceResponse>;
  /** GETs SSB's release calendar (live) or reads the synthetic feed (fixtures); the body is the XML text. */
  releaseCalendar(signal?: AbortSignal): Promise<SourceResponse & { body: string }>;
}

async function readJsonFile(source: string, path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new SourceFetchError(source, path, `fixture not readable (set ATLAS_FIXTURES_DIR to the fixtures root): ${(err as Error).message}`, { cause: err });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new SourceFetchError(source, path, `fixture is not JSON: ${(err as Error).message}`, { cause: err });
  }
}

async function fetchJson(fetchFn: FetchFn, source: string, url: string, init: Parameters<FetchFn>[1]): Promise<unknown> {
  let response: Response;
  try {
    response = await fetchFn(url, init);
  } catch (err) {
    if (init.signal?.aborted) throw err;
    throw new SourceFetchError(source, url, `request failed: ${(err as Error).message}`, { cause: err });
  }
  if (!response.ok) {
    const detail = (await response.text().catch(() => "")).slice(0, 300);
    throw new SourceFetchError(source, url, `HTTP ${response.status} ${response.statusText}${detail ? `: ${detail}` : ""}`);
  }
  try {
    return await response.json();
  } catch (err) {
    throw new SourceFetchError(source, url, `response is not JSON: ${(err as Error).message}`, { cause: err });
  }
}

async function fetchText(fetchFn: FetchFn, source: string, url: string, init: Parameters<FetchFn>[1]): Promise<string> {
  let response: Response;
  try {
    response = await fetchFn(url, init);
  } catch (err) {
    if (init.signal?.aborted) throw err;
    throw new SourceFetchError(source, url, `request failed: ${(err as Error).message}`, { cause: err });
  }
  if (!response.ok) throw new SourceFetchError(source, url, `HTTP ${response.status} ${response.statusText}`);
  return response.text();
}

export function createSources(config: SourcesConfig): AtlasSources {
  const fetchFn: FetchFn = config.fetch ?? ((input, init) => fetch(input, init));
  const fixture = (table: Record<string, string>, key: string, source: string): string => {
    const file = table[key];
    if (!file) throw new SourceFetchError(source, config.fixturesDir, `no fixture is recorded for ${JSON.stringify(key)} (known: ${Object.keys(table).join(", ")}); use ATLAS_SOURCE=live`);
    return join(config.fixturesDir, file);
  };
  return {
    mode: config.mode,
    async ssbBaseQuery(tableId) {
      const source = `SSB table ${tableId}`;
      return readJsonFile(source, fixture(SSB_QUERY_FIXTURES, tableId, source));
    },
    async ssbTable(tableId, query, signal) {
      const source = `SSB table ${tableId}`;
      const url = ssbTableUrl(tableId);
      if (config.mode === "fixtures") {
        const path = fixture(SSB_FIXTURES, tableId, source);
        return { body: await readJsonFile(source, path), url, fixture: path };
      }
      const body = await fetchJson(fetchFn, source, url, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json", "User-Agent": config.userAgent },
        body: JSON.stringify(query),
        signal,
      });
      return { body, url, fixture: null };
    },
    async metForecast(location, signal) {
      const source = `MET locationforecast (${location.name})`;
      const url = metForecastUrl(location);
      if (config.mode === "fixtures") {
        const path = fixture(MET_FIXTURES, location.name, source);
        return { body: await readJsonFile(source, path), url, fixture: path };
      }
      const body = await fetchJson(fetchFn, source, url, {
        method: "GET",
        headers: { Accept: "application/json", "User-Agent": config.userAgent },
        signal,
      });
      return { body, url, fixture: null };
    },
    async frostObservations(stationId, date, elements, signal) {
      const source = `MET Frost observations (${stationId})`;
      const url = frostObservationsUrl(stationId, date, elements);
      if (config.mode === "fixtures") {
        const path = fixture(FROST_FIXTURES, `${stationId}/${date}`, source);
        return { body: await readJsonFile(source, path), url, fixture: path };
      }
      if (!config.frostClientId) {
        throw new InvalidConfigError("ATLAS_FROST_CLIENT_ID", "is empty; Frost needs a client id in live mode (https://frost.met.no/auth/requestCredentials.html)");
      }
      const body = await fetchJson(fetchFn, source, url, {
        method: "GET",
        headers: {
          Accept: "application/json",
          "User-Agent": config.userAgent,
          Authorization: `Basic ${Buffer.from(`${config.frostClientId}:`).toString("base64")}`,
        },
        signal,
      });
      return { body, url, fixture: null };
    },
    async releaseCalendar(signal) {
      const source = "SSB release calendar";
      const url = SSB_RELEASE_CALENDAR_URL;
      if (config.mode === "fixtures") {
        const path = join(exampleDir(), RELEASE_CALENDAR_FIXTURE);
        try {
          return { body: await readFile(path, "utf8"), url, fixture: path };
        } catch (err) {
          throw new SourceFetchError(source, path, `fixture not readable: ${(err as Error).message}`, { cause: err });
        }
      }
      const body = await fetchText(fetchFn, source, url, {
        method: "GET",
        headers: { Accept: "application/rss+xml, application/xml", "User-Agent": config.userAgent },
        signal,
      });
      return { body, url, fixture: null };
    },
  };
}
