/**
 * @flyt/pipes: the orchestrator side of Dagster Pipes (protocol 0.1). The run worker builds a
 * `PipesClient` per step with `createPipesClient(host)` and hands it to compute functions as
 * `ctx.pipes`; the protocol pieces are exported for other launch paths and for tests.
 */
import type { PipesClient, PipesPodOptions, PipesResult, PipesRunOptions } from "@flyt/sdk";
import { PipesProcessError, runPipesProcess, type PipesHost } from "./session.js";

export {
  buildContextData,
  DEFAULT_KILL_GRACE_MS,
  DEFAULT_MAX_MESSAGE_BYTES,
  formatException,
  MAX_CUSTOM_MESSAGES,
  MAX_LOG_EVENTS,
  MAX_WARNINGS,
  PipesMessageReader,
  PipesProcessError,
  runPipesProcess,
  STDERR_TAIL_BYTES,
  type PipesHost,
  type PipesReaderOptions,
} from "./session.js";
export * from "./protocol.js";
export { POD_FAILURE_REASONS, PROCESS_FAILURE_REASONS, type PipesFailureReason, type PodFailureReason } from "./reasons.js";
export { convertPipesMetadata, type ConvertedMetadata } from "./metadata.js";
export { parseMessageLine, type ParsedMessage, type ParseResult } from "./messages.js";
export { LineSplitter } from "./lines.js";

/**
 * The `ctx.pipes` of one step. `runPod` is supplied by the caller (the run worker passes
 * @flyt/pipes-kubernetes, loaded on first use) so this package needs no Kubernetes client.
 */
export function createPipesClient(
  host: PipesHost,
  extensions: { runPod?: (host: PipesHost, options: PipesPodOptions) => Promise<PipesResult> } = {},
): PipesClient {
  return {
    run: (command: string, args?: readonly string[], options?: PipesRunOptions): Promise<PipesResult> =>
      runPipesProcess(host, command, args, options),
    runPod: (options: PipesPodOptions): Promise<PipesResult> => {
      if (extensions.runPod === undefined) {
        return Promise.reject(
          new PipesProcessError("ctx.pipes.runPod is not available here: this Pipes client was built without @flyt/pipes-kubernetes", "invalid-options", {
            command: "runPod",
            exitCode: null,
            signal: null,
            stderrTail: "",
            exception: null,
          }),
        );
      }
      return extensions.runPod(host, options);
    },
  };
}
