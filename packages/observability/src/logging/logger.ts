/**
 * The process logger: pino writing one JSON object per line to stdout with `level`, `time`,
 * `component` and — on child loggers — `runId` / `location` / `asset`. Secrets are redacted by
 * field name and by value: a value of at least MIN_BARE_SECRET_LENGTH characters wherever it
 * appears, a shorter one only where it stands as a credential (see `secretScrubber`). The level and
 * a human-readable pretty mode (pino-pretty; by default only when stdout is a terminal) are options:
 * the CLI reads them from FLYT_LOG_LEVEL and FLYT_LOG_PRETTY in its config module.
 *
 * pino and pino-pretty are required on the first logger, not at import: this module sits in the
 * package barrel, and short CLI commands that import the barrel must not pay for ~40 modules.
 */
import { createRequire } from "node:module";
import type { DestinationStream, Logger, LoggerOptions } from "pino";
import type * as PinoModule from "pino";
import type * as PinoPrettyModule from "pino-pretty";

export type { Logger } from "pino";

const requireLazily = createRequire(import.meta.url);
let pinoModule: typeof PinoModule | null = null;
function loadPino(): typeof PinoModule {
  pinoModule ??= requireLazily("pino") as typeof PinoModule;
  return pinoModule;
}

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

/**
 * Secret values at least this long are replaced wherever they appear. Shorter ones (a development
 * database password such as `flyt`, which is also the user, the database and a folder name) would
 * mangle unrelated text, so they are replaced only where they stand as a credential. Eight
 * characters: a random string that long does not turn up in paths and messages by chance.
 */
export const MIN_BARE_SECRET_LENGTH = 8;

export interface LoggerFactoryOptions {
  /** "webserver", "daemon", "run-worker", "code-server", "cli"… */
  component: string;
  /** Default info. */
  level?: FlytLogLevel;
  /** Fields added to every line (e.g. `{ location: "atlas" }`). */
  base?: Record<string, string | number | boolean>;
  /**
   * Secret values (tokens, passwords read from env), replaced in messages, string fields, nested
   * values and errors: everywhere when at least MIN_BARE_SECRET_LENGTH long, else only as a
   * credential (URL userinfo, `password=`/`password:` forms, a whole field equal to it).
   */
  secrets?: readonly string[];
  /** Where lines go; default stdout. Tests pass a stream. */
  destination?: DestinationStream;
  /** The human-readable format (true) or JSON lines (false) on stdout; default: human on a terminal (`isTTY`). */
  pretty?: boolean;
  /** Whether stdout is a terminal; default process.stdout.isTTY. */
  isTTY?: boolean;
}

/** Options shared by the loggers of one process (everything but the component). */
export type LoggerFamilyOptions = Omit<LoggerFactoryOptions, "component">;

/**
 * Creates a component's logger.
 *
 * @example
 * const log = createLogger({ component: "daemon" });
 * log.child({ runId }).info({ status: "FAILURE" }, "run finished");
 */
export function createLogger(options: LoggerFactoryOptions): Logger {
  return createLoggerFamily(options)(options.component);
}

/**
 * Loggers for several components of one process (e.g. `webserver` and `workspace` in `flyt
 * webserver`) sharing one destination, level and secret list; each line carries exactly one
 * `component` (a pino child would repeat the key).
 */
export function createLoggerFamily(options: LoggerFamilyOptions): (component: string) => Logger {
  const { pino } = loadPino();
  const level = options.level ?? "info";
  const scrub = secretScrubber(options.secrets ?? []);
  const paths = REDACTED_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]);
  const pretty = options.destination === undefined && (options.pretty ?? options.isTTY ?? process.stdout.isTTY === true);
  const destination = options.destination ?? (pretty ? prettyStream() : pino.destination({ fd: 1, sync: false }));
  const loggers = new Map<string, Logger>();
  return (component) => {
    const existing = loggers.get(component);
    if (existing) return existing;
    const config: LoggerOptions = {
      level,
      base: { component, ...(options.base ?? {}) },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths, censor: REDACTED },
      hooks: {
        logMethod(args, method) {
          if (scrub !== null) {
            // A string first argument is the message; later ones are values (printf-style arguments).
            for (let i = 0; i < args.length; i++) args[i] = scrubValue(args[i], scrub, 0, i > 0);
          }
          method.apply(this, args);
        },
      },
    };
    const logger = pino(config, destination);
    loggers.set(component, logger);
    return logger;
  };
}

