/**
 * One Pipes invocation: writes the context, spawns the process in its own group with the two
 * bootstrap variables, reads the message channel (file or stdio) and the process's output, turns
 * messages into Flyt events through the host, and settles with a result or a PipesProcessError.
 *
 * Memory is bounded whatever the child does: lines are capped (`maxMessageBytes`), output goes
 * to the host's capped capture, log events and custom messages are counted past their limits.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { FlytError, type EventBody, type LogLevel, type MetadataValue } from "@flyt/core";
import type { PipesException, PipesResult, PipesRunOptions } from "@flyt/sdk";
import { FileTail } from "./file-tail.js";
import { LineSplitter } from "./lines.js";
import { convertPipesMetadata } from "./metadata.js";
import { parseMessageLine, type ParsedMessage } from "./messages.js";
import { killGroup, trackGroup, untrackGroup } from "./process-group.js";
import {
  CONTEXT_ENV_VAR,
  encodeParam,
  MESSAGES_ENV_VAR,
  PIPES_PROTOCOL_VERSION,
  type PipesContextData,
  type PipesContextParams,
  type PipesMessagesParams,
} from "./protocol.js";
import type { PipesFailureReason } from "./reasons.js";

export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;
export const DEFAULT_KILL_GRACE_MS = 5000;
/** LOG events one process may produce; more are counted and reported once. */
export const MAX_LOG_EVENTS = 100_000;
export const MAX_CUSTOM_MESSAGES = 10_000;
/** Warnings about bad lines one process may produce before they are only counted. */
export const MAX_WARNINGS = 100;
export const STDERR_TAIL_BYTES = 4096;

/** What the run worker gives a Pipes client: the step it runs in and where events go. */
export interface PipesHost {
  runId: string;
  stepKey: string;
  /** Printed keys of the assets the step materializes (the selected ones). */
  assetKeys: readonly string[];
  codeVersionByAssetKey: Readonly<Record<string, string | null>>;
  /** The step's one partition; null when unpartitioned or in a run over several partitions. */
  partitionKey: string | null;
  /**
   * The partitions the step covers (first and last key, inclusive); absent: the range of
   * `partitionKey` alone. A run over several partitions sends it with `partitionKey` null.
   */
  partitionKeyRange?: { start: string; end: string } | null;
  /** The window of the partition, or of the whole range. */
  partitionTimeWindow: { start: Date; end: Date } | null;
  /** 0 on the first attempt. */
  retryNumber: number;
  jobName?: string | null;
  signal: AbortSignal;
  /** Base environment of the process; default process.env. */
  environment?: NodeJS.ProcessEnv;
  /** LOG and ASSET_CHECK_EVALUATION events of the step. */
  emit(body: EventBody): void;
  /** The process's stdout/stderr (and `log_external_stream`), into the step's capped capture. */
  output(stream: "stdout" | "stderr", text: string): void;
  /** An explicit materialization; the run worker merges it into the step's one materialization per asset. */
  materialize(assetKey: string, metadata: Record<string, MetadataValue>, dataVersion: string | null): void;
}

/** Why `ctx.pipes.run` rejected. `reason` is the condition; the message says what to do. */
export class PipesProcessError extends FlytError<"PIPES_PROCESS_FAILED"> {
  constructor(
    message: string,
    /** One of PROCESS_FAILURE_REASONS, or of POD_FAILURE_REASONS from `runPod` (reasons.ts). */
    readonly reason: PipesFailureReason,
    readonly details: {
      command: string;
      exitCode: number | null;
      signal: string | null;
      stderrTail: string;
      exception: PipesException | null;
      /** For `runPod`: the pod and the reason Kubernetes gave (ErrImagePull, OOMKilled, Evicted, …). */
      pod?: { namespace: string; name: string; reason: string | null };
    },
    options?: { cause?: unknown },
  ) {
    super("PIPES_PROCESS_FAILED", message, options);
  }
}

