/**
 * Configuration: read once, in one place, through three stages —
 * given (flyt.yaml + environment + flags) → defaulted → compiled (paths resolved, values checked).
 * Secrets (the database URL) come only from the environment or a mounted file, never from flyt.yaml.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { InvalidConfigError, parsePort } from "@flyt/core";
import {
  KubernetesLauncherConfigSchema,
  KubernetesLocationConfigSchema,
  type KubernetesLauncherConfig,
  type KubernetesLocationConfig,
} from "@flyt/launcher-kubernetes/config"; // not the package root: that loads @kubernetes/client-node
import { AuthConfigSchema, authOptionsFromConfig, type AuthOptions } from "@flyt/webserver/auth";
// The config module alone: the package root loads prom-client, pino and nodemailer.
import { compileAlertsConfig, type CompiledAlertsConfig } from "@flyt/observability/alerts-config";
// The logger module alone: it loads pino on the first logger, not at import.
import { LOG_LEVELS, type FlytLogLevel } from "@flyt/observability/logging";
import { databaseUrlProblem } from "@flyt/storage";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

export const LAUNCHERS = ["subprocess", "in-process", "kubernetes"] as const;
export type LauncherName = (typeof LAUNCHERS)[number];

const FileConfigSchema = z
  .object({
    storage: z
      .object({
        /** Path of the SQLite file when no PostgreSQL URL is configured. */
        sqlitePath: z.string().min(1).optional(),
        /** A file holding the PostgreSQL URL (e.g. a mounted Kubernetes secret). */
        databaseUrlFile: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    /**
     * Code locations: `{ name, file }` (development: the platform starts the code server) or
     * `{ name, url }` (production), each with optional `kubernetes:` settings (its image) for the
     * Kubernetes launcher.
     */
    locations: z
      .array(
        z
          .object({
            name: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, "letters, digits, '_', '-', '.'"),
            file: z.string().min(1).optional(),
            url: z.string().url().optional(),
            kubernetes: KubernetesLocationConfigSchema.optional(),
          })
          .strict()
          .superRefine((location, ctx) => {
            if ((location.file === undefined) === (location.url === undefined)) {
              ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["file"], message: "give exactly one of file: (development) or url: (a running code server)" });
            }
          }),
      )
      .optional(),
    /** Shorthand for `execution.launcher` (the Helm chart writes it); the two must agree when both are given. */
    launcher: z.enum(LAUNCHERS).optional(),
    /** The Kubernetes launcher (`launcher: kubernetes`); docs/launchers/kubernetes.md. */
    kubernetes: KubernetesLauncherConfigSchema.optional(),
    /** Access control of the webserver (docs/auth.md). */
    auth: AuthConfigSchema.optional(),
    webserver: z
      .object({
        host: z.string().min(1).optional(),
        port: z.number().int().min(0).max(65535).optional(),
        /** How run workers and the CLI reach the webserver, e.g. http://flyt-webserver:3000. */
        publicUrl: z.string().url().optional(),
        /** Host names the UI and API answer to besides loopback and publicUrl's host (docs/auth.md). */
        allowedHosts: z.array(z.string().min(1)).optional(),
      })
      .strict()
      .optional(),
    execution: z
      .object({
        launcher: z.enum(LAUNCHERS).optional(),
        parallelism: z.number().int().min(1).max(256).optional(),
      })
      .strict()
      .optional(),
    /** The daemon (docs/daemon.md, docs/queue.md). */
    daemon: z
      .object({
        queue: z
          .object({
            maxConcurrentRuns: z.number().int().min(0).nullable().optional(),
            perLocation: z.record(z.number().int().min(0)).optional(),
            tagLimits: z
              .array(
                z
                  .object({ key: z.string().min(1), value: z.string().optional(), perUniqueValue: z.boolean().optional(), limit: z.number().int().min(0) })
                  .strict(),
              )
              .optional(),
          })
          .strict()
          .optional(),
        workerTimeoutSeconds: z.number().positive().optional(),
        startingTimeoutSeconds: z.number().positive().optional(),
        relaunchAfterSeconds: z.number().positive().optional(),
        /** Seconds between declarative automation ticks (docs/automation.md); default 30. */
        automationIntervalSeconds: z.number().min(0.1).max(86_400).optional(),
        sensorTimeoutSeconds: z.number().positive().optional(),
        /** Serve Prometheus metrics of the daemon on this port (docs/metrics.md); off when absent. */
        metricsPort: z.number().int().min(1).max(65535).optional(),
      })
      .strict()
      .optional(),
    /** Alert rules and channels (docs/alerts.md); validated by compileAlertsConfig, secrets from the environment. */
    alerts: z.unknown().optional(),
  })
  .strict();
export type FileConfig = z.infer<typeof FileConfigSchema>;

