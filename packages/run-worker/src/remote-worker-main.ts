/**
 * Entry point of the remote run worker (`dist/remote-worker-main.js`): started by a
 * code-location server (or as a container's command), it executes one run and sends its events
 * and heartbeats to the platform's ingest API with the run-scoped token. It never holds
 * database credentials. Configuration comes from the environment (see REMOTE_WORKER_ENV);
 * the token is removed from `process.env` before user code loads. SIGTERM cancels the run.
 * The environment is read here, not through the CLI's config module: the parent sets these
 * variables for this process (the code server that spawns it, the Job spec, or `flyt run-worker`
 * from its flags) and this entry point runs without flyt.yaml.
 *
 * Started by a code server, it has a parent pipe (@flyt/contracts): when the code server dies, the
 * worker falls silent (no more events or heartbeats), aborts user code and exits within a second,
 * as the subprocess worker does when its IPC channel closes. It does not end the run itself: the
 * platform's run monitor fails it as "worker lost" once the heartbeats stop (docs/code-locations.md).
 *
 * Exit codes: 0 the run ended and every event was delivered; 1 the worker crashed;
 * 2 bad configuration; 3 events could not be delivered.
 */
import { coerceError, type RunRecord } from "@flyt/core";
import type { Definitions } from "@flyt/sdk";
import { outsideSteps } from "./capture-scope.js";
import type { EventWriter } from "./event-writer.js";
import type { RunExecutor } from "./executor.js";
import { HttpEventTransport } from "./http-transport.js";
import { loadDefinitions } from "./load-definitions.js";
import { watchParentPipe } from "@flyt/contracts";
import { fetchRunRecord, REMOTE_WORKER_ENV, readRemoteWorkerConfig, type RemoteWorkerConfig } from "./remote-worker.js";
import { runWorker } from "./worker.js";

// Source maps for user code only. Enabled here, after Flyt's own modules are loaded and before the
// definitions bundle is imported: `--enable-source-maps` on the command line also parsed the maps
// of every Flyt module (~10-25% more start-up CPU and 2-7 MiB per worker, measured), while stack
// traces only need the user's TypeScript mapped.
process.setSourceMapsEnabled(true);

const controller = new AbortController();
let executor: RunExecutor | null = null;
let writer: EventWriter | null = null;

function stderr(line: string): void {
  outsideSteps(() => process.stderr.write(`${line}\n`));
}

/** Set once the run's transport exists: silences it and stops the heartbeats. */
let fallSilent: ((reason: string) => void) | null = null;
// Watched first, so a spare still booting or waiting for its run goes too.
watchParentPipe(() => {
  const reason = "the code server that started this run worker exited";
  if (fallSilent === null) {
    stderr(`${reason}; no run was assigned: exiting`);
    process.exit(1);
  }
  stderr(`${reason}: stopping the run; the platform's run monitor will fail it as worker lost`);
  fallSilent(reason);
  controller.abort(reason);
  setTimeout(() => process.exit(1), 1_000).unref();
});

// Standby mode (a warm spare kept by the code server): boot and load the definitions now, then
// wait for the run's configuration as one JSON line on stdin — the token never enters the env.
const standby = process.env[REMOTE_WORKER_ENV.standby] === "1";
let preloaded: Definitions | undefined;
let config: RemoteWorkerConfig;
try {
  if (standby) {
    const file = process.env[REMOTE_WORKER_ENV.definitionsFile] ?? "";
    preloaded = await loadDefinitions(file).catch(() => undefined);
    config = readRemoteWorkerConfig({ ...process.env, ...(await readAssignment()) });
  } else {
    config = readRemoteWorkerConfig(process.env);
  }
} catch (error) {
  stderr(coerceError(error).message);
  process.exit(2);
}
// User code must not find the token lying in its environment (nor pass it to children).
delete process.env[REMOTE_WORKER_ENV.token];
delete process.env[REMOTE_WORKER_ENV.run];

let run: RunRecord;
try {
  run = config.run ?? (await fetchRunRecord(config.ingestUrl, config.runId, config.token));
} catch (error) {
  stderr(coerceError(error).message);
  process.exit(2);
}

/** Reads the first line of stdin: a JSON object of REMOTE_WORKER_ENV variable values. */
async function readAssignment(): Promise<Record<string, string>> {
  let text = "";
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    text += chunk.toString();
    if (text.includes("\n")) break;
  }
  const line = text.split("\n")[0] ?? "";
  const parsed = JSON.parse(line) as unknown;
  if (typeof parsed !== "object" || parsed === null) throw new Error("the standby worker's assignment must be a JSON object");
  return parsed as Record<string, string>;
}

const transport = new HttpEventTransport({ ingestUrl: config.ingestUrl, runId: run.runId, token: config.token });

async function fatal(error: unknown, origin: string): Promise<void> {
  stderr(`${origin}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  try {
    if (executor !== null && writer !== null && !executor.finished) {
      executor.failFatal(error, origin);
      await Promise.race([writer.flush(), new Promise((resolve) => setTimeout(resolve, 5_000))]);
    }
  } finally {
    process.exit(1);
  }
}

process.on("uncaughtException", (error) => {
  void fatal(error, "Uncaught exception in user code");
});
process.on("SIGTERM", () => controller.abort("Run canceled"));
process.on("SIGINT", () => controller.abort("Run canceled"));

const heartbeat = setInterval(() => void transport.heartbeat(), config.heartbeatIntervalMs);
heartbeat.unref();
void transport.heartbeat();
fallSilent = (reason) => {
  clearInterval(heartbeat);
  transport.sever(reason);
};

runWorker({
  run,
  definitionsFile: config.definitionsFile,
  transport,
  parallelism: config.parallelism,
  signal: controller.signal,
  environment: process.env,
  ...(preloaded ? { definitions: preloaded } : {}),
  onExecutor: (created, createdWriter) => {
    executor = created;
    writer = createdWriter;
  },
}).then(
  () => {
    if (transport.droppedEvents > 0) {
      stderr(`${transport.droppedEvents} LOG/STEP_OUTPUT event(s) were dropped while the platform was unreachable (buffer full)`);
    }
    process.exit(0);
  },
  (error: unknown) => {
    const err = coerceError(error);
    stderr(`The run's events could not be delivered: ${err.message}`);
    process.exit(3);
  },
);
