/**
 * The command-line flags of `flyt backfill` as a `BackfillRequest`: exactly one partition set
 * (`--from/--to`, `--partitions`, `--all`, `--missing`, `--failed [id]`), a policy
 * (`single-run` or `multi-run:N`), a per-backfill run limit and tags. Pure: every problem is an
 * InvalidConfigError naming the flag, which the command reports as bad input (exit 2).
 */
import { userInfo } from "node:os";
import { InvalidConfigError, type BackfillPartitionSet, type BackfillPolicySnapshot, type BackfillRequest } from "@flyt/core";
import { parseTags } from "./materialize.js";

export interface BackfillFlags {
  select: string;
  from?: string;
  to?: string;
  partitions?: string;
  all?: boolean;
  missing?: boolean;
  /** `--failed` alone is `true`; `--failed <id>` the backfill id. */
  failed?: string | boolean;
  policy?: string;
  maxConcurrent?: string;
  tag?: string[];
}

const PARTITION_FLAGS = "--from/--to, --partitions, --all, --missing or --failed";

/**
 * The partition set the flags ask for.
 * @example
 * partitionSetFromFlags({ select: "*", from: "2000", to: "2024" }); // { kind: "range", from: "2000", to: "2024" }
 */
export function partitionSetFromFlags(flags: BackfillFlags): BackfillPartitionSet {
  const given: BackfillPartitionSet[] = [];
  if (flags.from !== undefined || flags.to !== undefined) {
    if (flags.from === undefined || flags.to === undefined) {
      throw new InvalidConfigError(flags.from === undefined ? "--from" : "--to", "--from and --to go together: give the first and the last partition key of the range (both included)");
    }
    given.push({ kind: "range", from: flags.from, to: flags.to });
  }
  if (flags.partitions !== undefined) {
    const keys = flags.partitions.split(",").map((k) => k.trim());
    if (keys.some((k) => k === "")) throw new InvalidConfigError("--partitions", `expected comma-separated partition keys, got ${JSON.stringify(flags.partitions)}`);
    given.push({ kind: "keys", keys: [...new Set(keys)] });
  }
  if (flags.all) given.push({ kind: "all" });
  if (flags.missing) given.push({ kind: "missing" });
  if (flags.failed !== undefined && flags.failed !== false) {
    given.push(typeof flags.failed === "string" ? { kind: "failed", backfillId: flags.failed } : { kind: "failed" });
  }
  if (given.length === 0) throw new InvalidConfigError("flyt backfill", `which partitions? Give one of ${PARTITION_FLAGS}`);
  if (given.length > 1) throw new InvalidConfigError("flyt backfill", `give only one of ${PARTITION_FLAGS} (got ${given.map((s) => s.kind).join(" and ")})`);
  return given[0]!;
}

/**
 * `single-run` or `multi-run:N` (N partitions per run at most; `multi-run` alone is one per run).
 * @example
 * parsePolicy("multi-run:5"); // { kind: "multi-run", maxPartitionsPerRun: 5 }
 */
export function parsePolicy(text: string): BackfillPolicySnapshot {
  if (text === "single-run") return { kind: "single-run" };
  const match = /^multi-run(?::(\d{1,7}))?$/.exec(text);
  const n = match?.[1] === undefined ? 1 : Number(match[1]);
  if (match === null || n < 1) throw new InvalidConfigError("--policy", `expected single-run, multi-run or multi-run:N with N ≥ 1 partitions per run, got ${JSON.stringify(text)}`);
  return { kind: "multi-run", maxPartitionsPerRun: n };
}

function positiveInteger(text: string, flag: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1) throw new InvalidConfigError(flag, `expected a positive integer, got ${JSON.stringify(text)}`);
  return n;
}

/** Who asked, for the backfill record: `cli:<user>` (the user may be unknown in a container). */
export function cliRequester(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return "cli";
  }
}

/** The request the flags describe (not yet checked against the definitions: validateBackfillRequest does that). */
export function backfillRequestFromFlags(flags: BackfillFlags, requestedBy: string = cliRequester()): BackfillRequest {
  if (flags.select.trim() === "") throw new InvalidConfigError("--select", "give a selection of assets (docs/selection.md), e.g. --select 'group:ssb+'");
  return {
    selection: flags.select,
    partitions: partitionSetFromFlags(flags),
    policy: flags.policy === undefined ? null : parsePolicy(flags.policy),
    tags: parseTags(flags.tag),
    maxConcurrentRuns: flags.maxConcurrent === undefined ? null : positiveInteger(flags.maxConcurrent, "--max-concurrent"),
    requestedBy,
  };
}
