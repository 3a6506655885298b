/**
 * Resources: clients and connections injected into compute functions, configured from the
 * environment when a run starts. Secrets are only ever read from the environment, their
 * values are collected for log redaction, and no error message ever contains one.
 */
import { FlytError, InvalidConfigError } from "@flyt/core";
import type { EnvValue, ResolvedConfig, ResourceConfigValue, ResourceDefinition } from "./types.js";
import { callerLocation, definitionsError } from "./validation.js";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function checkEnvName(fn: "env" | "secret", name: unknown): void {
  if (typeof name !== "string" || !ENV_NAME.test(name)) {
    throw definitionsError(
      [{ subject: `${fn}(${JSON.stringify(name)})`, message: "an environment variable name must match [A-Za-z_][A-Za-z0-9_]*" }],
      callerLocation(),
    );
  }
}

/**
 * A configuration value read from an environment variable when the run starts.
 * @example
 * const ssb = resource({
 *   config: { baseUrl: env("SSB_BASE_URL", { default: "https://data.ssb.no/api/v0" }) },
 *   create: ({ baseUrl }) => new SsbClient(baseUrl),
 * });
 */
export function env(name: string, options: { default?: string } = {}): EnvValue {
  checkEnvName("env", name);
  if (options.default !== undefined && typeof options.default !== "string") {
    throw definitionsError([{ subject: `env(${JSON.stringify(name)})`, message: "default must be a string" }], callerLocation());
  }
  return Object.freeze({ kind: "env", name, secret: false, default: options.default });
}

/**
 * A secret read from an environment variable (or a mounted file exposed as one) when the run
 * starts. Its value is redacted from logs. An optional secret resolves to "" when unset.
 * @example
 * const slack = resource({
 *   config: { webhook: secret("SLACK_WEBHOOK_URL", { optional: true }) },
 *   create: ({ webhook }) => (webhook ? new Slack(webhook) : null),
 * });
 */
export function secret(name: string, options: { optional?: boolean } = {}): EnvValue {
  checkEnvName("secret", name);
  // An optional secret is a secret whose default is empty; no shape change needed downstream.
  return Object.freeze({ kind: "env", name, secret: true, default: options.optional === true ? "" : undefined });
}

function isEnvValue(value: unknown): value is EnvValue {
  return typeof value === "object" && value !== null && (value as EnvValue).kind === "env" && typeof (value as EnvValue).name === "string";
}

/**
 * True for objects shaped like what `resource()` returns.
 * @example
 * isResourceDefinition(resource({ config: {}, create: () => 1 })); // true
 */
export function isResourceDefinition(value: unknown): value is ResourceDefinition {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as ResourceDefinition).kind === "resource" &&
    typeof (value as ResourceDefinition).create === "function" &&
    typeof (value as ResourceDefinition).config === "object"
  );
}

/**
 * Declares a resource: config (literals, `env()`, `secret()`), a `create` that builds the value
 * handed to assets as `context.resources.<name>`, and an optional `dispose` run after the run.
 * @example
 * export const db = resource({
 *   description: "Atlas warehouse",
 *   config: { url: secret("ATLAS_DB_URL"), poolSize: 4 },
 *   create: ({ url, poolSize }) => new pg.Pool({ connectionString: url, max: poolSize }),
 *   dispose: (pool) => pool.end(),
 * });
 */
export function resource<T, C extends Record<string, ResourceConfigValue>>(spec: {
  config: C;
  description?: string;
  create: (config: ResolvedConfig<C>) => T | Promise<T>;
  dispose?: (value: T) => void | Promise<void>;
}): ResourceDefinition<T, C> {
  const definedAt = callerLocation();
  const problems: string[] = [];
  if (typeof spec !== "object" || spec === null) problems.push("the spec must be an object like { config, create }");
  else {
    if (typeof spec.config !== "object" || spec.config === null || Array.isArray(spec.config)) problems.push("config must be an object (use {} for none)");
    else {
      for (const [key, value] of Object.entries(spec.config)) {
        if (!["string", "number", "boolean"].includes(typeof value) && !isEnvValue(value)) {
          problems.push(`config.${key} must be a string, number, boolean, env() or secret()`);
        }
      }
    }
    if (typeof spec.create !== "function") problems.push("create must be a function");
    if (spec.dispose !== undefined && typeof spec.dispose !== "function") problems.push("dispose must be a function");
    if (spec.description !== undefined && typeof spec.description !== "string") problems.push("description must be a string");
  }
  if (problems.length > 0) throw definitionsError(problems.map((message) => ({ subject: "resource", message })), definedAt);
  return Object.freeze({
    kind: "resource",
    config: Object.freeze({ ...spec.config }),
    description: spec.description ?? null,
    create: spec.create,
    dispose: spec.dispose ?? null,
  });
}

/**
 * The string that replaces each secret value in redacted text.
 * @example
 * redactor(["hunter22"])("pw=hunter22") === `pw=${REDACTED}`; // true
 */
export const REDACTED = "[REDACTED]";
/**
 * Shorter secrets are not redacted: replacing "1" or "ab" everywhere would garble logs and reveal more than it hides.
 * @example
 * redactor(["abc"])("abc"); // "abc" (shorter than MIN_REDACTED_LENGTH)
 */
