/**
 * MET Norway's Frost observations API (`observations/v0.jsonld`): hourly observations of a weather
 * station, parsed into rows and summarized per day and per month. Frost's reference times are UTC,
 * so the daily and monthly partitions that hold them are UTC windows too.
 */
import { SourceDataError } from "./errors.js";

/** The station Atlas observes: Bergen – Florida (SN50540), the city's official weather station. */
export const FROST_STATION = { id: "SN50540", name: "bergen_florida" } as const;
/** The elements Atlas reads, in Frost's names. */
export const FROST_ELEMENTS = ["air_temperature", "relative_humidity", "wind_speed"] as const;

export interface ObservationRow {
  [column: string]: string | number | null;
  /** Reference time, ISO UTC. */
  time: string;
  air_temperature: number | null;
  relative_humidity: number | null;
  wind_speed: number | null;
}

export interface DailySummary {
  [column: string]: string | number | null;
  date: string;
  station: string;
  observations: number;
  temperature_min: number | null;
  temperature_max: number | null;
  temperature_mean: number | null;
  humidity_mean: number | null;
  wind_speed_max: number | null;
}

const round = (value: number, digits = 2): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** Rows of one Frost observations response: one per reference time, the elements as columns. */
export function parseFrostObservations(source: string, body: unknown): ObservationRow[] {
  if (typeof body !== "object" || body === null) throw new SourceDataError(source, "$", "is not a JSON object");
  const data = (body as { data?: unknown }).data;
  if (!Array.isArray(data)) throw new SourceDataError(source, "data", "is not an array");
  const rows = data.map((item, i): ObservationRow => {
    const at = `data[${i}]`;
    if (typeof item !== "object" || item === null) throw new SourceDataError(source, at, "is not an object");
    const { referenceTime, observations } = item as { referenceTime?: unknown; observations?: unknown };
    if (typeof referenceTime !== "string" || Number.isNaN(Date.parse(referenceTime))) {
      throw new SourceDataError(source, `${at}.referenceTime`, `is not an ISO time (${JSON.stringify(referenceTime)})`);
    }
    if (!Array.isArray(observations)) throw new SourceDataError(source, `${at}.observations`, "is not an array");
    const row: ObservationRow = { time: new Date(referenceTime).toISOString(), air_temperature: null, relative_humidity: null, wind_speed: null };
    observations.forEach((o, j) => {
      const { elementId, value } = (o ?? {}) as { elementId?: unknown; value?: unknown };
      if (typeof elementId !== "string") throw new SourceDataError(source, `${at}.observations[${j}].elementId`, "is not a string");
      if (!(FROST_ELEMENTS as readonly string[]).includes(elementId)) return;
      if (typeof value !== "number" || !Number.isFinite(value)) {
        throw new SourceDataError(source, `${at}.observations[${j}].value`, `is not a number (${JSON.stringify(value)})`);
      }
      row[elementId] = value;
    });
    return row;
  });
  return rows.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
}

function stats(values: number[]): { min: number | null; max: number | null; mean: number | null } {
  if (values.length === 0) return { min: null, max: null, mean: null };
  return { min: Math.min(...values), max: Math.max(...values), mean: round(values.reduce((a, b) => a + b, 0) / values.length) };
}

/** One day's summary of a station's hourly rows (only the rows of `date`, a UTC `yyyy-MM-dd`, count). */
export function summarizeDay(date: string, station: string, rows: readonly ObservationRow[]): DailySummary {
  const day = rows.filter((r) => r.time.startsWith(`${date}T`));
  const numbers = (column: "air_temperature" | "relative_humidity" | "wind_speed"): number[] =>
    day.flatMap((r) => (r[column] === null ? [] : [r[column]]));
  const temperature = stats(numbers("air_temperature"));
  return {
    date,
    station,
    observations: day.length,
    temperature_min: temperature.min,
    temperature_max: temperature.max,
    temperature_mean: temperature.mean,
    humidity_mean: stats(numbers("relative_humidity")).mean,
    wind_speed_max: stats(numbers("wind_speed")).max,
  };
}

export interface MonthlySummary {
  [column: string]: string | number | null;
  month: string;
  station: string;
  days: number;
  observations: number;
  temperature_min: number | null;
  temperature_max: number | null;
  /** Mean of the daily means, weighted by each day's observation count. */
  temperature_mean: number | null;
  wind_speed_max: number | null;
}

