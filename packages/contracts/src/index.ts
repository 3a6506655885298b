/**
 * @flyt/contracts: what the platform's components agree on about runs, apart from any one
 * implementation — so the webserver, the daemon, the workspace and the launchers depend on these
 * contracts rather than on the executor (and through it on Pipes and the SDK):
 * - the launcher contract (`RunLauncher`, `LaunchRequest`, `RunHandle`) and the claim every
 *   launcher makes first (`claimForLaunch`);
 * - the re-execution plan of a finished run (`createReexecution`);
 * - the summary of a run from its events (`summarizeRun`);
 * - the parent pipe a child process dies with (`withParentPipe`, `watchParentPipe`).
 */
export {
  claimForLaunch,
  DEFAULT_CANCEL_GRACE_MS,
  DEFAULT_PARALLELISM,
  validateLaunchRequest,
  workerEnvironment,
  WORKER_ENV_DENYLIST,
  type CancelOptions,
  type LaunchRequest,
  type LocalLaunchRequest,
  type RunHandle,
  type RunLauncher,
} from "./launcher.js";
export { createReexecution, ReexecutionError } from "./reexecution.js";
export { summarizeRun, type RunSummary, type StepSummary, type StepMaterializationSummary } from "./summary.js";
export { watchParentPipe, withParentPipe, PARENT_PIPE_ENV, PARENT_PIPE_FD } from "./parent-pipe.js";
