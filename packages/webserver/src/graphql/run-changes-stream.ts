/**
 * Run status changes across all runs as server-sent events, beside the per-run stream
 * (run-stream.ts) and the per-backfill one (backfill-stream.ts), with their conventions:
 * `GET /api/runs/events`. It is what keeps the lineage's statuses live (an asset turns
 * IN_PROGRESS when a run targeting it is queued, FAILED or MATERIALIZED when it ends) without
 * every open page polling the run list.
 *
 * One `storage.watchRuns` serves every connection (PostgreSQL LISTEN/NOTIFY, or SQLite's
 * in-process signal): a change wakes the hub, which reads the changed runs in one `getRuns` and
 * sends each client `event: runs` with `[{ runId, status, assetKeys, partitionKey, location,
 * updatedAt }]`. The watch is a wake-up hint, so a slow poll of the runs created or ended since
 * the last look backs it up — faster on SQLite, whose signal does not hear a daemon in another
 * process. When changes may have been missed (the watch's database connection was re-made),
 * clients get `event: resync`: re-read what you show. There are no event ids to resume from: a
 * client that reconnects should re-read too, since it heard nothing while it was away.
 *
 * A comment line every 15 s keeps proxies from closing an idle stream; a client that stops reading
 * is dropped once its unsent data passes MAX_BUFFERED_BYTES (it reconnects and re-reads), so one
 * stalled browser cannot grow the server's memory.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RunStatus } from "@flyt/core";
import type { RunChange, RunWatch, Storage } from "@flyt/storage";

export const MAX_RUN_CHANGE_STREAMS = 500;
/** Unsent bytes a client may lag behind by before it is dropped. */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
export const HEARTBEAT_MS = 15_000;
/** Changes that arrive within this window are read and sent as one batch (a backfill queues hundreds at once). */
const COALESCE_MS = 25;
/** Most runs read per `getRuns` and listed per poll query. */
const BATCH = 500;
/** Statuses remembered to drop repeats (a poll and the watch reporting the same change); oldest forgotten first. */
const REMEMBERED = 20_000;
/** Poll window overlap: a run's createdAt/endedAt may come from another host's clock or commit late. */
const POLL_SLACK_MS = 5_000;

export interface RunChangeView {
  runId: string;
  status: RunStatus;
  assetKeys: string[];
  partitionKey: string | null;
  location: string;
  updatedAt: number;
}

export interface RunChangeStreamOptions {
  /** Safety poll interval; default 2 s when storage has no cross-process change feed (SQLite), 15 s otherwise. */
  pollMs?: number;
  heartbeatMs?: number;
}

function sendError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  const text = JSON.stringify({ errors: [{ message }] });
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers }).end(text);
}

export class RunChangeStreamHub {
  private readonly clients = new Set<ServerResponse>();
  private watch: Promise<RunWatch> | null = null;
  private poller: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  /** Runs the watch named since the last flush, with the record when the change carried it. */
  private pending = new Map<string, RunChange>();
  private flushing = false;
  private polling = false;
  private readonly sent = new Map<string, RunStatus>();
  private polledUntil = 0;
  private closed = false;
  private readonly pollMs: number;
  private readonly heartbeatMs: number;

  constructor(
    private readonly storage: Storage,
    options: RunChangeStreamOptions = {},
  ) {
    this.pollMs = options.pollMs ?? (storage.capabilities.crossProcessChangeFeed ? 15_000 : 2_000);
    this.heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
  }

  /** Open connections (for tests and metrics). */
  get size(): number {
    return this.clients.size;
  }

  async serve(_req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.closed) {
      sendError(res, 503, "The server is shutting down.", { "retry-after": "5" });
      return;
    }
    if (this.clients.size >= MAX_RUN_CHANGE_STREAMS) {
      sendError(res, 503, "Too many open run change streams; retry shortly.", { "retry-after": "5" });
      return;
    }
    // Listening before the headers go out: a client that opens the stream and then reads the
    // graph misses no change in between. Storage down: the watch rejects and the request is
    // answered 503 by the API handler (StorageUnavailableError), which a client retries.
    for (;;) {
      const watch = this.ensureWatch();
      await watch;
      // The last client may have left meanwhile and closed this watch: open another then.
      if (this.watch === watch || this.closed) break;
    }
    if (this.closed || res.destroyed) {
      if (!res.destroyed) sendError(res, 503, "The server is shutting down.", { "retry-after": "5" });
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive", "x-accel-buffering": "no" });
    res.write("retry: 2000\n\n");
    this.clients.add(res);
    res.on("close", () => this.remove(res));
    if (this.poller === null) {
      this.polledUntil = Date.now();
      this.poller = setInterval(() => {
        if (this.polling) return;
        this.polling = true;
        void this.poll()
          .catch(() => undefined)
          .finally(() => (this.polling = false));
      }, this.pollMs);
      this.heartbeat = setInterval(() => this.broadcast(": keep-alive\n\n"), this.heartbeatMs);
    }
  }

