/**
 * The backfill renderers without a terminal or storage: key ranges from encoded positions, and the
 * progress shown on a terminal (redrawn in place) and on a pipe (a line per change of counts).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { BackfillCounts, BackfillRecord } from "@flyt/core";
import type { KeysAt } from "./backfill.js";

// picocolors decides at import whether to color (CI turns it on): plain text, as in the CLI tests.
process.env.NO_COLOR = "1";
const { BackfillProgress, describeIndexRanges } = await import("./backfill.js");

const years: KeysAt = (indices) => Promise.resolve(new Map(indices.filter((i) => i < 25).map((i) => [i, String(2000 + i)])));

function record(status: BackfillRecord["status"], counts: Partial<BackfillCounts>): BackfillRecord {
  return {
    backfillId: "b-1",
    status,
    request: { selection: "*", partitions: { kind: "all" } },
    plan: null,
    progress: [],
    counts: { total: 10, requested: 0, queued: 0, inProgress: 0, materialized: 0, failed: 0, skipped: 0, canceled: 0, ...counts },
    error: null,
    createdAt: 0,
    updatedAt: 0,
    endedAt: null,
  };
}

describe("describeIndexRanges", () => {
  it("shows consecutive positions as a range of keys and single ones as a key", async () => {
    assert.equal(await describeIndexRanges("0-16,19", years), "2000…2016, 2019");
    assert.equal(await describeIndexRanges("", years), "-");
  });

  it("shows at most `limit` ranges, then how many more, and positions without a key by number", async () => {
    assert.equal(await describeIndexRanges("0,2,4,6", years, 2), "2000, 2002, … (2 more ranges; 4 partitions in all)");
    assert.equal(await describeIndexRanges("24-26", years), "2024…#26");
  });
});

describe("BackfillProgress", () => {
  it("prints a plain line per change of counts, not per poll", () => {
    const lines: string[] = [];
    const progress = new BackfillProgress({ tty: null, line: (text) => lines.push(text), minLineIntervalMs: 0 });
    progress.update(record("REQUESTED", {}), 0);
    progress.update(record("IN_PROGRESS", { queued: 2, requested: 8 }), 10);
    progress.update(record("IN_PROGRESS", { queued: 2, requested: 8 }), 20);
    progress.update(record("IN_PROGRESS", { materialized: 2, inProgress: 2, requested: 5, failed: 1 }), 1_000);
    progress.update(record("COMPLETED_FAILED", { materialized: 9, failed: 1 }), 2_000);
    assert.deepEqual(lines, [
      "waiting for the backfill to be planned…",
      "0/10 done · 2 running",
      "3/10 done · 2 running · 2 materialized · 1 failed · ETA 2.31s",
      "10/10 done · 0 running · 9 materialized · 1 failed",
    ]);
  });

  it("redraws one line in place on a terminal, with a bar, and ends it on finish", () => {
    let screen = "";
    const progress = new BackfillProgress({ tty: { write: (text) => (screen += text), columns: 80 }, line: () => assert.fail("no plain lines on a terminal") });
    progress.update(record("IN_PROGRESS", { materialized: 5, inProgress: 1, requested: 4 }), 0);
    progress.update(record("IN_PROGRESS", { materialized: 6, requested: 4 }), 1_000);
    progress.finish();
    const draws = screen.split("\r").filter((d) => d !== "");
    assert.equal(draws.length, 2);
    // eslint-disable-next-line no-control-regex -- the clear-to-end-of-line escape is what is tested
    assert.match(draws[1]!, /^█{12}░{8} 6\/10 done · 0 running · ETA 4\.00s\u001b\[K\n$/);
  });
});
