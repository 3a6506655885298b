/**
 * Fuzzing the code-location protocol client with fast-check. A real code server (examples/weather)
 * answers each endpoint once; its genuine responses are then replayed by a real HTTP server on
 * 127.0.0.1 that mutates them: random status codes, the protocol header missing or of another
 * version, wrong content types, fields removed or of the wrong type, truncated bodies, random
 * bytes, a body several MiB long, a connection cut mid-body, an answer slower than the timeout.
 *
 * Property: every call either resolves with a value its schema accepts or rejects with a
 * CodeLocationError naming the location — never another error, never an unhandled rejection —
 * and the unmutated genuine answers still resolve (so the server side of the test is sound).
 * Seeds are fixed (FLYT_FUZZ_SEED / FLYT_FUZZ_PATH replay a printed failure; FLYT_FUZZ_RUNS scales).
 */
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { startCodeLocationServer } from "@flyt/code-location-server";
import { CodeLocationClient, CodeLocationError } from "./index.js";

const repo = fileURLToPath(new URL("../../../", import.meta.url));

function fuzzParams<T>(seed: number, numRuns: number): fc.Parameters<T> {
  const fromEnv = process.env.FLYT_FUZZ_SEED;
  const path = process.env.FLYT_FUZZ_PATH;
  const factor = Number(process.env.FLYT_FUZZ_RUNS ?? "1");
  return {
    seed: fromEnv ? Number(fromEnv) : seed,
    numRuns: Math.max(1, Math.round(numRuns * (factor > 0 ? factor : 1))),
    ...(path ? { path } : {}),
    includeErrorInReport: true,
    // Each case is an HTTP exchange: report the first failure as found (FLYT_FUZZ_SHRINK=1 shrinks).
    endOnFailure: process.env.FLYT_FUZZ_SHRINK !== "1",
  };
}

interface Recorded {
  status: number;
  headers: Record<string, string>;
  body: string;
}

type Call = "health" | "snapshot" | "schedule" | "sensor" | "launch" | "status" | "cancel";
const CALLS: readonly Call[] = ["health", "snapshot", "schedule", "sensor", "launch", "status", "cancel"];

/** What the replaying server does to one answer. */
interface Answer {
  status: number | null;
  version: string | null | undefined;
  contentType: string | null | undefined;
  body: "as-is" | "mutated" | "truncated" | "random" | "huge" | "cut" | "slow" | "empty" | "not-json" | "error";
  mutation: { path: number; value: unknown; drop: boolean };
  bytes: Uint8Array;
  cutAt: number;
}

const answerArb: fc.Arbitrary<Answer> = fc.record({
  status: fc.oneof(fc.constant(null), fc.constantFrom(200, 201, 204, 304, 400, 401, 404, 409, 413, 500, 502, 503), fc.integer({ min: 200, max: 599 })),
  version: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, fc.constantFrom(null, "2", "0", "", "1.9", "one")),
  contentType: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, fc.constantFrom(null, "text/html", "application/octet-stream", "application/json; charset=utf-16")),
  body: fc.constantFrom("as-is", "mutated", "mutated", "mutated", "truncated", "random", "huge", "cut", "slow", "empty", "not-json", "error", "error"),
  mutation: fc.record({ path: fc.nat(), value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(null, -1, 1e308, "", "LOADED", [])), drop: fc.boolean() }),
  bytes: fc.uint8Array({ maxLength: 300 }),
  cutAt: fc.nat(),
});

/** Every (object, key) in a JSON value, to pick one to change. */
function slots(value: unknown, out: Array<[Record<string, unknown> | unknown[], string | number]> = []): typeof out {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      out.push([value, i]);
      slots(item, out);
    });
  } else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      out.push([value as Record<string, unknown>, key]);
      slots(item, out);
    }
  }
  return out;
}

function mutateJson(text: string, mutation: Answer["mutation"]): string {
  const value = JSON.parse(text) as unknown;
  const all = slots(value);
  if (all.length === 0) return JSON.stringify(mutation.value);
  const [holder, key] = all[mutation.path % all.length]!;
  if (mutation.drop && !Array.isArray(holder)) delete holder[key as string];
  else (holder as Record<string | number, unknown>)[key] = mutation.value;
  return JSON.stringify(value);
}

