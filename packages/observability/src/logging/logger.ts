/**
 * The process logger: pino writing one JSON object per line to stdout with `level`, `time`,
 * `component` and — on child loggers — `runId` / `location` / `asset`. Secrets are redacted by
 * field name and by value. `FLYT_LOG_LEVEL` sets the level; a human-readable pretty mode
 * (pino-pretty) is used only when stdout is a terminal or `FLYT_LOG_PRETTY=1`.
 */
import { pino, type DestinationStream, type Logger, type LoggerOptions } from "pino";
import { PinoPretty } from "pino-pretty";

export type { Logger } from "pino";

export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
export type FlytLogLevel = (typeof LOG_LEVELS)[number];

/** Field names whose values never reach a log line, at the top level and one or two levels down. */
export const REDACTED_FIELDS = [
  "password",
  "passwd",
  "secret",
  "token",
  "apiKey",
  "api_key",
  "authorization",
  "cookie",
  "databaseUrl",
  "connectionString",
  "signingSecret",
  "webhookUrl",
] as const;
export const REDACTED = "[redacted]";

export interface LoggerFactoryOptions {
  /** "webserver", "daemon", "run-worker", "code-server", "cli"… */
  component: string;
  /** Overrides FLYT_LOG_LEVEL. */
  level?: FlytLogLevel;
  /** Fields added to every line (e.g. `{ location: "atlas" }`). */
  base?: Record<string, string | number | boolean>;
  /** Secret values (tokens, passwords read from env) replaced wherever they appear in messages. */
  secrets?: readonly string[];
  /** Where lines go; default stdout. Tests pass a stream. */
  destination?: DestinationStream;
  /** Environment to read FLYT_LOG_LEVEL / FLYT_LOG_PRETTY from; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Whether stdout is a terminal; default process.stdout.isTTY. */
  isTTY?: boolean;
}

/** Reads and validates FLYT_LOG_LEVEL; an unknown value falls back to "info" with a reason. */
export function logLevelFromEnv(env: NodeJS.ProcessEnv = process.env): { level: FlytLogLevel; problem: string | null } {
  const raw = env.FLYT_LOG_LEVEL?.trim().toLowerCase();
  if (raw === undefined || raw === "") return { level: "info", problem: null };
  if ((LOG_LEVELS as readonly string[]).includes(raw)) return { level: raw as FlytLogLevel, problem: null };
  return { level: "info", problem: `FLYT_LOG_LEVEL=${JSON.stringify(env.FLYT_LOG_LEVEL)} is not one of ${LOG_LEVELS.join(", ")}; using info` };
}

/** Whether the pretty (human) format applies: FLYT_LOG_PRETTY=1 forces it, =0 forbids it, else a TTY decides. */
export function usePretty(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (env.FLYT_LOG_PRETTY === "1" || env.FLYT_LOG_PRETTY === "true") return true;
  if (env.FLYT_LOG_PRETTY === "0" || env.FLYT_LOG_PRETTY === "false") return false;
  return isTTY;
}

/**
 * Creates a component's logger.
 *
 * @example
 * const log = createLogger({ component: "daemon" });
 * log.child({ runId }).info({ status: "FAILURE" }, "run finished");
 */
export function createLogger(options: LoggerFactoryOptions): Logger {
  const env = options.env ?? process.env;
  const fromEnv = logLevelFromEnv(env);
  const level = options.level ?? fromEnv.level;
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 4);
  const paths = REDACTED_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]);
  const config: LoggerOptions = {
    level,
    base: { component: options.component, ...(options.base ?? {}) },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths, censor: REDACTED },
    hooks: {
      logMethod(args, method) {
        if (secrets.length > 0) {
          for (let i = 0; i < args.length; i++) {
            const arg: unknown = args[i];
            if (typeof arg === "string") args[i] = scrub(arg, secrets);
          }
        }
        method.apply(this, args);
      },
    },
  };
  const pretty = options.destination === undefined && usePretty(env, options.isTTY ?? process.stdout.isTTY === true);
  const destination = options.destination ?? (pretty ? PinoPretty({ colorize: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" }) : pino.destination({ fd: 1, sync: false }));
  const logger = pino(config, destination);
  if (fromEnv.problem !== null && options.level === undefined) logger.warn(fromEnv.problem);
  return logger;
}

function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join(REDACTED);
  return out;
}
