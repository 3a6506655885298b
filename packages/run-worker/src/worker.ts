/**
 * One run, start to finish, on the worker side: announce the start, load the definitions,
 * execute, and close the event stream. Both the in-process launcher and the subprocess entry
 * point (worker-main.ts) run this; they differ only in the transport and in who owns the
 * process.
 */
import { coerceError, serializeError, type RunRecord } from "@flyt/core";
import type { Definitions } from "@flyt/sdk";
import { installOutputCapture } from "./capture.js";
import { EventWriter, type EventTransport } from "./event-writer.js";
import { RunExecutor, type RunOutcome } from "./executor.js";
import { loadDefinitions } from "./load-definitions.js";
import type { ExecutionPlan } from "./plan.js";
import { Redactor } from "./redact.js";

export interface WorkerOptions {
  run: RunRecord;
  definitionsFile: string;
  transport: EventTransport;
  parallelism?: number;
  signal?: AbortSignal;
  environment?: NodeJS.ProcessEnv;
  outputCapBytes?: number;
  onPlan?: (plan: ExecutionPlan) => void;
  /** Lets the host reach the executor (the subprocess worker fails running steps on a crash). */
  onExecutor?: (executor: RunExecutor, writer: EventWriter) => void;
  /** Preloaded definitions (tests); otherwise `definitionsFile` is imported. */
  definitions?: Definitions;
}

export async function runWorker(options: WorkerOptions): Promise<RunOutcome> {
  const { run } = options;
  const redactor = new Redactor();
  const writer = new EventWriter({ runId: run.runId, transport: options.transport, redactor });
  writer.emit(null, { type: "RUN_STARTED", pid: process.pid }, { urgent: true });

  const uninstallCapture = installOutputCapture();
  let outcome: RunOutcome;
  try {
    let definitions: Definitions | null = options.definitions ?? null;
    if (definitions === null) {
      try {
        definitions = await loadDefinitions(options.definitionsFile);
      } catch (error) {
        const err = coerceError(error);
        writer.emit(null, { type: "RUN_FAILURE", message: err.message, error: serializeError(err) }, { urgent: true });
        definitions = null;
      }
    }
    if (definitions === null) outcome = "FAILURE";
    else if (options.signal?.aborted) {
      writer.emit(null, { type: "RUN_CANCELED", message: "Run canceled before any step started" }, { urgent: true });
      outcome = "CANCELED";
    } else {
      const executor = new RunExecutor({
        run,
        definitions,
        writer,
        redactor,
        parallelism: options.parallelism,
        signal: options.signal,
        environment: options.environment,
        outputCapBytes: options.outputCapBytes,
        onPlan: options.onPlan,
      });
      options.onExecutor?.(executor, writer);
      try {
        outcome = await executor.execute();
      } catch (error) {
        executor.failFatal(error, "The run worker failed");
        outcome = "FAILURE";
      }
    }
  } finally {
    uninstallCapture();
  }
  await writer.close();
  return outcome;
}
