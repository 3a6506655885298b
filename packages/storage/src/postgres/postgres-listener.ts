/**
 * A LISTEN session that outlives its connection: `watchRuns` on PostgreSQL. LISTEN belongs to one
 * session, so it needs a dedicated `pg.Client` (pool clients are shared), and a session ends
 * whenever the server restarts, fails over or kills it. This keeps one client listening: when the
 * connection is lost it reconnects with capped exponential backoff (100 ms doubling to 5 s, for as
 * long as it takes) until it succeeds or is closed, and after each reconnect calls `onMissed`,
 * because notifications sent while no session was listening are gone for good.
 */
import pg from "pg";
import { maskDatabaseUrl, scrubSecret } from "../shared/url.js";

/** First reconnect delay; each failed attempt doubles it up to `RECONNECT_MAX_MS`. */
export const RECONNECT_MIN_MS = 100;
export const RECONNECT_MAX_MS = 5_000;
/** A connect attempt that hangs (an unreachable host, not a refused port) is abandoned after this. */
const CONNECT_TIMEOUT_MS = 10_000;

export interface ListenerOptions {
  url: string;
  channel: string;
  onNotification: (payload: string) => void;
  /** After a reconnect: notifications may have been lost while disconnected. */
  onMissed: () => void;
  /** Where a lost and a regained connection are reported (one line each, not one per attempt). */
  report: (message: string) => void;
}

export interface Listener {
  close(): Promise<void>;
}

/**
 * Connects and LISTENs once (rejecting if that fails: a caller starting up should know storage is
 * unreachable), then keeps the session alive in the background until `close()`.
 */
export async function listen(options: ListenerOptions): Promise<Listener> {
  const { url, channel } = options;
  let client: pg.Client | null = null;
  let closed = false;
  let timer: NodeJS.Timeout | null = null;
  let delay = RECONNECT_MIN_MS;
  let lostAt: number | null = null;
  let attempts = 0;
  // Clients whose connection failed after connect() resolved but before they became `client`.
  const failed = new WeakSet<pg.Client>();

  const connectOnce = async (): Promise<pg.Client> => {
    // keepAlive: a server that vanished without closing the socket (host down, network cut) is
    // noticed by TCP instead of leaving a listener that silently hears nothing.
    const next = new pg.Client({ connectionString: url, application_name: "flyt-listen", keepAlive: true, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    next.on("notification", (message) => {
      if (message.channel === channel && message.payload !== undefined) options.onNotification(message.payload);
    });
    // Always listened for: an 'error' event without a listener would end the process. Errors
    // during connect() also reject it; after that, the session is gone and is replaced.
    next.on("error", (error) => {
      if (client === next) lost(next, error);
      else failed.add(next);
    });
    next.on("end", () => {
      if (client === next) lost(next, new Error("the connection ended"));
      else failed.add(next);
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${channel}`);
    } catch (error) {
      await next.end().catch(() => undefined);
      throw error;
    }
    return next;
  };

  const lost = (which: pg.Client, error: Error): void => {
    client = null;
    void which.end().catch(() => undefined);
    if (closed) return;
    lostAt ??= Date.now();
    options.report(`PostgreSQL ${maskDatabaseUrl(url)}: LISTEN ${channel} connection lost (${scrubSecret(error.message, url)}); reconnecting`);
    schedule();
  };

  const schedule = (): void => {
    if (closed || timer !== null) return;
    timer = setTimeout(() => {
      timer = null;
      void reconnect();
    }, delay);
    // The listener alone must not keep a process alive.
    timer.unref();
    delay = Math.min(delay * 2, RECONNECT_MAX_MS);
  };

  const reconnect = async (): Promise<void> => {
    if (closed || client !== null) return;
    attempts += 1;
    let next: pg.Client;
    try {
      next = await connectOnce();
    } catch {
      schedule();
      return;
    }
    if (closed) {
      await next.end().catch(() => undefined);
      return;
    }
    use(next);
    if (client !== next) return;
    const downMs = lostAt === null ? 0 : Date.now() - lostAt;
    options.report(`PostgreSQL ${maskDatabaseUrl(url)}: LISTEN ${channel} reconnected after ${downMs} ms (${attempts} attempt${attempts === 1 ? "" : "s"})`);
    lostAt = null;
    attempts = 0;
    delay = RECONNECT_MIN_MS;
    try {
      options.onMissed();
    } catch {
      // A throwing listener must not stop the watch; it re-reads storage on its next poll anyway.
    }
  };

  const use = (next: pg.Client): void => {
    client = next;
    if (failed.has(next)) lost(next, new Error("the connection ended right after it was made"));
  };

  use(await connectOnce());
  return {
    async close() {
      closed = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      const current = client;
      client = null;
      if (current !== null) await current.end().catch(() => undefined);
    },
  };
}
