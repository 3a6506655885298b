/**
 * The remote worker's event transport: batches go to the platform's ingest API over HTTP with
 * the run-scoped token. Delivery is at-least-once: a batch is retried with capped exponential
 * backoff while the platform is unreachable or answers 5xx/429, and the platform stores events
 * idempotently on (runId, seq), so a redelivery after a lost response is harmless. Batches
 * are delivered strictly in order; queued batches are coalesced into one request.
 *
 * Memory is bounded: at most `maxBufferedEvents` undelivered events are held. Past the bound,
 * new LOG and STEP_OUTPUT events are dropped (counted in `droppedEvents`); lifecycle,
 * materialization, observation and check events are always kept — there are a handful per
 * step, so they cannot grow without bound the way output can.
 *
 * Requests go through `node:http`/`node:https` with a keep-alive agent, not the global `fetch`
 * (see http-request.ts for why).
 */
import type { Agent as HttpAgent } from "node:http";
import { FlytError, type EventRecord } from "@flyt/core";
import { httpModuleFor, httpRequest, type HttpAnswer } from "./http-request.js";
import type { EventTransport } from "./event-writer.js";
import { sleep } from "./retry.js";

export interface HttpEventTransportOptions {
  /** Base URL of the ingest API, e.g. `http://flyt:3000/ingest/v1`. */
  ingestUrl: string;
  runId: string;
  token: string;
  /** Undelivered events held at most (default 10000). */
  maxBufferedEvents?: number;
  /** Events per request at most (default 500; the server accepts up to 1000). */
  maxRequestEvents?: number;
  /** First retry delay (default 100 ms), doubled per failure up to `maxRetryDelayMs` (default 5000). */
  initialRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Give up after the platform has been unreachable this long (default 15 minutes). */
  giveUpAfterMs?: number;
  /** Per-request timeout (default 30000 ms). */
  requestTimeoutMs?: number;
  /** Send requests through this `fetch` instead of `node:http` (tests, custom transports). */
  fetch?: typeof fetch;
}


/** A refusal the worker cannot fix by retrying (token revoked, wrong run, invalid events). */
export class IngestRejectedError extends FlytError {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super("INGEST_REJECTED", `The platform refused the run's events (HTTP ${status}): ${body.slice(0, 500)}`);
  }
}

interface Pending {
  events: EventRecord[];
  resolve: () => void;
  reject: (error: Error) => void;
}

const KEPT_WHEN_FULL: ReadonlySet<string> = new Set(["LOG", "STEP_OUTPUT"]);

export class HttpEventTransport implements EventTransport {
  /** Events dropped because the buffer was full. */
  droppedEvents = 0;
  /** Requests that failed and were retried (for tests and logs). */
  retries = 0;
  private readonly queue: Pending[] = [];
  private buffered = 0;
  private pumping = false;
  private failure: Error | null = null;
  private readonly options: Required<Omit<HttpEventTransportOptions, "fetch">> & { fetch: typeof fetch | null };
  private agent: HttpAgent | null = null;

  constructor(options: HttpEventTransportOptions) {
    this.options = {
      maxBufferedEvents: 10_000,
      maxRequestEvents: 500,
      initialRetryDelayMs: 100,
      maxRetryDelayMs: 5_000,
      giveUpAfterMs: 15 * 60_000,
      requestTimeoutMs: 30_000,
      ...options,
      fetch: options.fetch ?? null,
      ingestUrl: options.ingestUrl.replace(/\/+$/, ""),
    };
  }

  get eventsUrl(): string {
    return `${this.options.ingestUrl}/runs/${encodeURIComponent(this.options.runId)}/events`;
  }

  get heartbeatUrl(): string {
    return `${this.options.ingestUrl}/runs/${encodeURIComponent(this.options.runId)}/heartbeat`;
  }

