/**
 * The platform's client of protocol v1: one per code location. Every response is checked for
 * the protocol version and validated with the schema of its endpoint, so a server speaking
 * another major version, or sending malformed data, fails with a message naming the location.
 */
import {
  CancelRunRequestSchema,
  ErrorResponseSchema,
  EvaluateScheduleResponseSchema,
  EvaluateSensorResponseSchema,
  HealthResponseSchema,
  LaunchRunResponseSchema,
  parseWith,
  PROTOCOL_VERSION,
  PROTOCOL_VERSION_HEADER,
  RunProcessStatusSchema,
  SnapshotResponseSchema,
  versionProblem,
  type EvaluateScheduleResponse,
  type EvaluateSensorRequest,
  type EvaluateSensorResponse,
  type HealthResponse,
  type LaunchRunRequest,
  type LaunchRunResponse,
  type RunProcessStatus,
  type SnapshotResponse,
} from "@flyt/protocol";
import { FlytError } from "@flyt/core";
import type { z } from "zod";

/** A failed call to a code location: unreachable, an error response, or a protocol mismatch. */
export class CodeLocationError extends FlytError {
  constructor(
    readonly location: string,
    readonly kind: "UNREACHABLE" | "ERROR_RESPONSE" | "PROTOCOL",
    message: string,
    readonly status: number | null = null,
    readonly errorCode: string | null = null,
    options?: { cause?: unknown },
  ) {
    super("CODE_LOCATION", `Code location ${JSON.stringify(location)}: ${message}`, options);
  }
}

const MAX_ERROR_MESSAGE = 1_000;

function clip(message: string): string {
  return message.length > MAX_ERROR_MESSAGE ? `${message.slice(0, MAX_ERROR_MESSAGE)}… (${message.length} characters)` : message;
}

export interface ClientOptions {
  /** Per-request timeout (default 10 s; sensor evaluations add their own timeout to it). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export class CodeLocationClient {
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(
    readonly location: string,
    readonly baseUrl: string,
    options: ClientOptions = {},
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.fetchImpl = options.fetch ?? globalThis.fetch;
  }

  health(): Promise<HealthResponse> {
    return this.call("GET", "/v1/health", undefined, HealthResponseSchema);
  }

  /** The snapshot, or null when `knownHash` is still current (HTTP 304). */
  async snapshot(knownHash: string | null = null): Promise<SnapshotResponse | null> {
    const headers: Record<string, string> = knownHash ? { "if-none-match": `"${knownHash}"` } : {};
    const response = await this.request("GET", "/v1/snapshot", undefined, headers);
    if (response.status === 304) return null;
    return this.parse(response, SnapshotResponseSchema, "/v1/snapshot");
  }

  evaluateSchedule(name: string, scheduledTime: number): Promise<EvaluateScheduleResponse> {
    return this.call("POST", `/v1/schedules/${encodeURIComponent(name)}/evaluate`, { scheduledTime }, EvaluateScheduleResponseSchema);
  }

  evaluateSensor(name: string, request: EvaluateSensorRequest): Promise<EvaluateSensorResponse> {
    return this.call("POST", `/v1/sensors/${encodeURIComponent(name)}/evaluate`, request, EvaluateSensorResponseSchema, (request.timeoutMs ?? 60_000) + this.timeoutMs);
  }

  launchRun(request: LaunchRunRequest): Promise<LaunchRunResponse> {
    return this.call("POST", "/v1/runs", request, LaunchRunResponseSchema);
  }

  runStatus(runId: string): Promise<RunProcessStatus> {
    return this.call("GET", `/v1/runs/${encodeURIComponent(runId)}`, undefined, RunProcessStatusSchema);
  }

  cancelRun(runId: string, reason?: string): Promise<RunProcessStatus> {
    const body = CancelRunRequestSchema.parse(reason === undefined ? {} : { reason });
    return this.call("POST", `/v1/runs/${encodeURIComponent(runId)}/cancel`, body, RunProcessStatusSchema);
  }

  private async call<S extends z.ZodTypeAny>(method: string, path: string, body: unknown, schema: S, timeoutMs?: number): Promise<z.output<S>> {
    return this.parse(await this.request(method, path, body, {}, timeoutMs), schema, path);
  }

  private async request(method: string, path: string, body: unknown, headers: Record<string, string>, timeoutMs = this.timeoutMs): Promise<Response> {
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.baseUrl}${path}`, {
        method,
        headers: {
          [PROTOCOL_VERSION_HEADER]: String(PROTOCOL_VERSION),
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause;
      throw new CodeLocationError(this.location, "UNREACHABLE", `cannot reach ${this.baseUrl}${path}: ${cause?.code ?? (error as Error).message}`, null, null, { cause: error });
    }
    const problem = versionProblem(response.headers.get(PROTOCOL_VERSION_HEADER), PROTOCOL_VERSION);
    if (problem !== null) {
      await response.body?.cancel();
      throw new CodeLocationError(this.location, "PROTOCOL", `the server at ${this.baseUrl} answered with ${problem}`, response.status);
    }
    return response;
  }

  private async parse<S extends z.ZodTypeAny>(response: Response, schema: S, path: string): Promise<z.output<S>> {
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      // The connection was cut or the timeout hit while the body was read: fetch rejects with a
      // bare TypeError ("terminated") or an AbortError, which escaped as neither kind of failure.
      const cause = (error as { cause?: { code?: string } }).cause;
      throw new CodeLocationError(this.location, "UNREACHABLE", `${path}: the answer (HTTP ${response.status}) broke off while it was read: ${cause?.code ?? (error as Error).message}`, response.status, null, { cause: error });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new CodeLocationError(this.location, "PROTOCOL", `${path} answered HTTP ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`, response.status);
    }
    if (!response.ok) {
      const error = ErrorResponseSchema.safeParse(json);
      if (error.success) {
        throw new CodeLocationError(this.location, "ERROR_RESPONSE", clip(error.data.error.message), response.status, error.data.error.code);
      }
      throw new CodeLocationError(this.location, "PROTOCOL", `${path} answered HTTP ${response.status}: ${text.slice(0, 200)}`, response.status);
    }
    const parsed = parseWith(schema, json, `response of ${path}`);
    // The schema's message quotes what it received: a multi-MiB field would become a multi-MiB error (logs, UI).
    if (!parsed.ok) throw new CodeLocationError(this.location, "PROTOCOL", clip(parsed.message), response.status);
    return parsed.value;
  }
}