function prettyStream(): DestinationStream {
  const { PinoPretty } = requireLazily("pino-pretty") as typeof PinoPrettyModule;
  // One line per event for a terminal: "12:00:01.123 INFO: [daemon] msg {"runId":…}".
  return PinoPretty({ colorize: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname,component", messageFormat: "[{component}] {msg}", singleLine: true });
}

/** A record as the packages' `log` options pass it: `level` and `msg` plus any fields. */
export type LogRecord = Record<string, unknown>;

/**
 * Adapts a logger to the `(record) => void` log option of the packages (webserver, workspace,
 * code-location-server): `level` picks the method (default info), `msg` is the message, the
 * rest are fields. A record's own `component` becomes `subsystem` (the logger names the component).
 */
export function recordSink(logger: Logger): (record: LogRecord) => void {
  return (record) => {
    const { level, msg, component, at: _at, time: _time, ...fields } = record;
    const method = typeof level === "string" && (LOG_LEVELS as readonly string[]).includes(level) && level !== "silent" ? (level as Exclude<FlytLogLevel, "silent">) : "info";
    const own = logger.bindings() as { component?: unknown };
    if (typeof component === "string" && component !== own.component) fields.subsystem = component;
    logger[method](fields, typeof msg === "string" ? msg : "");
  };
}

/** Replaces secrets in one string; `whole` is true when the string is a field value of its own. */
type Scrub = (text: string, whole: boolean) => string;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The scrubber for a list of secrets (null when there are none). A secret of at least
 * MIN_BARE_SECRET_LENGTH characters is replaced wherever it appears. A shorter one only:
 * - as the password of a URL's userinfo (`scheme://user:SECRET@host`), so the full URL never shows it;
 * - after a password key (`password=`, `passwd:`, `pwd=`, `PGPASSWORD=`, `"password":"…"`),
 *   followed by a delimiter (quote, space, `&`, `;`, `,`, a bracket or the end);
 * - as a whole field value.
 */
export function secretScrubber(secrets: readonly string[]): Scrub | null {
  const unique = [...new Set(secrets.filter((s) => s.length > 0))].sort((a, b) => b.length - a.length);
  if (unique.length === 0) return null;
  const bare = unique.filter((s) => s.length >= MIN_BARE_SECRET_LENGTH);
  const short = unique.filter((s) => s.length < MIN_BARE_SECRET_LENGTH);
  const shortSet = new Set(short);
  const alternatives = short.map(escapeRegExp).join("|");
  const userinfo = short.length > 0 ? new RegExp(`(://[^\\s/?#@:]*:)(?:${alternatives})(?=@)`, "g") : null;
  const keyed = short.length > 0 ? new RegExp(`((?:password|passwd|pwd)["']?\\s*[:=]\\s*["']?)(?:${alternatives})(?=$|["'\\s&;,)\\]}])`, "gi") : null;
  return (text, whole) => {
    if (whole && shortSet.has(text)) return REDACTED;
    let out = text;
    for (const secret of bare) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    if (userinfo !== null) out = out.replace(userinfo, `$1${REDACTED}`);
    if (keyed !== null) out = out.replace(keyed, `$1${REDACTED}`);
    return out;
  };
}

/** Replaces secret values inside strings, plain objects, arrays and errors (a copy; inputs are not changed). */
function scrubValue(value: unknown, scrub: Scrub, depth: number, whole = depth > 0): unknown {
  if (typeof value === "string") return scrub(value, whole);
  if (depth > 4 || value === null || typeof value !== "object") return value;
  if (value instanceof Error) {
    return { type: value.name, message: scrub(value.message, false), ...(value.stack ? { stack: scrub(value.stack, false) } : {}) };
  }
  if (Array.isArray(value)) return value.map((v: unknown) => scrubValue(v, scrub, depth + 1));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrubValue(v, scrub, depth + 1);
  return out;
}
