/**
 * Partition mappings: which partitions of an upstream dependency a downstream partition reads.
 * Declared in the SDK with the constructors below, resolved once per load into plain data
 * (`PartitionMappingSnapshot` in @flyt/core) and checked against both assets' partitions, then
 * applied by the backfill planner and the API through two pure functions over positions:
 * `upstreamRangesFor` (what a set of downstream partitions reads) and `downstreamRangesFor`
 * (what reads a set of upstream partitions). Both work interval by interval — a time-window
 * mapping of a contiguous run of downstream windows is a contiguous run of upstream windows — so
 * mapping "all of a million hourly partitions" costs one interval, not a million keys.
 */
import { DEFINITION_LIMITS, abbreviate, overLimit, type PartitionMappingSnapshot, type PartitionsSnapshot } from "@flyt/core";
import type { DynamicPartitionsSpace, IndexRanges, MappingSpace, PartitionKeySpace, PartitionMapping, PartitionsDefinition } from "./types.js";
import { callerLocation, definitionsError } from "./errors.js";
import { dynamicPartitionsNameProblem, isPartitionsDefinition, partitionKeyProblem, partitionsFromSnapshot } from "./partitions.js";
import { emptyRanges, rangeOf, rangesFromIndices, rangesOf } from "./ranges.js";

/** Largest offset a time-window mapping may shift by (a century of hours). */
export const MAX_PARTITION_MAPPING_OFFSET = 1_000_000;
/** Most upstream keys a static mapping may name in all (the same bound as static keys). */
const MAX_STATIC_MAPPING_KEYS = DEFINITION_LIMITS.partitionKeys;

type Side = PartitionsSnapshot | PartitionsDefinition | null;
type Problem = { problem: string };

function snapshotOf(side: Side): PartitionsSnapshot | null {
  if (side === null || side === undefined) return null;
  return isPartitionsDefinition(side) ? side.snapshot() : side;
}

/** "daily partitions in Europe/Oslo", "3 static partitions", "dynamic partitions \"stations\"", "no partitions". */
function describe(p: PartitionsSnapshot | null): string {
  if (p === null) return "no partitions";
  switch (p.kind) {
    case "static":
      return `${p.keys.length} static partition${p.keys.length === 1 ? "" : "s"}`;
    case "time-window":
      return `${p.cadence} partitions in ${p.timezone}${p.format === DEFAULT_FORMATS[p.cadence] ? "" : ` (format ${JSON.stringify(p.format)})`}`;
    case "dynamic":
      return `dynamic partitions ${JSON.stringify(p.name)}`;
  }
}

const DEFAULT_FORMATS = { yearly: "yyyy", monthly: "yyyy-MM", daily: "yyyy-MM-dd", hourly: "yyyy-MM-dd-HH:mm" } as const;

function samePartitions(a: PartitionsSnapshot, b: PartitionsSnapshot): boolean {
  if (a.kind === "static" && b.kind === "static") return a.keys.length === b.keys.length && a.keys.every((key, i) => key === b.keys[i]);
  if (a.kind === "dynamic" && b.kind === "dynamic") return a.name === b.name;
  if (a.kind === "time-window" && b.kind === "time-window") {
    return a.cadence === b.cadence && a.start === b.start && a.end === b.end && a.timezone === b.timezone && a.format === b.format;
  }
  return false;
}

function listed(keys: readonly string[], limit = 3): string {
  const shown = keys.slice(0, limit).map((k) => JSON.stringify(abbreviate(k))).join(", ");
  return keys.length > limit ? `${shown} (and ${keys.length - limit} more)` : shown;
}

// ---------------------------------------------------------------------------------------------
// Plain mappings: defaults, validation, description
// ---------------------------------------------------------------------------------------------

/**
 * The mapping a dependency gets when none is declared, or the problem asking for one: identity
 * between equal partitions (same dynamic name included); time-window 0/0 between different time
 * windows (daily → monthly rolls up, monthly → daily reads the containing month); all for an
 * unpartitioned downstream, and for a partitioned downstream of an unpartitioned upstream (each
 * partition reads its single target).
 * @example
 * defaultPartitionMapping(daily.snapshot(), monthly.snapshot()); // { kind: "time-window", startOffset: 0, endOffset: 0 }
 * defaultPartitionMapping(regions.snapshot(), daily.snapshot()); // { problem: "… declare a partitionMapping …" }
 */
