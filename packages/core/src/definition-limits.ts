/**
 * How large a code location's definitions may be: one set of numbers that the SDK checks when a
 * definition is declared (so the author sees the asset and the limit at once), that the code
 * server checks when it builds the snapshot (so it never reports LOADED with a snapshot it cannot
 * serve), and that protocol v1's snapshot schema enforces (so a platform refuses a snapshot from any
 * other implementation the same way). docs/protocol/README.md states them.
 *
 * Lengths count UTF-16 code units (JavaScript's `length`, JSON Schema's `maxLength` counts code
 * points, which is never more); sizes count UTF-8 bytes of the serialized JSON.
 */
export const DEFINITION_LIMITS = {
  /** One segment of an asset key (`population_08764` in `atlas/ssb/population_08764`). */
  keySegmentChars: 255,
  /** Segments in one asset key. */
  keySegments: 32,
  /** A printed asset key (`/`-joined), also a step key. */
  keyChars: 1024,
  /** Names: locations, schedules, sensors, checks, resources, multi-assets, groups. */
  nameChars: 200,
  /** One owner (`team:data`, an e-mail address). */
  ownerChars: 200,
  /** Owners of one asset. */
  owners: 50,
  /** A tag's key / value on an asset, schedule or sensor. */
  tagKeyChars: 255,
  tagValueChars: 1024,
  /** Tags of one asset, schedule or sensor. */
  tags: 100,
  /** One kind (`dbt`, `typescript`) / kinds of one asset. */
  kindChars: 100,
  kinds: 50,
  /** A code version. */
  codeVersionChars: 255,
  /** The description of an asset, check, schedule or sensor. */
  descriptionChars: 64 * 1024,
  /**
   * An asset definition's metadata, serialized. Every reload carries every asset's metadata, so
   * this is well below a materialization's 512 KiB (EVENT_LIMITS.metadataBytes).
   */
  metadataBytes: 64 * 1024,
  /** A schedule's or sensor's target (a selection expression). */
  selectionChars: 64 * 1024,
  /** A cron expression / an IANA time-zone name. */
  cronChars: 200,
  timezoneChars: 100,
  /**
   * Keys a static partitions definition may list (every load carries them in the snapshot). Time
   * windows are not listed, so they have no such limit (a million hourly windows since 1910 are
   * fine); dynamic partitions keep their keys in storage.
   */
  partitionKeys: 200_000,
  /** One partition key. */
  partitionKeyChars: 128,
  /**
   * An asset's automation condition (docs/automation.md): nodes on its longest root-to-leaf path,
   * nodes in all, and one node's label. The daemon evaluates every condition every tick, so a
   * condition stays small; the ready-made ones have about a dozen nodes.
   */
  automationConditionDepth: 32,
  automationConditionNodes: 200,
  automationLabelChars: 200,
} as const;

/** "is 5000 characters, over the limit of 255": the wording every limit message uses. */
export function overLimit(size: number, limit: number, unit: "characters" | "bytes" | "entries" = "characters"): string {
  return `is ${size} ${size === 1 && unit === "entries" ? "entry" : unit}, over the limit of ${limit}`;
}

/** A long value shortened for messages: its start, an ellipsis and its full length. */
export function abbreviate(text: string, keep = 40): string {
  return text.length <= keep + 12 ? text : `${text.slice(0, keep)}…(${text.length} chars)`;
}
