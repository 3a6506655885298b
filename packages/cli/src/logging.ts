/**
 * Process logs of the long-running commands (`flyt webserver`, `flyt daemon`, `flyt code-server`,
 * `flyt dev`): pino loggers from @flyt/observability with the secrets this process knows — the
 * alert channels' values read from the environment and the database URL's password — redacted —
 * at the level and in the format config.ts read (FLYT_LOG_LEVEL, FLYT_LOG_PRETTY).
 * The logging module is imported here, on use, so short commands never load pino.
 */
import type { Logger, LoggerFamilyOptions } from "@flyt/observability/logging";
import type { FlytConfig } from "./config.js";

export type { Logger } from "@flyt/observability/logging";

export interface ProcessLogs {
  /** The logger of one component (`webserver`, `workspace`, `daemon`, `code-server`, `dev`). */
  logger(component: string): Logger;
  /** The same logger as the `(record) => void` option the packages take. */
  sink(component: string): (record: Record<string, unknown>) => void;
}

/** Secret values of this configuration: alert channel secrets and the database password (raw and decoded). */
export function configSecrets(config: Pick<FlytConfig, "alerts" | "storage">): string[] {
  const secrets = [...(config.alerts?.secrets ?? [])];
  const url = config.storage.databaseUrl;
  if (url) {
    try {
      const password = new URL(url).password;
      if (password) secrets.push(password, decodeURIComponent(password));
    } catch {
      // The config loader validated the scheme; an unparsable URL has no password to find.
    }
  }
  return [...new Set(secrets)];
}

export async function openProcessLogs(
  config: Pick<FlytConfig, "alerts" | "storage" | "logging">,
  options: Omit<LoggerFamilyOptions, "secrets" | "level" | "pretty"> = {},
): Promise<ProcessLogs> {
  const { createLoggerFamily, recordSink } = await import("@flyt/observability/logging");
  const { level, pretty } = config.logging;
  const family = createLoggerFamily({ ...options, level, ...(pretty === null ? {} : { pretty }), secrets: configSecrets(config) });
  return { logger: family, sink: (component) => recordSink(family(component)) };
}
