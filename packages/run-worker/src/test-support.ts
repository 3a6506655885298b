/**
 * Shared helpers for this package's tests: fixture paths, scratch directories, runs on a real
 * storage, and event queries. Not exported from the package.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { EventBody, NewRun, RunRecord, StoredEvent } from "@flyt/core";
import type { Storage } from "@flyt/storage";
import type { LaunchRequest, RunLauncher } from "@flyt/contracts";

/** Compiled fixture (dist/test-fixtures/<name>.js). */
export function fixtureJs(name: string): string {
  return fileURLToPath(new URL(`./test-fixtures/${name}.js`, import.meta.url));
}

/** TypeScript source of a fixture (src/test-fixtures/<name>.ts), bundled with esbuild by loadDefinitions. */
export function fixtureTs(name: string): string {
  return fileURLToPath(new URL(`../src/test-fixtures/${name}.ts`, import.meta.url));
}

export interface Scratch {
  dir: string;
  executions(): string[];
  [Symbol.dispose](): void;
}

/** A temp directory, also set as FLYT_FIXTURE_DIR (for in-process runs) until disposed. */
export function scratch(): Scratch {
  const dir = mkdtempSync(join(tmpdir(), "flyt-run-worker-"));
  const previous = process.env.FLYT_FIXTURE_DIR;
  process.env.FLYT_FIXTURE_DIR = dir;
  return {
    dir,
    executions() {
      try {
        return readFileSync(join(dir, "executions.log"), "utf8").split("\n").filter(Boolean);
      } catch {
        return [];
      }
    },
    [Symbol.dispose]() {
      if (previous === undefined) delete process.env.FLYT_FIXTURE_DIR;
      else process.env.FLYT_FIXTURE_DIR = previous;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function createRun(storage: Storage, run: Partial<NewRun> & { assetKeys: string[] }): Promise<RunRecord> {
  const { run: created } = await storage.createRun({ selection: run.assetKeys.join(","), ...run });
  return created;
}

export async function allEvents(storage: Storage, runId: string): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  let afterId: number | undefined;
  for (;;) {
    const page = await storage.getEvents(runId, { limit: 1000, ...(afterId === undefined ? {} : { afterId }) });
    out.push(...page);
    if (page.length < 1000) return out;
    afterId = page[page.length - 1]!.id;
  }
}

export function ofType<T extends EventBody["type"]>(
  events: StoredEvent[],
  type: T,
): Array<StoredEvent & { body: Extract<EventBody, { type: T }> }> {
  return events.filter((event) => event.body.type === type) as Array<StoredEvent & { body: Extract<EventBody, { type: T }> }>;
}

/** Launches a run and waits for it; returns the final record and its events. */
export async function launchAndWait(
  launcher: RunLauncher,
  storage: Storage,
  runInput: Partial<NewRun> & { assetKeys: string[] },
  request: Omit<LaunchRequest, "run" | "storage">,
): Promise<{ run: RunRecord; events: StoredEvent[] }> {
  const created = await createRun(storage, runInput);
  const handle = launcher.launch({ ...request, run: created, storage });
  const run = await handle.done;
  return { run, events: await allEvents(storage, run.runId) };
}

/** Max number of steps running at the same time, from STEP_START / step-end events. */
export function maxConcurrency(events: StoredEvent[]): number {
  let running = 0;
  let max = 0;
  for (const event of events) {
    if (event.body.type === "STEP_START") max = Math.max(max, ++running);
    if (["STEP_SUCCESS", "STEP_FAILURE", "STEP_CANCELED", "STEP_RETRY"].includes(event.body.type)) running--;
  }
  return max;
}

/** Whether a process exists and is not a zombie (containers may lack an init that reaps orphans). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

export async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
