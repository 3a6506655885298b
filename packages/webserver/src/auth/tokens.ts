/**
 * API tokens for automation: `flyt_` followed by 43 base64url characters (256 random bits). Only
 * the SHA-256 hex of a token is stored; the token is shown once, when it is created.
 */
import { createHash, randomBytes } from "node:crypto";

export const API_TOKEN_PREFIX = "flyt_";
const TOKEN = /^flyt_[A-Za-z0-9_-]{43}$/;

export function generateApiToken(): string {
  return `${API_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
}

export function isApiTokenShape(text: string): boolean {
  return TOKEN.test(text);
}

export function hashApiToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}
