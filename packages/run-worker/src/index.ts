/**
 * @flyt/run-worker: executes runs. Plans steps from the asset graph, runs them with bounded
 * parallelism, retries, cancellation and output capture, and streams events to storage —
 * in this process (InProcessLauncher) or in a separate Node process (SubprocessLauncher).
 * See docs/execution.md. The launcher contract it implements, re-execution and run summaries are
 * in @flyt/contracts.
 */
export { loadDefinitions } from "./load-definitions.js";
export { planRun, PartitionRequiredError, type ExecutionPlan, type PlannedStep } from "./plan.js";
export { InProcessLauncher } from "./in-process-launcher.js";
export {
  SubprocessLauncher,
  SubprocessRunHandle,
  workerEnvironment,
  type SubprocessLauncherOptions,
} from "./subprocess-launcher.js";
export { DEFAULT_PARALLELISM, RunExecutor, type ExecutorOptions, type RunOutcome } from "./executor.js";
export { EventWriter, type EventTransport, type EventWriterOptions } from "./event-writer.js";
export { DEFAULT_OUTPUT_CAP_BYTES } from "./capture.js";
export { Redactor, REDACTED } from "./redact.js";
export { retryDelayMs } from "./retry.js";
export { HttpEventTransport, IngestRejectedError, type HttpEventTransportOptions } from "./http-transport.js";
export {
  spawnRemoteWorker,
  readRemoteWorkerConfig,
  fetchRunRecord,
  RemoteWorkerHandle,
  StandbyWorker,
  REMOTE_WORKER_ENV,
  REMOTE_WORKER_MAIN,
  DEFAULT_REMOTE_HEARTBEAT_INTERVAL_MS,
  type RemoteWorkerConfig,
  type RemoteWorkerExit,
  type SpawnRemoteWorkerOptions,
} from "./remote-worker.js";
export {
  EvaluationPool,
  EvaluationTimeoutError,
  EvaluationWorkerError,
  UserCodeError,
  DEFAULT_EVALUATION_WORKERS,
  DEFAULT_EVALUATION_IDLE_MS,
  DEFAULT_EVALUATION_HEAP_MB,
  DEFAULT_EVALUATION_LAST_IDLE_MS,
  type EvaluationPoolOptions,
  type EvaluationCall,
} from "./evaluation-pool.js";
export { serveEvaluations, type EvaluationHandler } from "./evaluation-worker-support.js";
