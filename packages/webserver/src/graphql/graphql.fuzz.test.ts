/**
 * Fuzzing the GraphQL endpoint of a real webserver (HTTP on 127.0.0.1, the API handler, SQLite
 * storage holding a few runs, the fixture definitions) with fast-check: documents built from the
 * schema's own fields and arguments (random aliases, inline and named fragments, directives,
 * arguments of the right and the wrong types), then mutated (cut, duplicated, tokens spliced in);
 * the hostile shapes (fragment bombs, alias floods, deep nesting, fragment cycles); random
 * variables, operation names, methods, content types, Accept headers and raw bodies.
 *
 * Properties, for every request: the answer is never a 5xx, a 4xx is JSON naming the problem,
 * no GraphQL error is an internal one (a resolver that failed on the caller's input is a bug),
 * the server logs no error, nothing is left unhandled, and `/healthz` keeps answering. Oversized
 * bodies are refused before they are buffered: a 64 MiB chunked upload gets its 413 while the
 * server's heap grows by far less than the upload.
 * Seeds are fixed (fuzz-support.ts): a failure prints the seed and path that replay it.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { fileURLToPath } from "node:url";
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLInterfaceType,
} from "graphql";
import { createTestStorage, type TestStorage } from "@flyt/storage/testing";
import { startWebserver, type Webserver } from "../server.js";
import { chunkedUpload, fuzzParams } from "../fuzz-support.js";
import { queueRunController } from "./controller.js";
import { createApiHandler } from "./http.js";
import { LocalDefinitions } from "./test-fixtures/local-definitions.js";
import { flytSchema } from "./schema.js";
import { aliasFlood, fragmentBomb } from "./test-fixtures/hostile-queries.js";

const FIXTURE = fileURLToPath(new URL("./test-fixtures/definitions.js", import.meta.url));
const schema = flytSchema();
type Gen = fc.GeneratorValue;
type Composite = GraphQLObjectType | GraphQLInterfaceType;

/** Values a caller might send for an argument: right-typed, wrong-typed, extreme. */
const STRINGS = ["", "*", "shop/raw_orders", "shop/raw_orders+", "group:ingest", "tag:tier=bronze", "((((", "shop:nightly", "nope", "\u0000", "\ud800", "é".repeat(300), "x".repeat(5000)];
const stringArb = fc.oneof(fc.constantFrom(...STRINGS), fc.string({ maxLength: 40 }), fc.string({ unit: "binary", maxLength: 20 }), fc.base64String({ maxLength: 60 }));
const intArb = fc.oneof(fc.integer({ min: -5, max: 600 }), fc.constantFrom(0, -1, 2 ** 31 - 1, -(2 ** 31), 10_000_000));

function gqlString(value: string): string {
  return JSON.stringify(value);
}

/** A GraphQL literal for an input type; sometimes of another type on purpose. */
function literal(g: Gen, type: GraphQLInputType, depth: number, dirty: boolean): string {
  if (dirty && g(fc.integer, { min: 0, max: 9 }) === 0) return g(fc.constantFrom, "null", "1", '"x"', "true", "[]", "{}", "$v", "ENUMISH", "1e400", "-0", "9999999999999999999");
  if (isNonNullType(type)) return literal(g, type.ofType, depth, dirty);
  if (isListType(type)) {
    const n = g(fc.integer, { min: 0, max: 3 });
    return `[${Array.from({ length: n }, () => literal(g, type.ofType, depth + 1, dirty)).join(", ")}]`;
  }
  const named = type;
  if (isScalarType(named)) {
    switch (named.name) {
      case "Int":
        return String(g(() => intArb));
      case "Float":
        return String(g(fc.double, { noNaN: true, noDefaultInfinity: true }));
      case "Boolean":
        return String(g(fc.boolean));
      default:
        return gqlString(g(() => stringArb));
    }
  }
  if (isEnumType(named)) {
    const values = named.getValues().map((v) => v.name);
    return dirty && g(fc.boolean) ? g(fc.constantFrom, ...values, "NOT_A_VALUE", "running") : g(fc.constantFrom, ...values);
  }
  if (isInputObjectType(named)) {
    if (depth > 3) return "{}";
    const fields = Object.values(named.getFields()).filter(() => g(fc.boolean));
    return `{ ${fields.map((f) => `${f.name}: ${literal(g, f.type, depth + 1, dirty)}`).join(", ")} }`;
  }
  return "null";
}

