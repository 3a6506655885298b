/**
 * @flyt/run-worker: executes runs. Plans steps from the asset graph, runs them with bounded
 * parallelism, retries, cancellation and output capture, and streams events to storage —
 * in this process (InProcessLauncher) or in a separate Node process (SubprocessLauncher).
 * See docs/execution.md. The launcher contract it implements, re-execution and run summaries are
 * in @flyt/contracts.
 */
export { planRun, PartitionRequiredError, type ExecutionPlan, type PlannedStep } from "./plan.js";
export { InProcessLauncher } from "./in-process-launcher.js";
export { SubprocessLauncher, SubprocessRunHandle, type SubprocessLauncherOptions } from "./subprocess-launcher.js";
export { RunExecutor, type ExecutorOptions, type RunOutcome } from "./executor.js";
export { EventWriter, type EventTransport, type EventWriterOptions } from "./event-writer.js";
export { DEFAULT_OUTPUT_CAP_BYTES } from "./capture.js";
export { Redactor, REDACTED } from "./redact.js";
export { retryDelayMs } from "./retry.js";
export { HttpEventTransport, IngestRejectedError, type HttpEventTransportOptions } from "./http-transport.js";
// Everything a code server uses (loading definitions, remote workers, evaluation pools) is in the
// light `./remote` entry; the main entry has it too.
export * from "./remote.js";
