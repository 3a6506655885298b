/**
 * Live backfill progress as server-sent events, beside the live run events (run-stream.ts) and
 * with the same conventions: `GET /api/backfills/<id>/events`. The daemon writes a backfill's
 * progress into its row as its runs advance, so the stream polls that one row (one indexed read
 * per interval, shared by every client watching the backfill) and sends it whenever it changed:
 * `event: backfill` (status, counts and per-asset counts — the `backfillView` REST returns),
 * then `event: end` once the backfill has ended, and the stream closes. A client that connects
 * (or reconnects) gets the current state at once.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { isTerminalBackfillStatus } from "@flyt/core";
import type { Storage } from "@flyt/storage";
import { backfillView } from "./backfills.js";

export const MAX_BACKFILL_STREAMS = 200;

class BackfillFeed {
  readonly clients = new Set<ServerResponse>();
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  /** `updatedAt` and status of the last state sent; a newcomer resets it so it gets the state too. */
  private sent: string | null = null;

  constructor(
    private readonly storage: Storage,
    readonly backfillId: string,
    private readonly pollMs: number,
    private readonly onEmpty: () => void,
  ) {}

  add(client: ServerResponse): void {
    this.clients.add(client);
    this.sent = null;
    if (this.timer === null) this.timer = setInterval(() => this.wake(), this.pollMs);
    this.wake();
  }

  remove(client: ServerResponse): void {
    this.clients.delete(client);
    if (this.clients.size === 0) this.stop();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const client of this.clients) client.end();
    this.clients.clear();
    this.onEmpty();
  }

  private wake(): void {
    if (this.busy) return;
    this.busy = true;
    void this.tick()
      .catch(() => undefined)
      .finally(() => {
        this.busy = false;
      });
  }

  private async tick(): Promise<void> {
    const backfill = await this.storage.getBackfill(this.backfillId);
    if (backfill === null) {
      for (const client of this.clients) send(client, "error", { message: `No backfill ${this.backfillId}` });
      this.stop();
      return;
    }
    const version = `${backfill.updatedAt}:${backfill.status}`;
    if (version !== this.sent) {
      this.sent = version;
      const view = backfillView(backfill);
      const data = { backfillId: view.backfillId, status: view.status, counts: view.counts, error: view.error, updatedAt: view.updatedAt, endedAt: view.endedAt, assets: view.assets };
      for (const client of this.clients) send(client, "backfill", data);
    }
    if (isTerminalBackfillStatus(backfill.status)) {
      for (const client of this.clients) send(client, "end", { status: backfill.status });
      this.stop();
    }
  }
}

function send(res: ServerResponse, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

function sendError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  const text = JSON.stringify({ errors: [{ message }] });
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers }).end(text);
}

export class BackfillStreamHub {
  private readonly feeds = new Map<string, BackfillFeed>();
  private count = 0;

  constructor(
    private readonly storage: Storage,
    private readonly pollMs: number,
  ) {}

  async serve(backfillId: string, _req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.count >= MAX_BACKFILL_STREAMS) {
      sendError(res, 503, "Too many open backfill streams; retry shortly.", { "retry-after": "5" });
      return;
    }
    if ((await this.storage.getBackfill(backfillId)) === null) {
      sendError(res, 404, `No backfill ${JSON.stringify(backfillId)}.`);
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive", "x-accel-buffering": "no" });
    res.write("retry: 2000\n\n");
    this.count++;
    let feed = this.feeds.get(backfillId);
    if (feed === undefined) {
      const created: BackfillFeed = new BackfillFeed(this.storage, backfillId, this.pollMs, () => {
        // Only this feed's own entry: a newer feed for the same backfill may have replaced it.
        if (this.feeds.get(backfillId) === created) this.feeds.delete(backfillId);
      });
      feed = created;
      this.feeds.set(backfillId, feed);
    }
    const current = feed;
    res.on("close", () => {
      this.count--;
      current.remove(res);
    });
    current.add(res);
  }

  close(): void {
    for (const feed of [...this.feeds.values()]) feed.stop();
  }
}
