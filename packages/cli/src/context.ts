/**
 * What every command needs: the compiled config and an open storage, disposed on exit.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { openStorage, type Storage } from "@flyt/storage";
import { loadConfig, type FlytConfig, type GivenConfig } from "./config.js";

export interface CommandContext {
  config: FlytConfig;
  storage: Storage;
  /** Writes a line to stdout (commands never call console directly, so tests can capture output). */
  out: (line: string) => void;
  err: (line: string) => void;
  /** The terminal stdout is, when it is one (live progress redraws there); undefined otherwise. */
  tty?: { write(text: string): void; columns?: number | undefined } | undefined;
}

export interface GlobalOptions {
  config?: string;
  launcher?: string;
  parallelism?: string;
}

export async function openContext(
  options: GlobalOptions,
  io: { out: (line: string) => void; err: (line: string) => void; tty?: CommandContext["tty"] },
  flags: GivenConfig["flags"] = {},
): Promise<CommandContext & AsyncDisposable> {
  const config = loadConfig({ flags, ...(options.config ? { configFile: options.config } : {}) });
  if (!config.storage.databaseUrl) mkdirSync(dirname(config.storage.sqlitePath), { recursive: true });
  const storage = await openStorage({ databaseUrl: config.storage.databaseUrl, sqlitePath: config.storage.sqlitePath });
  return {
    config,
    storage,
    out: io.out,
    err: io.err,
    tty: io.tty,
    async [Symbol.asyncDispose]() {
      await storage.close();
    },
  };
}
