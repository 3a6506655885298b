/**
 * One HTTP request through `node:http`/`node:https`, for the remote worker's calls to the
 * platform (events, heartbeats, the run record). Not the global `fetch`: its first use loads
 * undici, which cost a cold worker ~40 ms of CPU and ~19 MiB of RSS (measured), more than
 * everything else the worker loads apart from Node itself.
 */
import type { Agent, IncomingMessage, RequestOptions } from "node:http";

/** What the worker needs of an HTTP answer (a subset of fetch's Response). */
export interface HttpAnswer {
  ok: boolean;
  status: number;
  text(): Promise<string>;
}

export interface HttpRequestOptions {
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** A keep-alive agent of the same protocol as the URL; Node's global agent when absent. */
  agent?: Agent;
}

/** Loads the http or https module for `url` (only the one it needs). */
export async function httpModuleFor(url: URL): Promise<typeof import("node:http")> {
  return url.protocol === "https:" ? ((await import("node:https")) as unknown as typeof import("node:http")) : await import("node:http");
}

/** Sends the request and reads the whole answer; rejects on network errors and after `timeoutMs` without a complete answer. */
export async function httpRequest(url: string, options: HttpRequestOptions): Promise<HttpAnswer> {
  const target = new URL(url);
  const http = await httpModuleFor(target);
  return new Promise<HttpAnswer>((resolve, reject) => {
    const headers: Record<string, string | number> = { ...options.headers };
    if (options.body !== undefined) headers["content-length"] = Buffer.byteLength(options.body);
    const requestOptions: RequestOptions = { method: options.method, headers, ...(options.agent ? { agent: options.agent } : {}) };
    const request = http.request(target, requestOptions, (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", fail);
      response.on("close", () => {
        if (!response.complete) fail(new Error(`the connection to ${target.origin} closed before the answer was complete`));
      });
      response.on("end", () => {
        clearTimeout(timer);
        const status = response.statusCode ?? 0;
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ ok: status >= 200 && status < 300, status, text: () => Promise.resolve(text) });
      });
    });
    const timer = setTimeout(() => request.destroy(new Error(`no answer from ${target.origin} within ${options.timeoutMs} ms`)), options.timeoutMs);
    timer.unref();
    function fail(error: Error): void {
      clearTimeout(timer);
      reject(error);
    }
    request.on("error", fail);
    request.end(options.body);
  });
}
