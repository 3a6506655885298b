/**
 * Who is asking: resolves a request to a principal. Order: an API token (`Authorization: Bearer
 * flyt_…`, any mode) — a wrong, revoked or expired one is refused outright rather than
 * downgraded to anonymous, so automation fails loudly; then, in mode `forwarded`, identity
 * headers if and only if the TCP peer is a trusted proxy; otherwise anonymous (no role).
 */
import type { IncomingMessage } from "node:http";
import { ApiError } from "@flyt/protocol";
import type { AuthOptions } from "./config.js";
import { highestRole, isRole, type Role } from "./roles.js";
import { hashApiToken, isApiTokenShape } from "./tokens.js";
import { ProxyTrust } from "./trust.js";

export interface Principal {
  name: string | null;
  email: string | null;
  role: Role | null;
  /** How the identity was established. */
  via: "none" | "forwarded" | "token" | "anonymous";
  groups: string[];
  /** The API token's id when `via` is token. */
  tokenId: string | null;
}

/** What the authenticator needs of a stored API token (Storage's ApiToken fits). */
export interface StoredApiToken {
  id: string;
  name: string;
  role: string;
  expiresAt: number | null;
  revokedAt: number | null;
}

export interface ApiTokenLookup {
  getApiTokenByHash(tokenHash: string): Promise<StoredApiToken | null>;
  touchApiToken?(id: string, at: number): Promise<void>;
}

export const ANONYMOUS: Principal = Object.freeze({ name: null, email: null, role: null, via: "anonymous", groups: [], tokenId: null });

function header(request: IncomingMessage, name: string): string | null {
  const value = request.headers[name.toLowerCase()];
  const text = Array.isArray(value) ? value.join(",") : value;
  return text === undefined || text.trim() === "" ? null : text.trim();
}

export class Authenticator {
  private readonly trust: ProxyTrust;
  private readonly groupRole = new Map<string, Role[]>();
  /** When each token's use was last written, so busy automation does not write on every request. */
  private readonly touched = new Map<string, number>();

  constructor(
    readonly options: AuthOptions,
    private readonly tokens: ApiTokenLookup | null,
    private readonly now: () => number = Date.now,
  ) {
    this.trust = new ProxyTrust(options.trustedProxies);
    for (const [role, groups] of Object.entries(options.roles)) {
      if (!isRole(role)) continue;
      for (const group of groups ?? []) this.groupRole.set(group, [...(this.groupRole.get(group) ?? []), role]);
    }
  }

  /** @throws ApiError UNAUTHORIZED for a presented API token that is unknown, revoked or expired. */
  async authenticate(request: IncomingMessage): Promise<Principal> {
    const authorization = header(request, "authorization");
    const bearer = authorization === null ? null : /^Bearer\s+(flyt_\S*)$/i.exec(authorization);
    if (bearer) return this.fromToken(bearer[1]!);
    if (this.options.mode === "none") return { ...ANONYMOUS, via: "none", role: this.options.noneRole };
    if (!this.trust.trusts(request.socket.remoteAddress)) return ANONYMOUS;
    const name = this.options.headers.user.map((h) => header(request, h)).find((v) => v !== null) ?? null;
    if (name === null) return ANONYMOUS;
    const email = this.options.headers.email.map((h) => header(request, h)).find((v) => v !== null) ?? null;
    const groups: string[] = [];
    for (const g of this.options.headers.groups) {
      const value = header(request, g.name);
      if (value === null) continue;
      groups.push(...value.split(g.separator).map((s) => s.trim()).filter((s) => s !== ""));
      break;
    }
    const mapped = highestRole(groups.flatMap((g) => this.groupRole.get(g) ?? []));
    return { name, email, role: mapped ?? this.options.defaultRole, via: "forwarded", groups, tokenId: null };
  }

  private async fromToken(token: string): Promise<Principal> {
    if (!isApiTokenShape(token)) throw new ApiError("UNAUTHORIZED", "Malformed API token: expected `Authorization: Bearer flyt_…` with a token from `flyt tokens create`.");
    if (this.tokens === null) throw new ApiError("UNAUTHORIZED", "API tokens are not available on this server.");
    const stored = await this.tokens.getApiTokenByHash(hashApiToken(token));
    if (stored === null) throw new ApiError("UNAUTHORIZED", "Unknown API token.");
    if (stored.revokedAt !== null) throw new ApiError("UNAUTHORIZED", `API token ${stored.name} was revoked.`);
    const now = this.now();
    if (stored.expiresAt !== null && stored.expiresAt <= now) throw new ApiError("UNAUTHORIZED", `API token ${stored.name} has expired.`);
    if (!isRole(stored.role)) throw new ApiError("UNAUTHORIZED", `API token ${stored.name} has no valid role.`);
    if (now - (this.touched.get(stored.id) ?? 0) >= 60_000) {
      this.touched.set(stored.id, now);
      await this.tokens.touchApiToken?.(stored.id, now).catch(() => undefined);
    }
    return { name: `token:${stored.name}`, email: null, role: stored.role, via: "token", groups: [], tokenId: stored.id };
  }
}
