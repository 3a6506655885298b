/**
 * Server-side HTTP helpers shared by the code-location server and the webserver: JSON bodies
 * with a size limit, JSON responses carrying the protocol version header, and the one error
 * type with a closed code set. Unknown errors become INTERNAL at the edge, never a stack trace.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { FlytError } from "@flyt/core";
import type { z } from "zod";
import { HTTP_STATUS_BY_CODE, PROTOCOL_VERSION, PROTOCOL_VERSION_HEADER, type ErrorCode, type ErrorResponse } from "./schemas.js";
import { parseWith } from "./validate.js";

/** An expected failure at the API edge: its code picks the HTTP status. */
export class ApiError extends FlytError<ErrorCode> {
  constructor(
    code: ErrorCode,
    message: string,
    readonly field: string | null = null,
  ) {
    super(code, message);
  }

  get status(): number {
    return HTTP_STATUS_BY_CODE[this.code];
  }

  toJSON(): ErrorResponse {
    return { error: { code: this.code, message: this.message, field: this.field } };
  }
}

export const DEFAULT_BODY_LIMIT_BYTES = 4 * 1024 * 1024;

/**
 * Bytes of an over-limit body that are read and thrown away before the 413 is sent. A client
 * still sending its body when the server answers and closes gets EPIPE/ECONNRESET instead of the
 * answer (a 15 MiB log message was refused that way); reading the rest, without keeping it, lets
 * it see the 413. Beyond this many bytes (or when the declared length is larger) the connection is
 * closed at once instead. Memory stays bounded either way: nothing drained is kept.
 */
export const OVERSIZE_DRAIN_BYTES = 32 * 1024 * 1024;

/**
 * Reads the rest of a request body and drops it, up to OVERSIZE_DRAIN_BYTES.
 * @returns true when the body was read to its end (the connection can carry another request).
 */
export function discardRequestBody(request: IncomingMessage, alreadyRead = 0): Promise<boolean> {
  if (request.complete) return Promise.resolve(true);
  const declared = Number(request.headers["content-length"] ?? "0");
  if (declared > OVERSIZE_DRAIN_BYTES) return Promise.resolve(false);
  return new Promise((resolve) => {
    let seen = alreadyRead;
    const done = (complete: boolean): void => {
      request.off("data", onData);
      request.off("end", onEnd);
      request.off("error", onClose);
      request.off("close", onClose);
      if (!complete) request.pause();
      resolve(complete);
    };
    const onData = (chunk: Buffer): void => {
      seen += chunk.length;
      if (seen > OVERSIZE_DRAIN_BYTES) done(false);
    };
    const onEnd = (): void => done(true);
    const onClose = (): void => done(request.complete);
    request.on("data", onData);
    request.once("end", onEnd);
    request.once("error", onClose);
    request.once("close", onClose);
    request.resume();
  });
}

/**
 * Reads a request body as UTF-8 text, keeping at most `limitBytes` (declared or counted): an
 * over-limit body is drained without being kept (discardRequestBody) before the 413.
 * @throws ApiError PAYLOAD_TOO_LARGE.
 */
export async function readTextBody(request: IncomingMessage, limitBytes = DEFAULT_BODY_LIMIT_BYTES): Promise<string> {
  const declared = Number(request.headers["content-length"] ?? "0");
  if (declared > limitBytes) {
    await discardRequestBody(request);
    throw new ApiError("PAYLOAD_TOO_LARGE", `The request body (${declared} bytes) is larger than ${limitBytes} bytes.`);
  }
  const chunks: Buffer[] = [];
  const over = await new Promise<number | null>((resolve, reject) => {
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limitBytes) {
        cleanup();
        chunks.length = 0;
        resolve(size);
      } else chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(null);
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const cleanup = (): void => {
      request.off("data", onData);
      request.off("end", onEnd);
      request.off("error", onError);
    };
    request.on("data", onData);
    request.once("end", onEnd);
    request.once("error", onError);
  });
  if (over !== null) {
    await discardRequestBody(request, over);
    throw new ApiError("PAYLOAD_TOO_LARGE", `The request body is larger than ${limitBytes} bytes.`);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Reads a JSON body (empty body → `{}`). @throws ApiError BAD_REQUEST / PAYLOAD_TOO_LARGE. */
export async function readJsonBody(request: IncomingMessage, limitBytes = DEFAULT_BODY_LIMIT_BYTES): Promise<unknown> {
  const text = (await readTextBody(request, limitBytes)).trim();
  if (text === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ApiError("BAD_REQUEST", `The request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** Reads and validates a JSON body. @throws ApiError BAD_REQUEST naming the field at fault. */
export async function readValidBody<S extends z.ZodTypeAny>(request: IncomingMessage, schema: S, what: string, limitBytes?: number): Promise<z.output<S>> {
  const parsed = parseWith(schema, await readJsonBody(request, limitBytes), what);
  if (!parsed.ok) throw new ApiError("BAD_REQUEST", parsed.message, parsed.field);
  return parsed.value;
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    [PROTOCOL_VERSION_HEADER]: String(PROTOCOL_VERSION),
    ...headers,
  });
  response.end(text);
}

/** Sends any thrown value as an error response: ApiError as itself, anything else as INTERNAL. */
export function sendError(response: ServerResponse, error: unknown): void {
  const apiError = error instanceof ApiError ? error : new ApiError("INTERNAL", "Internal error; see the server log.");
  if (response.headersSent) {
    response.destroy();
    return;
  }
  // An over-large body not read to its end (over OVERSIZE_DRAIN_BYTES): the connection cannot carry another request.
  const unread = apiError.code === "PAYLOAD_TOO_LARGE" && !(response.req?.complete ?? true);
  sendJson(response, apiError.status, apiError.toJSON(), unread ? { connection: "close" } : {});
}

/** Validates a response body before it leaves (a bug here is ours: INTERNAL, logged by the caller). */
export function checkedBody<S extends z.ZodTypeAny>(schema: S, body: z.input<S>, what: string): z.output<S> {
  const parsed = parseWith(schema, body, what);
  if (!parsed.ok) throw new Error(`Refusing to send an invalid ${what}: ${parsed.message}`);
  return parsed.value;
}