/** What the user gave: the config file (if any), the environment and command-line flags. */
export interface GivenConfig {
  cwd: string;
  file: FileConfig;
  fileDir: string | null;
  env: NodeJS.ProcessEnv;
  flags: { launcher?: string | undefined; parallelism?: string | undefined };
}

/** The compiled configuration every command runs with. */
export interface FlytConfig {
  /** Directory for local state (`.flyt/` in the working directory by default, or FLYT_HOME). */
  home: string;
  storage: { databaseUrl: string | null; sqlitePath: string };
  execution: { launcher: LauncherName; parallelism: number };
  daemon: DaemonConfig;
  /** The compiled `alerts:` section, or null when flyt.yaml has none. */
  alerts: CompiledAlertsConfig | null;
  /** Code locations (`locations:`), file paths resolved against the config file's directory. */
  locations: Array<{ name: string; file: string } | { name: string; url: string }>;
  /**
   * The Kubernetes launcher's block (null when flyt.yaml has none; required with launcher
   * kubernetes) and each location's Kubernetes settings, by location name.
   */
  kubernetes: { launcher: KubernetesLauncherConfig | null; locations: Record<string, KubernetesLocationConfig> };
  webserver: { host: string; port: number; publicUrl: string | null; allowedHosts: string[] };
  /** Access control (`auth:`): mode none by default. */
  auth: AuthOptions;
  /** Process logs of the long-running commands (docs/logging.md). */
  logging: LoggingConfig;
  /** Where the config file was read from, for messages. */
  configFile: string | null;
}

export const DEFAULT_PARALLELISM = 4;
/** The platform-wide cap on concurrent runs when none is configured (protects a shared database). */
export const DEFAULT_MAX_CONCURRENT_RUNS = 10;

export interface DaemonConfig {
  queue: {
    maxConcurrentRuns: number | null;
    perLocation: Record<string, number>;
    tagLimits: { key: string; value?: string; perUniqueValue?: boolean; limit: number }[];
  };
  workerTimeoutMs: number;
  startingTimeoutMs: number;
  /** A run an earlier leader claimed and never got started is relaunched after this long in STARTING; null: the daemon's default (15 s). */
  relaunchAfterMs: number | null;
  /** Between automation ticks; null: the daemon's default (30 s). */
  automationIntervalMs: number | null;
  sensorTimeoutMs: number;
  /** Port of the daemon's `/metrics` endpoint; null: not served. */
  metricsPort: number | null;
  /** The leader lease's ttl in ms (FLYT_DAEMON_LEASE_TTL_MS); null: the daemon's default. */
  leaseTtlMs: number | null;
}

export interface LoggingConfig {
  /** FLYT_LOG_LEVEL; info when unset. */
  level: FlytLogLevel;
  /** FLYT_LOG_PRETTY: true forces the human format, false forbids it; null: a terminal decides. */
  pretty: boolean | null;
}

/** Reads flyt.yaml (FLYT_CONFIG, or ./flyt.yaml when present) and returns the given stage. */
export function readGivenConfig(
  cwd: string,
  env: NodeJS.ProcessEnv,
  flags: GivenConfig["flags"],
  explicitFile?: string,
): GivenConfig & { configFile: string | null } {
  const requested = explicitFile ?? env.FLYT_CONFIG;
  const path = requested ? resolve(cwd, requested) : resolve(cwd, "flyt.yaml");
  if (!existsSync(path)) {
    if (requested) throw new InvalidConfigError(path, "the file does not exist");
    return { cwd, file: {}, fileDir: null, env, flags, configFile: null };
  }
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, "utf8")) ?? {};
  } catch (error) {
    throw new InvalidConfigError(path, `not valid YAML: ${(error as Error).message}`, { cause: error });
  }
  const parsed = FileConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new InvalidConfigError(path, issues);
  }
  return { cwd, file: parsed.data, fileDir: dirname(path), env, flags, configFile: path };
}

