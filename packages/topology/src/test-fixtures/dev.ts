/**
 * The `flyt dev` drill's location: `dev/first` → `dev/slow` → `dev/after`. `dev/slow` records its
 * execution and then waits while the file named by FLYT_TOPOLOGY_HANG_FILE exists (at most 60 s),
 * so the drill can kill -9 `flyt dev` in the middle of a run, delete the file, and re-execute from
 * failure: `dev/slow` runs again and finishes at once, and `dev/after` — which never started in the
 * killed run — runs too.
 */
import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { asset, defineDefinitions } from "@flyt/sdk";
import { recordExecution } from "./record.js";

const first = asset({
  key: "dev/first",
  compute: (ctx) => {
    recordExecution(ctx);
    return { ok: 1 };
  },
});

const slow = asset({
  key: "dev/slow",
  deps: [first],
  compute: async (ctx) => {
    recordExecution(ctx);
    const hang = process.env.FLYT_TOPOLOGY_HANG_FILE;
    const deadline = Date.now() + 60_000;
    while (hang && existsSync(hang) && Date.now() < deadline) await sleep(100, undefined, { signal: ctx.signal });
    return { ok: 1 };
  },
});

const afterSlow = asset({
  key: "dev/after",
  deps: [slow],
  compute: (ctx) => {
    recordExecution(ctx);
    return { ok: 1 };
  },
});

export default defineDefinitions({ assets: [first, slow, afterSlow] });
