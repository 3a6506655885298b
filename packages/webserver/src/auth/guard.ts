/**
 * Per-request protections the webserver applies before any route: security headers on every
 * response, the request's principal (kept beside the request for routes and GraphQL), CSRF
 * refusal of cross-site state-changing requests, and role checks for REST routes.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError } from "@flyt/protocol";
import type { Principal } from "./authenticator.js";
import { roleAllows, type Role } from "./roles.js";

/** Fits the UI: its own scripts only, inline style attributes (React), data: images, SSE/fetch to itself. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
};

export function setSecurityHeaders(response: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
}

/** The header the UI's client sends; a cross-site page cannot set it without a CORS preflight we never grant. */
export const CSRF_HEADER = "x-flyt-request";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Refuses a state-changing request a browser may have sent on another site's behalf: it must
 * carry `X-Flyt-Request`, or an Origin equal to this server's, or — for non-browser clients —
 * neither an Origin nor a cookie. Requests authenticated by an API token carry no ambient
 * credential and pass. @throws ApiError FORBIDDEN
 */
export function checkCsrf(request: IncomingMessage, principal: Principal): void {
  if (SAFE_METHODS.has(request.method ?? "GET") || principal.via === "token") return;
  if (request.headers[CSRF_HEADER] !== undefined) return;
  const origin = request.headers.origin;
  if (origin !== undefined) {
    let host: string | null;
    try {
      host = origin === "null" ? null : new URL(origin).host;
    } catch {
      host = null;
    }
    if (host !== null && host === request.headers.host) return;
    throw new ApiError("FORBIDDEN", `Cross-site request refused: Origin ${origin} is not this server; send the ${CSRF_HEADER} header from scripts on this origin.`);
  }
  if (request.headers.cookie !== undefined) {
    throw new ApiError("FORBIDDEN", `Request with cookies refused: a state-changing request from a browser must send the ${CSRF_HEADER} header or an Origin header.`);
  }
}

const principals = new WeakMap<IncomingMessage, Principal>();

export function attachPrincipal(request: IncomingMessage, principal: Principal): void {
  principals.set(request, principal);
}

/** The request's principal, or null when no auth layer ran (a handler mounted on its own). */
export function principalOf(request: IncomingMessage): Principal | null {
  return principals.get(request) ?? null;
}

/** 401 without a role (sign in), 403 when the role is too low. @throws ApiError */
export function requireRole(principal: Principal | null, required: Role, what: string): void {
  if (principal === null) return;
  if (principal.role === null) {
    throw new ApiError("UNAUTHORIZED", principal.name === null ? `Sign-in required to ${what}.` : `${principal.name} has no role on this server; ask an admin for access to ${what}.`);
  }
  if (!roleAllows(principal.role, required)) throw new ApiError("FORBIDDEN", `Your role (${principal.role}) cannot ${what}; it needs ${required}.`);
}
