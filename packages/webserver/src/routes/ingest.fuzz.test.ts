/**
 * Fuzzing the ingest API (`/ingest/v1/...`) of a real webserver over SQLite with fast-check: valid
 * event batches of the run's own token, then mutated — fields dropped or of the wrong type, seqs
 * out of range or fractional, timestamps at the ends of the doubles, huge strings, deep nesting,
 * other runs and assets, batches over 1,000 events — with good, wrong, malformed and other runs'
 * tokens, other protocol versions, odd paths and raw bodies.
 *
 * Properties: no 5xx (storage stays up here, so a 5xx is a bug), every 4xx is the protocol's JSON
 * error with a code and message, nothing is logged as an error or left unhandled, `/healthz`
 * answers throughout; oversized bodies (a 15 MiB LOG message, a chunked 64 MiB upload) are refused
 * with 413 before they are read whole. Seeds are fixed (../fuzz-support.ts).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import type { EventBody } from "@flyt/core";
import { createTestStorage, type TestStorage } from "@flyt/storage/testing";
import { mintRunToken } from "@flyt/workspace";
import { chunkedUpload, fuzzParams } from "../fuzz-support.js";
import { startWebserver, type Webserver } from "../server.js";

type Gen = fc.GeneratorValue;

const hugeString = fc.oneof(
  fc.string({ maxLength: 50 }),
  fc.string({ unit: "binary", maxLength: 50 }),
  fc.integer({ min: 0, max: 200_000 }).map((n) => "x".repeat(n)),
  fc.constantFrom("", "\u0000", "\ud800", "é".repeat(40_000)),
);
const weirdNumber = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 1.5, 2 ** 53, 2 ** 60, -(2 ** 60), 1e308, -1e308, Number.MAX_SAFE_INTEGER, 10_000_000));
const weirdValue = fc.oneof(weirdNumber, hugeString, fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 3 }));

/**
 * Deep nesting is spliced into the request text after JSON.stringify (which would overflow on the
 * client side first): the marker string becomes `[{"k":[{"k":…1…}]}]`, `depth` levels deep.
 */
function nested(depth: number): string {
  return `__NESTED_${depth}__`;
}
function withNesting(text: string): string {
  return text.replace(/"__NESTED_(\d+)__"/g, (_, n: string) => {
    const depth = Number(n);
    let open = "";
    let close = "";
    for (let i = 0; i < depth; i++) {
      open += i % 2 === 0 ? "[" : '{"k":';
      close = (i % 2 === 0 ? "]" : "}") + close;
    }
    return `${open}1${close}`;
  });
}