/** A month's summary from its days' summaries (the days present: a month still filling has fewer). */
export function rollupMonth(month: string, station: string, days: readonly DailySummary[]): MonthlySummary {
  const inMonth = days.filter((d) => d.date.startsWith(`${month}-`));
  const defined = (key: "temperature_min" | "temperature_max" | "wind_speed_max"): number[] => inMonth.flatMap((d) => (d[key] === null ? [] : [d[key]]));
  const weighted = inMonth.filter((d) => d.temperature_mean !== null && d.observations > 0);
  const weight = weighted.reduce((sum, d) => sum + d.observations, 0);
  return {
    month,
    station,
    days: inMonth.length,
    observations: inMonth.reduce((sum, d) => sum + d.observations, 0),
    temperature_min: defined("temperature_min").length ? Math.min(...defined("temperature_min")) : null,
    temperature_max: defined("temperature_max").length ? Math.max(...defined("temperature_max")) : null,
    temperature_mean: weight > 0 ? round(weighted.reduce((sum, d) => sum + d.temperature_mean! * d.observations, 0) / weight) : null,
    wind_speed_max: defined("wind_speed_max").length ? Math.max(...defined("wind_speed_max")) : null,
  };
}

/** A weather station from Frost's `sources/v0.jsonld` (types=SensorSystem), as a row. */
export interface StationRow {
  [column: string]: string | number | null;
  id: string;
  name: string;
  short_name: string | null;
  country_code: string | null;
  lat: number;
  lon: number;
  /** Metres above sea level. */
  masl: number | null;
  valid_from: string | null;
  valid_to: string | null;
  county: string | null;
  municipality: string | null;
  wmo_id: number | null;
  /** Kilometres from the point of a `nearest(POINT(…))` query. */
  distance_km: number | null;
}

/**
 * The stations of one Frost sources response. Frost pages by `offset` and `itemsPerPage`;
 * `currentItemCount` must match the items sent (a truncated body otherwise passes as a short list).
 * @throws SourceDataError naming the field at fault.
 */
export function parseFrostSources(source: string, body: unknown): StationRow[] {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new SourceDataError(source, "$", "is not a JSON object");
  const record = body as Record<string, unknown>;
  const data = record["data"];
  if (!Array.isArray(data)) throw new SourceDataError(source, "data", "is not an array");
  const count = record["currentItemCount"];
  if (count !== undefined && count !== data.length) throw new SourceDataError(source, "currentItemCount", `is ${JSON.stringify(count)}, but data has ${data.length} items`);
  return data.map((item, i): StationRow => {
    const at = `data[${i}]`;
    if (typeof item !== "object" || item === null) throw new SourceDataError(source, at, "is not an object");
    const s = item as Record<string, unknown>;
    if (s["@type"] !== "SensorSystem") throw new SourceDataError(source, `${at}.@type`, `is ${JSON.stringify(s["@type"])}; Atlas asks for SensorSystem (weather stations) only`);
    const id = s["id"];
    if (typeof id !== "string" || !/^SN\d{1,6}$/.test(id)) throw new SourceDataError(source, `${at}.id`, `${JSON.stringify(id)} is not a station id like SN50540`);
    const name = s["name"];
    if (typeof name !== "string" || name.trim() === "") throw new SourceDataError(source, `${at}.name`, "is missing or empty");
    const geometry = s["geometry"] as { coordinates?: unknown } | undefined;
    const coordinates = geometry?.coordinates;
    if (!Array.isArray(coordinates) || coordinates.length < 2 || !coordinates.every((c) => typeof c === "number" && Number.isFinite(c))) {
      throw new SourceDataError(source, `${at}.geometry.coordinates`, "is not [lon, lat]");
    }
    const [lon, lat] = coordinates as number[];
    if (lat! < -90 || lat! > 90 || lon! < -180 || lon! > 180) throw new SourceDataError(source, `${at}.geometry.coordinates`, `[${lon}, ${lat}] is not a longitude and latitude`);
    const text = (field: string): string | null => {
      const value = s[field];
      if (value === undefined || value === null) return null;
      if (typeof value !== "string") throw new SourceDataError(source, `${at}.${field}`, `${JSON.stringify(value)} is not a string`);
      return value;
    };
    const number = (field: string, integer = false): number | null => {
      const value = s[field];
      if (value === undefined || value === null) return null;
      if (typeof value !== "number" || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
        throw new SourceDataError(source, `${at}.${field}`, `${JSON.stringify(value)} is not ${integer ? "an integer" : "a number"}`);
      }
      return value;
    };
    const time = (field: string): string | null => {
      const value = text(field);
      // Date.parse alone accepts free text ("since 1949" parses); Frost sends ISO times.
      if (value !== null && (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) || Number.isNaN(Date.parse(value)))) {
        throw new SourceDataError(source, `${at}.${field}`, `${JSON.stringify(value)} is not an ISO time`);
      }
      return value;
    };
    return {
      id,
      name,
      short_name: text("shortName"),
      country_code: text("countryCode"),
      lat: lat!,
      lon: lon!,
      masl: number("masl"),
      valid_from: time("validFrom"),
      valid_to: time("validTo"),
      county: text("county"),
      municipality: text("municipality"),
      wmo_id: number("wmoId", true),
      distance_km: number("distance"),
    };
  });
}
