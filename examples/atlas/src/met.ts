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
  /** The SSB region code the location lies in, for joins with SSB tables. */
  ssbRegionCode: string;
}

/** Bergen, as in the fixture `met_locationforecast2_compact_bergen_2023-09-17.json` (60.3915 N, 5.3199 E, 8 m); SSB 07221 region 003 "Bergen". */
export const BERGEN: ForecastLocation = { name: "bergen", lat: 60.3915, lon: 5.3199, altitude: 8, ssbRegionCode: "003" };

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
