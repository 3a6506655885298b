/**
 * Creating the `pg` Pool Flyt uses: BIGINT columns come back as numbers (they hold epoch ms
 * and storage ids, far below 2^53; anything larger fails loudly instead of losing precision),
 * and idle-client errors are reported instead of crashing the process.
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
  /** Where idle-client errors go (a lost connection is retried by the pool on next use). */
  onError?: (message: string) => void;
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
  pool.on("error", (error) => {
    const message = `PostgreSQL ${maskDatabaseUrl(url)}: idle connection error: ${error.message}`;
    if (options.onError) options.onError(message);
    else process.emitWarning(message, { code: "FLYT_STORAGE" });
  });
  return pool;
}
