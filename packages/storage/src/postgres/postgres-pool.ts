/**
 * Creating the `pg` Pool Flyt uses: BIGINT columns come back as numbers (they hold epoch ms
 * and storage ids, far below 2^53; anything larger fails loudly instead of losing precision),
 * and connection errors never crash the process: idle-client errors are reported, and a client
 * that is checked out (a transaction, the migrator) has a listener of its own.
 */
import pg from "pg";
import { StorageError } from "@flyt/core";
import { maskDatabaseUrl } from "../shared/url.js";

const INT8_OID = 20;

function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new StorageError(`BIGINT value ${text} is beyond the safe integer range`);
  return value;
}

const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8_OID ? parseInt8 : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export interface PoolOptions {
  /** Pool size; Flyt's components each keep a small pool. */
  max?: number;
  /**
   * Where connection trouble goes: idle-client errors (a lost connection is replaced by the pool
   * on next use) and a `watchRuns` session lost and regained. Default: a process warning.
   */
  onError?: (message: string) => void;
}

/** `options.onError`, or a process warning (code FLYT_STORAGE). */
export function reporter(options: PoolOptions): (message: string) => void {
  return options.onError ?? ((message) => process.emitWarning(message, { code: "FLYT_STORAGE" }));
}

export function createPool(url: string, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 15_000,
    types,
    application_name: "flyt",
  });
  // pg-pool listens for errors only on idle clients. A checked-out client that is between two
  // queries when the server goes away (PostgreSQL restarting sends 57P01 to every session, and
  // it can arrive in the same read as a ReadyForQuery) emits 'error' with no listener, which
  // kills the process. The error needs no handling here: the client is marked unusable, its
  // next query fails and reaches the caller, and the pool discards it on release.
  pool.on("connect", (client) => {
    client.on("error", () => undefined);
  });
  const report = reporter(options);
  pool.on("error", (error) => report(`PostgreSQL ${maskDatabaseUrl(url)}: idle connection error: ${error.message}`));
  return pool;
}