export async function runPipesProcess(
  host: PipesHost,
  command: string,
  args: readonly string[] = [],
  options: PipesRunOptions = {},
): Promise<PipesResult> {
  const resolved = resolveOptions(command, args, options);
  const printed = [command, ...args].map((part) => (/^[\w./:=@-]+$/.test(part) ? part : JSON.stringify(part))).join(" ");
  if (host.signal.aborted) {
    throw new PipesProcessError(`Pipes process \`${printed}\` was not started: the run was canceled`, "canceled", {
      command: printed,
      exitCode: null,
      signal: null,
      stderrTail: "",
      exception: null,
    });
  }

  const dir = mkdtempSync(join(tmpdir(), "flyt-pipes-"));
  try {
    return await new Session(host, printed, resolved, dir).run(command, args);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface ResolvedOptions {
  env: Record<string, string | undefined>;
  cwd: string | undefined;
  extras: Record<string, unknown>;
  channel: "file" | "stdio";
  stdio: "stderr" | "stdout";
  contextTransport: "file" | "env";
  maxMessageBytes: number;
  killGraceMs: number;
  onCustomMessage: ((payload: unknown) => void) | null;
}

function resolveOptions(command: string, args: readonly string[], options: PipesRunOptions): ResolvedOptions {
  const fail = (what: string): never => {
    throw new PipesProcessError(`ctx.pipes.run: ${what}`, "invalid-options", {
      command: String(command),
      exitCode: null,
      signal: null,
      stderrTail: "",
      exception: null,
    });
  };
  if (typeof command !== "string" || command.length === 0) fail(`command must be a non-empty string, got ${JSON.stringify(command)}`);
  if (!Array.isArray(args) || !args.every((arg) => typeof arg === "string")) fail("args must be an array of strings");
  if (typeof options !== "object" || options === null) fail("options must be an object");
  const { channel = "file", stdio = "stderr", contextTransport = "file" } = options;
  if (channel !== "file" && channel !== "stdio") fail(`channel must be "file" or "stdio", got ${JSON.stringify(channel)}`);
  if (stdio !== "stderr" && stdio !== "stdout") fail(`stdio must be "stderr" or "stdout", got ${JSON.stringify(stdio)}`);
  if (contextTransport !== "file" && contextTransport !== "env") fail(`contextTransport must be "file" or "env", got ${JSON.stringify(contextTransport)}`);
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  if (!Number.isInteger(maxMessageBytes) || maxMessageBytes < 1024) fail(`maxMessageBytes must be an integer ≥ 1024, got ${String(maxMessageBytes)}`);
  const killGraceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  if (!Number.isFinite(killGraceMs) || killGraceMs < 0) fail(`killGraceMs must be a non-negative number, got ${String(killGraceMs)}`);
  const env = options.env ?? {};
  if (typeof env !== "object" || env === null) fail("env must be an object of strings");
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && typeof value !== "string") fail(`env.${name} must be a string, got ${typeof value}`);
  }
  const extras = options.extras ?? {};
  if (typeof extras !== "object" || extras === null || Array.isArray(extras)) fail("extras must be an object");
  try {
    JSON.stringify(extras);
  } catch (error) {
    fail(`extras must be JSON-serializable: ${(error as Error).message}`);
  }
  if (options.cwd !== undefined && typeof options.cwd !== "string") fail("cwd must be a string");
  if (options.onCustomMessage !== undefined && typeof options.onCustomMessage !== "function") fail("onCustomMessage must be a function");
  return {
    env,
    cwd: options.cwd,
    extras,
    channel,
    stdio,
    contextTransport,
    maxMessageBytes,
    killGraceMs,
    onCustomMessage: options.onCustomMessage ?? null,
  };
}