/** Applies defaults and environment overrides, validates, and resolves paths. */
export function compileConfig(given: GivenConfig & { configFile: string | null }): FlytConfig {
  const { env, file, flags } = given;
  const home = env.FLYT_HOME ? resolve(given.cwd, env.FLYT_HOME) : resolve(given.cwd, ".flyt");
  const relativeToFile = (p: string) => (isAbsolute(p) ? p : resolve(given.fileDir ?? given.cwd, p));

  let databaseUrl = env.FLYT_DATABASE_URL?.trim() || null;
  let databaseUrlSource = "FLYT_DATABASE_URL";
  if (!databaseUrl && file.storage?.databaseUrlFile) {
    const urlFile = relativeToFile(file.storage.databaseUrlFile);
    databaseUrlSource = `storage.databaseUrlFile (${urlFile})`;
    try {
      databaseUrl = readFileSync(urlFile, "utf8").trim() || null;
    } catch (error) {
      throw new InvalidConfigError(given.configFile ?? "flyt.yaml", `storage.databaseUrlFile ${urlFile} cannot be read`, {
        cause: error,
      });
    }
  }
  // The storage package's backend registry decides which URLs it can open; a new backend needs no edit here.
  const urlProblem = databaseUrl ? databaseUrlProblem(databaseUrl) : null;
  if (urlProblem !== null) throw new InvalidConfigError(databaseUrlSource, urlProblem);

  if (file.launcher !== undefined && file.execution?.launcher !== undefined && file.launcher !== file.execution.launcher) {
    throw new InvalidConfigError(
      given.configFile ?? "flyt.yaml",
      `launcher: ${file.launcher} and execution.launcher: ${file.execution.launcher} disagree; give one of them`,
    );
  }
  const launcherText = flags.launcher ?? env.FLYT_LAUNCHER ?? file.execution?.launcher ?? file.launcher ?? "subprocess";
  if (!(LAUNCHERS as readonly string[]).includes(launcherText)) {
    throw new InvalidConfigError("launcher", `unknown launcher ${JSON.stringify(launcherText)}; use one of ${LAUNCHERS.join(", ")}`);
  }
  if (launcherText === "kubernetes" && file.kubernetes === undefined) {
    throw new InvalidConfigError(
      given.configFile ?? "flyt.yaml",
      "kubernetes: the launcher kubernetes needs a kubernetes: block in flyt.yaml (at least ingestUrl: the webserver's URL as run pods reach it); see docs/launchers/kubernetes.md",
    );
  }
  const kubernetesLocations: Record<string, KubernetesLocationConfig> = {};
  for (const location of file.locations ?? []) if (location.kubernetes !== undefined) kubernetesLocations[location.name] = location.kubernetes;
  const parallelismText = flags.parallelism ?? env.FLYT_PARALLELISM;
  let parallelism = file.execution?.parallelism ?? DEFAULT_PARALLELISM;
  if (parallelismText !== undefined) {
    parallelism = Number(parallelismText);
    if (!Number.isInteger(parallelism) || parallelism < 1 || parallelism > 256) {
      throw new InvalidConfigError("parallelism", `expected an integer from 1 to 256, got ${JSON.stringify(parallelismText)}`);
    }
  }

  return {
    home,
    storage: {
      databaseUrl,
      sqlitePath: file.storage?.sqlitePath ? relativeToFile(file.storage.sqlitePath) : resolve(home, "flyt.db"),
    },
    execution: { launcher: launcherText as LauncherName, parallelism },
    locations: compileLocations(file.locations ?? [], relativeToFile, given.configFile),
    kubernetes: { launcher: file.kubernetes ?? null, locations: kubernetesLocations },
    auth: authOptionsFromConfig(file.auth),
    webserver: {
      host: env.FLYT_WEBSERVER_HOST ?? file.webserver?.host ?? "127.0.0.1",
      port: compilePort(env.FLYT_WEBSERVER_PORT, file.webserver?.port ?? 3000),
      publicUrl: env.FLYT_WEBSERVER_URL ?? file.webserver?.publicUrl ?? null,
      allowedHosts: compileAllowedHosts(env.FLYT_WEBSERVER_ALLOWED_HOSTS, file.webserver?.allowedHosts),
    },
    daemon: {
      queue: {
        maxConcurrentRuns: file.daemon?.queue?.maxConcurrentRuns === undefined ? DEFAULT_MAX_CONCURRENT_RUNS : file.daemon.queue.maxConcurrentRuns,
        perLocation: { ...(file.daemon?.queue?.perLocation ?? {}) },
        tagLimits: (file.daemon?.queue?.tagLimits ?? []).map((l) => ({ ...l })),
      },
      workerTimeoutMs: Math.round((file.daemon?.workerTimeoutSeconds ?? 60) * 1000),
      startingTimeoutMs: Math.round((file.daemon?.startingTimeoutSeconds ?? 180) * 1000),
      relaunchAfterMs: file.daemon?.relaunchAfterSeconds === undefined ? null : Math.round(file.daemon.relaunchAfterSeconds * 1000),
      automationIntervalMs: file.daemon?.automationIntervalSeconds === undefined ? null : Math.round(file.daemon.automationIntervalSeconds * 1000),
      sensorTimeoutMs: Math.round((file.daemon?.sensorTimeoutSeconds ?? 60) * 1000),
      metricsPort: compileMetricsPort(env.FLYT_DAEMON_METRICS_PORT, file.daemon?.metricsPort ?? null),
      leaseTtlMs: compileLeaseTtl(env.FLYT_DAEMON_LEASE_TTL_MS),
    },
    logging: loggingFromEnv(env),
    alerts: file.alerts === undefined ? null : compileAlertsConfig(file.alerts, env, given.configFile ?? "flyt.yaml"),
    configFile: given.configFile,
  };
}

