/**
 * Run tokens, shared by both backends: input checks and the row mapping. Hashes are lowercase
 * SHA-256 hex, so a token itself can never be stored by mistake.
 */
import { StorageInputError } from "../errors.js";
import type { NewRunToken, RunToken } from "../storage.js";
import { validateEpochMs, validateId, validateKeyList } from "./validate.js";

const HASH = /^[0-9a-f]{64}$/;

export function validateTokenHash(hash: unknown): string {
  if (typeof hash !== "string" || !HASH.test(hash)) {
    throw new StorageInputError("run token hash", "must be 64 lowercase hex characters (sha256); never store the token itself");
  }
  return hash;
}

export function validateNewRunToken(token: NewRunToken): NewRunToken {
  if (typeof token !== "object" || token === null) throw new StorageInputError("run token", "createRunToken needs { tokenHash, runId, location, assetKeys, expiresAt }");
  return {
    tokenHash: validateTokenHash(token.tokenHash),
    runId: validateId(token.runId, "run id"),
    location: validateId(token.location, "location"),
    assetKeys: validateKeyList(Array.isArray(token.assetKeys) ? token.assetKeys : [String(token.assetKeys)], "run token asset keys") ?? [],
    expiresAt: validateEpochMs(token.expiresAt, "run token expiry"),
  };
}

export interface RunTokenRow {
  token_hash: string;
  run_id: string;
  location: string;
  asset_keys: string | string[];
  created_at: number | string;
  expires_at: number | string;
  revoked_at: number | string | null;
}

export function runTokenFromRow(row: RunTokenRow): RunToken {
  return {
    tokenHash: row.token_hash,
    runId: row.run_id,
    location: row.location,
    assetKeys: typeof row.asset_keys === "string" ? (JSON.parse(row.asset_keys) as string[]) : row.asset_keys,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}
