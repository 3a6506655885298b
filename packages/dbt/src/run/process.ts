/**
 * Runs one dbt process: spawned in its own process group (as Flyt's Pipes children are), its stdout
 * handed over line by line the moment each line arrives, its stderr passed through, and stopped
 * the way dbt expects when the run is canceled: SIGINT to the group first — dbt turns it into a
 * KeyboardInterrupt, cancels the queries it has running on the warehouse (`adapter.cancel_open_connections`)
 * and writes run_results.json — then SIGTERM after the grace period, then SIGKILL. When dbt exits,
 * whatever it left in its group (a multiprocessing helper) is killed with it, and groups still
 * alive when the worker exits are killed too.
 */
import { spawn } from "node:child_process";
import { StringDecoder } from "node:string_decoder";
import { DbtExecutableNotFoundError } from "./errors.js";

/** A stdout line longer than this is cut (dbt's info-level lines are well under 10 KiB). */
export const MAX_LINE_CHARS = 4 * 1024 * 1024;
/** Kept of stderr for error messages. */
export const STDERR_TAIL_CHARS = 4096;
export const DEFAULT_CANCEL_GRACE_MS = 10_000;

export interface DbtProcessOptions {
  executable: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  signal: AbortSignal;
  /** After SIGINT, how long before SIGTERM; SIGKILL follows after as long again (at most 5 s). */
  cancelGraceMs: number;
  /** Each stdout line, synchronously as it arrives. Throwing here is the caller's bug: caught and rethrown at the end. */
  onLine(line: string): void;
  onStderr(text: string): void;
  onSpawn?(pid: number): void;
}

export interface DbtProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  pid: number;
  /** True when the run was canceled while dbt ran. */
  canceled: boolean;
  /** The last signal Flyt sent on cancellation (SIGINT, SIGTERM or SIGKILL), or null. */
  cancelSignal: NodeJS.Signals | null;
  /** performance.now() when the process exited / was told to stop. */
  exitedAt: number;
  canceledAt: number | null;
  stderrTail: string;
}

const live = new Set<number>();
let hooked = false;

function track(pid: number): void {
  live.add(pid);
  if (!hooked) {
    hooked = true;
    process.on("exit", () => {
      for (const group of live) killGroup(group, "SIGKILL");
    });
  }
}

/** Signals a whole process group; false when it is gone. */
export function killGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

export function runDbtProcess(options: DbtProcessOptions): Promise<DbtProcessExit> {
  return new Promise<DbtProcessExit>((resolve, reject) => {
    const child = spawn(options.executable, [...options.args], { cwd: options.cwd, env: options.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    const pid = child.pid;
    let handlerError: unknown = null;
    let stderrTail = "";
    let canceled = false;
    let cancelSignal: NodeJS.Signals | null = null;
    let canceledAt: number | null = null;
    const timers: NodeJS.Timeout[] = [];

    child.on("error", (error: NodeJS.ErrnoException) => {
      if (pid === undefined) {
        options.signal.removeEventListener("abort", onAbort);
        const code = error.code ?? "error";
        reject(code === "ENOENT" || code === "EACCES" ? new DbtExecutableNotFoundError(options.executable, code, { cause: error }) : error);
      }
    });
    if (pid === undefined) return;
    track(pid);
    options.onSpawn?.(pid);

    // Lines are cut from decoded text so a multi-byte character split between chunks stays whole.
    const decoder = new StringDecoder("utf8");
    let pending = "";
    const deliver = (line: string): void => {
      if (handlerError !== null) return;
      try {
        options.onLine(line.endsWith("\r") ? line.slice(0, -1) : line);
      } catch (error) {
        handlerError = error;
      }
    };
    const push = (text: string): void => {
      let newline = text.indexOf("\n");
      if (newline === -1) {
        pending = pending.length + text.length > MAX_LINE_CHARS ? pending : pending + text;
        return;
      }
      deliver(pending + text.slice(0, newline));
      pending = "";
      let start = newline + 1;
      while ((newline = text.indexOf("\n", start)) !== -1) {
        deliver(text.slice(start, newline));
        start = newline + 1;
      }
      pending = text.slice(start);
    };
    child.stdout.on("data", (chunk: Buffer) => push(decoder.write(chunk)));
    child.stdout.on("end", () => {
      push(decoder.end());
      if (pending !== "") deliver(pending);
      pending = "";
    });
    const errDecoder = new StringDecoder("utf8");
    const onErr = (text: string): void => {
      if (text === "") return;
      const joined = stderrTail + text;
      stderrTail = joined.length > STDERR_TAIL_CHARS ? joined.slice(joined.length - STDERR_TAIL_CHARS) : joined;
      options.onStderr(text);
    };
    child.stderr.on("data", (chunk: Buffer) => onErr(errDecoder.write(chunk)));
    child.stderr.on("end", () => onErr(errDecoder.end()));

    function onAbort(): void {
      if (canceled) return;
      canceled = true;
      canceledAt = performance.now();
      const send = (signal: NodeJS.Signals): void => {
        if (killGroup(pid!, signal)) cancelSignal = signal;
      };
      send("SIGINT");
      const grace = Math.max(0, options.cancelGraceMs);
      timers.push(setTimeout(() => send("SIGTERM"), grace));
      timers.push(setTimeout(() => send("SIGKILL"), grace + Math.min(grace, 5000)));
    }
    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener("abort", onAbort, { once: true });

    let exitedAt = 0;
    child.on("exit", () => {
      exitedAt = performance.now();
      // Whatever dbt left in its group (multiprocessing's resource tracker) would hold the pipes open.
      killGroup(pid, "SIGKILL");
    });
    child.on("close", (code, signal) => {
      for (const timer of timers) clearTimeout(timer);
      options.signal.removeEventListener("abort", onAbort);
      live.delete(pid);
      if (handlerError !== null) {
        reject(handlerError instanceof Error ? handlerError : new Error(`a dbt log line handler threw ${typeof handlerError}`));
        return;
      }
      resolve({ code, signal, pid, canceled, cancelSignal, exitedAt: exitedAt || performance.now(), canceledAt, stderrTail });
    });
  });
}
