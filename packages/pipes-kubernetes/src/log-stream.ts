/**
 * One read of a pod's log (`GET …/pods/<name>/log`), with its end told apart from its failure.
 * The client library's `Log` pipes the response into a stream and never says when the connection
 * dropped half-way; a follower must know that to resume, so the request is made here with the
 * client's own credentials (`applyToHTTPSOptions`: token, client certificate, CA, exec plugins).
 */
import http from "node:http";
import https from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";

export interface LogRequest {
  namespace: string;
  name: string;
  container: string;
  follow: boolean;
  /** RFC3339; whole seconds are what the API server honours. */
  sinceTime?: string;
}

export interface LogHandlers {
  data(chunk: Buffer): void;
  /**
   * Called once. `error` null: the server ended the log (the container ended, or a non-follow read
   * is complete). `streamed` says whether a 200 response had started (a drop, not a refusal).
   */
  end(error: Error | null, streamed: boolean): void;
}

/** Bytes of an error response kept for its message. */
const ERROR_BODY_LIMIT = 16 * 1024;

export async function openPodLog(kubeConfig: KubeConfig, request: LogRequest, handlers: LogHandlers): Promise<() => void> {
  const cluster = kubeConfig.getCurrentCluster();
  if (cluster === null) throw new Error("no current cluster in the Kubernetes configuration");
  const url = new URL(`${cluster.server.replace(/\/+$/, "")}/api/v1/namespaces/${encodeURIComponent(request.namespace)}/pods/${encodeURIComponent(request.name)}/log`);
  url.searchParams.set("container", request.container);
  url.searchParams.set("follow", String(request.follow));
  url.searchParams.set("timestamps", "true");
  if (request.sinceTime !== undefined) url.searchParams.set("sinceTime", request.sinceTime);
  const options: https.RequestOptions = { method: "GET", headers: {} };
  await kubeConfig.applyToHTTPSOptions(options);

  let settled = false;
  let streamed = false;
  const settle = (error: Error | null): void => {
    if (settled) return;
    settled = true;
    handlers.end(error, streamed);
  };
  const send = url.protocol === "https:" ? https.request : http.request;
  const req = send(url, options, (response) => {
    if (response.statusCode !== 200) {
      const parts: Buffer[] = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        if (size < ERROR_BODY_LIMIT) parts.push(chunk);
        size += chunk.length;
      });
      response.on("close", () => {
        const text = Buffer.concat(parts).toString("utf8").slice(0, ERROR_BODY_LIMIT);
        let message = text.trim();
        try {
          const status = JSON.parse(text) as { message?: unknown };
          if (typeof status.message === "string") message = status.message;
        } catch {
          // not a Status object: keep the text
        }
        settle(new Error(`HTTP ${response.statusCode ?? "?"}${message !== "" ? `: ${message}` : ""}`));
      });
      return;
    }
    streamed = true;
    let ended = false;
    response.on("data", (chunk: Buffer) => {
      if (!settled) handlers.data(chunk);
    });
    response.on("end", () => {
      ended = true;
      settle(null);
    });
    response.on("error", (error) => settle(error));
    response.on("close", () => {
      if (!ended) settle(new Error("the log connection closed before the log ended"));
    });
  });
  req.on("error", (error) => settle(error));
  req.end();
  return () => {
    settled = true;
    req.destroy();
  };
}
