/**
 * What the CLI's process tests share: a real `flyt …` command as a child process with its output
 * collected, waiting for a condition with a deadline, and the process tree of a pid read from
 * /proc (to prove that nothing a killed command started is left running).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import type { TestStorageLocation } from "@flyt/storage/testing";

export const FLYT = fileURLToPath(new URL("../bin/flyt.js", import.meta.url));

export interface FlytProcess {
  child: ChildProcess;
  pid: number;
  /** stdout and stderr so far. */
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, SIGKILL after 10 s; resolves once it exited. */
  stop: () => Promise<void>;
}

/**
 * The environment that points `flyt` at a test storage (`describeEachBackend`'s fixture or
 * location): PostgreSQL by FLYT_DATABASE_URL, with FLYT_HOME `home`; SQLite by FLYT_HOME, the
 * directory of its `flyt.db` (the file the CLI opens there), with FLYT_DATABASE_URL emptied.
 */
export function storageEnv(location: Pick<TestStorageLocation, "url" | "sqlitePath">, home: string): { FLYT_HOME: string; FLYT_DATABASE_URL: string } {
  if (location.url !== null) return { FLYT_HOME: home, FLYT_DATABASE_URL: location.url };
  return { FLYT_HOME: dirname(location.sqlitePath!), FLYT_DATABASE_URL: "" };
}

/** Starts `flyt <args>` with JSON logs (FLYT_LOG_PRETTY=0) at info level unless `env` says otherwise. */
export function startFlyt(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): FlytProcess {
  const child = spawn(process.execPath, [FLYT, ...args], {
    cwd: options.cwd,
    env: { ...process.env, FLYT_LOG_LEVEL: "info", FLYT_LOG_PRETTY: "0", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  child.stdout?.on("data", (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  };
  if (child.pid === undefined) throw new Error(`could not start flyt ${args.join(" ")}`);
  return { child, pid: child.pid, output: () => text, exited, stop };
}

/** Polls `fn` every 100 ms until it returns a non-null value; throws naming `what` after `timeoutMs`. */
export async function waitFor<T>(fn: () => Promise<T | null> | T | null, timeoutMs: number, what: string | (() => string)): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === "string" ? what : what()}`);
    await sleep(100);
  }
}

/** The URL `flyt dev` printed ("Flyt dev is up at …"), once it answers /healthz. */
export async function devUrl(dev: FlytProcess, timeoutMs = 30_000): Promise<string> {
  return waitFor(
    async () => {
      const match = /Flyt dev is up at (http:\/\/[^\s"]+)/.exec(dev.output());
      if (match === null) return null;
      const response = await fetch(`${match[1]!}/healthz`).catch(() => null);
      return response?.ok ? match[1]! : null;
    },
    timeoutMs,
    () => `flyt dev to answer; output:\n${dev.output()}`,
  );
}

/** Waits until every code location of a running dev/webserver is LOADED (GraphQL `locations`). */
export async function waitForLocations(url: string, timeoutMs = 60_000): Promise<void> {
  let last = "";
  await waitFor(
    async () => {
      const response = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ locations { name status } }" }) });
      const body = (await response.json()) as { data?: { locations: Array<{ name: string; status: string }> } };
      const locations = body.data?.locations ?? [];
      last = JSON.stringify(locations);
      return locations.length > 0 && locations.every((l) => l.status === "LOADED") ? true : null;
    },
    timeoutMs,
    () => `the code locations to load (${last})`,
  );
}

/**
 * The pid a test fixture wrote to `path`, or null until the file holds one: writeFileSync creates
 * the file before it writes, so a poll can see it empty (which read as pid 0 and failed a test).
 */
export function readPidFile(path: string): number | null {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return null;
  }
  return /^\d+$/.test(text.trim()) && Number(text) > 0 ? Number(text) : null;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Every live descendant of `pid` (children, grandchildren, …), from the parent pids in /proc. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, "utf8");
    } catch {
      continue; // exited while we looked
    }
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] === "Z") continue;
    const ppid = Number(fields[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(name));
    children.set(ppid, list);
  }
  const out: number[] = [];
  const queue = [...(children.get(pid) ?? [])];
  while (queue.length > 0) {
    const next = queue.shift()!;
    out.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return out;
}

/** A short description of a pid for assertion messages ("1234 node …/main.js"). */
export function describePid(pid: number): string {
  try {
    return `${pid} ${readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim()}`;
  } catch {
    return `${pid} (gone)`;
  }
}

/** The URL a `flyt code-server` or `flyt webserver` logged in its JSON "listening" line. */
export async function listeningUrl(proc: FlytProcess, timeoutMs = 30_000): Promise<string> {
  return waitWhileRunning(
    proc,
    () => {
      for (const line of proc.output().split("\n")) {
        if (!line.startsWith("{")) continue;
        const record = JSON.parse(line) as { msg?: string; url?: string };
        if (record.msg === "listening" && typeof record.url === "string") return record.url;
      }
      return null;
    },
    timeoutMs,
    "its listening line",
  );
}

/** `waitFor` that fails at once, with the process's output, when `proc` exits meanwhile. */
export async function waitWhileRunning<T>(proc: FlytProcess, fn: () => Promise<T | null> | T | null, timeoutMs: number, what: string): Promise<T> {
  return waitFor(
    async () => {
      if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
        throw new Error(`flyt ${proc.child.spawnargs.slice(2).join(" ")} exited (${proc.child.exitCode ?? proc.child.signalCode}) while waiting for ${what}:\n${proc.output().slice(-4000)}`);
      }
      return fn();
    },
    timeoutMs,
    () => `${what}; output of flyt ${proc.child.spawnargs.slice(2, 3).join(" ")}:\n${proc.output().slice(-4000)}`,
  );
}