export const MIN_REDACTED_LENGTH = 4;

/**
 * A function replacing every occurrence of the given secret values with `[REDACTED]`.
 * Values shorter than 4 characters are ignored; longer values win over values they contain.
 * @example
 * const redact = redactor(resolved.secrets);
 * log.info(redact(`calling ${url}`));
 */
export function redactor(secrets: readonly string[]): (text: string) => string {
  const values = [...new Set(secrets.filter((s) => typeof s === "string" && s.length >= MIN_REDACTED_LENGTH))].sort((a, b) => b.length - a.length);
  if (values.length === 0) return (text) => text;
  const pattern = new RegExp(values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g");
  return (text) => (typeof text === "string" ? text.replace(pattern, REDACTED) : text);
}

/**
 * Thrown when a resource's `create` or `dispose` fails; the message is redacted, the original error is not attached.
 * @example
 * try { await resolveResources(defs.resources, ["db"]); }
 * catch (error) { if (error instanceof ResourceError) console.error(error.resource, error.phase, error.message); }
 */
export class ResourceError extends FlytError {
  constructor(
    readonly resource: string,
    readonly phase: "create" | "dispose",
    message: string,
    options?: { cause?: unknown },
  ) {
    super("RESOURCE", message, options);
  }
}

/** Copies an error with secret values removed from message and stack (so a cause chain cannot leak them). */
function redactedError(error: unknown, redact: (text: string) => string): Error {
  const source = error instanceof Error ? error : new Error(String(error));
  const copy = new Error(redact(source.message));
  copy.name = source.name;
  copy.stack = source.stack === undefined ? undefined : redact(source.stack);
  return copy;
}

export interface ResolvedResources {
  /** Resource name → the value its `create` returned. */
  values: Record<string, unknown>;
  /** Resolved secret values, for redacting logs and captured output. */
  secrets: string[];
  /** Disposes every created resource (reverse order); safe to call twice. */
  dispose(): Promise<void>;
}

/**
 * Resolves the named resources: reads config from `environment`, calls `create`, and returns
 * the values with the secret values to redact. Used by the run worker before the first step.
 * @throws InvalidConfigError listing every missing environment variable (names only, never values).
 * @throws ResourceError when a `create` fails (already-created resources are disposed first).
 * @example
 * const resolved = await resolveResources(definitions.resources, ["ssb", "db"], process.env);
 * try { await runSteps(resolved.values, redactor(resolved.secrets)); } finally { await resolved.dispose(); }
 */
export async function resolveResources(
  definitions: Readonly<Record<string, ResourceDefinition<any, any>>>,
  resourceKeys: Iterable<string>,
  environment: Record<string, string | undefined> = process.env,
): Promise<ResolvedResources> {
  const names = [...new Set(resourceKeys)];
  const missing: string[] = [];
  const secrets: string[] = [];
  const configs = new Map<string, Record<string, unknown>>();
  for (const name of names) {
    const definition = Object.hasOwn(definitions, name) ? definitions[name] : undefined;
    if (!definition) {
      missing.push(`resource ${JSON.stringify(name)} is not defined (known: ${Object.keys(definitions).join(", ") || "none"})`);
      continue;
    }
    const resolved: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(definition.config as Record<string, ResourceConfigValue>)) {
      if (!isEnvValue(value)) {
        resolved[key] = value;
        continue;
      }
      const fromEnv = environment[value.name];
      const actual = fromEnv ?? value.default;
      if (actual === undefined) {
        missing.push(`resource ${JSON.stringify(name)}: config ${JSON.stringify(key)} needs environment variable ${value.name}, which is not set`);
        continue;
      }
      if (value.secret && actual !== "") secrets.push(actual);
      resolved[key] = actual;
    }
    configs.set(name, resolved);
  }
  if (missing.length > 0) throw new InvalidConfigError("the environment", missing.join("; "));

  const redact = redactor(secrets);
  const created: Array<{ name: string; value: unknown; dispose: ((value: any) => void | Promise<void>) | null }> = [];
  let disposed = false;
  const dispose = async (): Promise<void> => {
    if (disposed) return;
    disposed = true;
    const failures: string[] = [];
    let firstCause: Error | undefined;
    for (const entry of [...created].reverse()) {
      if (!entry.dispose) continue;
      try {
        await entry.dispose(entry.value);
      } catch (error) {
        const copy = redactedError(error, redact);
        firstCause ??= copy;
        failures.push(`resource ${JSON.stringify(entry.name)}: dispose failed: ${copy.message}`);
      }
    }
    if (failures.length > 0) throw new ResourceError(created[0]?.name ?? "", "dispose", failures.join("; "), { cause: firstCause });
  };

  const values: Record<string, unknown> = {};
  for (const name of names) {
    const definition = definitions[name]!;
    try {
      const value: unknown = await definition.create(configs.get(name)!);
      values[name] = value;
      created.push({ name, value, dispose: definition.dispose });
    } catch (error) {
      const copy = redactedError(error, redact);
      try {
        await dispose();
      } catch {
        // The create failure is the one to report; dispose failures would only bury it.
      }
      throw new ResourceError(name, "create", `resource ${JSON.stringify(name)}: create failed: ${copy.message}`, { cause: copy });
    }
  }
  return { values, secrets: [...new Set(secrets)], dispose };
}
