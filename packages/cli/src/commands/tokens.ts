/**
 * `flyt tokens create|list|revoke`: API tokens for automation (docs/auth.md). They act on the
 * configured storage directly — whoever can reach the metadata database is already an admin —
 * so no webserver needs to be running. A token is printed once, at creation; only its SHA-256
 * hash is stored.
 */
import { randomUUID } from "node:crypto";
import { userInfo } from "node:os";
import { InvalidConfigError } from "@flyt/core";
import { generateApiToken, hashApiToken, isRole, ROLES } from "@flyt/webserver/auth";
import { Option, type Command } from "commander";
import { openContext, type CommandContext, type GlobalOptions } from "../context.js";

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };
export const DEFAULT_TOKEN_LIFETIME = "90d";

/** `90d`, `12h`, `30m`, or `never`; returns milliseconds (null: no expiry). @throws InvalidConfigError */
export function parseLifetime(text: string): number | null {
  if (text === "never") return null;
  const match = /^(\d{1,6})([mhd])$/.exec(text.trim());
  const amount = match ? Number(match[1]) : 0;
  if (!match || amount <= 0) throw new InvalidConfigError("--expires-in", `expected a duration like 90d, 12h or 30m, or never; got ${JSON.stringify(text)}`);
  return amount * UNITS[match[2]!]!;
}

export interface CreateTokenOptions {
  name: string;
  role: string;
  expiresIn?: string;
  json?: boolean;
}

export async function createToken(ctx: CommandContext, options: CreateTokenOptions, now = Date.now()): Promise<number> {
  if (!isRole(options.role)) throw new InvalidConfigError("--role", `expected one of ${ROLES.join(", ")}, got ${JSON.stringify(options.role)}`);
  const lifetime = parseLifetime(options.expiresIn ?? DEFAULT_TOKEN_LIFETIME);
  const token = generateApiToken();
  let createdBy: string | null;
  try {
    createdBy = userInfo().username;
  } catch {
    createdBy = null;
  }
  const stored = await ctx.storage.createApiToken({
    id: randomUUID(),
    name: options.name,
    tokenHash: hashApiToken(token),
    role: options.role,
    createdBy,
    expiresAt: lifetime === null ? null : now + lifetime,
  });
  if (options.json) {
    ctx.out(JSON.stringify({ id: stored.id, name: stored.name, role: stored.role, expiresAt: stored.expiresAt, token }));
  } else {
    ctx.out(`Created API token ${stored.name} (${stored.role}, ${stored.expiresAt === null ? "no expiry" : `expires ${new Date(stored.expiresAt).toISOString()}`}), id ${stored.id}.`);
    ctx.out("Store it now; it is not shown again:");
    ctx.out(token);
  }
  return 0;
}

function state(t: { revokedAt: number | null; expiresAt: number | null }, now: number): string {
  if (t.revokedAt !== null) return "revoked";
  if (t.expiresAt !== null && t.expiresAt <= now) return "expired";
  return "live";
}

export async function listTokens(ctx: CommandContext, options: { json?: boolean; all?: boolean }, now = Date.now()): Promise<number> {
  const tokens = (await ctx.storage.listApiTokens()).filter((t) => options.all || state(t, now) === "live");
  if (options.json) {
    ctx.out(JSON.stringify(tokens.map(({ tokenHash: _hash, ...t }) => ({ ...t, state: state(t, now) }))));
    return 0;
  }
  if (tokens.length === 0) {
    ctx.out(options.all ? "No API tokens." : "No live API tokens (--all shows revoked and expired ones).");
    return 0;
  }
  const iso = (ms: number | null) => (ms === null ? "-" : new Date(ms).toISOString().slice(0, 16).replace("T", " "));
  for (const t of tokens) {
    ctx.out(`${t.name.padEnd(24)} ${t.role.padEnd(9)} ${state(t, now).padEnd(8)} created ${iso(t.createdAt)}  expires ${iso(t.expiresAt)}  last used ${iso(t.lastUsedAt)}  ${t.id}`);
  }
  return 0;
}

export async function revokeToken(ctx: CommandContext, idOrName: string): Promise<number> {
  const revoked = await ctx.storage.revokeApiToken(idOrName);
  if (revoked === null) {
    ctx.err(`No live API token with id or name ${JSON.stringify(idOrName)} (flyt tokens list shows them).`);
    return 1;
  }
  ctx.out(`Revoked API token ${revoked.name} (${revoked.id}).`);
  return 0;
}

export function registerTokenCommands(
  program: Command,
  io: { out: (line: string) => void; err: (line: string) => void },
  globals: () => GlobalOptions,
  setExitCode: (code: number) => void,
): void {
  const tokens = program.command("tokens").description("create, list and revoke API tokens for automation (Authorization: Bearer flyt_…)");
  tokens
    .command("create")
    .description("create a token with a role; it is printed once")
    .requiredOption("-n, --name <name>", "what the token is for, e.g. ci-deploy (unique among live tokens)")
    .addOption(new Option("-r, --role <role>", "what it may do").choices([...ROLES]).default("viewer"))
    .option("--expires-in <duration>", "lifetime: 90d, 12h, 30m or never", DEFAULT_TOKEN_LIFETIME)
    .option("--json", "print JSON for scripts")
    .action(async (options: CreateTokenOptions) => {
      await using ctx = await openContext(globals(), io);
      setExitCode(await createToken(ctx, options));
    });
  tokens
    .command("list")
    .description("live tokens (never the tokens themselves)")
    .option("--all", "include revoked and expired tokens")
    .option("--json", "print JSON for scripts")
    .action(async (options: { json?: boolean; all?: boolean }) => {
      await using ctx = await openContext(globals(), io);
      setExitCode(await listTokens(ctx, options));
    });
  tokens
    .command("revoke")
    .description("revoke a token by id or name; requests with it get 401 from then on")
    .argument("<id-or-name>")
    .action(async (idOrName: string) => {
      await using ctx = await openContext(globals(), io);
      setExitCode(await revokeToken(ctx, idOrName));
    });
}
