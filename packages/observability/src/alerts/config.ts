/**
 * Alert configuration: the `alerts:` section of flyt.yaml, validated (given) and compiled
 * (secrets read from the environment, defaults applied). Secrets — webhook URLs of Slack,
 * signing secrets, SMTP passwords — are named by environment variable, never written inline
 * (docs/alerts.md).
 */
import { z } from "zod";
import { InvalidConfigError } from "@flyt/core";

export const ALERT_KINDS = ["run_failure", "freshness", "check_failure", "location_load_failure", "leader_lost"] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, "a name of letters, digits, '_', '.', '-' (at most 64)");
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name");

const WebhookChannel = z.object({
  type: z.literal("webhook"),
  /** The URL, or `urlEnv` naming a variable that holds it. */
  url: z.string().url().optional(),
  urlEnv: envName.optional(),
  /** Variable holding the HMAC-SHA256 signing secret; unsigned when absent. */
  secretEnv: envName.optional(),
  headers: z.record(z.string()).optional(),
}).strict();
const SlackChannel = z.object({ type: z.literal("slack"), urlEnv: envName }).strict();
const EmailChannel = z.object({
  type: z.literal("email"),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(587),
  /** true: TLS from the first byte (port 465); false: STARTTLS when the server offers it. */
  secure: z.boolean().default(false),
  userEnv: envName.optional(),
  passwordEnv: envName.optional(),
  from: z.string().min(3),
  to: z.array(z.string().min(3)).min(1),
}).strict();
const Channel = z.discriminatedUnion("type", [WebhookChannel, SlackChannel, EmailChannel]);

const Rule = z.object({
  name,
  on: z.enum(ALERT_KINDS),
  channels: z.array(name).min(1),
  /** Only these code locations (run failures, freshness, checks, location loads). */
  locations: z.array(z.string().min(1)).optional(),
  /** Run failures: only runs carrying all these tags. */
  tags: z.record(z.string()).optional(),
  /** Asset key patterns (`atlas/ssb/*`, `*` = one segment, `**` = any rest): runs touching, or assets matching. */
  assets: z.array(z.string().min(1)).optional(),
  /** Freshness: also alert when an asset is fresh again (default true). */
  recovery: z.boolean().optional(),
  /** Leader lost: how long without a leader before alerting (default 60). */
  thresholdSeconds: z.number().positive().optional(),
}).strict();

export const AlertsConfigSchema = z.object({
  /** The UI's public address, for links in messages. */
  uiUrl: z.string().url().optional(),
  channels: z.record(name, Channel).default({}),
  rules: z.array(Rule).default([]),
  /** Signals of one rule and kind within this window are sent as one alert. Default 30. */
  groupWindowSeconds: z.number().min(0).default(30),
  /** The same alert (rule + subject) is not sent again within this time. Default 3600. */
  dedupeSeconds: z.number().min(0).default(3600),
  /** At most this many alerts per rule per `rateLimitWindowSeconds` (default 20 per 3600). */
  rateLimit: z.number().int().min(1).default(20),
  rateLimitWindowSeconds: z.number().positive().default(3600),
  /** Delivery attempts per channel and the first backoff delay (doubled each retry). */
  maxAttempts: z.number().int().min(1).max(10).default(4),
  retryDelayMs: z.number().int().min(0).default(1000),
}).strict();
export type AlertsConfigInput = z.input<typeof AlertsConfigSchema>;

export type CompiledChannel =
  | { name: string; type: "webhook"; url: string; secret: string | null; headers: Record<string, string> }
  | { name: string; type: "slack"; url: string }
  | {
      name: string;
      type: "email";
      host: string;
      port: number;
      secure: boolean;
      user: string | null;
      password: string | null;
      from: string;
      to: string[];
    };

export interface CompiledRule {
  name: string;
  on: AlertKind;
  channels: string[];
  locations: string[] | null;
  tags: Record<string, string> | null;
  assets: RegExp[] | null;
  recovery: boolean;
  thresholdMs: number;
}

export interface CompiledAlertsConfig {
  uiUrl: string | null;
  channels: Map<string, CompiledChannel>;
  rules: CompiledRule[];
  groupWindowMs: number;
  dedupeMs: number;
  rateLimit: number;
  rateLimitWindowMs: number;
  maxAttempts: number;
  retryDelayMs: number;
  /** Every secret value read, for log redaction. */
  secrets: string[];
}

/**
 * Validates the `alerts:` section and reads its secrets from `env`.
 * @throws InvalidConfigError naming the field at fault.
 */
