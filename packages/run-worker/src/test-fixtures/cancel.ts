/**
 * Test definitions for cancellation: `c/stubborn` spawns `sleep 300`, records both pids and
 * ignores the abort signal forever (only a process-group kill ends it); `c/cooperative` stops
 * when its signal aborts; `c/after` is downstream of both; `c/leaves_child` returns while its `sleep` child still runs.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { asset, defineDefinitions } from "@flyt/sdk";
import { fixtureDir } from "./fixture-util.js";

const stubborn = asset({
  key: "c/stubborn",
  compute: async () => {
    const child = spawn("sleep", ["300"], { stdio: "ignore" });
    process.on("SIGTERM", () => undefined);
    writeFileSync(join(fixtureDir(), "pids.json"), JSON.stringify({ worker: process.pid, grandchild: child.pid }));
    await new Promise(() => undefined);
  },
});
const cooperative = asset({
  key: "c/cooperative",
  compute: async (context) => {
    writeFileSync(join(fixtureDir(), "cooperative-started"), String(Date.now()));
    await new Promise<void>((_resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("cooperative step was never canceled")), 60_000);
      context.signal.addEventListener("abort", () => {
        clearTimeout(timer);
        reject(new Error("aborted by cancellation"));
      });
    });
  },
});
const leavesChild = asset({
  key: "c/leaves_child",
  compute: () => {
    const child = spawn("sleep", ["300"], { stdio: "ignore" });
    writeFileSync(join(fixtureDir(), "stray.json"), JSON.stringify({ worker: process.pid, grandchild: child.pid }));
  },
});
const after = asset({ key: "c/after", deps: ["c/stubborn", "c/cooperative"], compute: () => undefined });

export default defineDefinitions({ assets: [stubborn, cooperative, leavesChild, after] });