interface Built {
  fragments: string[];
  fragmentCount: number;
  /** Deliberate mistakes (wrong types, unknown names, undeclared variables); off for half the documents. */
  dirty: boolean;
}

function fieldSelection(g: Gen, parent: Composite, field: GraphQLField<unknown, unknown>, depth: number, built: Built, index: number): string {
  const alias = g(fc.integer, { min: 0, max: 4 }) === 0 ? `a${index}_${depth}: ` : "";
  const { dirty } = built;
  const args = field.args.filter((a) => isNonNullType(a.type) || g(fc.integer, { min: 0, max: 2 }) === 0).map((a) => `${a.name}: ${literal(g, a.type, 0, dirty)}`);
  if (dirty && g(fc.integer, { min: 0, max: 9 }) === 0) args.push(`unknownArg: ${literal(g, schema.getType("String") as GraphQLInputType, 0, dirty)}`);
  const directive = g(fc.integer, { min: 0, max: 9 }) === 0 ? ` @${g(fc.constantFrom, "include", "skip")}(if: ${dirty ? g(fc.constantFrom, "true", "false", "$flag", '"yes"') : g(fc.constantFrom, "true", "false")})` : "";
  const head = `${alias}${field.name}${args.length ? `(${args.join(", ")})` : ""}${directive}`;
  const named = getNamedType(field.type);
  const sub = subSelection(g, named, depth + 1, built);
  return sub === "" ? head : `${head} ${sub}`;
}

function subSelection(g: Gen, type: GraphQLNamedType, depth: number, built: Built): string {
  if (isObjectType(type) || isInterfaceType(type)) return selectionSet(g, type, depth, built);
  if (isUnionType(type)) {
    const members = type.getTypes();
    const picked = members.filter(() => g(fc.boolean)).slice(0, 3);
    return `{ __typename ${picked.map((m) => `... on ${m.name} ${selectionSet(g, m, depth + 1, built)}`).join(" ")} }`;
  }
  return "";
}

function selectionSet(g: Gen, type: Composite, depth: number, built: Built): string {
  const fields = Object.values(type.getFields());
  if (depth > g(fc.integer, { min: 2, max: 6 })) {
    const leaf = fields.find((f) => !isObjectType(getNamedType(f.type)) && !isInterfaceType(getNamedType(f.type)) && !isUnionType(getNamedType(f.type)) && f.args.every((a) => !isNonNullType(a.type)));
    return `{ ${leaf ? leaf.name : "__typename"} }`;
  }
  const count = g(fc.integer, { min: 1, max: 4 });
  const parts: string[] = [];
  for (let i = 0; i < count; i++) {
    const roll = g(fc.integer, { min: 0, max: 11 });
    if (roll === 0) parts.push("__typename");
    else if (roll === 1 && built.fragmentCount < 4) {
      // A named fragment on this type (sometimes on another one, or spread twice).
      const name = `Frag${built.fragmentCount++}`;
      const on = built.dirty && g(fc.boolean) ? g(fc.constantFrom, "Query", "Run", "Asset", "Nope") : type.name;
      built.fragments.push(`fragment ${name} on ${on} ${selectionSet(g, type, depth + 1, built)}`);
      parts.push(`...${name}`);
      if (g(fc.boolean)) parts.push(`...${name}`);
    } else if (roll === 2) parts.push(`... on ${type.name} ${selectionSet(g, type, depth + 1, built)}`);
    else if (roll === 3 && built.dirty) parts.push(`...${g(fc.constantFrom, "Missing", "Frag0")}`);
    else parts.push(fieldSelection(g, type, fields[g(fc.integer, { min: 0, max: fields.length - 1 })]!, depth, built, i));
  }
  return `{ ${parts.join(" ")} }`;
}

/** A document from the schema: a query (mostly), a mutation or a subscription, with variables declared or not. */
function schemaDocument(g: Gen): string {
  const built: Built = { fragments: [], fragmentCount: 0, dirty: g(fc.integer, { min: 0, max: 2 }) === 0 };
  const kind = built.dirty ? g(fc.constantFrom, "query", "mutation", "subscription", "") : g(fc.constantFrom, "query", "query", "query", "mutation", "");
  const root = kind === "mutation" ? schema.getMutationType()! : schema.getQueryType()!;
  const vars = built.dirty && g(fc.boolean) ? `($v: ${g(fc.constantFrom, "Int", "String", "Boolean", "[String!]!", "RunsFilter", "Nope")}, $flag: Boolean = true)` : "";
  const name = g(fc.boolean) ? ` Op${g(fc.integer, { min: 0, max: 2 })}` : "";
  const body = selectionSet(g, root, 0, built);
  const head = kind === "" ? "" : `${kind}${name}${vars} `;
  return `${head}${body}\n${built.fragments.join("\n")}`;
}