/** The context data for a step (exported for tests and for other launch paths, e.g. Kubernetes). */
export function buildContextData(host: PipesHost, extras: Record<string, unknown>): PipesContextData {
  const keys = [...host.assetKeys];
  const window = host.partitionTimeWindow;
  return {
    asset_keys: keys,
    code_version_by_asset_key: Object.fromEntries(keys.map((key) => [key, host.codeVersionByAssetKey[key] ?? null])),
    provenance_by_asset_key: Object.fromEntries(keys.map((key) => [key, null])),
    partition_key: host.partitionKey,
    partition_key_range:
      host.partitionKeyRange !== undefined && host.partitionKeyRange !== null
        ? { start: host.partitionKeyRange.start, end: host.partitionKeyRange.end }
        : host.partitionKey === null
          ? null
          : { start: host.partitionKey, end: host.partitionKey },
    partition_time_window: window === null ? null : { start: window.start.toISOString(), end: window.end.toISOString() },
    run_id: host.runId,
    job_name: host.jobName ?? null,
    retry_number: host.retryNumber,
    extras,
  };
}

/**
 * The message side of a Pipes invocation, shared by every way of launching a child (a local
 * process here, a Kubernetes pod in @flyt/pipes-kubernetes): it turns message lines and output
 * into the host's events, keeps the `closed` exception and the stderr tail, and counts what it
 * drops so memory stays bounded. The launcher feeds it lines and settles with its state.
 */
export interface PipesReaderOptions {
  /** A message line longer than this is dropped with a warning. */
  maxMessageBytes: number;
  onCustomMessage: ((payload: unknown) => void) | null;
}

export class PipesMessageReader {
  protected readonly started = performance.now();
  protected firstMessageAt: number | null = null;
  opened = false;
  closed = false;
  exception: PipesException | null = null;
  protected readonly reported = new Set<string>();
  protected readonly customMessages: unknown[] = [];
  private droppedCustom = 0;
  private logEvents = 0;
  private droppedLogs = 0;
  private warnings = 0;
  private suppressedWarnings = 0;
  private overlongLines = 0;
  private versionWarned = false;
  /** The last STDERR_TAIL_BYTES of the child's stderr (for a pod: of its log's non-message lines). */
  stderrTail = "";

  constructor(
    protected readonly host: PipesHost,
    /** How the child is named in messages (the command line, or the pod). */
    protected readonly printed: string,
    protected readonly options: PipesReaderOptions,
  ) {}

  /** What `ctx.pipes.run` resolves with when the child succeeded. */
  result(exitCode: number): PipesResult {
    return {
      exitCode,
      customMessages: this.customMessages,
      reportedAssetKeys: [...this.reported],
      opened: this.opened,
      closed: this.closed,
      firstMessageMs: this.firstMessageAt === null ? null : this.firstMessageAt - this.started,
      durationMs: performance.now() - this.started,
    };
  }

  onOutput(stream: "stdout" | "stderr", text: string): void {
    if (text.length === 0) return;
    if (stream === "stderr") this.keepTail(text);
    this.host.output(stream, text);
  }

  private keepTail(text: string): void {
    const joined = this.stderrTail + text;
    this.stderrTail = joined.length > STDERR_TAIL_BYTES ? joined.slice(joined.length - STDERR_TAIL_BYTES) : joined;
  }

  onFileLine(line: string): void {
    if (line.trim().length === 0) return;
    const parsed = parseMessageLine(line);
    if (parsed.kind === "message") this.handle(parsed.message, parsed.version);
    else this.warn(`Ignored a line of the Pipes message file: ${parsed.reason}: ${preview(line)}`);
  }

  onStdioLine(stream: "stdout" | "stderr", line: string): void {
    const parsed = parseMessageLine(line);
    if (parsed.kind === "message") this.handle(parsed.message, parsed.version);
    else if (parsed.kind === "invalid") this.warn(`Ignored a malformed Pipes message on ${stream}: ${parsed.reason}: ${preview(line)}`);
    else this.onOutput(stream, line + "\n");
  }

