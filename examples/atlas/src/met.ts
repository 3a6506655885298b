/**
 * MET Norway locationforecast 2.0 `compact`: the forecast's time steps as tidy rows, and their
 * aggregation into days of Europe/Oslo (temperature min/max, precipitation sum with the hours it
 * covers). The forecast is hourly for about 2½ days and 6-hourly after that; the rows keep the
 * step length so nothing downstream mistakes a 6-hour step for an hour.
 */
import { SourceDataError } from "./errors.js";

export interface ForecastLocation {
  /** Short name used in keys and file names, e.g. `bergen`. */
  name: string;
  /** Degrees, at most 4 decimals (MET's terms of service ask for no more). */
  lat: number;
  lon: number;
  /** Metres above sea level, when known. */
  altitude?: number;
  /** The SSB region code the location lies in, for joins with SSB tables (Norwegian locations only). */
  ssbRegionCode?: string;
}

/** Bergen, as in the fixture `met_locationforecast2_compact_bergen_2023-09-17.json` (60.3915 N, 5.3199 E, 8 m); SSB 07221 region 003 "Bergen". */
export const BERGEN: ForecastLocation = { name: "bergen", lat: 60.3915, lon: 5.3199, altitude: 8, ssbRegionCode: "003" };
/** New York, as in the fixture `met_locationforecast2_compact_newyork_2020-07-20_with_headers.json` (40.7 N, 74.0 W, 10 m). */
export const NEW_YORK: ForecastLocation = { name: "newyork", lat: 40.7, lon: -74.0, altitude: 10 };

export interface ForecastRow {
  /** Step time, ISO UTC. */
  time: string;
  /** Step length in hours (time to the next step), null for the last step. */
  step_hours: number | null;
  air_temperature: number | null;
  air_pressure_at_sea_level: number | null;
  cloud_area_fraction: number | null;
  relative_humidity: number | null;
  wind_from_direction: number | null;
  wind_speed: number | null;
  precipitation_next_1h: number | null;
  precipitation_next_6h: number | null;
  symbol_next_1h: string | null;
  symbol_next_6h: string | null;
}

export interface Forecast {
  updatedAt: string | null;
  /** [lon, lat, altitude] as in the GeoJSON geometry. */
  coordinates: number[];
  units: Record<string, string>;
  rows: ForecastRow[];
}

const INSTANT_FIELDS = [
  "air_temperature",
  "air_pressure_at_sea_level",
  "cloud_area_fraction",
  "relative_humidity",
  "wind_from_direction",
  "wind_speed",
] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/**
 * Parses a compact forecast into rows, one per time step, oldest first.
 * @throws SourceDataError naming the step and field at fault.
 */
