/**
 * A small router: each API area (health, ingest, locations, runs; later GraphQL and the UI)
 * registers its routes in its own module. Paths use `:param` segments.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError } from "@flyt/protocol";
import { principalOf, requireRole } from "./auth/guard.js";
import type { Role } from "./auth/roles.js";

export interface RouteContext {
  request: IncomingMessage;
  response: ServerResponse;
  params: Record<string, string>;
  url: URL;
}

export type Handler = (context: RouteContext) => Promise<void>;

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
  access: RouteAccess | null;
}

/** The role a route needs and what it does, for the 401/403 message; routes without one are public (health, ingest). */
export interface RouteAccess {
  role: Role;
  what: string;
}

/**
 * A `:param` segment, percent-decoded. A malformed escape (`%E0%A4%A`) is the caller's mistake:
 * 400 naming the segment, not the URIError decodeURIComponent throws (which answered 500).
 */
export function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ApiError("BAD_REQUEST", `The path segment ${JSON.stringify(segment.slice(0, 200))} is not valid percent-encoding (UTF-8).`);
  }
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, path: string, handler: Handler, access: RouteAccess | null = null): this {
    const names: string[] = [];
    const pattern = new RegExp(
      `^${path
        .split("/")
        .map((segment) => {
          if (!segment.startsWith(":")) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
          names.push(segment.slice(1));
          return "([^/]+)";
        })
        .join("/")}$`,
    );
    this.routes.push({ method, pattern, names, handler, access });
    return this;
  }

  async dispatch(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://flyt");
    let pathMatched = false;
    for (const route of this.routes) {
      const match = route.pattern.exec(url.pathname);
      if (!match) continue;
      pathMatched = true;
      if (route.method !== request.method) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => {
        params[name] = decodePathSegment(match[i + 1]!);
      });
      if (route.access !== null) requireRole(principalOf(request), route.access.role, route.access.what);
      await route.handler({ request, response, params, url });
      return;
    }
    if (pathMatched) throw new ApiError("NOT_FOUND", `${request.method ?? "?"} is not allowed on ${url.pathname}.`);
    throw new ApiError("NOT_FOUND", `No endpoint ${request.method ?? "?"} ${url.pathname}.`);
  }
}