  private remove(res: ServerResponse): void {
    if (!this.clients.delete(res)) return;
    if (this.clients.size === 0) this.idle();
  }

  /** No one listens: stop the timers and the watch (a PostgreSQL connection) until the next client. */
  private idle(): void {
    if (this.poller) clearInterval(this.poller);
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.poller = this.heartbeat = this.flushTimer = null;
    this.pending.clear();
    const watch = this.watch;
    this.watch = null;
    if (watch) void watch.then((w) => w.close()).catch(() => undefined);
  }

  private ensureWatch(): Promise<RunWatch> {
    if (this.watch !== null) return this.watch;
    const watch = this.storage.watchRuns((change) => this.changed(change), {
      onMissed: () => this.broadcast(`event: resync\ndata: {}\n\n`),
    });
    this.watch = watch;
    // A watch that failed to open is not kept: the next client tries again.
    watch.catch(() => {
      if (this.watch === watch) this.watch = null;
    });
    return watch;
  }

  private changed(change: RunChange): void {
    if (this.clients.size === 0) return;
    this.pending.set(change.runId, change);
    if (this.flushTimer === null && !this.flushing) this.flushTimer = setTimeout(() => this.flush(), COALESCE_MS);
  }

  private flush(): void {
    this.flushTimer = null;
    if (this.pending.size === 0 || this.clients.size === 0) return;
    const changes = [...this.pending.values()];
    this.pending.clear();
    this.flushing = true;
    void this.read(changes)
      .then((views) => this.publish(views))
      .catch(() => {
        // Storage unreachable while reading: the changes are lost to this read, so tell clients.
        this.broadcast(`event: resync\ndata: {}\n\n`);
      })
      .finally(() => {
        this.flushing = false;
        if (this.pending.size > 0 && this.flushTimer === null) this.flushTimer = setTimeout(() => this.flush(), COALESCE_MS);
      });
  }

  /** The runs as they are now (the change says only that something happened); a run carried by its change needs no read. */
  private async read(changes: RunChange[]): Promise<RunChangeView[]> {
    const views: RunChangeView[] = [];
    const toRead: string[] = [];
    for (const change of changes) {
      if (change.run !== undefined && change.run.status === change.status) views.push(viewOf(change.run));
      else toRead.push(change.runId);
    }
    for (let i = 0; i < toRead.length; i += BATCH) {
      for (const run of await this.storage.getRuns(toRead.slice(i, i + BATCH))) views.push(viewOf(run));
    }
    return views;
  }

  /** Runs created or ended since the last poll: what a missed or unheard notification would have said. */
  private async poll(): Promise<void> {
    if (this.clients.size === 0) return;
    const started = Date.now();
    const since = this.polledUntil - POLL_SLACK_MS;
    const [created, ended] = await Promise.all([
      this.storage.listRuns({ createdAfter: since }, { limit: BATCH }),
      this.storage.listRuns({ endedAfter: since }, { limit: BATCH }),
    ]);
    this.polledUntil = started;
    // More than a page changed in one interval: the client re-reads everything rather than a part.
    if (created.nextCursor !== null || ended.nextCursor !== null) this.broadcast(`event: resync\ndata: {}\n\n`);
    this.publish([...created.items, ...ended.items].map(viewOf));
  }

  private publish(views: RunChangeView[]): void {
    const fresh: RunChangeView[] = [];
    for (const view of views) {
      if (this.sent.get(view.runId) === view.status) continue;
      this.sent.delete(view.runId);
      this.sent.set(view.runId, view.status);
      fresh.push(view);
    }
    while (this.sent.size > REMEMBERED) this.sent.delete(this.sent.keys().next().value!);
    if (fresh.length > 0) this.broadcast(`event: runs\ndata: ${JSON.stringify(fresh)}\n\n`);
  }

  private broadcast(text: string): void {
    for (const res of [...this.clients]) {
      res.write(text);
      if (res.writableLength > MAX_BUFFERED_BYTES) {
        // Not reading: drop it rather than buffer without bound; EventSource reconnects and re-reads.
        this.remove(res);
        res.destroy();
      }
    }
  }

  /** Ends every stream (server shutdown) and closes the watch. */
  close(): void {
    this.closed = true;
    for (const res of [...this.clients]) {
      this.clients.delete(res);
      res.end();
    }
    this.idle();
  }
}

function viewOf(run: { runId: string; status: RunStatus; assetKeys: string[]; partitionKey: string | null; location: string; updatedAt: number }): RunChangeView {
  return { runId: run.runId, status: run.status, assetKeys: run.assetKeys, partitionKey: run.partitionKey, location: run.location, updatedAt: run.updatedAt };
}