  private handle(message: ParsedMessage, version: string): void {
    this.firstMessageAt ??= performance.now();
    if (version !== PIPES_PROTOCOL_VERSION && !this.versionWarned) {
      this.versionWarned = true;
      this.warn(`The Pipes process speaks protocol ${JSON.stringify(version)}; Flyt speaks ${PIPES_PROTOCOL_VERSION}. Messages are read as ${PIPES_PROTOCOL_VERSION}.`);
    }
    const { host } = this;
    switch (message.method) {
      case "opened":
        this.opened = true;
        return;
      case "closed":
        this.closed = true;
        this.exception = message.exception;
        return;
      case "log": {
        const fields = message.levelName.toUpperCase() === "CRITICAL" ? { pipesLevel: "CRITICAL" } : undefined;
        this.log(message.level, message.message, fields);
        return;
      }
      case "report_asset_materialization": {
        const assetKey = this.resolveAssetKey(message.assetKey, "a materialization");
        if (assetKey === null) return;
        const { metadata, problems } = convertPipesMetadata(message.metadata);
        for (const problem of problems) this.warn(`Dropped metadata entry of ${assetKey}: ${problem}`);
        if (this.reported.has(assetKey)) this.warn(`The Pipes process reported ${assetKey} more than once; the metadata is merged into one materialization`);
        this.reported.add(assetKey);
        host.materialize(assetKey, metadata, message.dataVersion);
        return;
      }
      case "report_asset_check": {
        const assetKey = this.resolveAssetKey(message.assetKey, `check ${message.checkName}`);
        if (assetKey === null) return;
        const { metadata, problems } = convertPipesMetadata(message.metadata);
        for (const problem of problems) this.warn(`Dropped metadata entry of check ${message.checkName}: ${problem}`);
        host.emit({
          type: "ASSET_CHECK_EVALUATION",
          assetKey,
          checkName: message.checkName,
          passed: message.passed,
          severity: message.severity,
          partition: host.partitionKey,
          metadata,
        });
        return;
      }
      case "report_custom_message":
        if (this.customMessages.length < MAX_CUSTOM_MESSAGES) this.customMessages.push(message.payload);
        else this.droppedCustom += 1;
        if (this.options.onCustomMessage !== null) {
          try {
            this.options.onCustomMessage(message.payload);
          } catch (error) {
            this.warn(`onCustomMessage threw: ${(error as Error).message}`);
          }
        }
        return;
      case "log_external_stream":
        this.onOutput(message.stream, message.text);
        return;
    }
  }

  /** The reported key, the step's only asset when none is named, or null after an error event. */
  private resolveAssetKey(reported: string | null, what: string): string | null {
    const keys = this.host.assetKeys;
    // Problems with one message count against the warning cap (a child repeating a bad report
    // thousands of times must not become thousands of events), but stay errors.
    if (reported === null) {
      if (keys.length === 1) return keys[0]!;
      this.warn(`The Pipes process reported ${what} without an asset key, but step ${this.host.stepKey} has ${keys.length} assets (${keys.join(", ")}); ignored`, false, "error");
      return null;
    }
    if (!keys.includes(reported)) {
      this.warn(
        `The Pipes process reported ${what} for asset ${JSON.stringify(reported)}, which step ${this.host.stepKey} does not materialize in this run (its assets: ${keys.join(", ") || "none"}); ignored`,
        false,
        "error",
      );
      return null;
    }
    return reported;
  }

  private log(level: LogLevel, message: string, fields?: Record<string, unknown>): void {
    if (this.logEvents >= MAX_LOG_EVENTS) {
      this.droppedLogs += 1;
      return;
    }
    this.logEvents += 1;
    const body: EventBody = { type: "LOG", level, message };
    if (fields !== undefined) body.fields = fields;
    this.host.emit(body);
  }

  /** A problem with the child's messages: the first MAX_WARNINGS become events, the rest a count. */
  warn(message: string, always = false, level: "warn" | "error" = "warn"): void {
    if (!always && this.warnings >= MAX_WARNINGS) {
      this.suppressedWarnings += 1;
      return;
    }
    this.warnings += 1;
    this.host.emit({ type: "LOG", level, message, fields: { pipes: this.printed } });
  }

