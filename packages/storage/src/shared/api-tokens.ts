/**
 * API tokens, shared by both backends: input checks and the row mapping. Like run tokens, only
 * lowercase SHA-256 hex is accepted as a hash, so a token itself can never be stored by mistake.
 */
import { StorageInputError } from "../errors.js";
import type { ApiToken, ApiTokenRole, NewApiToken } from "../storage.js";
import { validateTokenHash } from "./run-tokens.js";
import { validateEpochMs } from "./validate.js";

export const API_TOKEN_ROLES: readonly ApiTokenRole[] = ["viewer", "operator", "admin"];
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,99}$/;
const ID = /^[A-Za-z0-9_-]{1,100}$/;

export function validateApiTokenName(name: unknown): string {
  if (typeof name !== "string" || !NAME.test(name)) {
    throw new StorageInputError("API token name", "must be 1-100 characters: letters, digits and _ . : @ - (starting with a letter or digit)");
  }
  return name;
}

export function validateApiTokenId(id: unknown): string {
  if (typeof id !== "string" || !ID.test(id)) throw new StorageInputError("API token id", "must be 1-100 letters, digits, _ or -");
  return id;
}

export function validateNewApiToken(token: NewApiToken): NewApiToken {
  if (typeof token !== "object" || token === null) throw new StorageInputError("API token", "createApiToken needs { id, name, tokenHash, role, expiresAt }");
  if (!API_TOKEN_ROLES.includes(token.role)) throw new StorageInputError("API token role", `must be one of ${API_TOKEN_ROLES.join(", ")}, got ${JSON.stringify(token.role)}`);
  if (token.createdBy !== null && (typeof token.createdBy !== "string" || token.createdBy.length > 200)) {
    throw new StorageInputError("API token createdBy", "must be null or a string of at most 200 characters");
  }
  return {
    id: validateApiTokenId(token.id),
    name: validateApiTokenName(token.name),
    tokenHash: validateTokenHash(token.tokenHash),
    role: token.role,
    createdBy: token.createdBy,
    expiresAt: token.expiresAt === null ? null : validateEpochMs(token.expiresAt, "API token expiry"),
  };
}

export interface ApiTokenRow {
  id: string;
  name: string;
  token_hash: string;
  role: string;
  created_by: string | null;
  created_at: number | string;
  expires_at: number | string | null;
  revoked_at: number | string | null;
  last_used_at: number | string | null;
}

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

export function apiTokenFromRow(row: ApiTokenRow): ApiToken {
  return {
    id: row.id,
    name: row.name,
    tokenHash: row.token_hash,
    role: row.role as ApiTokenRole,
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
    expiresAt: num(row.expires_at),
    revokedAt: num(row.revoked_at),
    lastUsedAt: num(row.last_used_at),
  };
}

/** A unique violation on the live-name index, as a clear input error. */
export function duplicateNameError(name: string): StorageInputError {
  return new StorageInputError("API token name", `a live token named ${JSON.stringify(name)} exists; revoke it or choose another name`);
}