export function defaultPartitionMapping(upstream: PartitionsSnapshot | null, downstream: PartitionsSnapshot | null): PartitionMappingSnapshot | Problem {
  if (downstream === null || upstream === null) return { kind: "all" };
  if (samePartitions(upstream, downstream)) return { kind: "identity" };
  if (upstream.kind === "time-window" && downstream.kind === "time-window") return { kind: "time-window", startOffset: 0, endOffset: 0 };
  return {
    problem:
      `the upstream has ${describe(upstream)} and this asset ${describe(downstream)}, so there is no default partition mapping: ` +
      "declare one on the dependency (identityPartitionMapping(), staticPartitionMapping({ … }), allPartitionsMapping(), …)",
  };
}

/** Why `mapping` is not a well-formed mapping snapshot (any upstream, any downstream), or null. */
function shapeProblem(mapping: unknown): string | null {
  if (typeof mapping !== "object" || mapping === null) return "a partition mapping must be an object with a kind";
  const m = mapping as Record<string, unknown>;
  switch (m.kind) {
    case "identity":
    case "all":
      return null;
    case "time-window":
      for (const field of ["startOffset", "endOffset"] as const) {
        const value = m[field];
        if (typeof value !== "number" || !Number.isInteger(value) || Math.abs(value) > MAX_PARTITION_MAPPING_OFFSET) {
          return `time-window mapping: ${field} must be an integer between -${MAX_PARTITION_MAPPING_OFFSET} and ${MAX_PARTITION_MAPPING_OFFSET}, got ${JSON.stringify(value)}`;
        }
      }
      if ((m.startOffset as number) > (m.endOffset as number)) {
        return `time-window mapping: startOffset ${m.startOffset as number} must not be after endOffset ${m.endOffset as number} (a window would read no upstream window)`;
      }
      return null;
    case "static": {
      const record = m.upstreamKeysByDownstreamKey;
      if (typeof record !== "object" || record === null || Array.isArray(record)) return "static mapping: upstreamKeysByDownstreamKey must be an object of downstream key → upstream keys";
      let total = 0;
      for (const [downstreamKey, upstreamKeys] of Object.entries(record)) {
        const keyProblem = partitionKeyProblem(downstreamKey);
        if (keyProblem) return `static mapping: downstream key ${JSON.stringify(abbreviate(downstreamKey))} ${keyProblem}`;
        if (!Array.isArray(upstreamKeys)) return `static mapping: the upstream keys of ${JSON.stringify(downstreamKey)} must be an array of keys`;
        for (const upstreamKey of upstreamKeys) {
          const problem = partitionKeyProblem(upstreamKey);
          if (problem) return `static mapping: upstream key ${JSON.stringify(typeof upstreamKey === "string" ? abbreviate(upstreamKey) : upstreamKey)} (for ${JSON.stringify(downstreamKey)}) ${problem}`;
        }
        total += upstreamKeys.length;
      }
      if (total > MAX_STATIC_MAPPING_KEYS) return `static mapping: its upstream keys ${overLimit(total, MAX_STATIC_MAPPING_KEYS, "entries")}`;
      return null;
    }
    default:
      return `unknown partition mapping kind ${JSON.stringify(m.kind)} (one of "identity", "time-window", "all", "static")`;
  }
}

/** Whether `key` names a partition of `p` at some time (time windows: within start and end, complete or not). */
function keyProblemIn(p: PartitionsSnapshot, key: string): string | null {
  if (p.kind === "static") return p.keys.includes(key) ? null : "is not one of its keys";
  if (p.kind === "dynamic") return partitionKeyProblem(key);
  try {
    partitionsFromSnapshot(p).timeWindow(key);
    return null;
  } catch (error) {
    // "Invalid partition "k": is before the first partition (…) (daily partitions in …)" → the reason alone.
    const message = error instanceof Error ? error.message : String(error);
    return message.replace(/^Invalid partition "(?:[^"\\]|\\.)*": /, "").replace(/ \([a-z]+ partitions in [^)]*\)$/, "");
  }
}

/**
 * Why `mapping` cannot map `downstream`'s partitions onto `upstream`'s (null: unpartitioned), or
 * null when it can: checked at load, so a bad mapping fails with the dependency named instead of
 * planning nonsense. Examples of problems: a time-window mapping between static partitions;
 * identity between static lists where some downstream key is no upstream key; a static map
 * naming keys that do not exist.
 * @example
 * partitionMappingProblem({ kind: "time-window", startOffset: -1, endOffset: -1 }, regions.snapshot(), regions.snapshot());
 * // "a time-window mapping needs time-window partitions on both sides; the upstream has 3 static partitions"
 */
