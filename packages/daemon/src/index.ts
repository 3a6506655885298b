/**
 * @flyt/daemon: the loops that make Flyt act on its own — scheduler, sensors, the run queue
 * with concurrency limits, the run monitor, retries, backfills and automation — in one process behind a leader lease
 * (active/standby). See docs/daemon.md.
 */
export { Daemon, LOOP_NAMES, newDaemonId, daemonLogLine, type DaemonOptions, type DaemonIntervals, type DaemonLogRecord, type LoopName } from "./daemon.js";
export { LeaderElector, holderProcessGone, DAEMON_LEASE_NAME, DEFAULT_LEASE_TTL_MS, DEFAULT_LEASE_RENEW_MS, type LeaderOptions } from "./leader.js";
export { Loop, type LoopOptions } from "./loop.js";
export { MetricRegistry, METRICS, type SummarySnapshot } from "./metrics.js";
export { systemClock, ManualClock, type Clock } from "./clock.js";
export {
  RunQueue,
  LimitCounter,
  queueOrder,
  validateQueueLimits,
  listRunsWithStatus,
  ACTIVE_STATUSES,
  PRIORITY_TAG,
  type QueueLimits,
  type TagConcurrencyLimit,
  type RunQueueOptions,
} from "./run-queue.js";
export { RunMonitor, DEFAULT_WORKER_TIMEOUT_MS, DEFAULT_STARTING_TIMEOUT_MS, type MonitorVerdict, type RunMonitorOptions } from "./run-monitor.js";
export { RunRetries, retryPolicy, MAX_RETRIES_TAG, RETRY_STRATEGY_TAG, RETRY_NUMBER_TAG, RETRY_INSTIGATOR } from "./run-retries.js";
export { Scheduler, dueInstants, applyCatchUp, SCHEDULE_TAG, TICK_TIME_TAG, type SchedulerOptions } from "./scheduler.js";
export { SensorLoop, evaluateAssetSensor, evaluateRunStatusSensor, SENSOR_TAG, TRIGGERING_RUN_TAG, TRIGGERING_ASSET_TAG } from "./sensors.js";
export {
  LocalEvaluator,
  type InstigatorEvaluator,
  type ResolvedSchedule,
  type ResolvedSensor,
  type ResolvedRunRequest,
  type EvaluationResult,
  type LocalLocation,
} from "./evaluator.js";
export { StaticLaunchResolver, LaunchResolutionError, DEFINITIONS_FILE_TAG, type LaunchResolver, type LaunchTarget } from "./launch-resolver.js";
export { effectiveState } from "./instigators.js";
export { readDaemonStatus, type DaemonStatus } from "./status.js";
export { CompositeEvaluator, type EvaluatorPart } from "./composite-evaluator.js";
export { RemoteEvaluator, type RemoteLocation, type RemoteLocationClient, type RemoteEvaluatorOptions } from "./remote-evaluator.js";
export { DaemonObservability, type DaemonObservabilityOptions } from "./observability.js";
export { BackfillLoop, backfillInstigator, type BackfillLoopOptions, type LocatedAsset } from "./backfills/loop.js";
export { chunkRunFields, chunkKeys } from "./backfills/chunk-runs.js";
export {
  AutomationLoop,
  automationLocationStateId,
  readAutomationSwitches,
  INTERRUPTED_BEFORE_DECIDING,
  NOTHING_TO_REQUEST,
  type AutomationLoopOptions,
  type AutomationSwitches,
  type AutomationDecision,
} from "./automation/loop.js";
