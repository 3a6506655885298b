/**
 * luxon and croner, loaded on first use instead of at import: every process that loads this
 * package (through the SDK: each run worker, each code server) pays for them only when its
 * definitions declare time partitions, schedules or cron freshness policies. They are needed
 * synchronously (declaration and key arithmetic are sync APIs), so they come through `require`
 * (both ship a CommonJS build); nothing passes their objects to code holding the ESM build, so
 * one process holding both costs memory, never correctness.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
let luxonModule: typeof import("luxon") | undefined;
let cronerModule: typeof import("croner") | undefined;

export function luxon(): typeof import("luxon") {
  return (luxonModule ??= require("luxon") as typeof import("luxon"));
}

export function croner(): typeof import("croner") {
  return (cronerModule ??= require("croner") as typeof import("croner"));
}

let canonicalZones: Set<string> | undefined;

/**
 * Whether `zone` names an IANA time zone. The canonical list comes from ICU without loading
 * its formatting data (a `DateTimeFormat` with a `timeZone` pages in ~7 MiB of it), so checking
 * a schedule's zone at declaration stays light; aliases and other spellings (`US/Eastern`,
 * `europe/oslo`) fall back to luxon's check, which accepts exactly what it accepted before.
 * @example
 * isValidTimeZone("Europe/Oslo"); // true
 * isValidTimeZone("Europe/Osloo"); // false
 */
export function isValidTimeZone(zone: string): boolean {
  canonicalZones ??= new Set(Intl.supportedValuesOf("timeZone"));
  return canonicalZones.has(zone) || zone === "UTC" || luxon().IANAZone.isValidZone(zone);
}
