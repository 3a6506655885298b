/**
 * A small router: each API area (health, ingest, locations, runs; later GraphQL and the UI)
 * registers its routes in its own module. Paths use `:param` segments.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError } from "@flyt/protocol";

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
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, path: string, handler: Handler): this {
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
    this.routes.push({ method, pattern, names, handler });
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
        params[name] = decodeURIComponent(match[i + 1]!);
      });
      await route.handler({ request, response, params, url });
      return;
    }
    if (pathMatched) throw new ApiError("NOT_FOUND", `${request.method ?? "?"} is not allowed on ${url.pathname}.`);
    throw new ApiError("NOT_FOUND", `No endpoint ${request.method ?? "?"} ${url.pathname}.`);
  }
}
