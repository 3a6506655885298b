/**
 * HttpEventTransport against a real HTTP server that fails on purpose: retries until delivered,
 * keeps order, coalesces, stops at once on a refusal, gives up on a request that gets no answer
 * within its timeout and sends it again, and drops only output events when its buffer bound is hit.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import type { EventBody, EventRecord } from "@flyt/core";
import { HttpEventTransport, IngestRejectedError } from "./http-transport.js";

let seq = 0;
const event = (body: EventBody): EventRecord => ({ runId: "r1", seq: ++seq, timestamp: Date.now(), stepKey: null, body });
const log = (message: string) => event({ type: "LOG", level: "info", message });

describe("HttpEventTransport", () => {
  let server: Server;
  let url: string;
  let mode: "ok" | "fail" | "refuse" | "hang-once" = "ok";
  const received: number[] = [];
  const auth: string[] = [];
  let requests = 0;

  before(async () => {
    server = createServer((request, response) => {
      let body = "";
      request.on("data", (c: Buffer) => (body += c.toString()));
      request.on("end", () => {
        requests += 1;
        auth.push(request.headers.authorization ?? "");
        if (mode === "fail") return void response.writeHead(503).end("down");
        if (mode === "hang-once") {
          // Never answer this request; the next one is served.
          mode = "ok";
          return;
        }
        if (mode === "refuse") return void response.writeHead(403, { "content-type": "application/json" }).end('{"error":{"code":"FORBIDDEN","message":"no"}}');
        const events = (JSON.parse(body) as { events: EventRecord[] }).events;
        received.push(...events.map((e) => e.seq!));
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ received: events.length, inserted: events.length }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ingest/v1`;
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("retries while the platform fails, then delivers everything in order with the token", async () => {
    received.length = 0;
    mode = "fail";
    const transport = new HttpEventTransport({ ingestUrl: url, runId: "r1", token: "t".repeat(43), initialRetryDelayMs: 10, maxRetryDelayMs: 40 });
    const batches = [[log("a"), log("b")], [log("c")], [log("d")]];
    const sent = batches.map((b) => transport.send(b));
    setTimeout(() => (mode = "ok"), 250);
    await Promise.all(sent);
    assert.deepEqual(received, batches.flat().map((e) => e.seq));
    assert.ok(transport.retries >= 2, `retried (${transport.retries})`);
    assert.equal(auth.at(-1), `Bearer ${"t".repeat(43)}`);
  });

  it("abandons a request with no answer after the request timeout and delivers it on a retry", async () => {
    received.length = 0;
    mode = "hang-once";
    const transport = new HttpEventTransport({ ingestUrl: url, runId: "r1", token: "t".repeat(43), requestTimeoutMs: 300, initialRetryDelayMs: 10 });
    const started = Date.now();
    const batch = [log("slow-1"), log("slow-2")];
    await transport.send(batch);
    assert.deepEqual(received, batch.map((e) => e.seq));
    assert.equal(transport.retries, 1);
    assert.ok(Date.now() - started >= 290, `waited for the timeout (${Date.now() - started} ms)`);
  });

  it("coalesces queued batches into one request", async () => {
    received.length = 0;
    const before = requests;
    const transport = new HttpEventTransport({ ingestUrl: url, runId: "r1", token: "t".repeat(43) });
    await Promise.all(Array.from({ length: 20 }, () => transport.send([log("x")])));
    assert.equal(received.length, 20);
    assert.ok(requests - before <= 3, `used ${requests - before} requests for 20 batches`);
  });

  it("fails at once on a refusal (4xx) and rejects what is queued", async () => {
    mode = "refuse";
    const transport = new HttpEventTransport({ ingestUrl: url, runId: "r1", token: "t".repeat(43) });
    await assert.rejects(transport.send([log("x")]), (error: unknown) => error instanceof IngestRejectedError && error.status === 403);
    await assert.rejects(transport.send([log("y")]), IngestRejectedError);
    mode = "ok";
  });

  it("past its buffer bound drops LOG/STEP_OUTPUT only, never lifecycle or asset events", async () => {
    received.length = 0;
    mode = "fail";
    const transport = new HttpEventTransport({ ingestUrl: url, runId: "r1", token: "t".repeat(43), maxBufferedEvents: 5, initialRetryDelayMs: 10, maxRetryDelayMs: 20 });
    const logs = Array.from({ length: 5 }, (_, i) => log(`fill ${i}`));
    const kept = event({ type: "ASSET_MATERIALIZATION", assetKey: "a", partition: null, metadata: {} });
    const dropped = log("overflow");
    const sent = [transport.send(logs), transport.send([dropped, kept])];
    setTimeout(() => (mode = "ok"), 100);
    await Promise.all(sent);
    assert.equal(transport.droppedEvents, 1);
    assert.deepEqual(received, [...logs.map((e) => e.seq), kept.seq]);
  });
});