export function partitionMappingProblem(mapping: PartitionMappingSnapshot, upstream: Side | undefined, downstream: Side): string | null {
  const shape = shapeProblem(mapping);
  if (shape) return shape;
  if (upstream === undefined) return downstreamSideProblem(mapping, snapshotOf(downstream));
  const up = snapshotOf(upstream);
  const down = snapshotOf(downstream);
  switch (mapping.kind) {
    case "all":
      return null;
    case "identity": {
      if (up === null && down === null) return null;
      if (up === null || down === null) {
        return `an identity mapping needs partitions on both sides, but ${up === null ? "the upstream" : "this asset"} has none; use allPartitionsMapping()`;
      }
      if (up.kind !== down.kind) return `an identity mapping maps a partition to the upstream partition with the same key, but the upstream has ${describe(up)} and this asset ${describe(down)}`;
      if (up.kind === "dynamic" && down.kind === "dynamic" && up.name !== down.name) {
        return `an identity mapping needs the same dynamic partitions, but the upstream has ${describe(up)} and this asset ${describe(down)}`;
      }
      if (up.kind === "time-window" && down.kind === "time-window" && (up.cadence !== down.cadence || up.timezone !== down.timezone || up.format !== down.format)) {
        return `an identity mapping needs the same windows, but the upstream has ${describe(up)} and this asset ${describe(down)}; use timeWindowPartitionMapping()`;
      }
      if (up.kind === "static" && down.kind === "static") {
        const upstreamKeys = new Set(up.keys);
        const missing = down.keys.filter((key) => !upstreamKeys.has(key));
        if (missing.length > 0) return `an identity mapping needs every partition of this asset upstream, but ${listed(missing)} ${missing.length === 1 ? "is" : "are"} not upstream partitions; use staticPartitionMapping()`;
      }
      return null;
    }
    case "time-window": {
      for (const [side, p] of [["the upstream", up], ["this asset", down]] as const) {
        if (p === null || p.kind !== "time-window") return `a time-window mapping needs time-window partitions on both sides; ${side} has ${describe(p)}`;
      }
      return null;
    }
    case "static": {
      for (const [side, p] of [["the upstream", up], ["this asset", down]] as const) {
        if (p === null || p.kind === "dynamic") return `a static mapping needs partitions with known keys on both sides; ${side} has ${describe(p)}`;
      }
      const badDownstream: string[] = [];
      const badUpstream: string[] = [];
      let why = "";
      for (const [downstreamKey, upstreamKeys] of Object.entries(mapping.upstreamKeysByDownstreamKey)) {
        if (keyProblemIn(down!, downstreamKey) !== null) badDownstream.push(downstreamKey);
        for (const key of upstreamKeys) {
          const problem = keyProblemIn(up!, key);
          if (problem !== null) {
            if (badUpstream.length === 0) why = problem;
            badUpstream.push(key);
          }
        }
      }
      if (badDownstream.length > 0) return `the static mapping names ${listed(badDownstream)}, not partitions of this asset (${describe(down)})`;
      if (badUpstream.length > 0) return `the static mapping names ${listed(badUpstream)}, not partitions of the upstream (${describe(up)}; ${JSON.stringify(badUpstream[0])} ${why})`;
      return null;
    }
  }
}

/**
 * What can be checked of a mapping when the upstream's partitions are not known here (an asset
 * of another code location): only this asset's side. The workspace checks the pair once both
 * locations are loaded.
 */
function downstreamSideProblem(mapping: PartitionMappingSnapshot, down: PartitionsSnapshot | null): string | null {
  switch (mapping.kind) {
    case "all":
      return null;
    case "identity":
      return down === null ? "an identity mapping needs partitions on this asset; use allPartitionsMapping()" : null;
    case "time-window":
      return down === null || down.kind !== "time-window" ? `a time-window mapping needs time-window partitions on this asset, which has ${describe(down)}` : null;
    case "static": {
      if (down === null || down.kind !== "static") return `a static mapping needs static partitions on this asset, which has ${describe(down)}`;
      const keys = new Set(down.keys);
      const bad = Object.keys(mapping.upstreamKeysByDownstreamKey).filter((key) => !keys.has(key));
      return bad.length > 0 ? `the static mapping names ${listed(bad)}, not partitions of this asset (${describe(down)})` : null;
    }
  }
}

