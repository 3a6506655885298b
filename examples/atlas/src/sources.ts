/**
 * Where the Atlas ingests read from: the switch `ATLAS_SOURCE=fixtures|live`. The same ingest
 * code asks this module for "SSB table 07221 with this query" or "the MET forecast for Bergen";
 * in `fixtures` mode (the default) it reads the recorded responses shipped with the example
 * (`examples/atlas/fixtures`, see its README for their sources), in `live` mode it calls the real
 * APIs: SSB PxWebApi v0 and v2, MET locationforecast 2.0 (with the caching headers its terms
 * require), MET Frost observations and stations (with the client id in ATLAS_FROST_CLIENT_ID),
 * Brønnøysund's Enhetsregisteret. Nothing outside the repository is read in fixtures mode.
 */
import { readFile } from "node:fs/promises";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { InvalidConfigError } from "@flyt/core";
import { SourceFetchError } from "./errors.js";
import { brregEntityUrl, decodeRecordedEscapes, isSearchUrl } from "./brreg.js";
import { parseHttpDate, parseRecordedResponse, readCacheHeaders, type CacheHeaders, type ForecastLocation } from "./met.js";
import type { PxQuery } from "./ssb.js";
import { SSB_V2_API } from "./ssb-05300.js";

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

/**
 * A forecast answer: 200 with the body, or 304 (not modified since `If-Modified-Since`) with none;
 * and the caching headers to honour next time.
 */