export function compileAlertsConfig(input: unknown, env: NodeJS.ProcessEnv = process.env, source = "flyt.yaml"): CompiledAlertsConfig {
  const parsed = AlertsConfigSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = ["alerts", ...(issue?.path ?? [])].join(".");
    throw new InvalidConfigError(source, `${path}: ${issue?.message ?? "invalid"}`);
  }
  const given = parsed.data;
  const secrets: string[] = [];
  const readEnv = (variable: string, field: string, required: boolean): string | null => {
    const value = env[variable];
    if (value === undefined || value === "") {
      if (required) throw new InvalidConfigError(source, `${field}: environment variable ${variable} is not set`);
      return null;
    }
    secrets.push(value);
    return value;
  };

  const channels = new Map<string, CompiledChannel>();
  for (const [channelName, channel] of Object.entries(given.channels)) {
    const at = `alerts.channels.${channelName}`;
    switch (channel.type) {
      case "webhook": {
        if ((channel.url === undefined) === (channel.urlEnv === undefined)) {
          throw new InvalidConfigError(source, `${at}: give exactly one of url and urlEnv`);
        }
        const url = channel.url ?? readEnv(channel.urlEnv!, `${at}.urlEnv`, true)!;
        assertHttpUrl(url, `${at}.url`, source);
        const secret = channel.secretEnv === undefined ? null : readEnv(channel.secretEnv, `${at}.secretEnv`, true);
        channels.set(channelName, { name: channelName, type: "webhook", url, secret, headers: channel.headers ?? {} });
        break;
      }
      case "slack": {
        const url = readEnv(channel.urlEnv, `${at}.urlEnv`, true)!;
        assertHttpUrl(url, `${at}.urlEnv`, source);
        channels.set(channelName, { name: channelName, type: "slack", url });
        break;
      }
      case "email":
        channels.set(channelName, {
          name: channelName,
          type: "email",
          host: channel.host,
          port: channel.port,
          secure: channel.secure,
          user: channel.userEnv === undefined ? null : readEnv(channel.userEnv, `${at}.userEnv`, true),
          password: channel.passwordEnv === undefined ? null : readEnv(channel.passwordEnv, `${at}.passwordEnv`, true),
          from: channel.from,
          to: channel.to,
        });
        break;
    }
  }

  const seen = new Set<string>();
  const rules = given.rules.map((rule, index): CompiledRule => {
    const at = `alerts.rules.${index}`;
    if (seen.has(rule.name)) throw new InvalidConfigError(source, `${at}.name: ${JSON.stringify(rule.name)} is used twice`);
    seen.add(rule.name);
    for (const channel of rule.channels) {
      if (!channels.has(channel)) {
        const known = [...channels.keys()];
        throw new InvalidConfigError(source, `${at}.channels: no channel named ${JSON.stringify(channel)} (channels: ${known.length === 0 ? "none" : known.join(", ")})`);
      }
    }
    if (rule.tags !== undefined && rule.on !== "run_failure") throw new InvalidConfigError(source, `${at}.tags: only run_failure rules filter by tags`);
    if (rule.thresholdSeconds !== undefined && rule.on !== "leader_lost") throw new InvalidConfigError(source, `${at}.thresholdSeconds: only leader_lost rules have a threshold`);
    return {
      name: rule.name,
      on: rule.on,
      channels: rule.channels,
      locations: rule.locations ?? null,
      tags: rule.tags ?? null,
      assets: rule.assets?.map(assetPattern) ?? null,
      recovery: rule.recovery ?? true,
      thresholdMs: (rule.thresholdSeconds ?? 60) * 1000,
    };
  });

  return {
    uiUrl: given.uiUrl?.replace(/\/+$/, "") ?? null,
    channels,
    rules,
    groupWindowMs: given.groupWindowSeconds * 1000,
    dedupeMs: given.dedupeSeconds * 1000,
    rateLimit: given.rateLimit,
    rateLimitWindowMs: given.rateLimitWindowSeconds * 1000,
    maxAttempts: given.maxAttempts,
    retryDelayMs: given.retryDelayMs,
    secrets,
  };
}

function assertHttpUrl(url: string, field: string, source: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidConfigError(source, `${field}: not a URL`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new InvalidConfigError(source, `${field}: must be an http(s) URL`);
}

/** `atlas/ssb/*` → one segment; `atlas/**` → anything below atlas. */
export function assetPattern(pattern: string): RegExp {
  const parts = pattern.split("/").map((part) => {
    if (part === "**") return ".*";
    return part.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^/]*");
  });
  return new RegExp(`^${parts.join("/")}$`);
}
