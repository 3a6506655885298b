/**
 * Live run events as server-sent events. One poller per run is shared by every client watching
 * that run (so a hundred open run pages cost one indexed `getEvents(afterId)` per interval, not a
 * hundred), and `storage.watchRuns` wakes it at once on status changes. Each client gets a
 * backlog first (from its `after` id), then new events; an `end` event follows the run's
 * terminal status. Messages: `event: events` (JSON array of RunEvent), `event: run` (status),
 * `event: end`. The event id is the last storage id, so a reconnect resumes where it stopped.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { isTerminalRunStatus, type RunStatus, type StoredEvent } from "@flyt/core";
import type { RunWatch, Storage } from "@flyt/storage";
import { runEventView } from "./resolvers/views.js";

const BATCH = 500;
export const MAX_STREAMS = 500;

interface Client {
  res: ServerResponse;
  lastId: number;
}

class RunFeed {
  readonly clients = new Set<Client>();
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  private again = false;
  private status: RunStatus | null = null;

  constructor(
    private readonly storage: Storage,
    readonly runId: string,
    private readonly pollMs: number,
    private readonly onEmpty: () => void,
  ) {}

  add(client: Client): void {
    this.clients.add(client);
    this.status = null; // resend the status to the newcomer
    if (this.timer === null) this.timer = setInterval(() => this.wake(), this.pollMs);
    this.wake();
  }

  remove(client: Client): void {
    this.clients.delete(client);
    if (this.clients.size === 0) this.stop();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const client of this.clients) client.res.end();
    this.clients.clear();
    this.onEmpty();
  }

  wake(): void {
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    void this.tick()
      .catch(() => undefined)
      .finally(() => {
        this.busy = false;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async tick(): Promise<void> {
    const run = await this.storage.getRun(this.runId);
    if (run === null) {
      for (const client of this.clients) send(client.res, "error", { message: `No run ${this.runId}` });
      this.stop();
      return;
    }
    // Clients may be at different positions: read from the oldest, send each what it lacks.
    let from = Math.min(...[...this.clients].map((c) => c.lastId));
    for (;;) {
      const events: StoredEvent[] = await this.storage.getEvents(this.runId, { afterId: from, limit: BATCH });
      if (events.length === 0) break;
      for (const client of this.clients) {
        const fresh = events.filter((e) => e.id > client.lastId);
        if (fresh.length === 0) continue;
        client.lastId = fresh[fresh.length - 1]!.id;
        send(client.res, "events", fresh.map(runEventView), client.lastId);
      }
      from = events[events.length - 1]!.id;
      if (events.length < BATCH) break;
    }
    if (run.status !== this.status) {
      this.status = run.status;
      for (const client of this.clients) send(client.res, "run", { runId: run.runId, status: run.status, startedAt: run.startedAt, endedAt: run.endedAt });
    }
    if (isTerminalRunStatus(run.status)) {
      for (const client of this.clients) send(client.res, "end", { status: run.status });
      this.stop();
    }
  }
}

function send(res: ServerResponse, event: string, data: unknown, id?: number): void {
  res.write(`${id === undefined ? "" : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/** An error answer in the API's JSON shape (`{ errors: [{ message }] }`), like the rest of /api and /graphql. */
function sendError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  const text = JSON.stringify({ errors: [{ message }] });
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers }).end(text);
}

export class RunStreamHub {
  private readonly feeds = new Map<string, RunFeed>();
  private watch: Promise<RunWatch> | null = null;
  private count = 0;

  constructor(
    private readonly storage: Storage,
    private readonly pollMs: number,
  ) {}

  async serve(runId: string, after: string | null, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const fromHeader = req.headers["last-event-id"];
    const start = Number(typeof fromHeader === "string" ? fromHeader : (after ?? "0"));
    if (!Number.isInteger(start) || start < 0) {
      sendError(res, 400, `'after' (or Last-Event-ID) must be a non-negative event id, got ${JSON.stringify(String(fromHeader ?? after).slice(0, 100))}`);
      return;
    }
    if (this.count >= MAX_STREAMS) {
      sendError(res, 503, "Too many open event streams; retry shortly.", { "retry-after": "5" });
      return;
    }
    if ((await this.storage.getRun(runId)) === null) {
      sendError(res, 404, `No run ${JSON.stringify(runId)}.`);
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive", "x-accel-buffering": "no" });
    res.write("retry: 2000\n\n");
    this.count++;
    this.ensureWatch();
    let feed = this.feeds.get(runId);
    if (feed === undefined) {
      feed = new RunFeed(this.storage, runId, this.pollMs, () => this.feeds.delete(runId));
      this.feeds.set(runId, feed);
    }
    const client: Client = { res, lastId: start };
    const current = feed;
    res.on("close", () => {
      this.count--;
      current.remove(client);
    });
    current.add(client);
  }

  /**
   * Starts the shared run watch if none is open. Opening it fails while storage is unreachable:
   * the feeds then live on their poll, and the next stream tries again. (A rejected watch left in
   * place was an unhandled rejection, which ends the process, and it was never retried.)
   */
  private ensureWatch(): void {
    if (this.watch !== null) return;
    const watch = this.storage.watchRuns((change) => this.feeds.get(change.runId)?.wake(), {
      // Statuses may have changed unheard while the watch was down: every feed re-reads now.
      onMissed: () => {
        for (const feed of this.feeds.values()) feed.wake();
      },
    });
    this.watch = watch;
    watch.catch(() => {
      if (this.watch === watch) this.watch = null;
    });
  }

  close(): void {
    for (const feed of [...this.feeds.values()]) feed.stop();
    const watch = this.watch;
    this.watch = null;
    if (watch) void watch.then((w) => w.close()).catch(() => undefined);
  }
}