export interface ForecastResponse extends SourceResponse {
  status: 200 | 304;
  cache: CacheHeaders;
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
/** No public sample of the calendar exists: fixtures mode reads this synthetic feed (relative to the fixtures root), shipped with the example. */
export const RELEASE_CALENDAR_FIXTURE = "ssb_statkal_rss_synthetic.xml";

export const FROST_SOURCES_API = "https://frost.met.no/sources/v0.jsonld";

/** Fixture files by source, relative to the fixtures root. */
const SSB_FIXTURES: Record<string, string> = {
  "07221": "ssb/ssb_v0_table07221_post_jsonstat2_response.json",
  "13861": "ssb/ssb_v0_table13861_post_jsonstat2_response.json",
};
/** PxWebApi v0 table metadata (`GET /api/v0/no/table/<id>/`). */
const SSB_METADATA_FIXTURES: Record<string, string> = { "13861": "ssb/ssb_v0_table13861_get_metadata.json" };
/** PxWebApi v2 table info (`GET /tables/<id>`) and metadata (`GET /tables/<id>/metadata`). */
const SSB_V2_TABLE_FIXTURES: Record<string, string> = { "05300": "ssb/ssb_v2_table05300_tableinfo.json" };
const SSB_V2_METADATA_FIXTURES: Record<string, string> = { "05300": "ssb/ssb_v2_table05300_metadata_jsonstat2.json" };
/**
 * Recorded forecasts by location. The New York recording is the whole answer, `{status_code,
 * headers, data}`, so its `Expires` and `Last-Modified` are read from it; Bergen's is the body only.
 */
const MET_FIXTURES: Record<string, string> = {
  bergen: "met/met_locationforecast2_compact_bergen_2023-09-17.json",
  newyork: "met/met_locationforecast2_compact_newyork_2020-07-20_with_headers.json",
};
const MET_FIXTURES_WITH_HEADERS = new Set(["newyork"]);
/** Frost's stations nearest a forecast location (the recorded `nearest(POINT(…))` query, for Bergen). */
const FROST_SOURCES_FIXTURES: Record<string, string> = { bergen: "met/frost_sources_v0_sample.json" };
/** Recorded search pages by their query (parameters sorted), and recorded entities by organisation number. */
const BRREG_SEARCH_FIXTURES: Record<string, string> = {
  "organisasjonsform=ASA&page=0&size=5": "brreg/brreg_enheter_search_organisasjonsform-ASA_size5_page0.json",
};
const BRREG_ENTITY_FIXTURES: Record<string, string> = { "923609016": "brreg/brreg_enhet_923609016.json" };
/** The recorded search is of pages of 5; live, Atlas asks for 100 a page. */
const BRREG_PAGE_SIZE = { fixtures: 5, live: 100 } as const;
/** Recorded Frost observations by `<station>/<UTC date>`: the fixtures cover one day. */
export const FROST_FIXTURES: Record<string, string> = { "SN50540/2022-04-01": "met/frost_observations_v0_SN50540_2022-04-01.json" };
/** The query body Atlas sends for table 07221, recorded with the response. */
export const SSB_QUERY_FIXTURES: Record<string, string> = { "07221": "ssb/ssb_v0_table07221_post_query.json" };

export function ssbTableUrl(tableId: string): string {
  if (!/^\d{5}$/.test(tableId)) throw new RangeError(`SSB table id ${JSON.stringify(tableId)} is not five digits`);
  return `${SSB_API}/${tableId}/`;
}

/** PxWebApi v2's table info for a table, in Norwegian (as the recorded one). */
export function ssbV2TableUrl(tableId: string): string {
  if (!/^\d{5}$/.test(tableId)) throw new RangeError(`SSB table id ${JSON.stringify(tableId)} is not five digits`);
  return `${SSB_V2_API}/${tableId}?lang=no`;
}

/** Frost's query for the weather stations nearest a location that measure `elements`. */
export function frostStationsUrl(location: ForecastLocation, elements: readonly string[]): string {
  const params = new URLSearchParams({
    types: "SensorSystem",
    elements: elements.join(","),
    geometry: `nearest(POINT(${location.lon.toFixed(4)} ${location.lat.toFixed(4)}))`,
  });
  return `${FROST_SOURCES_API}?${params.toString()}`;
}

/** The key a search URL's recording is filed under: its query parameters, sorted. */
function searchKey(url: string): string {
  const params = [...new URL(url).searchParams.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new URLSearchParams(params).toString();
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
  /** GETs a PxWebApi v0 table's metadata (variables and values) (live) or reads the recorded one (fixtures). */
  ssbTableMetadata(tableId: string, signal?: AbortSignal): Promise<SourceResponse>;
  /** GETs a PxWebApi v2 table info (live) or reads the recorded one (fixtures). */
  ssbV2TableInfo(tableId: string, signal?: AbortSignal): Promise<SourceResponse>;
  /** GETs PxWebApi v2 table metadata from the table info's `metadata` link (live) or reads the recorded one (fixtures). */
  ssbV2Metadata(tableId: string, url: string, signal?: AbortSignal): Promise<SourceResponse>;
  /**
   * GETs the compact forecast for a location (live) or reads the recorded one (fixtures), with
   * `If-Modified-Since` when given. A recording with headers answers 304 when its `Last-Modified`
   * is not after `ifModifiedSince`, as MET does.
   */
  metForecast(location: ForecastLocation, signal?: AbortSignal, options?: { ifModifiedSince?: string }): Promise<ForecastResponse>;
  /** GETs the Frost weather stations nearest a location that measure `elements` (live) or reads the recorded ones (fixtures). */
  frostStations(location: ForecastLocation, elements: readonly string[], signal?: AbortSignal): Promise<SourceResponse>;
  /** Entities asked for per search page: the recorded page size in fixtures mode. */
  readonly brregPageSize: number;
  /** Pages a search may read: in fixtures mode the pages recorded (1), live no limit (null). */
  readonly brregPageLimit: number | null;
  /** GETs one page of Enhetsregisteret's entity search (live) or reads the recorded page (fixtures). */
  brregSearchPage(url: string, signal?: AbortSignal): Promise<SourceResponse>;
  /** GETs one entity of Enhetsregisteret (live) or reads the recorded one (fixtures). */
  brregEntity(orgnr: string, signal?: AbortSignal): Promise<SourceResponse>;
  /** GETs one UTC day of a Frost station's hourly observations (live) or reads the recorded day (fixtures). */
  frostObservations(stationId: string, date: string, elements: readonly string[], signal?: AbortSignal): Promise<SourceResponse>;
  /** GETs SSB's release calendar (live) or reads the synthetic feed (fixtures); the body is the XML text. */
  releaseCalendar(signal?: AbortSignal): Promise<SourceResponse & { body: string }>;
}

async function readJsonFile(source: string, path: string, decode: (text: string) => string = (text) => text): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new SourceFetchError(source, path, `fixture not readable (set ATLAS_FIXTURES_DIR to the fixtures root): ${(err as Error).message}`, { cause: err });
  }
  try {
    return JSON.parse(decode(text));
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

/** A GET of MET's forecast with `If-Modified-Since`: 304 is an answer, not an error. */
async function fetchForecast(fetchFn: FetchFn, source: string, url: string, headers: Record<string, string>, signal?: AbortSignal): Promise<ForecastResponse> {
  let response: Response;
  try {
    response = await fetchFn(url, { method: "GET", headers, ...(signal ? { signal } : {}) });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new SourceFetchError(source, url, `request failed: ${(err as Error).message}`, { cause: err });
  }
  const cache = readCacheHeaders(source, Object.fromEntries(response.headers.entries()), "response headers");
  if (response.status === 304) return { status: 304, body: null, url, fixture: null, cache };
  if (!response.ok) {
    const detail = (await response.text().catch(() => "")).slice(0, 300);
    throw new SourceFetchError(source, url, `HTTP ${response.status} ${response.statusText}${detail ? `: ${detail}` : ""}`);
  }
  try {
    return { status: 200, body: await response.json(), url, fixture: null, cache };
  } catch (err) {
    throw new SourceFetchError(source, url, `response is not JSON: ${(err as Error).message}`, { cause: err });
  }
}

export function createSources(config: SourcesConfig): AtlasSources {
  const fetchFn: FetchFn = config.fetch ?? ((input, init) => fetch(input, init));
  /** Frost authenticates with the client id as the HTTP basic user. */
  const frostHeaders = (): Record<string, string> => {
    if (!config.frostClientId) {
      throw new InvalidConfigError("ATLAS_FROST_CLIENT_ID", "is empty; Frost needs a client id in live mode (https://frost.met.no/auth/requestCredentials.html)");
    }
    return { Accept: "application/json", "User-Agent": config.userAgent, Authorization: `Basic ${Buffer.from(`${config.frostClientId}:`).toString("base64")}` };
  };
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
    async ssbTableMetadata(tableId, signal) {
      const source = `SSB table ${tableId}`;
      const url = ssbTableUrl(tableId);
      if (config.mode === "fixtures") {
        const path = fixture(SSB_METADATA_FIXTURES, tableId, source);
        return { body: await readJsonFile(source, path), url, fixture: path };
      }
      return { body: await fetchJson(fetchFn, source, url, { method: "GET", headers: { Accept: "application/json", "User-Agent": config.userAgent }, signal }), url, fixture: null };
    },
    async ssbV2TableInfo(tableId, signal) {
      const source = `SSB table ${tableId}`;
      const url = ssbV2TableUrl(tableId);
      if (config.mode === "fixtures") {
        const path = fixture(SSB_V2_TABLE_FIXTURES, tableId, source);
        return { body: await readJsonFile(source, path), url, fixture: path };
      }
      return { body: await fetchJson(fetchFn, source, url, { method: "GET", headers: { Accept: "application/json", "User-Agent": config.userAgent }, signal }), url, fixture: null };
    },
    async ssbV2Metadata(tableId, url, signal) {
      const source = `SSB table ${tableId}`;
      if (config.mode === "fixtures") {
        const path = fixture(SSB_V2_METADATA_FIXTURES, tableId, source);
        return { body: await readJsonFile(source, path), url, fixture: path };
      }
      return { body: await fetchJson(fetchFn, source, url, { method: "GET", headers: { Accept: "application/json", "User-Agent": config.userAgent }, signal }), url, fixture: null };
    },
    async metForecast(location, signal, options = {}) {
      const source = `MET locationforecast (${location.name})`;
      const url = metForecastUrl(location);
      if (config.mode === "fixtures") {
        const path = fixture(MET_FIXTURES, location.name, source);
        const recorded = await readJsonFile(source, path);
        if (!MET_FIXTURES_WITH_HEADERS.has(location.name)) return { status: 200, body: recorded, url, fixture: path, cache: { expires: null, lastModified: null } };
        const { headers, data } = parseRecordedResponse(source, recorded);
        // As MET answers a conditional GET: 304 when the forecast has not changed since.
        const since = options.ifModifiedSince === undefined ? null : parseHttpDate(options.ifModifiedSince);
        const modified = headers.lastModified === null ? null : parseHttpDate(headers.lastModified);
        if (since !== null && modified !== null && modified <= since) return { status: 304, body: null, url, fixture: path, cache: headers };
        return { status: 200, body: data, url, fixture: path, cache: headers };
      }
      const headers: Record<string, string> = { Accept: "application/json", "User-Agent": config.userAgent };
      if (options.ifModifiedSince !== undefined) headers["If-Modified-Since"] = options.ifModifiedSince;
      return fetchForecast(fetchFn, source, url, headers, signal);
    },
    async frostStations(location, elements, signal) {
      const source = `MET Frost sources (near ${location.name})`;
      const url = frostStationsUrl(location, elements);
      if (config.mode === "fixtures") {
        const path = fixture(FROST_SOURCES_FIXTURES, location.name, source);
        return { body: await readJsonFile(source, path), url, fixture: path };
      }
      return { body: await fetchJson(fetchFn, source, url, { method: "GET", headers: frostHeaders(), signal }), url, fixture: null };
    },
    brregPageSize: BRREG_PAGE_SIZE[config.mode],
    brregPageLimit: config.mode === "fixtures" ? 1 : null,
    async brregSearchPage(url, signal) {
      const source = "Brønnøysund entity search";
      if (!isSearchUrl(url)) throw new SourceFetchError(source, url, "is not an entity search URL of https://data.brreg.no/enhetsregisteret/api/enheter");
      if (config.mode === "fixtures") {
        const path = fixture(BRREG_SEARCH_FIXTURES, searchKey(url), source);
        return { body: await readJsonFile(source, path, decodeRecordedEscapes), url, fixture: path };
      }
      return { body: await fetchJson(fetchFn, source, url, { method: "GET", headers: { Accept: "application/json", "User-Agent": config.userAgent }, signal }), url, fixture: null };
    },
    async brregEntity(orgnr, signal) {
      const source = `Brønnøysund entity ${orgnr}`;
      const url = brregEntityUrl(orgnr);
      if (config.mode === "fixtures") {
        const path = fixture(BRREG_ENTITY_FIXTURES, orgnr, source);
        return { body: await readJsonFile(source, path, decodeRecordedEscapes), url, fixture: path };
      }
      return { body: await fetchJson(fetchFn, source, url, { method: "GET", headers: { Accept: "application/json", "User-Agent": config.userAgent }, signal }), url, fixture: null };
    },
    async frostObservations(stationId, date, elements, signal) {
      const source = `MET Frost observations (${stationId})`;
      const url = frostObservationsUrl(stationId, date, elements);
      if (config.mode === "fixtures") {
        const path = fixture(FROST_FIXTURES, `${stationId}/${date}`, source);
        return { body: await readJsonFile(source, path), url, fixture: path };
      }
      const body = await fetchJson(fetchFn, source, url, { method: "GET", headers: frostHeaders(), signal });
      return { body, url, fixture: null };
    },
    async releaseCalendar(signal) {
      const source = "SSB release calendar";
      const url = SSB_RELEASE_CALENDAR_URL;
      if (config.mode === "fixtures") {
        const path = join(config.fixturesDir, RELEASE_CALENDAR_FIXTURE);
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