void describe("ingest API under fuzzing (real webserver, SQLite)", () => {
  let store: TestStorage;
  let web: Webserver;
  let runId: string;
  let otherRunId: string;
  let token: string;
  let otherToken: string;
  let revokedToken: string;
  let seq = 10;
  const errors: Array<Record<string, unknown>> = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };

  const validBody = (g: Gen): EventBody => {
    switch (g(fc.integer, { min: 0, max: 7 })) {
      case 0:
        return { type: "LOG", level: g(fc.constantFrom, "debug", "info", "warn", "error"), message: g(fc.string, { maxLength: 200 }), ...(g(fc.boolean) ? { fields: { n: g(fc.integer) } } : {}) };
      case 1:
        return { type: "STEP_OUTPUT", stream: g(fc.constantFrom, "stdout", "stderr"), text: g(fc.string, { maxLength: 500 }) };
      case 2:
        return { type: "ASSET_MATERIALIZATION", assetKey: "loc/a", partition: null, metadata: { rows: { type: "int", value: g(fc.integer) }, note: { type: "json", value: g(fc.jsonValue, { maxDepth: 4 }) } } };
      case 3:
        return { type: "ASSET_OBSERVATION", assetKey: "loc/a", partition: null, metadata: {} };
      case 4:
        return { type: "ASSET_CHECK_EVALUATION", assetKey: "loc/a", checkName: g(fc.string, { minLength: 1, maxLength: 20 }), passed: g(fc.boolean), severity: "error", partition: null, metadata: {} };
      case 5:
        return { type: "STEP_START", attempt: 1, assetKeys: ["loc/a"] };
      case 6:
        return { type: "STEP_FAILURE", error: { name: "Error", message: g(fc.string, { maxLength: 100 }), stack: "at x" }, assetKeys: ["loc/a"], durationMs: g(fc.integer, { min: 0, max: 10_000 }) };
      default:
        return { type: "RUN_STARTED" };
    }
  };

  /** One field of an event (or of its body) replaced, removed or added; sometimes the whole event. */
  const mutateEvent = (g: Gen, event: Record<string, unknown>): unknown => {
    const body = { ...(event.body as Record<string, unknown>) };
    const out: Record<string, unknown> = { ...event, body };
    switch (g(fc.integer, { min: 0, max: 12 })) {
      case 0:
        out.seq = g(() => fc.oneof(weirdNumber, fc.constant(null), fc.constant("3")));
        break;
      case 1:
        out.timestamp = g(() => weirdValue);
        break;
      case 2:
        out.runId = g(fc.constantFrom, otherRunId, "", "nope", 5);
        break;
      case 3:
        out.stepKey = g(fc.constantFrom, "other/b", "", null, 7, "loc/a".repeat(1000));
        break;
      case 4: {
        const keys = Object.keys(body);
        const key = keys[g(fc.integer, { min: 0, max: keys.length - 1 })]!;
        if (g(fc.boolean)) delete body[key];
        else body[key] = g(() => weirdValue);
        break;
      }
      case 5:
        body.type = g(fc.constantFrom, "RUN_QUEUED", "RUN_STARTING", "RUN_CANCELING", "NOPE", "log", 1, null);
        break;
      case 6:
        if ("assetKey" in body) body.assetKey = g(fc.constantFrom, "other/b", "", "loc/a/", "//", "x".repeat(100_000));
        else body.extra = g(() => weirdValue);
        break;
      case 7:
        // Nesting: metadata or log fields deep enough to overflow a recursive serializer.
        if (body.type === "LOG") body.fields = { deep: nested(g(fc.integer, { min: 50, max: 200_000 })) };
        else body.metadata = { deep: { type: "json", value: nested(g(fc.integer, { min: 50, max: 200_000 })) } };
        break;
      case 8:
      case 12:
        if (body.type === "LOG") body.message = g(() => hugeString);
        else if (body.type === "STEP_OUTPUT") body.text = g(() => hugeString);
        else body.metadata = { big: { type: "text", value: "z".repeat(g(fc.integer, { min: 0, max: 700_000 })) } };
        break;
      case 9:
        return g(() => weirdValue);
      case 10:
        // Prototype-pollution keys, as a client would send them (JSON.parse makes them own properties).
        return JSON.parse(JSON.stringify(out).replace(/^\{/, '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},')) as unknown;
      default:
        break;
    }
    return out;
  };

  /** The event made larger than one of its per-event limits (docs/protocol/README.md). */
  const overLimit = (g: Gen, event: { body: EventBody }): unknown => {
    const over = (limit: number): number => limit + 1 + g(fc.integer, { min: 0, max: 100_000 });
    switch (g(fc.integer, { min: 0, max: 4 })) {
      case 0:
        return { ...event, stepKey: null, body: { type: "LOG", level: "info", message: "m".repeat(over(64 * 1024)) } };
      case 1:
        return { ...event, stepKey: null, body: { type: "LOG", level: "info", message: "m", fields: { f: "f".repeat(over(64 * 1024)) } } };
      case 2:
        return { ...event, stepKey: "loc/a", body: { type: "STEP_OUTPUT", stream: "stdout", text: "o".repeat(over(64 * 1024)) } };
      case 3:
        return { ...event, stepKey: "loc/a", body: { type: "ASSET_MATERIALIZATION", assetKey: "loc/a", partition: null, metadata: { big: { type: "text", value: "z".repeat(over(512 * 1024)) } } } };
      default:
        return { ...event, stepKey: "loc/a", body: { type: "ASSET_OBSERVATION", assetKey: "loc/a", partition: null, metadata: { deep: { type: "json", value: nested(g(fc.integer, { min: 101, max: 300_000 })) } } } };
    }
  };

  const batch = (g: Gen): unknown => {
    const n = g(fc.integer, { min: 0, max: 5 }) === 0 ? g(fc.constantFrom, 0, 1000, 1001, 1500) : g(fc.integer, { min: 1, max: 6 });
    const events: unknown[] = [];
    // One fault per batch at most (a batch is refused for its first fault): none, a mutated event, an over-limit one.
    const fault = g(fc.integer, { min: 0, max: 3 });
    const at = g(fc.integer, { min: 0, max: Math.max(0, n - 1) });
    for (let i = 0; i < n; i++) {
      const body = validBody(g);
      const stepKey = body.type.startsWith("STEP_") || body.type.startsWith("ASSET_") ? "loc/a" : g(fc.constantFrom, null, "loc/a");
      const event = { runId, seq: ++seq, timestamp: Date.now(), stepKey, body };
      if (i !== at || fault === 0) events.push(event);
      else if (fault === 3) events.push(overLimit(g, event));
      else events.push(mutateEvent(g, event));
    }
    switch (g(fc.integer, { min: 0, max: 9 })) {
      case 0:
        return { events: events.length ? events[0] : {} };
      case 1:
        return events;
      case 2:
        return { events, extra: g(() => weirdValue) };
      default:
        return { events };
    }
  };

  before(async () => {
    process.on("unhandledRejection", onUnhandled);
    process.on("uncaughtException", onUnhandled);
    store = await createTestStorage("sqlite");
    const log = (record: Record<string, unknown>): void => {
      if (record.level === "error") errors.push(record);
    };
    web = await startWebserver({ storage: store.storage, port: 0, log });
    const mint = async (status: "STARTING" | "STARTED", revoked = false): Promise<{ runId: string; token: string }> => {
      const { run } = await store.storage.createRun({ selection: "*", assetKeys: ["loc/a"], location: "loc", status });
      const minted = mintRunToken();
      await store.storage.createRunToken({ tokenHash: minted.hash, runId: run.runId, location: "loc", assetKeys: ["loc/a"], expiresAt: Date.now() + 3_600_000 });
      if (revoked) await store.storage.revokeRunTokens(run.runId);
      return { runId: run.runId, token: minted.token };
    };
    ({ runId, token } = await mint("STARTING"));
    ({ runId: otherRunId, token: otherToken } = await mint("STARTING"));
    ({ token: revokedToken } = await mint("STARTING", true));
    const planned = await post(`/ingest/v1/runs/${runId}/events`, { authorization: `Bearer ${token}` }, JSON.stringify({ events: [
      { runId, seq: 1, timestamp: Date.now(), stepKey: null, body: { type: "RUN_STARTED" } },
      { runId, seq: 2, timestamp: Date.now(), stepKey: null, body: { type: "RUN_PLANNED", steps: [{ stepKey: "loc/a", assetKeys: ["loc/a"] }] } },
    ] }));
    assert.equal(planned.status, 200, planned.text);
  });
  after(async () => {
    process.off("unhandledRejection", onUnhandled);
    process.off("uncaughtException", onUnhandled);
    await web.close();
    await store[Symbol.asyncDispose]();
  });

  async function post(path: string, headers: Record<string, string>, body: string | Uint8Array, method = "POST"): Promise<{ status: number; text: string; contentType: string }> {
    const response = await fetch(`${web.url}${path}`, { method, headers: { "content-type": "application/json", ...headers }, body });
    return { status: response.status, text: await response.text(), contentType: response.headers.get("content-type") ?? "" };
  }

  void it("answers random and mutated batches, tokens and headers with a 2xx or a 4xx naming the problem, never a 5xx", async () => {
    const seen = new Map<string, number>();
    let count = 0;
    await fc.assert(
      fc.asyncProperty(fc.gen(), async (g) => {
        const authorization = g(fc.integer, { min: 0, max: 5 }) > 0
          ? `Bearer ${token}`
          : g(fc.constantFrom, `Bearer ${otherToken}`, `Bearer ${revokedToken}`, `Bearer ${"a".repeat(40)}`, "Bearer short", `bearer ${token}`, `Bearer ${token} `, "", `Basic ${token}`, `Bearer ${"a".repeat(600)}`);
        const headers: Record<string, string> = authorization === "" ? {} : { authorization };
        if (g(fc.integer, { min: 0, max: 9 }) === 0) headers["flyt-protocol-version"] = g(fc.constantFrom, "2", "0", "1.5", "", "one", "1, 2");
        const target = g(fc.integer, { min: 0, max: 9 });
        const path =
          target <= 6
            ? `/ingest/v1/runs/${runId}/events`
            : target === 7
              ? `/ingest/v1/runs/${runId}/heartbeat`
              : g(fc.constantFrom, `/ingest/v1/runs/${otherRunId}/events`, "/ingest/v1/runs/%E0%A4%A/events", `/ingest/v1/runs/${runId}`, `/ingest/v2/runs/${runId}/events`, "/ingest/v1/runs//events", `/ingest/v1/runs/${runId}/events/x`);
        const raw = g(fc.integer, { min: 0, max: 14 });
        const body =
          raw === 0
            ? g(fc.uint8Array, { maxLength: 500 })
            : raw === 1
              ? g(fc.constantFrom, "", "{", "null", "[]", '{"events":', "\u0000", "{}".repeat(1000))
              : target === 7
                ? JSON.stringify(g(fc.boolean) ? { at: Date.now() } : { at: g(() => weirdValue) })
                : withNesting(JSON.stringify(batch(g)));
        const method = path === `/ingest/v1/runs/${runId}` ? "GET" : g(fc.integer, { min: 0, max: 19 }) === 0 ? g(fc.constantFrom, "PUT", "GET", "DELETE") : "POST";
        const { status, text, contentType } = method === "GET" ? await get(path, headers) : await post(path, headers, body, method);
        const where = `${method} ${path} (${authorization.slice(0, 20)}) → ${status}: ${text.slice(0, 300)}\nbody: ${typeof body === "string" ? body.slice(0, 300) : `${body.length} bytes`}`;
        assert.ok(status < 500, `a 5xx: ${where}`);
        assert.match(contentType, /json/, where);
        if (status >= 400) {
          const error = (JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }).error;
          assert.ok(typeof error?.code === "string" && typeof error.message === "string" && error.message.length > 0, `a ${status} without a protocol error: ${where}`);
        }
        assert.deepEqual(errors, [], `the server logged an error: ${where}`);
        assert.deepEqual(unhandled, [], `unhandled: ${where}`);
        seen.set(String(status), (seen.get(String(status)) ?? 0) + 1);
        if (++count % 25 === 0) assert.equal((await fetch(`${web.url}/healthz`)).status, 200);
      }),
      fuzzParams(0x1_6e57_0001, 250),
    );
    if (process.env.FLYT_FUZZ_DEBUG) console.log(Object.fromEntries(seen));
    // Valid batches get through and every kind of refusal is reached, or the generator tests little.
    for (const status of ["200", "400", "401", "403", "413"]) assert.ok((seen.get(status) ?? 0) >= 5, `few ${status}: ${JSON.stringify(Object.fromEntries(seen))}`);
    assert.equal((await fetch(`${web.url}/healthz`)).status, 200);
  });

  async function get(path: string, headers: Record<string, string>): Promise<{ status: number; text: string; contentType: string }> {
    const response = await fetch(`${web.url}${path}`, { headers });
    return { status: response.status, text: await response.text(), contentType: response.headers.get("content-type") ?? "" };
  }

  void it("refuses a 15 MiB log message and a chunked 64 MiB upload with 413 before reading them whole", async () => {
    const path = `/ingest/v1/runs/${runId}/events`;
    const message = "x".repeat(15 * 1024 * 1024);
    const declared = await post(path, { authorization: `Bearer ${token}` }, JSON.stringify({ events: [{ runId, seq: ++seq, timestamp: Date.now(), stepKey: null, body: { type: "LOG", level: "info", message } }] }));
    assert.equal(declared.status, 413);
    assert.match(declared.text, /PAYLOAD_TOO_LARGE/);
    globalThis.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const upload = (total: number): Promise<{ status: number | null; sentBytes: number }> => chunkedUpload(`${web.url}${path}`, total, { authorization: `Bearer ${token}` }, /larger than 8388608 bytes/);
    assert.equal((await upload(20 * 1024 * 1024)).status, 413, "a 20 MiB chunked upload gets its 413");
    const huge = await upload(256 * 1024 * 1024);
    assert.ok(huge.status === 413 || huge.status === null, `status ${String(huge.status)}`);
    assert.ok(huge.sentBytes < 128 * 1024 * 1024, `the server read ${huge.sentBytes} bytes of a 256 MiB upload instead of stopping after the drain cap`);
    const grown = process.memoryUsage().heapUsed - heapBefore;
    assert.ok(grown < 48 * 1024 * 1024, `heap grew by ${grown} bytes for one refused request`);
    assert.equal((await fetch(`${web.url}/healthz`)).status, 200);
  });
});
