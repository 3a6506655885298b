/**
 * The `/metrics` endpoint as a plain node:http handler, so the webserver, the daemon and
 * `flyt dev` serve the same thing whatever router they use.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { FlytMetrics } from "./metrics.js";

/** Answers GET/HEAD with the metrics text, 405 to other methods. Never throws. */
export function metricsHandler(metrics: FlytMetrics): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" });
      res.end("method not allowed\n");
      return;
    }
    try {
      const body = await metrics.render();
      res.writeHead(200, { "content-type": metrics.contentType, "cache-control": "no-store" });
      res.end(req.method === "HEAD" ? undefined : body);
    } catch (error) {
      res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      res.end(`could not render metrics: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  };
}

/**
 * A standalone HTTP server answering only `/metrics` (for the daemon, which has no other HTTP
 * surface). Resolves once listening; `close()` stops it.
 */
export async function serveMetrics(metrics: FlytMetrics, options: { port: number; host?: string }): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const handle = metricsHandler(metrics);
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/metrics") {
      void handle(req, res);
      return;
    }
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
    res.end("not found: this port serves /metrics only\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "0.0.0.0", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${host}:${address.port}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
