/**
 * Entry point of the subprocess run worker (`dist/worker-main.js`), forked by
 * SubprocessLauncher with an IPC channel. It receives `{ run, definitionsFile, parallelism }`,
 * executes the run, and reports events (the plan among them: RUN_PLANNED) and heartbeats over IPC — it never holds
 * database credentials. If the parent goes away, the run is canceled and the worker exits.
 */
import type { EventRecord } from "@flyt/core";
import { outsideSteps } from "./capture-scope.js";
import type { EventTransport } from "./event-writer.js";
import type { EventWriter } from "./event-writer.js";
import type { RunExecutor } from "./executor.js";
import type { ParentMessage, WorkerMessage } from "./ipc.js";
import { runWorker } from "./worker.js";

// Source maps for user code only. Enabled here, after Flyt's own modules are loaded and before the
// definitions bundle is imported: `--enable-source-maps` on the command line also parsed the maps
// of every Flyt module (~10-25% more start-up CPU and 2-7 MiB per worker, measured), while stack
// traces only need the user's TypeScript mapped.
process.setSourceMapsEnabled(true);

const DEFAULT_HEARTBEAT_INTERVAL_MS = 5_000;

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.connected || process.send === undefined) {
      reject(new Error("the IPC channel to the launcher is closed"));
      return;
    }
    process.send(message, undefined, {}, (error: Error | null) => (error ? reject(error) : resolve()));
  });
}

const transport: EventTransport = {
  send: (events: EventRecord[]) => send({ type: "events", events }),
};

if (process.send === undefined) {
  process.stderr.write("worker-main.js is started by the Flyt subprocess launcher (it needs an IPC channel)\n");
  process.exit(2);
}

const controller = new AbortController();
let executor: RunExecutor | null = null;
let writer: EventWriter | null = null;
let started = false;

async function fatal(error: unknown, origin: string): Promise<void> {
  // Our handler replaces Node's own report, so print it: the launcher quotes the stderr tail
  // when the run could not be ended here. Outside any step scope, or capture would swallow it.
  outsideSteps(() => process.stderr.write(`${origin}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`));
  try {
    if (executor !== null && writer !== null && !executor.finished) {
      executor.failFatal(error, origin);
      await Promise.race([writer.flush(), new Promise((resolve) => setTimeout(resolve, 2_000))]);
    }
  } finally {
    process.exit(1);
  }
}

process.on("uncaughtException", (error) => {
  void fatal(error, "Uncaught exception in user code");
});

process.on("disconnect", () => {
  // The launcher is gone: nobody can record this run any more. Stop user code and leave.
  controller.abort("the launcher disconnected");
  setTimeout(() => process.exit(1), 1_000).unref();
});

process.on("message", (raw: unknown) => {
  const message = raw as ParentMessage;
  if (message?.type === "cancel") {
    controller.abort(typeof message.reason === "string" ? message.reason : "Run canceled");
    return;
  }
  if (message?.type !== "start" || started) return;
  started = true;
  const heartbeat = setInterval(() => {
    send({ type: "heartbeat", at: Date.now() }).catch(() => undefined);
  }, message.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS);
  heartbeat.unref();

  runWorker({
    run: message.run,
    definitionsFile: message.definitionsFile,
    transport,
    parallelism: message.parallelism,
    signal: controller.signal,
    environment: process.env,
    outputCapBytes: message.outputCapBytes,
    onExecutor: (created, createdWriter) => {
      executor = created;
      writer = createdWriter;
    },
  }).then(
    // Exit explicitly: user code may leave timers or sockets open, and the run is over.
    () => process.exit(0),
    (error: unknown) => fatal(error, "The run worker failed"),
  );
});
