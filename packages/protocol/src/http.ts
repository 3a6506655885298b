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
 * Reads a request body as UTF-8 text, refusing it as soon as it passes `limitBytes` (declared or
 * counted), so an oversized body costs the limit, not its size. @throws ApiError PAYLOAD_TOO_LARGE.
 */
export async function readTextBody(request: IncomingMessage, limitBytes = DEFAULT_BODY_LIMIT_BYTES): Promise<string> {
  const declared = Number(request.headers["content-length"] ?? "0");
  if (declared > limitBytes) throw new ApiError("PAYLOAD_TOO_LARGE", `The request body (${declared} bytes) is larger than ${limitBytes} bytes.`);
  const chunks: Buffer[] = [];
  let size = 0;
  // Leaving the loop early (the throw) destroys the request stream: the rest is not read.
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw new ApiError("PAYLOAD_TOO_LARGE", `The request body is larger than ${limitBytes} bytes.`);
    chunks.push(chunk);
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
  // An over-large body was not read to its end: the connection cannot carry another request.
  sendJson(response, apiError.status, apiError.toJSON(), apiError.code === "PAYLOAD_TOO_LARGE" ? { connection: "close" } : {});
}

/** Validates a response body before it leaves (a bug here is ours: INTERNAL, logged by the caller). */
export function checkedBody<S extends z.ZodTypeAny>(schema: S, body: z.input<S>, what: string): z.output<S> {
  const parsed = parseWith(schema, body, what);
  if (!parsed.ok) throw new Error(`Refusing to send an invalid ${what}: ${parsed.message}`);
  return parsed.value;
}