function compileLocations(
  locations: NonNullable<FileConfig["locations"]>,
  relativeToFile: (p: string) => string,
  configFile: string | null,
): FlytConfig["locations"] {
  const seen = new Set<string>();
  return locations.map((location, index) => {
    if (seen.has(location.name)) throw new InvalidConfigError(configFile ?? "flyt.yaml", `locations.${index}.name: ${JSON.stringify(location.name)} is listed twice`);
    seen.add(location.name);
    // The schema guarantees exactly one of file and url.
    return location.file !== undefined ? { name: location.name, file: relativeToFile(location.file) } : { name: location.name, url: location.url! };
  });
}

/** FLYT_WEBSERVER_ALLOWED_HOSTS (comma-separated) replaces the file's list; each entry is checked by the webserver. */
function compileAllowedHosts(text: string | undefined, fromFile: string[] | undefined): string[] {
  if (text !== undefined && text.trim() !== "") return text.split(",").map((h) => h.trim()).filter((h) => h !== "");
  return [...(fromFile ?? [])];
}

/**
 * What commands that talk to a running webserver read from the environment (every variable Flyt
 * reads is read in this module): FLYT_URL, the webserver's address, and FLYT_TOKEN, an API token
 * for webservers with access control (docs/auth.md).
 */
export function webserverClientEnv(env: NodeJS.ProcessEnv = process.env): { url: string | null; token: string | null } {
  return { url: env.FLYT_URL?.trim() || null, token: env.FLYT_TOKEN?.trim() || null };
}

/** FLYT_DATABASE_URL alone, for a process that serves without a flyt.yaml (a code server's fallback). */
export function databaseUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string | null {
  return env.FLYT_DATABASE_URL?.trim() || null;
}

const PRETTY_VALUES = new Map<string, boolean | null>([["", null], ["1", true], ["true", true], ["0", false], ["false", false]]);

/**
 * FLYT_LOG_LEVEL and FLYT_LOG_PRETTY, for every process that logs — also a code server whose
 * flyt.yaml does not load (it serves without one). @throws InvalidConfigError naming the variable.
 */
export function loggingFromEnv(env: NodeJS.ProcessEnv = process.env): LoggingConfig {
  const levelText = env.FLYT_LOG_LEVEL?.trim().toLowerCase() ?? "";
  if (levelText !== "" && !(LOG_LEVELS as readonly string[]).includes(levelText)) {
    throw new InvalidConfigError("FLYT_LOG_LEVEL", `expected one of ${LOG_LEVELS.join(", ")}, got ${JSON.stringify(env.FLYT_LOG_LEVEL)}`);
  }
  const prettyText = env.FLYT_LOG_PRETTY?.trim().toLowerCase() ?? "";
  const pretty = PRETTY_VALUES.get(prettyText);
  if (pretty === undefined) {
    throw new InvalidConfigError("FLYT_LOG_PRETTY", `expected 1 or true (human-readable lines), 0 or false (JSON lines), or unset (a terminal decides), got ${JSON.stringify(env.FLYT_LOG_PRETTY)}`);
  }
  return { level: levelText === "" ? "info" : (levelText as FlytLogLevel), pretty };
}

/** One port parser for the CLI and the code server's own entry point (@flyt/core). */
export { parsePort };

function compilePort(text: string | undefined, fallback: number): number {
  return parsePort(text, fallback, "FLYT_WEBSERVER_PORT");
}

function compileMetricsPort(text: string | undefined, fallback: number | null): number | null {
  return parsePort(text, fallback, "FLYT_DAEMON_METRICS_PORT", { allowAny: false });
}

/** FLYT_DAEMON_LEASE_TTL_MS: shortened by tests and by operators who want a faster takeover. */
function compileLeaseTtl(text: string | undefined): number | null {
  if (text === undefined || text.trim() === "") return null;
  const ttl = Number(text);
  if (!Number.isFinite(ttl) || ttl <= 0) throw new InvalidConfigError("FLYT_DAEMON_LEASE_TTL_MS", `expected a positive number of milliseconds, got ${JSON.stringify(text)}`);
  return Math.round(ttl);
}

export function loadConfig(options: {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  flags?: GivenConfig["flags"];
  configFile?: string;
}): FlytConfig {
  const cwd = options.cwd ?? process.cwd();
  return compileConfig(readGivenConfig(cwd, options.env ?? process.env, options.flags ?? {}, options.configFile));
}

/** Hides the password of a database URL for messages. */
export function maskDatabaseUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, "$1***@");
}
