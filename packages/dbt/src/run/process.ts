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
import { killGroup, LineSplitter, trackGroup, untrackGroup } from "@flyt/pipes/process";
import { DbtExecutableNotFoundError } from "./errors.js";

/** Of a stdout line longer than this only the start is kept (dbt's info-level lines are well under 10 KiB). */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;
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
    trackGroup(pid);
    options.onSpawn?.(pid);

    const deliver = (line: string): void => {
      if (handlerError !== null) return;
      try {
        options.onLine(line.endsWith("\r") ? line.slice(0, -1) : line);
      } catch (error) {
        handlerError = error;
      }
    };
    // An over-long line keeps its start: not a parsable log event, so it reaches the step as text.
    const lines = new LineSplitter(MAX_LINE_BYTES, { line: deliver, oversized: (_bytes, head) => deliver(head) });
    child.stdout.on("data", (chunk: Buffer) => lines.push(chunk));
    child.stdout.on("end", () => lines.end());
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
      untrackGroup(pid);
      if (handlerError !== null) {
        reject(handlerError instanceof Error ? handlerError : new Error(`a dbt log line handler threw ${typeof handlerError}`));
        return;
      }
      resolve({ code, signal, pid, canceled, cancelSignal, exitedAt: exitedAt || performance.now(), canceledAt, stderrTail });
    });
  });
}