type Cadence = Extract<PartitionsSnapshot, { kind: "time-window" }>["cadence"];

const UNIT: Record<Cadence, { one: string; many: string; rank: number }> = {
  hourly: { one: "hour", many: "hours", rank: 0 },
  daily: { one: "day", many: "days", rank: 1 },
  monthly: { one: "month", many: "months", rank: 2 },
  yearly: { one: "year", many: "years", rank: 3 },
};

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** The shift of a same-cadence window in words: "previous partition", "the last 7 partitions", "partitions 3 to 1 before". */
function shiftWords(startOffset: number, endOffset: number): string {
  if (startOffset === 0 && endOffset === 0) return "the same partition";
  if (startOffset === endOffset) {
    if (startOffset === -1) return "previous partition";
    if (startOffset === 1) return "next partition";
    return startOffset < 0 ? `the partition ${-startOffset} before` : `the partition ${startOffset} after`;
  }
  if (endOffset === 0 && startOffset < 0) return `the last ${count(1 - startOffset, "partition")} (this one and ${count(-startOffset, "partition")} before)`;
  const where = (offset: number): string => (offset === 0 ? "this one" : offset < 0 ? `${-offset} before` : `${offset} after`);
  return `partitions from ${where(startOffset)} to ${where(endOffset)}`;
}

/** The partitions on both sides of a dependency, as far as they are known. */
export interface MappingSides {
  downstream: PartitionsSnapshot | null;
  upstream: PartitionsSnapshot | null;
}

/**
 * A mapping in words, for the API, the UI's lineage and messages. Without `sides`, the short form;
 * with the partitions of both sides (`downstream` reads `upstream` through it), what it means for them.
 * @example
 * describePartitionMapping({ kind: "time-window", startOffset: -6, endOffset: 0 }); // "time window (last 7 partitions)"
 * describePartitionMapping({ kind: "time-window", startOffset: 0, endOffset: 0 }, { downstream: monthly, upstream: daily }); // "daily → monthly: the month's days"
 * describePartitionMapping({ kind: "time-window", startOffset: -1, endOffset: -1 }, { downstream: daily, upstream: daily }); // "previous partition"
 */
export function describePartitionMapping(mapping: PartitionMappingSnapshot, sides?: MappingSides): string {
  if (sides === undefined) return shortDescription(mapping);
  const { downstream, upstream } = sides;
  switch (mapping.kind) {
    case "identity":
      return "identity: each partition reads the upstream partition of the same key";
    case "all":
      if (upstream === null) return "each partition reads the unpartitioned upstream";
      return downstream === null ? "all partitions: reads every upstream partition" : "all partitions: each partition reads every upstream partition";
    case "static": {
      const n = Object.keys(mapping.upstreamKeysByDownstreamKey).length;
      const sample = Object.entries(mapping.upstreamKeysByDownstreamKey)
        .slice(0, 2)
        .map(([down, ups]) => `${down} ← ${ups.slice(0, 3).join(", ")}${ups.length > 3 ? ", …" : ""}`)
        .join("; ");
      return `static: ${count(n, "key")} mapped (${sample}${n > 2 ? "; …" : ""})`;
    }
    case "time-window": {
      const { startOffset, endOffset } = mapping;
      if (downstream?.kind !== "time-window" || upstream?.kind !== "time-window") return `time window shifted ${startOffset}…${endOffset}`;
      const down = UNIT[downstream.cadence];
      const up = UNIT[upstream.cadence];
      const shifted = startOffset === 0 && endOffset === 0 ? "" : `, shifted ${startOffset}…${endOffset} ${up.many}`;
      if (downstream.cadence === upstream.cadence) return shiftWords(startOffset, endOffset);
      // A coarser downstream rolls up the finer upstream windows inside it; a finer one reads the one containing it.
      const words = up.rank < down.rank ? `the ${down.one}'s ${up.many}` : `the containing ${up.one}`;
      return `${upstream.cadence} → ${downstream.cadence}: ${words}${shifted}`;
    }
  }
}

