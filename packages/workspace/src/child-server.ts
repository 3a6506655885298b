/**
 * A development code location: the platform starts `code-server -f <file>` as a child process
 * on a free port and waits for its "listening" line. The child runs user code, so it gets the
 * platform's environment minus the database credentials. It leads its own process group so a
 * stop reaches everything it started, and it has a parent pipe (`@flyt/contracts`' parent pipe)
 * so it exits when this process dies, even by SIGKILL, and its run workers stop with it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { WORKER_ENV_DENYLIST, withParentPipe } from "@flyt/contracts";

const require = createRequire(import.meta.url);
const OUTPUT_TAIL = 8 * 1024;

/** The command that starts a code-location server: `node <@flyt/code-location-server>/dist/main.js`. */
export function defaultCodeServerCommand(): string[] {
  return [process.execPath, require.resolve("@flyt/code-location-server/main")];
}

export interface ChildServerOptions {
  name: string;
  file: string;
  command?: string[];
  environment?: NodeJS.ProcessEnv;
  /** How long to wait for the "listening" line (default 60 s; loading TypeScript takes a moment). */
  startTimeoutMs?: number;
  host?: string;
  /** Pass `--warm-worker`: the code server keeps a booted spare worker for fast launches. */
  warmWorker?: boolean;
  /** Aborting stops a server that is still starting (the platform is closing). */
  signal?: AbortSignal;
}

export class ChildServer {
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private stderr = "";
  private stopping = false;

  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>,
  ) {
    this.exited = exited;
    void exited.then((exit) => {
      this.exit = exit;
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-OUTPUT_TAIL);
    });
  }

  get stderrTail(): string {
    return this.stderr.trim();
  }

  get stopRequested(): boolean {
    return this.stopping;
  }

  /** Starts the child and resolves once it listens. @throws Error with the child's stderr when it exits or times out first. */
  static start(options: ChildServerOptions): Promise<ChildServer> {
    const [command, ...args] = options.command ?? defaultCodeServerCommand();
    const env: NodeJS.ProcessEnv = { ...(options.environment ?? process.env) };
    for (const name of WORKER_ENV_DENYLIST) delete env[name];
    const child = spawn(command!, [...args, "-f", options.file, "--port", "0", "--host", options.host ?? "127.0.0.1", "--name", options.name, ...(options.warmWorker ? ["--warm-worker"] : [])], {
      detached: true,
      ...withParentPipe(["ignore", "pipe", "pipe"], env),
    });
    child.stdio[3]?.on("error", () => undefined);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once("exit", (code, signal) => {
        killGroup(child);
        resolve({ code, signal });
      });
      child.once("error", () => {
        if (child.pid === undefined) resolve({ code: null, signal: null });
      });
    });
    let stderr = "";
    const onStderr = (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-OUTPUT_TAIL);
    };
    child.stderr?.on("data", onStderr);
    return new Promise<ChildServer>((resolve, reject) => {
      let buffered = "";
      let done = false;
      const timeoutMs = options.startTimeoutMs ?? 60_000;
      // The server listens only once the definitions are imported, so this bounds the import: a
      // module that loops or awaits forever at load time is killed here, in its own process.
      const timer = setTimeout(() => {
        finish(
          new Error(
            `the definitions did not load within ${timeoutMs / 1000} s (does the module loop or wait forever while it is imported?); its code server was stopped${stderr ? `; stderr:\n${stderr.trim()}` : ""}`,
          ),
        );
        killGroup(child);
      }, timeoutMs);
      const onAbort = (): void => {
        finish(new Error("the platform is shutting down"));
        killGroup(child);
      };
      if (options.signal?.aborted) queueMicrotask(onAbort);
      else options.signal?.addEventListener("abort", onAbort, { once: true });
      const finish = (result: ChildServer | Error): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
        child.stdout?.off("data", onStdout);
        if (result instanceof Error) reject(result);
        else resolve(result);
      };
      const onStdout = (chunk: Buffer): void => {
        buffered += chunk.toString();
        let newline: number;
        while ((newline = buffered.indexOf("\n")) >= 0) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          try {
            const record = JSON.parse(line) as { msg?: unknown; url?: unknown };
            if (record.msg === "listening" && typeof record.url === "string") {
              const server = new ChildServer(child, record.url, exited);
              server.stderr = stderr;
              child.stderr?.off("data", onStderr);
              finish(server);
              return;
            }
          } catch {
            // Not a JSON line: ordinary output of user code.
          }
        }
      };
      child.stdout?.on("data", onStdout);
      // Keep draining stdout after start so the child never blocks on a full pipe.
      child.stdout?.on("data", () => undefined);
      void exited.then((exit) => {
        const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${String(exit.code)}`;
        finish(new Error(`the code server ${how} before it started listening${stderr ? `; stderr:\n${stderr.trim()}` : ""}`));
      });
    });
  }

  /**
   * Asks the server to retire without waiting: it stops serving at once and exits when its last
   * run worker has ended (a reload must not kill running runs). It stays tied to this process
   * through its parent pipe, so it goes if this process does; `stop()` still ends it at once.
   */
  retire(): void {
    this.stopping = true;
    if (this.exit !== null) return;
    try {
      this.child.kill("SIGTERM");
    } catch {
      // Already gone.
    }
  }

  /** SIGTERM (the server stops serving; running workers get `graceMs` to end), then SIGKILL to the group. */
  async stop(graceMs = 3_000): Promise<void> {
    this.stopping = true;
    if (this.exit !== null) return;
    try {
      this.child.kill("SIGTERM");
    } catch {
      // Already gone.
    }
    const timer = setTimeout(() => killGroup(this.child), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // ESRCH: already gone.
  }
}