  /**
   * A line over maxMessageBytes cannot be a message. On a stdio channel it is output, kept up to
   * the limit; in the message file it is dropped. Either way the first one is explained and the
   * rest are counted into one line at the end.
   */
  onOverlongLine(channel: "file" | "stdout" | "stderr", bytes: number, head: string): void {
    if (channel !== "file") this.onOutput(channel, head + "\n");
    this.overlongLines += 1;
    if (this.overlongLines > 1) return;
    const limit = `over the ${this.options.maxMessageBytes}-byte line limit (maxMessageBytes)`;
    this.warn(
      channel === "file"
        ? `Dropped a Pipes message of ${bytes} bytes: ${limit}`
        : `A ${bytes}-byte line of the process's ${channel} is ${limit}: its first ${Buffer.byteLength(head)} bytes were kept as output, the rest dropped`,
    );
  }

  finishCounters(): void {
    if (this.overlongLines > 1) this.warn(`${this.overlongLines - 1} more lines over the ${this.options.maxMessageBytes}-byte limit (maxMessageBytes) were cut or dropped`, true);
    if (this.suppressedWarnings > 0) this.warn(`${this.suppressedWarnings} more Pipes warnings were suppressed`, true);
    if (this.droppedLogs > 0) this.warn(`${this.droppedLogs} log messages were dropped: over the limit of ${MAX_LOG_EVENTS} per Pipes process`, true);
    if (this.droppedCustom > 0) this.warn(`${this.droppedCustom} custom messages were not kept: over the limit of ${MAX_CUSTOM_MESSAGES} per Pipes process`, true);
  }
}

class Session extends PipesMessageReader {
  constructor(
    host: PipesHost,
    printed: string,
    protected override readonly options: ResolvedOptions,
    private readonly dir: string,
  ) {
    super(host, printed, options);
  }