const TOKENS = ["{", "}", "(", ")", "...", "... on Query", ":", "$v", "@include(if: true)", '"', '"""', "#", "\\u0000", "query", "mutation", "fragment F on Query { viewer { name } }", "...F", "[", "]", "!", "=", "1e999", "\u2028", "\ud83d"];

/** Cuts, duplicates and splices tokens into a document. */
function mutate(g: Gen, doc: string): string {
  let out = doc;
  const edits = g(fc.integer, { min: 0, max: 3 });
  for (let i = 0; i < edits; i++) {
    const at = g(fc.integer, { min: 0, max: out.length });
    const len = g(fc.integer, { min: 0, max: Math.min(40, out.length - at) });
    switch (g(fc.integer, { min: 0, max: 3 })) {
      case 0:
        out = out.slice(0, at) + out.slice(at + len);
        break;
      case 1:
        out = out.slice(0, at) + out.slice(at, at + len).repeat(g(fc.integer, { min: 2, max: 50 })) + out.slice(at);
        break;
      case 2:
        out = out.slice(0, at) + g(fc.constantFrom, ...TOKENS) + out.slice(at);
        break;
      default:
        out = out.slice(0, at);
    }
  }
  return out;
}

/** The hostile shapes the limits exist for, at random sizes. */
function hostileDocument(g: Gen): string {
  switch (g(fc.integer, { min: 0, max: 6 })) {
    case 0:
      return fragmentBomb(g(fc.integer, { min: 2, max: 40 }));
    case 1:
      return aliasFlood(g(fc.integer, { min: 1, max: 2000 }));
    case 2: {
      // Deep nesting of a real field path (run → events … ) or of one field repeated.
      const depth = g(fc.integer, { min: 5, max: 400 });
      return `${"{ runs { nodes { ".repeat(Math.ceil(depth / 3))}runId${" } }".repeat(Math.ceil(depth / 3))} }`;
    }
    case 3: {
      const n = g(fc.integer, { min: 2, max: 30 });
      const frags = Array.from({ length: n }, (_, i) => `fragment C${i} on Query { viewer { name } ...C${(i + 1) % n} }`);
      return `{ ...C0 }\n${frags.join("\n")}`;
    }
    case 4:
      // Many directives, many arguments, long names: token-heavy documents.
      return `{ viewer ${"@include(if: true) ".repeat(g(fc.integer, { min: 1, max: 5000 }))}{ name } }`;
    case 5:
      return `{ ${"x".repeat(g(fc.integer, { min: 1, max: 200_000 }))} }`;
    default:
      return `query { runs(first: ${g(() => intArb)}) { nodes { events(first: ${g(() => intArb)}) { message } assetKeys } } }`;
  }
}

interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | Uint8Array | undefined;
  what: string;
}

function request(g: Gen): Sent {
  const docKind = g(fc.integer, { min: 0, max: 9 });
  const document = docKind < 5 ? schemaDocument(g) : docKind < 8 ? mutate(g, schemaDocument(g)) : hostileDocument(g);
  const variables = g(fc.integer, { min: 0, max: 3 }) === 0 ? g(fc.jsonValue, { maxDepth: 3 }) : { v: g(fc.jsonValue, { maxDepth: 2 }), flag: g(() => fc.oneof(fc.boolean(), fc.string())) };
  const operationName = g(fc.integer, { min: 0, max: 3 }) === 0 ? g(fc.constantFrom, "Op0", "Op1", "Nope", 5, null) : undefined;
  const accept = g(fc.integer, { min: 0, max: 4 }) === 0 ? g(fc.constantFrom, "application/graphql-response+json", "*/*", "text/html", "application/xml", "", undefined) : "application/json";
  const headers: Record<string, string> = accept === undefined ? {} : { accept };
  const shape = g(fc.integer, { min: 0, max: 9 });
  if (shape <= 5) {
    const contentType = shape <= 3 ? "application/json" : g(fc.constantFrom, "application/json; charset=utf-16", "text/plain", "application/graphql", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "", "application/json; charset=latin1");
    if (contentType !== "") headers["content-type"] = contentType;
    return { method: "POST", path: "/graphql", headers, body: JSON.stringify({ query: document, variables, operationName }), what: document };
  }
  if (shape === 6) {
    const params = new URLSearchParams({ query: document.slice(0, 6000), variables: JSON.stringify(variables) });
    return { method: "GET", path: `/graphql?${params.toString()}`, headers, body: undefined, what: document };
  }
  headers["content-type"] = "application/json";
  if (shape === 7) {
    // A body of the wrong shape: JSON but not a GraphQL request, or the request inside an array (batching).
    const body = g(() => fc.oneof(fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)), fc.constant(JSON.stringify([{ query: document }])), fc.constant(JSON.stringify({ query: { document } }))));
    return { method: "POST", path: "/graphql", headers, body, what: body.slice(0, 200) };
  }
  if (shape === 8) {
    const bytes = g(fc.uint8Array, { maxLength: 2000 });
    return { method: g(fc.constantFrom, "POST", "PUT", "PATCH", "DELETE"), path: "/graphql", headers, body: bytes, what: `${bytes.length} random bytes` };
  }
  return { method: g(fc.constantFrom, "OPTIONS", "HEAD", "DELETE", "GET"), path: g(fc.constantFrom, "/graphql", "/graphql?query=", "/graphql?query=%7B", "/graphql?%ZZ", "/api/runs/%E0%A4%A/events", "/api/runs/nope/events?after=abc"), headers, body: undefined, what: "odd method/path" };
}

