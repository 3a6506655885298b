/**
 * The automation loop's cursor: what one tick must remember for the next, as compact JSON text
 * storage keeps opaque (`getAutomationCursor` / `recordAutomationTick`). Per evaluated asset: a
 * fingerprint of its condition and partitions (memory is dropped when either changed), a
 * signature of its last evaluation's true sets (to store only evaluations that changed), the positions the
 * tick requested (`newly_requested`), and the range-encoded sets its memory nodes keep (`since`,
 * `newly_true`, partitioned `updated_since_cron`), by node path. Plus the materializations already
 * counted as "newly updated" near the tick (so the overlap that catches late-written events does
 * not count one twice).
 */
import { decodeRanges, type IndexRanges } from "@flyt/partitions";

export const CURSOR_VERSION = 1;

/** One asset's memory between ticks. */
export interface AssetMemory {
  /** Fingerprint of the condition and the partitions it was evaluated over. */
  fingerprint: string;
  /** Signature of the explanation tree (equal: nothing to store). */
  signature: string;
  /** Positions requested. */
  requested: IndexRanges;
  /** Memory nodes' text by node path. */
  nodes: Record<string, string>;
}

export interface AutomationCursor {
  /** The tick's `now` (epoch ms). */
  tickTime: number;
  assets: Map<string, AssetMemory>;
  /** Materializations counted as newly updated whose time is within the overlap: asset → "position:timestamp" entries. */
  counted: Map<string, Set<string>>;
}

/**
 * Reads a cursor `encodeAutomationCursor` wrote. A cursor that cannot be read (another version,
 * damaged) gives `{ cursor: null, problem }`: the loop starts afresh — as on its first tick — instead
 * of stopping for good.
 */
export function decodeAutomationCursor(text: string | null): { cursor: AutomationCursor | null; problem: string | null } {
  if (text === null || text === "") return { cursor: null, problem: null };
  const fail = (why: string): { cursor: null; problem: string } => ({ cursor: null, problem: `the automation cursor cannot be read (${why}); evaluating as on a first tick` });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return fail(`not JSON: ${(error as Error).message}`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return fail("not an object");
  const r = raw as Record<string, unknown>;
  if (r.v !== CURSOR_VERSION) return fail(`version ${JSON.stringify(r.v)}, this build writes ${CURSOR_VERSION}`);
  if (typeof r.t !== "number" || !Number.isSafeInteger(r.t) || r.t < 0) return fail("t must be the previous tick's time in epoch ms");
  if (typeof r.a !== "object" || r.a === null || Array.isArray(r.a)) return fail("a must be an object of assets");
  const assets = new Map<string, AssetMemory>();
  try {
    for (const [key, value] of Object.entries(r.a as Record<string, unknown>)) {
      if (!Array.isArray(value) || value.length < 3 || typeof value[0] !== "string" || typeof value[1] !== "string" || typeof value[2] !== "string") {
        return fail(`asset ${JSON.stringify(key)} must be [fingerprint, signature, requested, nodes?]`);
      }
      const nodes = value[3] ?? {};
      if (typeof nodes !== "object" || nodes === null || Array.isArray(nodes) || Object.values(nodes).some((v) => typeof v !== "string")) {
        return fail(`asset ${JSON.stringify(key)}: nodes must be an object of strings`);
      }
      assets.set(key, { fingerprint: value[0], signature: value[1], requested: decodeRanges(value[2]), nodes: nodes as Record<string, string> });
    }
  } catch (error) {
    return fail((error as Error).message);
  }
  const counted = new Map<string, Set<string>>();
  if (r.u !== undefined) {
    if (typeof r.u !== "object" || r.u === null || Array.isArray(r.u)) return fail("u must be an object");
    for (const [key, value] of Object.entries(r.u as Record<string, unknown>)) {
      if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) return fail(`u of ${JSON.stringify(key)} must be an array of strings`);
      counted.set(key, new Set(value as string[]));
    }
  }
  return { cursor: { tickTime: r.t, assets, counted }, problem: null };
}

/**
 * The cursor as compact JSON: empty sets and empty memories are left out.
 * @example
 * encodeAutomationCursor({ tickTime: 1_700_000_000_000, assets: new Map(), counted: new Map() }); // '{"v":1,"t":1700000000000,"a":{}}'
 */
export function encodeAutomationCursor(cursor: AutomationCursor): string {
  const a: Record<string, unknown[]> = {};
  for (const [key, memory] of cursor.assets) {
    const entry: unknown[] = [memory.fingerprint, memory.signature, memory.requested.encode()];
    const nodes = Object.entries(memory.nodes).filter(([, v]) => v !== "");
    if (nodes.length > 0) entry.push(Object.fromEntries(nodes));
    a[key] = entry;
  }
  const out: Record<string, unknown> = { v: CURSOR_VERSION, t: cursor.tickTime, a };
  const u: Record<string, string[]> = {};
  for (const [key, set] of cursor.counted) if (set.size > 0) u[key] = [...set];
  if (Object.keys(u).length > 0) out.u = u;
  return JSON.stringify(out);
}