  send(batch: EventRecord[]): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    let events = batch;
    if (this.buffered + batch.length > this.options.maxBufferedEvents) {
      events = batch.filter((event) => !KEPT_WHEN_FULL.has(event.body.type));
      this.droppedEvents += batch.length - events.length;
    }
    if (events.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ events, resolve, reject });
      this.buffered += events.length;
      void this.pump();
    });
  }

  /**
   * Stops all delivery: queued and later batches are refused with `reason`, a retrying delivery
   * gives up, heartbeats are no longer posted. A request already on the wire still completes.
   * For a worker that must fall silent (its code server died: the platform's run monitor, not
   * this worker, decides how the run ends).
   */
  sever(reason: string): void {
    if (this.failure) return;
    this.failure = new Error(reason);
    for (const p of this.queue.splice(0)) p.reject(this.failure);
    this.buffered = 0;
  }

  /** Posts one heartbeat; failures are ignored (the next one will tell). */
  async heartbeat(at = Date.now()): Promise<boolean> {
    if (this.failure) return false;
    try {
      const response = await this.post(this.heartbeatUrl, { at });
      await response.text();
      return response.ok;
    } catch {
      return false;
    }
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0) {
        // Coalesce queued batches into one request, keeping order.
        const taken: Pending[] = [];
        let count = 0;
        while (this.queue.length > 0 && (taken.length === 0 || count + this.queue[0]!.events.length <= this.options.maxRequestEvents)) {
          const next = this.queue.shift()!;
          taken.push(next);
          count += next.events.length;
        }
        const events = taken.flatMap((p) => p.events);
        try {
          for (let start = 0; start < events.length; start += this.options.maxRequestEvents) {
            await this.deliver(events.slice(start, start + this.options.maxRequestEvents));
          }
          this.buffered -= count;
          for (const p of taken) p.resolve();
        } catch (error) {
          this.failure = error instanceof Error ? error : new Error(String(error));
          for (const p of [...taken, ...this.queue.splice(0)]) p.reject(this.failure);
          this.buffered = 0;
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  private async deliver(events: EventRecord[]): Promise<void> {
    const started = Date.now();
    let delay = this.options.initialRetryDelayMs;
    for (;;) {
      let retryable: string;
      try {
        const response = await this.post(this.eventsUrl, { events });
        const text = await response.text();
        if (response.ok) return;
        if (response.status >= 500 || response.status === 429 || response.status === 408) {
          retryable = `HTTP ${response.status}: ${text.slice(0, 200)}`;
        } else {
          throw new IngestRejectedError(response.status, text);
        }
      } catch (error) {
        if (error instanceof IngestRejectedError) throw error;
        retryable = error instanceof Error ? error.message : String(error);
      }
      if (this.failure) throw this.failure;
      if (Date.now() - started > this.options.giveUpAfterMs) {
        throw new Error(
          `Could not deliver ${events.length} event(s) of run ${this.options.runId} to ${this.eventsUrl} for ${Math.round((Date.now() - started) / 1000)} s; last error: ${retryable}`,
        );
      }
      this.retries += 1;
      await sleep(delay);
      delay = Math.min(delay * 2, this.options.maxRetryDelayMs);
    }
  }

  private async post(url: string, body: unknown): Promise<HttpAnswer> {
    const headers = {
      "content-type": "application/json",
      authorization: `Bearer ${this.options.token}`,
      "flyt-protocol-version": "1",
    };
    const payload = JSON.stringify(body);
    if (this.options.fetch !== null) {
      return this.options.fetch(url, { method: "POST", headers, body: payload, signal: AbortSignal.timeout(this.options.requestTimeoutMs) });
    }
    // One keep-alive connection pool per transport (Node unrefs idle sockets, so they never hold the process).
    const http = await httpModuleFor(new URL(url));
    this.agent ??= new http.Agent({ keepAlive: true, maxSockets: 2 });
    return httpRequest(url, { method: "POST", headers, body: payload, timeoutMs: this.options.requestTimeoutMs, agent: this.agent });
  }
}