  async run(command: string, args: readonly string[]): Promise<PipesResult> {
    const { options, host } = this;
    const contextData = buildContextData(host, options.extras);
    let contextParams: PipesContextParams;
    if (options.contextTransport === "file") {
      const path = join(this.dir, "context.json");
      writeFileSync(path, JSON.stringify(contextData));
      contextParams = { path };
    } else contextParams = { data: contextData };

    let messagesParams: PipesMessagesParams;
    let tail: FileTail | null = null;
    const fileSplitter = new LineSplitter(options.maxMessageBytes, {
      line: (line) => this.onFileLine(line),
      oversized: (bytes, head) => this.onOverlongLine("file", bytes, head),
    });
    if (options.channel === "file") {
      const path = join(this.dir, "messages.jsonl");
      writeFileSync(path, "");
      messagesParams = { path };
      tail = new FileTail(path, (chunk) => fileSplitter.push(chunk));
      await tail.start();
    } else messagesParams = { stdio: options.stdio };

    const env: NodeJS.ProcessEnv = { ...(host.environment ?? process.env) };
    for (const [name, value] of Object.entries(options.env)) {
      if (value === undefined) delete env[name];
      else env[name] = value;
    }
    env[CONTEXT_ENV_VAR] = encodeParam(contextParams);
    env[MESSAGES_ENV_VAR] = encodeParam(messagesParams);

    const child = spawn(command, [...args], { cwd: options.cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    const pid = child.pid;
    if (pid !== undefined) trackGroup(pid);

    for (const stream of ["stdout", "stderr"] as const) {
      const readable = child[stream];
      if (options.channel === "stdio" && options.stdio === stream) {
        const splitter = new LineSplitter(options.maxMessageBytes, {
          line: (line) => this.onStdioLine(stream, line),
          oversized: (bytes, head) => this.onOverlongLine(stream, bytes, head),
        });
        readable.on("data", (chunk: Buffer) => splitter.push(chunk));
        readable.on("end", () => splitter.end());
      } else {
        const decoder = new StringDecoder("utf8");
        readable.on("data", (chunk: Buffer) => this.onOutput(stream, decoder.write(chunk)));
        readable.on("end", () => this.onOutput(stream, decoder.end()));
      }
    }

    let canceled = false;
    let killTimer: NodeJS.Timeout | null = null;
    const onAbort = (): void => {
      canceled = true;
      if (pid === undefined) return;
      killGroup(pid, "SIGTERM");
      killTimer = setTimeout(() => killGroup(pid, "SIGKILL"), options.killGraceMs);
      killTimer.unref();
    };
    host.signal.addEventListener("abort", onAbort, { once: true });

    const outcome = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error: Error | null }>((resolve) => {
      let spawnError: Error | null = null;
      child.on("error", (error) => {
        spawnError = error;
        // A process that never started emits no 'close' on some platforms.
        if (pid === undefined) resolve({ code: null, signal: null, error });
      });
      child.on("exit", () => {
        // Strays left in the group would hold the pipes open (and leak): they go with the process.
        if (pid !== undefined) killGroup(pid, "SIGKILL");
      });
      child.on("close", (code, signal) => resolve({ code, signal, error: spawnError }));
    });
    host.signal.removeEventListener("abort", onAbort);
    if (killTimer !== null) clearTimeout(killTimer);
    if (pid !== undefined) untrackGroup(pid);

    if (tail !== null) {
      try {
        await tail.stop();
      } catch (error) {
        this.warn(`Reading the Pipes message file failed: ${(error as Error).message}`);
      }
      fileSplitter.end();
    }
    this.finishCounters();

    const details = {
      command: this.printed,
      exitCode: outcome.code,
      signal: outcome.signal,
      stderrTail: this.stderrTail,
      exception: this.exception,
    };
    if (outcome.error !== null && outcome.code === null && outcome.signal === null) {
      throw new PipesProcessError(
        `Could not start Pipes process \`${this.printed}\`: ${outcome.error.message}`,
        "spawn",
        details,
        { cause: outcome.error },
      );
    }
    if (canceled) {
      throw new PipesProcessError(`Pipes process \`${this.printed}\` was stopped: the run was canceled`, "canceled", details);
    }
    if (!this.closed) {
      this.warn(
        `Pipes process \`${this.printed}\` ${outcome.code === null ? `was killed by ${outcome.signal ?? "a signal"}` : `exited with code ${outcome.code}`} without sending \`closed\`` +
          (this.opened ? "" : " (nor `opened`: is it using a Pipes client, with DAGSTER_PIPES_MESSAGES as given?)"),
        true,
      );
    }
    if (outcome.code !== 0 || this.exception !== null) {
      const how =
        outcome.code === null
          ? `was killed by ${outcome.signal ?? "a signal"}`
          : outcome.code === 0
            ? "exited with code 0 but reported an exception"
            : `exited with code ${outcome.code}`;
      const parts = [`Pipes process \`${this.printed}\` ${how}`];
      if (this.exception !== null) parts.push(`\nException sent with \`closed\`: ${formatException(this.exception)}`);
      if (this.stderrTail.trim().length > 0) parts.push(`\n--- last ${STDERR_TAIL_BYTES} bytes of stderr ---\n${this.stderrTail.trimEnd()}`);
      const reason = outcome.code === null ? "signal" : outcome.code === 0 ? "exception" : "exit";
      throw new PipesProcessError(parts.join(""), reason, details);
    }
    return this.result(0);
  }
}

export function formatException(exception: PipesException): string {
  const message = exception.message.trim();
  const head = exception.name !== null && !message.startsWith(exception.name) ? `${exception.name}: ${message}` : message;
  const stack = exception.stack.length > 0 ? `\n${exception.stack.join("").trimEnd()}` : "";
  const cause = exception.cause ? `\nCaused by: ${formatException(exception.cause)}` : "";
  return head + stack + cause;
}

function preview(line: string): string {
  return line.length > 200 ? `${JSON.stringify(line.slice(0, 200))}…` : JSON.stringify(line);
}
