/**
 * A real HTTP server on 127.0.0.1 that receives alert webhooks, for tests: it records every
 * request (path, headers, body) and answers what `respond` says (200 by default), so a test can
 * make a receiver that fails first, or fails on one path.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface WebhookReceiver {
  /** Base URL, e.g. http://127.0.0.1:41234 (append a path for the webhook's URL). */
  url: string;
  /** Requests answered with a 2xx status, in arrival order. */
  received: ReceivedWebhook[];
  close(): Promise<void>;
}

/** `respond` picks each answer's status; a non-2xx request is not recorded in `received`. */
export async function startWebhookReceiver(respond: (request: ReceivedWebhook, index: number) => number = () => 200): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  let index = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request = { path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      const status = respond(request, index++);
      if (status >= 200 && status < 300) received.push(request);
      res.writeHead(status).end(status < 300 ? "ok" : "unavailable");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
