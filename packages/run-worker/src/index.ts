/**
 * @flyt/run-worker: executes runs. Plans steps from the asset graph, runs them with bounded
 * parallelism, retries, cancellation and output capture, and streams events to storage —
 * in this process (InProcessLauncher) or in a separate Node process (SubprocessLauncher).
 * See docs/execution.md.
 */
export { loadDefinitions } from "./load-definitions.js";
export { watchParentPipe, withParentPipe, PARENT_PIPE_ENV, PARENT_PIPE_FD } from "./parent-pipe.js";
export { planRun, PartitionRequiredError, type ExecutionPlan, type PlannedStep } from "./plan.js";
export {
  claimForLaunch,
  DEFAULT_CANCEL_GRACE_MS,
  WORKER_ENV_DENYLIST,
  type CancelOptions,
  type LaunchRequest,
  type RunHandle,
  type RunLauncher,
} from "./launcher.js";
export { InProcessLauncher } from "./in-process-launcher.js";
export {
  SubprocessLauncher,
  SubprocessRunHandle,
  workerEnvironment,
  type SubprocessLauncherOptions,
} from "./subprocess-launcher.js";
export { createReexecution, ReexecutionError } from "./reexecution.js";
export { summarizeRun, type RunSummary, type StepSummary, type StepMaterializationSummary } from "./summary.js";
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
