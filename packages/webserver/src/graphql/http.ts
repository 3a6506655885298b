/**
 * The HTTP side of the API, as one Node request handler the webserver mounts:
 * - `POST|GET /graphql`: GraphQL over HTTP (graphql-http), with request-size, depth, cost and
 *   alias limits; errors that are not the client's fault are masked ("internal error", logged
 *   server-side with an id) so no stack trace or internal message reaches a client.
 * - `GET /api/runs/<runId>/events?after=<id>`: server-sent events of one run (run-stream.ts).
 * - `GET /api/runs/events`: server-sent status changes of all runs (run-changes-stream.ts).
 * - `GET /api/backfills/<id>/events`: server-sent progress of one backfill (backfill-stream.ts).
 * - everything else under GET: the UI's static build (index.html for client-side routes).
 * `handle()` resolves to false for requests it does not own, so the webserver can try others.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { GraphQLError, parse, validate, type DocumentNode, type ValidationRule } from "graphql";
import { createHandler } from "graphql-http";
import { isCallerFault } from "@flyt/core";
import { StorageUnavailableError } from "@flyt/storage";
import { ApiError, readTextBody, sendJson } from "@flyt/protocol";
import { principalOf } from "../auth/guard.js";
import type { Principal } from "../auth/authenticator.js";
import { roleAllows } from "../auth/roles.js";
import type { ApiOptions, RequestContext, Viewer } from "./context.js";
import { DEFAULT_LIMITS, limitErrors, type QueryLimits } from "./limits.js";
import { BackfillStreamHub } from "./backfill-stream.js";
import { RunChangeStreamHub } from "./run-changes-stream.js";
import { RunStreamHub } from "./run-stream.js";
import { flytSchema } from "./schema.js";
import { serveStatic } from "./static.js";

export interface ApiHandlerOptions extends ApiOptions {
  /** The UI's build folder (packages/ui/dist); no UI is served when null. */
  uiDir?: string | null;
  /** Largest accepted request body (default 256 KiB). */
  maxBodyBytes?: number;
  /** Overrides of DEFAULT_LIMITS (docs/api.md). */
  limits?: Partial<QueryLimits>;
  /** Server-sent event poll interval of live runs (default 250 ms). */
  streamPollMs?: number;
  /** Poll interval of live backfill progress (default 1 s: the daemon updates a backfill at most once per tick). */
  backfillStreamPollMs?: number;
  /** Safety poll of the all-runs change stream (default 2 s on SQLite, 15 s with a cross-process change feed). */
  runChangesPollMs?: number;
}

export interface ApiHandler {
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** Ends open event streams. */
  close(): void;
}

const DEFAULT_MAX_BODY = 256 * 1024;

/** Paths other webserver modules own: never answered with the UI's index.html. */
const SERVER_PATHS = /^\/(api|ingest|v1|healthz|readyz|metrics)(\/|$)/;

function viewerOf(principal: Principal | null): Viewer {
  if (principal === null) return { canMutate: true };
  return { canMutate: roleAllows(principal.role, "operator"), name: principal.name, email: principal.email, role: principal.role };
}

/** What a graphql-http status without a body means, for the caller. */
function protocolProblem(status: number, req: IncomingMessage): string {
  const contentType = req.headers["content-type"];
  switch (status) {
    case 405:
      return `${req.method ?? "?"} is not allowed on /graphql: send POST (or GET for queries).`;
    case 406:
      return `None of the accepted media types (${JSON.stringify(req.headers.accept ?? "")}) can be produced: accept application/json or application/graphql-response+json.`;
    case 415:
      return `Unsupported content type ${JSON.stringify(contentType ?? "(none)")}: send the request as application/json.`;
    default:
      return `The GraphQL request was refused (HTTP ${status}).`;
  }
}

function pickHeaders(headers: unknown, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof headers !== "object" || headers === null) return out;
  for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
    if (names.includes(name.toLowerCase()) && typeof value === "string") out[name] = value;
  }
  return out;
}