void describe("code-location protocol client under fuzzing", () => {
  const recorded = new Map<Call, Recorded>();
  let server: Server;
  let url: string;
  let next: Answer | null = null;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };

  const callOf = (req: IncomingMessage): Call => {
    const path = req.url ?? "";
    if (path === "/v1/health") return "health";
    if (path === "/v1/snapshot") return "snapshot";
    if (path.startsWith("/v1/schedules/")) return "schedule";
    if (path.startsWith("/v1/sensors/")) return "sensor";
    if (path === "/v1/runs") return "launch";
    if (path.endsWith("/cancel")) return "cancel";
    return "status";
  };

  const reply = (req: IncomingMessage, res: ServerResponse): void => {
    req.resume();
    const genuine = recorded.get(callOf(req))!;
    const answer = next;
    if (answer === null) {
      res.writeHead(genuine.status, genuine.headers).end(genuine.body);
      return;
    }
    const headers: Record<string, string> = { ...genuine.headers };
    delete headers["content-length"];
    if (answer.version === null) delete headers["flyt-protocol-version"];
    else if (answer.version !== undefined) headers["flyt-protocol-version"] = answer.version;
    if (answer.contentType === null) delete headers["content-type"];
    else if (answer.contentType !== undefined) headers["content-type"] = answer.contentType;
    const status = answer.status ?? genuine.status;
    let body: string | Uint8Array = genuine.body;
    switch (answer.body) {
      case "mutated":
        body = mutateJson(genuine.body, answer.mutation);
        break;
      case "truncated":
        body = genuine.body.slice(0, answer.cutAt % (genuine.body.length + 1));
        break;
      case "random":
        body = answer.bytes;
        break;
      case "huge":
        body = `{"status":"${"x".repeat(5 * 1024 * 1024)}"}`;
        break;
      case "empty":
        body = "";
        break;
      case "not-json":
        body = "<html>Bad Gateway</html>";
        break;
      case "error":
        // The protocol's error shape, sometimes with a status that is not an error or a code it does not know.
        body = JSON.stringify({ error: { code: answer.mutation.drop ? "UNAVAILABLE" : String(answer.mutation.value), message: "location is reloading", field: null } });
        break;
      case "cut": {
        // Announce the whole body, send part of it, then drop the connection.
        res.writeHead(status, { ...headers, "content-length": String(genuine.body.length + 10) });
        res.write(genuine.body.slice(0, answer.cutAt % (genuine.body.length + 1)));
        setImmediate(() => res.destroy());
        return;
      }
      case "slow":
        setTimeout(() => {
          if (!res.destroyed) res.writeHead(status, headers).end(body);
        }, 250).unref();
        return;
      case "as-is":
        break;
    }
    res.writeHead(status, headers).end(body);
  };

  before(async () => {
    process.on("unhandledRejection", onUnhandled);
    const real = await startCodeLocationServer({ definitionsFile: join(repo, "examples/weather/definitions.ts"), name: "weather", port: 0, log: () => undefined });
    try {
      const record = async (call: Call, path: string, init: RequestInit = {}): Promise<void> => {
        const response = await fetch(`${real.url}${path}`, { ...init, headers: { "flyt-protocol-version": "1", "content-type": "application/json" } });
        const headers: Record<string, string> = {};
        response.headers.forEach((value, name) => (headers[name] = value));
        recorded.set(call, { status: response.status, headers, body: await response.text() });
      };
      await record("health", "/v1/health");
      await record("snapshot", "/v1/snapshot");
      await record("schedule", "/v1/schedules/weather_morning/evaluate", { method: "POST", body: JSON.stringify({ scheduledTime: Date.now() }) });
      await record("sensor", "/v1/sensors/weather_new_forecast/evaluate", { method: "POST", body: JSON.stringify({ cursor: null, lastTickTime: null }) });
      await record("status", "/v1/runs/nope");
      await record("cancel", "/v1/runs/nope/cancel", { method: "POST", body: "{}" });
    } finally {
      await real.close();
    }
    // No run is launched against the real server (that would start a worker): a valid launch answer by hand.
    recorded.set("launch", { status: 201, headers: { "content-type": "application/json; charset=utf-8", "flyt-protocol-version": "1" }, body: JSON.stringify({ runId: "r-1", pid: 4242 }) });
    // An unknown run is a 404 error body; a known one's status is the schema's shape.
    recorded.set("status", { status: 200, headers: recorded.get("launch")!.headers, body: JSON.stringify({ runId: "r-1", state: "EXITED", pid: 4242, exitCode: 0, signal: null, stderrTail: "", cancelRequested: false }) });
    server = createServer(reply);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    process.off("unhandledRejection", onUnhandled);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const invoke = (client: CodeLocationClient, call: Call): Promise<unknown> => {
    switch (call) {
      case "health":
        return client.health();
      case "snapshot":
        return client.snapshot();
      case "schedule":
        return client.evaluateSchedule("weather_morning", Date.now());
      case "sensor":
        return client.evaluateSensor("weather_new_forecast", { cursor: null, lastTickTime: null, timeoutMs: 0 });
      case "launch":
        return client.launchRun({ run: { runId: "r-1" }, ingestUrl: "http://127.0.0.1:1/ingest/v1", runToken: "t".repeat(40) } as never);
      case "status":
        return client.runStatus("r-1");
      case "cancel":
        return client.cancelRun("r-1", "fuzz");
    }
  };

  void it("the genuine answers resolve (the replaying server is sound)", async () => {
    next = null;
    const client = new CodeLocationClient("weather", url, { timeoutMs: 5_000 });
    for (const call of CALLS) {
      if (call === "cancel") await assert.rejects(invoke(client, call), (e: unknown) => e instanceof CodeLocationError && e.status === 404);
      else assert.ok(await invoke(client, call), call);
    }
  });

  void it("every mutated answer resolves validly or rejects with a CodeLocationError naming the location", async () => {
    const outcomes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CALLS), answerArb, async (call, answer) => {
        next = answer;
        const client = new CodeLocationClient("weather", url, { timeoutMs: 150 });
        try {
          await invoke(client, call);
          outcomes.set("resolved", (outcomes.get("resolved") ?? 0) + 1);
        } catch (error) {
          assert.ok(error instanceof CodeLocationError, `${call} with ${JSON.stringify({ ...answer, bytes: answer.bytes.length })} threw ${String(error)}`);
          assert.match(error.message, /^Code location "weather": /);
          assert.ok(error.message.length < 2_000, `an error message of ${error.message.length} characters`);
          outcomes.set(error.kind, (outcomes.get(error.kind) ?? 0) + 1);
        }
        assert.deepEqual(unhandled, []);
      }),
      fuzzParams(0xc11e_0001, 200),
    );
    next = null;
    if (process.env.FLYT_FUZZ_DEBUG) console.log(Object.fromEntries(outcomes));
    for (const kind of ["resolved", "PROTOCOL", "ERROR_RESPONSE", "UNREACHABLE"]) assert.ok((outcomes.get(kind) ?? 0) >= 5, `few ${kind}: ${JSON.stringify(Object.fromEntries(outcomes))}`);
  });
});