void describe("GraphQL endpoint under fuzzing (real webserver, SQLite)", () => {
  let store: TestStorage;
  let web: Webserver;
  const errors: Array<Record<string, unknown>> = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };

  before(async () => {
    process.on("unhandledRejection", onUnhandled);
    process.on("uncaughtException", onUnhandled);
    store = await createTestStorage("sqlite");
    // A few runs with events, so the resolvers have data to walk.
    for (let i = 0; i < 3; i++) {
      const { run } = await store.storage.createRun({ selection: "shop/raw_orders", assetKeys: ["shop/raw_orders"], location: "shop", status: "STARTED" });
      await store.storage.appendEvents([
        { runId: run.runId, seq: 1, timestamp: Date.now(), stepKey: null, body: { type: "RUN_PLANNED", steps: [{ stepKey: "shop/raw_orders", assetKeys: ["shop/raw_orders"] }] } },
        { runId: run.runId, seq: 2, timestamp: Date.now(), stepKey: "shop/raw_orders", body: { type: "LOG", level: "info", message: `hello ${i}` } },
        { runId: run.runId, seq: 3, timestamp: Date.now(), stepKey: "shop/raw_orders", body: { type: "ASSET_MATERIALIZATION", assetKey: "shop/raw_orders", partition: null, metadata: { rows: { type: "int", value: i } } } },
      ]);
    }
    const log = (record: Record<string, unknown>): void => {
      if (record.level === "error") errors.push(record);
    };
    const definitions = await LocalDefinitions.load("shop", FIXTURE);
    // Runs are only queued (no daemon here), so fuzzed mutations cannot start processes.
    const api = createApiHandler({ storage: store.storage, definitions, runs: queueRunController(store.storage), log });
    web = await startWebserver({ storage: store.storage, port: 0, api, log });
  });
  after(async () => {
    process.off("unhandledRejection", onUnhandled);
    process.off("uncaughtException", onUnhandled);
    await web.close();
    await store[Symbol.asyncDispose]();
  });

  const send = async (sent: Sent): Promise<{ status: number; contentType: string; text: string }> => {
    const response = await fetch(`${web.url}${sent.path}`, { method: sent.method, headers: sent.headers, ...(sent.body === undefined ? {} : { body: sent.body }) });
    return { status: response.status, contentType: response.headers.get("content-type") ?? "", text: await response.text() };
  };

  void it("answers random and mutated documents, variables and bodies without a 5xx, an internal error or a crash", async () => {
    let count = 0;
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.gen(), async (g) => {
        const sent = request(g);
        const started = performance.now();
        if (process.env.FLYT_FUZZ_DEBUG) process.stderr.write(`>> ${sent.method} ${sent.path.slice(0, 80)} ${sent.what.slice(0, 300)}\n`);
        const { status, contentType, text } = await send(sent);
        if (process.env.FLYT_FUZZ_DEBUG) process.stderr.write(`<< ${status} ${(performance.now() - started).toFixed(0)} ms\n`);
        const where = `${sent.method} ${sent.path.slice(0, 100)} → ${status}: ${text.slice(0, 300)}\nrequest: ${sent.what.slice(0, 400)}`;
        assert.ok(status < 500, `a 5xx: ${where}`);
        if (sent.method !== "HEAD" && sent.method !== "OPTIONS" && status !== 204) {
          assert.match(contentType, /json/, `not JSON: ${where}`);
          const body = JSON.parse(text) as { errors?: Array<{ message?: unknown; extensions?: { code?: unknown } }>; error?: { message?: unknown }; data?: unknown };
          if (status >= 400) {
            const message = body.errors?.[0]?.message ?? body.error?.message;
            assert.ok(typeof message === "string" && message.length > 0, `a ${status} without an error message: ${where}`);
          }
          for (const error of body.errors ?? []) assert.notEqual(error.extensions?.code, "INTERNAL", `an internal error for the caller's input: ${where}`);
        }
        assert.deepEqual(errors, [], `the server logged an error: ${where}`);
        assert.deepEqual(unhandled, [], `unhandled: ${where}`);
        const kind = status >= 400 ? `${status}` : /"data":\{/.test(text) ? "data" : "errors";
        seen.set(kind, (seen.get(kind) ?? 0) + 1);
        if (++count % 25 === 0) assert.equal((await fetch(`${web.url}/healthz`)).status, 200);
      }),
      fuzzParams(0x6e41_0001, 300),
    );
    if (process.env.FLYT_FUZZ_DEBUG) console.log(Object.fromEntries(seen));
    // The generator must reach execution (answers with data) as well as the refusals, or it tests little.
    assert.ok((seen.get("data") ?? 0) >= 15 && (seen.get("errors") ?? 0) >= 30 && (seen.get("400") ?? 0) >= 10, JSON.stringify(Object.fromEntries(seen)));
    assert.equal((await fetch(`${web.url}/healthz`)).status, 200);
  });

  void it("refuses the hostile shapes with an error naming the limit, each in well under a second", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 21, max: 60 }), fc.integer({ min: 31, max: 3000 }), async (levels, aliases) => {
        for (const [query, limit] of [
          [fragmentBomb(levels), /fields once its fragments are expanded|too expensive/],
          [aliasFlood(aliases), /aliases; the limit is 30/],
        ] as const) {
          const started = performance.now();
          const response = await send({ method: "POST", path: "/graphql", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }), what: query });
          const ms = performance.now() - started;
          assert.ok(response.status < 500);
          const body = JSON.parse(response.text) as { data?: unknown; errors?: Array<{ message: string }> };
          assert.equal(body.data, undefined, "refused before execution");
          assert.ok(body.errors?.some((e) => limit.test(e.message)), response.text.slice(0, 300));
          assert.ok(ms < 1_000, `took ${ms} ms`);
        }
      }),
      fuzzParams(0x6e41_0002, 20),
    );
  });

  void it("refuses oversized bodies (declared or chunked) with 413 before buffering them", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 256 * 1024 + 1, max: 2 * 1024 * 1024 }), fc.boolean(), async (size, chunked) => {
        const bytes = new Uint8Array(size).fill(0x20);
        const body = chunked
          ? new ReadableStream<Uint8Array>({
              start(controller) {
                for (let at = 0; at < size; at += 65_536) controller.enqueue(bytes.subarray(at, at + 65_536));
                controller.close();
              },
            })
          : bytes;
        const response = await fetch(`${web.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body, ...(chunked ? { duplex: "half" } : {}) });
        assert.equal(response.status, 413);
        assert.match(((await response.json()) as { errors: Array<{ message: string }> }).errors[0]!.message, /Request body too large: the limit is 262144 bytes/);
      }),
      fuzzParams(0x6e41_0003, 10),
    );
    // Memory: chunked uploads are never kept; the heap does not grow by what was sent.
    globalThis.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const upload = (total: number): Promise<{ status: number | null; sentBytes: number }> => chunkedUpload(`${web.url}/graphql`, total, {}, /Request body too large/);
    assert.equal((await upload(20 * 1024 * 1024)).status, 413, "a 20 MiB chunked upload gets its 413");
    const huge = await upload(256 * 1024 * 1024);
    assert.ok(huge.status === 413 || huge.status === null, `status ${String(huge.status)}`);
    assert.ok(huge.sentBytes < 128 * 1024 * 1024, `the server read ${huge.sentBytes} bytes of a 256 MiB upload instead of stopping after the drain cap`);
    const grown = process.memoryUsage().heapUsed - heapBefore;
    assert.ok(grown < 32 * 1024 * 1024, `heap grew by ${grown} bytes for one refused request`);
    assert.equal((await fetch(`${web.url}/healthz`)).status, 200);
  });
});