export function createApiHandler(options: ApiHandlerOptions): ApiHandler {
  const schema = flytSchema();
  const log = options.log ?? ((record) => process.stderr.write(JSON.stringify(record) + "\n"));
  const limits: QueryLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const hub = new RunStreamHub(options.storage, options.streamPollMs ?? 250);
  const backfillHub = new BackfillStreamHub(options.storage, options.backfillStreamPollMs ?? 1_000);
  const changesHub = new RunChangeStreamHub(options.storage, options.runChangesPollMs === undefined ? {} : { pollMs: options.runChangesPollMs });

  const mask = (error: GraphQLError): GraphQLError => {
    const original = error.originalError;
    if (original === undefined || original instanceof GraphQLError) return error;
    // Caller faults (core's CALLER_FAULT_CODES: bad cursors, page sizes, selections…) keep their message.
    if (isCallerFault(original)) {
      return new GraphQLError(original.message, { nodes: error.nodes ?? null, path: error.path ?? null, extensions: { code: original.code } });
    }
    // Storage down is an outage to wait out, not an internal error: say so, the UI retries.
    if (original instanceof StorageUnavailableError) {
      return new GraphQLError("Storage is unreachable; retry shortly.", { nodes: error.nodes ?? null, path: error.path ?? null, extensions: { code: "UNAVAILABLE" } });
    }
    const id = randomUUID();
    log({ level: "error", component: "webserver", msg: "GraphQL resolver failed", errorId: id, path: error.path?.join("."), error: original.message, stack: original.stack });
    return new GraphQLError(`Internal error (id ${id}); the server log has the details.`, { nodes: error.nodes ?? null, path: error.path ?? null, extensions: { code: "INTERNAL" } });
  };

  /** Limit errors of documents refused by `validationRules`, for `validate` to return as they are. */
  const overLimits = new WeakMap<DocumentNode, GraphQLError[]>();
  const graphql = createHandler<IncomingMessage, undefined, any>({
    schema,
    context: (req: { raw: IncomingMessage }): any => {
      const viewer = options.viewer ? options.viewer(req.raw) : viewerOf(principalOf(req.raw));
      const ctx: RequestContext = { options, viewer, now: (options.now ?? Date.now)(), cache: new Map() };
      return ctx;
    },
    // Bounded before anything expands the document: the parser stops at maxTokens, and the limits
    // (linear in the document) are checked before graphql-js's own rules, which see only a
    // document within them (some of those rules are quadratic in the fields they compare).
    parse: (source) => parse(source, { maxTokens: limits.maxTokens }),
    validationRules: (_req, args, specified): readonly ValidationRule[] => {
      const errors = limitErrors(args.document, args.variableValues ?? {}, limits, schema);
      if (errors.length === 0) return specified;
      overLimits.set(args.document, errors);
      return [];
    },
    // A document over the limits is answered with their errors without graphql-js's validation
    // walking it at all (even with no rules, that walk was half the cost of refusing 1,000 aliases).
    validate: (validateSchema, document, rules, options, typeInfo) => overLimits.get(document) ?? validate(validateSchema, document, rules, options, typeInfo),
    onOperation: (_req, _args, result) => {
      const out = result;
      if (out.errors && out.errors.length > 0) return { ...out, errors: out.errors.map(mask) };
      return undefined;
    },
  });

  const handleGraphQL = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let body = "";
    if (req.method === "POST") {
      try {
        body = await readTextBody(req, maxBody);
      } catch (error) {
        if (error instanceof ApiError && error.code === "PAYLOAD_TOO_LARGE") {
          sendJson(res, 413, { errors: [{ message: `Request body too large: the limit is ${maxBody} bytes.` }] }, req.complete ? {} : { connection: "close" });
          return;
        }
        throw error;
      }
    }
    const [responseBody, init] = await graphql({
      method: req.method ?? "GET",
      url: req.url ?? "/graphql",
      headers: { get: (name: string) => { const v = req.headers[name.toLowerCase()]; return Array.isArray(v) ? v.join(", ") : (v ?? null); } },
      body,
      raw: req,
      context: undefined,
    });
    if (init.status >= 400 && (responseBody === null || responseBody === "")) {
      // graphql-http answers some protocol mistakes (method, content type, Accept) with an empty
      // body; a caller gets a JSON error saying what to send instead.
      sendJson(res, init.status, { errors: [{ message: protocolProblem(init.status, req) }] }, pickHeaders(init.headers, ["allow", "accept"]));
      return;
    }
    const headers = { ...(init.headers) };
    // graphql-http's GET-mutation refusal carries a JSON body but no content type.
    if (!Object.keys(headers).some((name) => name.toLowerCase() === "content-type") && responseBody?.startsWith("{")) headers["content-type"] = "application/json; charset=utf-8";
    res.writeHead(init.status, init.statusText, headers);
    res.end(responseBody);
  };

  return {
    async handle(req, res) {
      const url = new URL(req.url ?? "/", "http://localhost");
      try {
        if (url.pathname === "/graphql") {
          await handleGraphQL(req, res);
          return true;
        }
        if (url.pathname === "/api/runs/events" && req.method === "GET") {
          await changesHub.serve(req, res);
          return true;
        }
        const stream = /^\/api\/runs\/([^/]+)\/events$/.exec(url.pathname);
        if (stream && req.method === "GET") {
          let runId: string;
          try {
            runId = decodeURIComponent(stream[1]!);
          } catch {
            // A malformed escape is the caller's mistake (it answered 500 with decodeURIComponent's URIError).
            sendJson(res, 400, { errors: [{ message: `The run id ${JSON.stringify(stream[1]!.slice(0, 200))} in the path is not valid percent-encoding (UTF-8).` }] });
            return true;
          }
          await hub.serve(runId, url.searchParams.get("after"), req, res);
          return true;
        }
        const backfillStream = /^\/api\/backfills\/([^/]+)\/events$/.exec(url.pathname);
        if (backfillStream && req.method === "GET") {
          let backfillId: string;
          try {
            backfillId = decodeURIComponent(backfillStream[1]!);
          } catch {
            sendJson(res, 400, { errors: [{ message: `The backfill id ${JSON.stringify(backfillStream[1]!.slice(0, 200))} in the path is not valid percent-encoding (UTF-8).` }] });
            return true;
          }
          await backfillHub.serve(backfillId, req, res);
          return true;
        }
        if (options.uiDir && (req.method === "GET" || req.method === "HEAD") && !SERVER_PATHS.test(url.pathname)) {
          return await serveStatic(options.uiDir, url.pathname, req, res);
        }
        return false;
      } catch (error) {
        if (error instanceof StorageUnavailableError) {
          log({ level: "warn", component: "webserver", msg: "storage unreachable", path: url.pathname, error: error.message });
          if (!res.headersSent) sendJson(res, 503, { errors: [{ message: "Storage is unreachable; retry shortly." }] }, { "retry-after": "1" });
          else res.end();
          return true;
        }
        const id = randomUUID();
        log({ level: "error", component: "webserver", msg: "request failed", errorId: id, path: url.pathname, error: error instanceof Error ? error.message : String(error) });
        if (!res.headersSent) sendJson(res, 500, { errors: [{ message: `Internal error (id ${id}); the server log has the details.` }] });
        else res.end();
        return true;
      }
    },
    close() {
      hub.close();
      backfillHub.close();
      changesHub.close();
    },
  };
}
