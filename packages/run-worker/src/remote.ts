/**
 * `@flyt/run-worker/remote`: what a code-location server needs from this package (load the
 * definitions, start remote workers, keep a warm spare) without the executor, the launchers,
 * pipes and storage-facing modules of the main entry — a code server never executes a run
 * itself, so it should not carry their weight while it idles.
 */
export { loadDefinitions, userFrame } from "./load-definitions.js";
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
