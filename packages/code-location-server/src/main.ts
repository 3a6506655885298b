/**
 * `node dist/main.js -f <definitions> [--port 4000] [--host 127.0.0.1] [--name <location>]`:
 * the code-location server as a process — what `flyt code-server` runs and what the workspace
 * starts for `file:` locations in development. Prints one JSON line `{"msg":"listening","url":…}`
 * on stdout once it serves (the workspace waits for it), and stops on SIGTERM/SIGINT.
 *
 * Started by a Flyt platform process (the workspace gives it a parent pipe, see `@flyt/contracts`'
 * parent-pipe), it dies with that process — its run workers, which have a parent pipe to it, then
 * stop too — and on SIGTERM it stops serving but stays until its running workers have ended, so a
 * reload does not kill running runs. Run as a container's main process (no parent pipe), it exits
 * on SIGTERM at once.
 *
 * Its only environment variable, FLYT_PARENT_PIPE_FD, is read here (by watchParentPipe) and not
 * through the CLI's config module: the parent that starts this process sets it for it, and this
 * entry point runs without the CLI. `flyt code-server` reads everything else through config.ts.
 */
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { watchParentPipe } from "@flyt/contracts";
import { InvalidConfigError, parsePort } from "@flyt/core";
import { startCodeLocationServer } from "./server.js";

const USAGE = "usage: code-server -f <definitions> [--port 4000] [--host 127.0.0.1] [--name <location>]";

export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        file: { type: "string", short: "f" },
        port: { type: "string", default: "4000" },
        host: { type: "string", default: "127.0.0.1" },
        name: { type: "string" },
        "warm-worker": { type: "boolean", default: false },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  let port: number;
  try {
    // The CLI's parser (`flyt code-server --port` refuses a bad port in the same words).
    port = parsePort(values.port, 4000, "--port");
  } catch (error) {
    if (!(error instanceof InvalidConfigError)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    return 2;
  }
  if (!values.file) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const log = (record: Record<string, unknown>): void => {
    process.stdout.write(`${JSON.stringify({ at: new Date().toISOString(), component: "code-server", location: values.name ?? null, ...record })}\n`);
  };
  // Watched before the (possibly slow) definitions load: a parent that dies meanwhile takes us along.
  let server: Awaited<ReturnType<typeof startCodeLocationServer>> | null = null;
  const hasParent = watchParentPipe(() => {
    log({ level: "warn", msg: "the platform process that started this code server is gone: exiting", pid: process.pid });
    // Its workers see their own parent pipe close and stop; do not wait on a slow close for long.
    setTimeout(() => process.exit(1), 2_000).unref();
    void (server?.close() ?? Promise.resolve()).finally(() => process.exit(1));
  });
  // The pipe is watched on this thread's event loop, which a module looping at import blocks for
  // good: a watchdog thread notices the parent's death (we are re-parented) while the import runs.
  const watchdog = hasParent ? importWatchdog() : null;
  try {
    server = await startCodeLocationServer({ definitionsFile: values.file, port, host: values.host, ...(values.name ? { name: values.name } : {}), warmWorker: values["warm-worker"] === true });
  } finally {
    void watchdog?.terminate();
  }
  const started = server;
  void started.warmEvaluations();
  process.stdout.write(`${JSON.stringify({ msg: "listening", url: started.url, location: started.name, status: started.loadStatus, pid: process.pid })}\n`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void started.close().then(async () => {
      if (hasParent) await started.workersEnded();
      process.exit(0);
    });
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  return 0;
}

/** A thread that kills this process once its parent is gone; needed only while user code imports. */
function importWatchdog(): Worker {
  const source = `
    const { workerData } = require("node:worker_threads");
    setInterval(() => { if (process.ppid !== workerData.ppid) process.kill(workerData.pid, "SIGKILL"); }, 250);
  `;
  const worker = new Worker(source, { eval: true, workerData: { ppid: process.ppid, pid: process.pid } });
  worker.unref();
  worker.on("error", () => undefined);
  return worker;
}

const isEntry = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntry) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code !== 0) process.exit(code);
    },
    (error: unknown) => {
      process.stderr.write(`code-server failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