export function parseCompactForecast(sourceName: string, body: unknown): Forecast {
  if (!isRecord(body)) throw new SourceDataError(sourceName, "$", "is not a JSON object");
  const geometry = body["geometry"];
  const coordinates = isRecord(geometry) ? geometry["coordinates"] : undefined;
  if (!Array.isArray(coordinates) || coordinates.length < 2 || !coordinates.every((c) => typeof c === "number")) {
    throw new SourceDataError(sourceName, "geometry.coordinates", "is not [lon, lat(, altitude)]");
  }
  const properties = body["properties"];
  if (!isRecord(properties)) throw new SourceDataError(sourceName, "properties", "is missing");
  const meta = isRecord(properties["meta"]) ? properties["meta"] : {};
  const units: Record<string, string> = {};
  if (isRecord(meta["units"])) for (const [k, v] of Object.entries(meta["units"])) if (typeof v === "string") units[k] = v;
  const timeseries = properties["timeseries"];
  if (!Array.isArray(timeseries) || timeseries.length === 0) throw new SourceDataError(sourceName, "properties.timeseries", "is missing or empty");

  const num = (value: unknown, at: string): number | null => {
    if (value === undefined || value === null) return null;
    if (typeof value !== "number" || !Number.isFinite(value)) throw new SourceDataError(sourceName, at, `${JSON.stringify(value)} is not a number`);
    return value;
  };
  const period = (data: Record<string, unknown>, name: string, at: string): { amount: number | null; symbol: string | null } => {
    const block = data[name];
    if (block === undefined) return { amount: null, symbol: null };
    if (!isRecord(block)) throw new SourceDataError(sourceName, `${at}.${name}`, "is not an object");
    const details = isRecord(block["details"]) ? block["details"] : {};
    const summary = isRecord(block["summary"]) ? block["summary"] : {};
    const symbol = summary["symbol_code"];
    return { amount: num(details["precipitation_amount"], `${at}.${name}.details.precipitation_amount`), symbol: typeof symbol === "string" ? symbol : null };
  };

  const times: number[] = [];
  const rows = timeseries.map((step, i): ForecastRow => {
    const at = `properties.timeseries[${i}]`;
    if (!isRecord(step)) throw new SourceDataError(sourceName, at, "is not an object");
    const time = step["time"];
    if (typeof time !== "string" || !ISO_UTC.test(time) || Number.isNaN(Date.parse(time))) {
      throw new SourceDataError(sourceName, `${at}.time`, `${JSON.stringify(time)} is not an ISO UTC time like 2023-09-17T19:00:00Z`);
    }
    const t = Date.parse(time);
    if (times.length > 0 && t <= times[times.length - 1]!) throw new SourceDataError(sourceName, `${at}.time`, `${time} is not after the previous step`);
    times.push(t);
    const data = step["data"];
    if (!isRecord(data)) throw new SourceDataError(sourceName, `${at}.data`, "is missing");
    const instant = data["instant"];
    const details = isRecord(instant) ? instant["details"] : undefined;
    if (!isRecord(details)) throw new SourceDataError(sourceName, `${at}.data.instant.details`, "is missing");
    const next1 = period(data, "next_1_hours", `${at}.data`);
    const next6 = period(data, "next_6_hours", `${at}.data`);
    const row = {
      time,
      step_hours: null,
      precipitation_next_1h: next1.amount,
      precipitation_next_6h: next6.amount,
      symbol_next_1h: next1.symbol,
      symbol_next_6h: next6.symbol,
    } as ForecastRow;
    for (const field of INSTANT_FIELDS) row[field] = num(details[field], `${at}.data.instant.details.${field}`);
    return row;
  });
  for (let i = 0; i + 1 < rows.length; i++) rows[i]!.step_hours = (times[i + 1]! - times[i]!) / 3_600_000;

  const updatedAt = meta["updated_at"];
  return { updatedAt: typeof updatedAt === "string" ? updatedAt : null, coordinates: coordinates, units, rows };
}

// Made on first use: a time-zone formatter loads ICU zone data (~6 MiB), which a code server that
// only serves the snapshot never needs.
let osloDate: Intl.DateTimeFormat | null = null;

/** The Europe/Oslo calendar date (ISO) of a UTC instant. */
export function osloDateOf(isoTime: string): string {
  osloDate ??= new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Oslo", year: "numeric", month: "2-digit", day: "2-digit" });
  return osloDate.format(new Date(isoTime));
}

export interface DailyWeatherRow {
  /** Europe/Oslo calendar date. */
  date: string;
  /** Forecast steps starting that day (24 for a full hourly day, 4 for a 6-hourly day). */
  steps: number;
  temperature_min: number | null;
  temperature_max: number | null;
  wind_speed_max: number | null;
  /** Sum of the precipitation periods starting that day (mm). */
  precipitation_mm: number;
  /** Hours those periods cover; less than 24 on the forecast's first and last day. */
  precipitation_hours: number;
}

/**
 * Aggregates forecast rows into Europe/Oslo days. Precipitation uses, for each step, the period
 * that matches the step length (next_1_hours for hourly steps, next_6_hours for 6-hourly ones), so
 * periods never overlap; a period counts for the day it starts in. Temperatures are the min/max of
 * the instant values of the day's steps.
 */
export function dailyWeather(rows: readonly ForecastRow[]): DailyWeatherRow[] {
  const days = new Map<string, DailyWeatherRow>();
  const min = (a: number | null, b: number | null) => (b === null ? a : a === null ? b : Math.min(a, b));
  const max = (a: number | null, b: number | null) => (b === null ? a : a === null ? b : Math.max(a, b));
  for (const row of rows) {
    const date = osloDateOf(row.time);
    let day = days.get(date);
    if (!day) {
      day = { date, steps: 0, temperature_min: null, temperature_max: null, wind_speed_max: null, precipitation_mm: 0, precipitation_hours: 0 };
      days.set(date, day);
    }
    day.steps++;
    day.temperature_min = min(day.temperature_min, row.air_temperature);
    day.temperature_max = max(day.temperature_max, row.air_temperature);
    day.wind_speed_max = max(day.wind_speed_max, row.wind_speed);
    // The last step has no known length; use whichever period it carries, shortest first.
    const hours = row.step_hours ?? (row.precipitation_next_1h !== null ? 1 : row.precipitation_next_6h !== null ? 6 : null);
    const amount = hours === 1 ? row.precipitation_next_1h : hours === 6 ? row.precipitation_next_6h : null;
    if (hours !== null && amount !== null) {
      day.precipitation_mm = Math.round((day.precipitation_mm + amount) * 10) / 10;
      day.precipitation_hours += hours;
    }
  }
  return [...days.values()];
}

