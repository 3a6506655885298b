/**
 * Schedule and sensor evaluation for the code-location server, off its event loop: user code
 * runs in warm worker threads (EvaluationPool), so a sensor that spins or blocks cannot stop the
 * server from answering health, snapshot and the other evaluations. A worker that runs past the
 * evaluation's timeout is terminated and the answer is an `error` naming the instigator and the
 * timeout, as for any other user-code failure (HTTP 200, cursor unchanged).
 */
import { coerceError, serializeError } from "@flyt/core";
import {
  DEFAULT_SENSOR_TIMEOUT_MS,
  type EvaluateScheduleRequest,
  type EvaluateScheduleResponse,
  type EvaluateSensorRequest,
  type EvaluateSensorResponse,
} from "@flyt/protocol";
import { EvaluationPool, UserCodeError } from "@flyt/run-worker/remote";
import type { EvaluationPayload, EvaluationWorkerData } from "./evaluation-worker.js";

/**
 * The worker enforces the timeout itself on asynchronous code (and stays usable); the thread is
 * terminated only when it did not answer by this much later, i.e. when user code blocks it.
 */
const TERMINATE_GRACE_MS = 500;

export interface IsolatedEvaluationOptions {
  definitionsFile: string;
  location: string;
  hash: string;
  /** Evaluations at once (default 4). */
  maxWorkers?: number;
  env?: NodeJS.ProcessEnv;
}

export class IsolatedEvaluations {
  private readonly pool: EvaluationPool;

  constructor(options: IsolatedEvaluationOptions) {
    const workerData: EvaluationWorkerData = { definitionsFile: options.definitionsFile, location: options.location, hash: options.hash };
    this.pool = new EvaluationPool({
      script: new URL("./evaluation-worker.js", import.meta.url),
      workerData,
      label: `code location ${options.location}`,
      ...(options.maxWorkers === undefined ? {} : { maxWorkers: options.maxWorkers }),
      ...(options.env === undefined ? {} : { env: options.env }),
    });
  }

  warm(): Promise<void> {
    return this.pool.warm();
  }

  async evaluateSchedule(name: string, request: EvaluateScheduleRequest): Promise<EvaluateScheduleResponse> {
    const timeoutMs = request.timeoutMs ?? DEFAULT_SENSOR_TIMEOUT_MS;
    const payload: EvaluationPayload = { kind: "schedule", name, request, timeoutMs };
    try {
      return (await this.pool.run({ what: `schedule ${name}`, payload, timeoutMs, graceMs: TERMINATE_GRACE_MS })) as EvaluateScheduleResponse;
    } catch (thrown) {
      return { runRequests: [], skipReason: null, error: asError(thrown) };
    }
  }

  async evaluateSensor(name: string, request: EvaluateSensorRequest): Promise<EvaluateSensorResponse> {
    const started = performance.now();
    const timeoutMs = request.timeoutMs ?? DEFAULT_SENSOR_TIMEOUT_MS;
    const payload: EvaluationPayload = { kind: "sensor", name, request };
    try {
      return (await this.pool.run({ what: `sensor ${name}`, payload, timeoutMs, graceMs: TERMINATE_GRACE_MS })) as EvaluateSensorResponse;
    } catch (thrown) {
      return { runRequests: [], skipReason: null, cursor: request.cursor, error: asError(thrown), durationMs: performance.now() - started };
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

function asError(thrown: unknown): ReturnType<typeof serializeError> {
  return thrown instanceof UserCodeError ? thrown.serialized : serializeError(coerceError(thrown));
}
