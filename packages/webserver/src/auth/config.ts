/**
 * Access-control settings of the webserver (flyt.yaml `auth:`; the CLI validates the file and
 * hands the result here). `none` trusts the network: everyone gets `noneRole` (admin by default).
 * `forwarded` trusts identity headers set by a forward-auth proxy (Authentik behind Traefik,
 * oauth2-proxy), but only from `trustedProxies`; groups map to roles. API tokens work in both.
 */
import { InvalidConfigError } from "@flyt/core";
import { z } from "zod";
import { isRole, type Role } from "./roles.js";
import { ProxyTrust } from "./trust.js";

export const AUTH_MODES = ["none", "forwarded"] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

export interface GroupsHeader {
  name: string;
  /** How the header lists groups: Authentik uses `|`, oauth2-proxy `,`. */
  separator: string;
}

export interface AuthOptions {
  mode: AuthMode;
  /** Addresses or CIDR ranges whose identity headers are believed (the socket's peer address). */
  trustedProxies: string[];
  /** Header names, tried in order; the first present wins. */
  headers: { user: string[]; email: string[]; groups: GroupsHeader[] };
  /** Which groups grant which role (a user gets the highest role any of their groups grants). */
  roles: Partial<Record<Role, string[]>>;
  /** Role of a signed-in user none of whose groups is mapped (null: no access). */
  defaultRole: Role | null;
  /** Role of every request in mode `none`. */
  noneRole: Role;
}

export const DEFAULT_AUTH_HEADERS: AuthOptions["headers"] = {
  user: ["X-authentik-username", "X-Forwarded-User"],
  email: ["X-authentik-email", "X-Forwarded-Email"],
  groups: [
    { name: "X-authentik-groups", separator: "|" },
    { name: "X-Forwarded-Groups", separator: "," },
  ],
};

export const DEFAULT_AUTH: AuthOptions = {
  mode: "none",
  trustedProxies: [],
  headers: DEFAULT_AUTH_HEADERS,
  roles: {},
  defaultRole: "viewer",
  noneRole: "admin",
};

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/** Fills defaults and checks every value, naming the setting at fault. */
export function resolveAuthOptions(given: Partial<AuthOptions> | undefined, where = "auth"): AuthOptions {
  const options: AuthOptions = { ...DEFAULT_AUTH, ...(given ?? {}) };
  if (!(AUTH_MODES as readonly string[]).includes(options.mode)) throw new InvalidConfigError(`${where}.mode`, `unknown mode ${JSON.stringify(options.mode)}; use one of ${AUTH_MODES.join(", ")}`);
  new ProxyTrust(options.trustedProxies, `${where}.trustedProxies`);
  if (options.mode === "forwarded" && options.trustedProxies.length === 0) {
    throw new InvalidConfigError(`${where}.trustedProxies`, "mode forwarded needs the proxy's addresses or CIDR ranges; identity headers from anyone else are ignored");
  }
  const headers = { ...DEFAULT_AUTH_HEADERS, ...(given?.headers ?? {}) };
  for (const [kind, names] of [["user", headers.user], ["email", headers.email], ["groups", headers.groups.map((g) => g.name)]] as const) {
    names.forEach((name, i) => {
      if (!HEADER_NAME.test(name)) throw new InvalidConfigError(`${where}.headers.${kind}.${i}`, `${JSON.stringify(name)} is not an HTTP header name`);
    });
  }
  headers.groups.forEach((g, i) => {
    if (g.separator.length === 0) throw new InvalidConfigError(`${where}.headers.groups.${i}.separator`, "must not be empty");
  });
  for (const [role, groups] of Object.entries(options.roles)) {
    if (!isRole(role)) throw new InvalidConfigError(`${where}.roles`, `unknown role ${JSON.stringify(role)}; use viewer, operator or admin`);
    if (!Array.isArray(groups) || groups.some((g) => typeof g !== "string" || g.length === 0)) throw new InvalidConfigError(`${where}.roles.${role}`, "must be a list of group names");
  }
  if (options.defaultRole !== null && !isRole(options.defaultRole)) throw new InvalidConfigError(`${where}.defaultRole`, `unknown role ${JSON.stringify(options.defaultRole)}`);
  if (!isRole(options.noneRole)) throw new InvalidConfigError(`${where}.noneRole`, `unknown role ${JSON.stringify(options.noneRole)}`);
  return { ...options, headers };
}

const RoleSchema = z.enum(["viewer", "operator", "admin"]);

/** flyt.yaml `auth:` as written (the CLI's config loader checks the file with it). */
export const AuthConfigSchema = z
  .object({
    mode: z.enum(AUTH_MODES).optional(),
    /** Addresses or CIDR ranges of the forward-auth proxy (e.g. Traefik's pod network). */
    trustedProxies: z.array(z.string().min(1)).optional(),
    headers: z
      .object({
        user: z.array(z.string().min(1)).min(1).optional(),
        email: z.array(z.string().min(1)).optional(),
        groups: z.array(z.object({ name: z.string().min(1), separator: z.string().min(1) }).strict()).optional(),
      })
      .strict()
      .optional(),
    /** Role → the groups that grant it. */
    roles: z.object({ viewer: z.array(z.string().min(1)), operator: z.array(z.string().min(1)), admin: z.array(z.string().min(1)) }).partial().strict().optional(),
    /** Role of a signed-in user whose groups map to none (`none` or null: no access). */
    defaultRole: z.union([RoleSchema, z.literal("none"), z.null()]).optional(),
    /** Role of every request in mode none (default admin). */
    noneRole: RoleSchema.optional(),
  })
  .strict();
export type AuthConfig = z.infer<typeof AuthConfigSchema>;

/** The file's `auth:` block as webserver options (defaults filled, values checked). @throws InvalidConfigError */
export function authOptionsFromConfig(config: AuthConfig | undefined, where = "auth"): AuthOptions {
  const given: Partial<AuthOptions> = {};
  if (config?.mode !== undefined) given.mode = config.mode;
  if (config?.trustedProxies !== undefined) given.trustedProxies = config.trustedProxies;
  if (config?.headers !== undefined) given.headers = { ...DEFAULT_AUTH_HEADERS, ...config.headers };
  if (config?.roles !== undefined) given.roles = config.roles;
  if (config?.defaultRole !== undefined) given.defaultRole = config.defaultRole === "none" || config.defaultRole === null ? null : config.defaultRole;
  if (config?.noneRole !== undefined) given.noneRole = config.noneRole;
  return resolveAuthOptions(given, where);
}