/**
 * The forecast is for the point asked for: MET answers for the coordinates of the request (rounded
 * to 4 decimals), so another point means the wrong URL or a mixed-up recording.
 * @throws SourceDataError naming `geometry.coordinates`.
 */
export function checkForecastLocation(sourceName: string, forecast: Pick<Forecast, "coordinates">, location: ForecastLocation): void {
  const [lon, lat] = forecast.coordinates;
  const near = (a: number | undefined, b: number) => a !== undefined && Math.abs(a - b) < 0.00005;
  if (!near(lat, location.lat) || !near(lon, location.lon)) {
    throw new SourceDataError(sourceName, "geometry.coordinates", `[${forecast.coordinates.join(", ")}] is not the point asked for (lon ${location.lon}, lat ${location.lat})`);
  }
}

// --- caching: MET's terms (https://api.met.no/doc/TermsOfService) ----------------------------

/** An HTTP date (IMF-fixdate, RFC 9110), e.g. `Mon, 20 Jul 2020 12:14:53 GMT`. */
const HTTP_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** Milliseconds since the epoch of an HTTP date, or null when `value` is not one. */
export function parseHttpDate(value: string): number | null {
  if (!HTTP_DATE.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/** The caching headers of a MET answer: `Expires` (no request before it) and `Last-Modified` (sent back as `If-Modified-Since`). */
export interface CacheHeaders {
  /** As sent: an HTTP date. */
  expires: string | null;
  lastModified: string | null;
}

/**
 * Reads `Expires` and `Last-Modified` from response headers (any letter case), validated as HTTP dates.
 * @param at the JSON path of the headers object in a recording (`headers`), for messages.
 * @throws SourceDataError naming the header at fault.
 */
export function readCacheHeaders(sourceName: string, headers: Readonly<Record<string, unknown>>, at = "headers"): CacheHeaders {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), { name: k, value: v }]));
  const read = (name: string): string | null => {
    const entry = lower.get(name.toLowerCase());
    if (entry === undefined) return null;
    if (typeof entry.value !== "string" || parseHttpDate(entry.value) === null) {
      throw new SourceDataError(sourceName, `${at}.${entry.name}`, `${JSON.stringify(entry.value)} is not an HTTP date like "Mon, 20 Jul 2020 12:14:53 GMT"`);
    }
    return entry.value;
  };
  return { expires: read("Expires"), lastModified: read("Last-Modified") };
}

/**
 * A recorded MET answer with its headers, `{status_code, headers, data}` (as the New York fixture
 * holds it): the status must be 200 and the caching headers HTTP dates.
 * @throws SourceDataError naming the field at fault.
 */
export function parseRecordedResponse(sourceName: string, body: unknown): { headers: CacheHeaders; data: unknown } {
  if (!isRecord(body)) throw new SourceDataError(sourceName, "$", "is not a JSON object");
  if (body["status_code"] !== 200) throw new SourceDataError(sourceName, "status_code", `is ${JSON.stringify(body["status_code"])}; only a recorded 200 carries a forecast`);
  const headers = body["headers"];
  if (!isRecord(headers)) throw new SourceDataError(sourceName, "headers", "is not an object");
  const cache = readCacheHeaders(sourceName, headers);
  if (cache.expires === null) throw new SourceDataError(sourceName, "headers.Expires", "is missing; MET sends it with every forecast");
  if (!("data" in body)) throw new SourceDataError(sourceName, "data", "is missing");
  return { headers: cache, data: body["data"] };
}

/** What to do about a forecast given the caching headers stored from the last answer. */
export type CacheDecision =
  | { kind: "fresh"; until: string }
  | { kind: "revalidate"; ifModifiedSince: string }
  | { kind: "fetch" };

/**
 * MET's terms: do not ask again before `Expires`; after it, ask with `If-Modified-Since` set to the
 * last `Last-Modified`, and a 304 means the stored forecast still stands.
 */
export function cacheDecision(stored: CacheHeaders | null, now: number): CacheDecision {
  if (stored === null) return { kind: "fetch" };
  const expires = stored.expires === null ? null : parseHttpDate(stored.expires);
  if (expires !== null && now < expires) return { kind: "fresh", until: stored.expires! };
  return stored.lastModified === null ? { kind: "fetch" } : { kind: "revalidate", ifModifiedSince: stored.lastModified };
}