function shortDescription(mapping: PartitionMappingSnapshot): string {
  switch (mapping.kind) {
    case "identity":
      return "identity";
    case "all":
      return "all partitions";
    case "static": {
      const n = Object.keys(mapping.upstreamKeysByDownstreamKey).length;
      return `static (${count(n, "key")} mapped)`;
    }
    case "time-window": {
      const { startOffset: s, endOffset: e } = mapping;
      if (s === 0 && e === 0) return "time window";
      if (s === -1 && e === -1) return "time window (previous partition)";
      if (e === 0 && s < 0) return `time window (last ${1 - s} partitions)`;
      return `time window (start ${s >= 0 ? "+" : ""}${s}, end ${e >= 0 ? "+" : ""}${e})`;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// SDK constructors
// ---------------------------------------------------------------------------------------------

function makeMapping(kind: PartitionMappingSnapshot["kind"], build: (up: PartitionsSnapshot | null | undefined, down: PartitionsSnapshot | null) => PartitionMappingSnapshot | Problem): PartitionMapping {
  return Object.freeze({
    kind,
    resolve(upstream: Side | undefined, downstream: Side): PartitionMappingSnapshot | Problem {
      const up = upstream === undefined ? undefined : snapshotOf(upstream);
      const down = snapshotOf(downstream);
      const built = build(up, down);
      if ("problem" in built) return built;
      const problem = partitionMappingProblem(built, up, down);
      return problem ? { problem } : built;
    },
  });
}

/**
 * Downstream partition k reads upstream partition k (the same key). The default between equal
 * partitions; declare it between static lists where the downstream's keys are a subset.
 * @example
 * partitionMappings: { "atlas/regions/raw": identityPartitionMapping() }
 */
export function identityPartitionMapping(): PartitionMapping {
  return makeMapping("identity", () => ({ kind: "identity" }));
}

export interface TimeWindowPartitionMappingOptions {
  /** Upstream windows to shift the first window read by (negative: earlier). Default 0. */
  startOffset?: number;
  /** Upstream windows to shift the last window read by. Default 0. */
  endOffset?: number;
}

function checkOffsets(subject: string, startOffset: unknown, endOffset: unknown): void {
  const problem = shapeProblem({ kind: "time-window", startOffset, endOffset });
  if (problem) throw definitionsError([{ subject, message: problem.replace(/^time-window mapping: /, "") }], callerLocation());
}

/**
 * A downstream window reads the upstream windows that overlap it, the first shifted by
 * `startOffset` windows and the last by `endOffset`: daily → monthly rolls up the month's days,
 * monthly → daily reads the containing month, hourly → daily a day's 23, 24 or 25 hours. The
 * default between different time windows (0/0).
 * @example
 * partitionMappings: { "atlas/frost/daily_observations": timeWindowPartitionMapping() } // monthly rollup
 * timeWindowPartitionMapping({ startOffset: -1, endOffset: 0 }); // this window and the one before
 */
export function timeWindowPartitionMapping(options: TimeWindowPartitionMappingOptions = {}): PartitionMapping {
  if (typeof options !== "object" || options === null) {
    throw definitionsError([{ subject: "timeWindowPartitionMapping", message: "options must be an object like { startOffset: -1, endOffset: 0 }" }], callerLocation());
  }
  const startOffset = options.startOffset ?? 0;
  const endOffset = options.endOffset ?? 0;
  checkOffsets("timeWindowPartitionMapping", startOffset, endOffset);
  return makeMapping("time-window", () => ({ kind: "time-window", startOffset, endOffset }));
}

/**
 * A window reads the upstream window just before it (time-window −1/−1): an incremental asset
 * building on its own previous partition, or on the previous partition of another asset.
 * @example
 * partitionMappings: { "atlas/ssb/house_prices_cumulative": previousPartitionMapping() }
 */
export function previousPartitionMapping(): PartitionMapping {
  return makeMapping("time-window", () => ({ kind: "time-window", startOffset: -1, endOffset: -1 }));
}

/**
 * A window reads the last `n` upstream windows up to and including its own (time-window
 * −(n−1)/0): a rolling window, e.g. a 7-day average over daily partitions.
 * @example
 * partitionMappings: { "atlas/frost/daily_observations": lastPartitionsMapping(7) }
 */
export function lastPartitionsMapping(n: number): PartitionMapping {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > MAX_PARTITION_MAPPING_OFFSET) {
    throw definitionsError([{ subject: "lastPartitionsMapping", message: `n must be an integer from 1 to ${MAX_PARTITION_MAPPING_OFFSET}, got ${JSON.stringify(n)}` }], callerLocation());
  }
  return makeMapping("time-window", () => ({ kind: "time-window", startOffset: -(n - 1), endOffset: 0 }));
}

/**
 * Every downstream partition reads every upstream partition: the default for an unpartitioned
 * asset reading a partitioned one (a report over all years).
 * @example
 * partitionMappings: { "atlas/ssb/house_prices": allPartitionsMapping() }
 */
export function allPartitionsMapping(): PartitionMapping {
  return makeMapping("all", () => ({ kind: "all" }));
}

/** Downstream key → the upstream key(s) it reads. */
export type StaticPartitionMap = Readonly<Record<string, string | readonly string[]>> | ((downstreamKey: string) => string | readonly string[]);

/**
 * Downstream key → upstream key(s), listed or computed. A function is called at load once per
 * key of the downstream's static partitions and its answers are stored in the snapshot, so the
 * platform never runs it. Keys the map leaves out read nothing.
 * @example
 * staticPartitionMapping({ norway: ["oslo", "bergen"], sweden: "stockholm" });
 * staticPartitionMapping((county) => municipalitiesOf(county));
 */
export function staticPartitionMapping(map: StaticPartitionMap): PartitionMapping {
  const definedAt = callerLocation();
  const fail = (message: string): never => {
    throw definitionsError([{ subject: "staticPartitionMapping", message }], definedAt);
  };
  if (typeof map === "function") {
    return makeMapping("static", (_up, down) => {
      if (down === null || down.kind !== "static") {
        return { problem: `a static mapping given as a function is evaluated over this asset's static keys, but it has ${describe(down)}; give a map of keys instead` };
      }
      const entries: Array<[string, string[]]> = [];
      for (const key of down.keys) {
        let answer: unknown;
        try {
          answer = map(key);
        } catch (error) {
          return { problem: `the static mapping function threw for ${JSON.stringify(key)}: ${error instanceof Error ? error.message : String(error)}` };
        }
        const keys = typeof answer === "string" ? [answer] : answer;
        if (!Array.isArray(keys) || keys.some((k) => typeof k !== "string")) {
          return { problem: `the static mapping function must return a key or an array of keys, and returned ${JSON.stringify(answer) ?? String(answer)} for ${JSON.stringify(key)}` };
        }
        entries.push([key, [...(keys as string[])]]);
      }
      // fromEntries defines own properties, so a key like "__proto__" stays a key.
      return { kind: "static", upstreamKeysByDownstreamKey: Object.fromEntries(entries) };
    });
  }
  if (typeof map !== "object" || map === null || Array.isArray(map)) fail("expects an object of downstream key → upstream key(s), or a function (downstreamKey) => key(s)");
  const record: Record<string, string[]> = Object.fromEntries(
    Object.entries(map).map(([key, value]) => [key, typeof value === "string" ? [value] : Array.isArray(value) ? [...(value as string[])] : (value as never)]),
  );
  const problem = shapeProblem({ kind: "static", upstreamKeysByDownstreamKey: record });
  if (problem) fail(problem.replace(/^static mapping: /, ""));
  return makeMapping("static", () => ({ kind: "static", upstreamKeysByDownstreamKey: record }));
}

/**
 * True for objects that look like a partition mapping (shape check: works across package copies).
 * @example
 * isPartitionMapping(previousPartitionMapping()); // true
 */
export function isPartitionMapping(value: unknown): value is PartitionMapping {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.resolve === "function" && (v.kind === "identity" || v.kind === "time-window" || v.kind === "all" || v.kind === "static");
}

// ---------------------------------------------------------------------------------------------
// Positions: mapping ranges between key spaces
// ---------------------------------------------------------------------------------------------

/**
 * The positions of dynamic partitions `name` for the position mappings: `count` is one past the
 * highest position storage has given (Storage.getDynamicPartitionsIndex().count). Mapped ranges
 * may include the holes of deleted keys; intersect them with the live positions.
 * @example
 * const space = dynamicPartitionsSpace("stations", (await storage.getDynamicPartitionsIndex("stations")).count);
 */
export function dynamicPartitionsSpace(name: string, count: number): DynamicPartitionsSpace {
  const problem = dynamicPartitionsNameProblem(name);
  if (problem) throw new TypeError(`dynamicPartitionsSpace: name ${JSON.stringify(name)} ${problem}`);
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`dynamicPartitionsSpace: count must be a non-negative integer, got ${count}`);
  return Object.freeze({ kind: "dynamic" as const, name, count });
}

function isDynamicSpace(space: MappingSpace): space is DynamicPartitionsSpace {
  return space !== null && (space as { kind?: unknown }).kind === "dynamic";
}

function countOf(space: MappingSpace): number {
  return space === null ? 1 : space.count;
}

/** The key space of a windowed side, or null when it has no windows. */
function windowed(space: MappingSpace): PartitionKeySpace | null {
  if (space === null || isDynamicSpace(space)) return null;
  return space.indexAtTime(0) === null ? null : space;
}

function keyed(space: MappingSpace): PartitionKeySpace | null {
  return space === null || isDynamicSpace(space) ? null : space;
}

function clipTo(ranges: IndexRanges, count: number): IndexRanges {
  const last = ranges.intervals[ranges.intervals.length - 1];
  return last === undefined || last[1] <= count ? ranges : ranges.intersect(rangeOf(0, count));
}

function mismatch(mapping: PartitionMappingSnapshot, what: string): never {
  throw new Error(`a ${mapping.kind} partition mapping cannot map ${what} (partitionMappingProblem refuses this at load)`);
}

/** Upstream positions read by downstream positions `ranges` through key lookups (static keys). */
function byKeys(ranges: IndexRanges, from: PartitionKeySpace, to: PartitionKeySpace, upstreamKeysOf: (key: string) => readonly string[]): IndexRanges {
  const out: number[] = [];
  for (const index of ranges.indices()) {
    for (const key of upstreamKeysOf(from.keyAt(index))) {
      const position = to.indexOf(key);
      if (position >= 0) out.push(position);
    }
  }
  return rangesFromIndices(out);
}

/** Upstream windows read by downstream windows `ranges` (time-window mapping). */
function windowsRead(ranges: IndexRanges, up: PartitionKeySpace, down: PartitionKeySpace, startOffset: number, endOffset: number): IndexRanges {
  const out: Array<[number, number]> = [];
  for (const [a, b] of ranges.intervals) {
    const first = up.indexAtTime(down.windowAt(a)!.start.getTime())! + startOffset;
    const last = up.indexAtTime(down.windowAt(b - 1)!.end.getTime() - 1)! + endOffset;
    const from = Math.max(0, first);
    const to = Math.min(up.count, last + 1);
    if (from < to) out.push([from, to]);
  }
  return rangesOf(out);
}

/** Downstream windows that read upstream windows `ranges` (the inverse of windowsRead). */
function windowsReading(ranges: IndexRanges, up: PartitionKeySpace, down: PartitionKeySpace, startOffset: number, endOffset: number): IndexRanges {
  // Downstream window i reads [f(i) + startOffset, l(i) + endOffset]; f and l never decrease with i.
  const f = (i: number): number => up.indexAtTime(down.windowAt(i)!.start.getTime())!;
  const l = (i: number): number => up.indexAtTime(down.windowAt(i)!.end.getTime() - 1)!;
  /** The first i in [0, count) with pred(i), or count. */
  const firstWhere = (pred: (i: number) => boolean): number => {
    let lo = 0;
    let hi = down.count;
    while (lo < hi) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (pred(mid)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const out: Array<[number, number]> = [];
  for (const [a, b] of ranges.intervals) {
    const from = firstWhere((i) => l(i) + endOffset >= a);
    const to = firstWhere((i) => f(i) + startOffset > b - 1);
    if (from < to) out.push([from, to]);
  }
  return rangesOf(out);
}

/**
 * The upstream positions that downstream positions `downstreamRanges` read through `mapping`,
 * clipped to the upstream's existing positions. A space is a key space, a dynamicPartitionsSpace,
 * or null for an unpartitioned asset (one target at position 0). Time-window and identity
 * mappings between windows cost O(intervals); static keys cost O(positions) (≤ 200,000).
 * @example
 * // daily → monthly rollup: February 2024 (position 1 of monthly from 2024-01) reads its 29 days
 * upstreamRangesFor({ kind: "time-window", startOffset: 0, endOffset: 0 }, dailySpace, monthlySpace, rangeOf(1, 2)).encode(); // "31-59"
 */
export function upstreamRangesFor(mapping: PartitionMappingSnapshot, upstreamSpace: MappingSpace, downstreamSpace: MappingSpace, downstreamRanges: IndexRanges): IndexRanges {
  const ranges = clipTo(downstreamRanges, countOf(downstreamSpace));
  const upCount = countOf(upstreamSpace);
  if (ranges.isEmpty()) return emptyRanges();
  switch (mapping.kind) {
    case "all":
      return rangeOf(0, upCount);
    case "identity": {
      if (upstreamSpace === null || downstreamSpace === null || isDynamicSpace(upstreamSpace) || isDynamicSpace(downstreamSpace)) {
        if ((upstreamSpace === null) !== (downstreamSpace === null) || isDynamicSpace(upstreamSpace) !== isDynamicSpace(downstreamSpace)) mismatch(mapping, "between these partitions");
        return clipTo(ranges, upCount);
      }
      if (upstreamSpace === downstreamSpace) return ranges;
      const up = windowed(upstreamSpace);
      const down = windowed(downstreamSpace);
      if (up && down) return windowsRead(ranges, up, down, 0, 0);
      return byKeys(ranges, downstreamSpace, upstreamSpace, (key) => [key]);
    }
    case "time-window": {
      const up = windowed(upstreamSpace);
      const down = windowed(downstreamSpace);
      if (!up || !down) mismatch(mapping, "partitions without time windows");
      return windowsRead(ranges, up, down, mapping.startOffset, mapping.endOffset);
    }
    case "static": {
      const up = keyed(upstreamSpace);
      const down = keyed(downstreamSpace);
      if (!up || !down) mismatch(mapping, "partitions without known keys");
      const record = mapping.upstreamKeysByDownstreamKey;
      return byKeys(ranges, down, up, (key) => (Object.hasOwn(record, key) ? record[key]! : []));
    }
  }
}

/**
 * The downstream positions that read any of upstream positions `upstreamRanges` through
 * `mapping` (the inverse of upstreamRangesFor): what a backfill of upstream partitions must
 * also fill downstream, and what a failed upstream partition skips.
 * @example
 * // monthly → daily: the days of February 2024 read month 1
 * downstreamRangesFor({ kind: "time-window", startOffset: 0, endOffset: 0 }, monthlySpace, dailySpace, rangeOf(1, 2)).encode(); // "31-59"
 */
export function downstreamRangesFor(mapping: PartitionMappingSnapshot, upstreamSpace: MappingSpace, downstreamSpace: MappingSpace, upstreamRanges: IndexRanges): IndexRanges {
  const ranges = clipTo(upstreamRanges, countOf(upstreamSpace));
  const downCount = countOf(downstreamSpace);
  if (ranges.isEmpty()) return emptyRanges();
  switch (mapping.kind) {
    case "all":
      return rangeOf(0, downCount);
    case "identity": {
      if (upstreamSpace === null || downstreamSpace === null || isDynamicSpace(upstreamSpace) || isDynamicSpace(downstreamSpace)) {
        if ((upstreamSpace === null) !== (downstreamSpace === null) || isDynamicSpace(upstreamSpace) !== isDynamicSpace(downstreamSpace)) mismatch(mapping, "between these partitions");
        return clipTo(ranges, downCount);
      }
      if (upstreamSpace === downstreamSpace) return ranges;
      const up = windowed(upstreamSpace);
      const down = windowed(downstreamSpace);
      if (up && down) return windowsReading(ranges, up, down, 0, 0);
      return byKeys(ranges, upstreamSpace, downstreamSpace, (key) => [key]);
    }
    case "time-window": {
      const up = windowed(upstreamSpace);
      const down = windowed(downstreamSpace);
      if (!up || !down) mismatch(mapping, "partitions without time windows");
      return windowsReading(ranges, up, down, mapping.startOffset, mapping.endOffset);
    }
    case "static": {
      const up = keyed(upstreamSpace);
      const down = keyed(downstreamSpace);
      if (!up || !down) mismatch(mapping, "partitions without known keys");
      const out: number[] = [];
      for (const [downstreamKey, upstreamKeys] of Object.entries(mapping.upstreamKeysByDownstreamKey)) {
        const position = down.indexOf(downstreamKey);
        if (position >= 0 && upstreamKeys.some((key) => { const i = up.indexOf(key); return i >= 0 && ranges.has(i); })) out.push(position);
      }
      return rangesFromIndices(out);
    }
  }
}
