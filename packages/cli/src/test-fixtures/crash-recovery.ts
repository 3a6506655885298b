/**
 * Definitions for the crash-recovery tests: `crash/slow` sleeps (a timer, so an abort or a dead
 * parent can stop it) after writing `<FLYT_TEST_TRACE_DIR>/slow-started` with its worker's pid,
 * so a test knows a run is in the middle of a step before it kills the platform. Every process
 * that loads these definitions (code server, run workers) appends its pid to `pids.log`.
 */
import { appendFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { asset, defineDefinitions } from "@flyt/sdk";

const dir = process.env.FLYT_TEST_TRACE_DIR;
if (dir) appendFileSync(join(dir, "pids.log"), `${process.pid} ${basename(process.argv[1] ?? "?")}\n`);

const slow = asset({
  key: "crash/slow",
  compute: async () => {
    if (dir) writeFileSync(join(dir, "slow-started"), String(process.pid));
    await new Promise((resolve) => setTimeout(resolve, 600_000));
    return { slept: true };
  },
});

export default defineDefinitions({ assets: [slow] });
