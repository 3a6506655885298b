/**
 * The all-runs change stream (`GET /api/runs/events`, run-changes-stream.ts) against real storage
 * (SQLite and PostgreSQL): runs created and ended through storage show up as events — heard
 * through the storage's change feed, and through the safety poll alone when no notification
 * comes — with the role check of every /api path, heartbeats, and a clean end when the client
 * goes away or the server shuts down.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, it } from "node:test";
import type { Storage } from "@flyt/storage";
import { describeEachBackend } from "@flyt/storage/testing";
import { startWebserver, type Webserver } from "../server.js";
import { FORWARDED_AUTH, AS_VIEWER } from "../auth/test-support.js";
import { queueRunController } from "./controller.js";
import { createApiHandler } from "./http.js";
import { RunChangeStreamHub, type RunChangeView } from "./run-changes-stream.js";

const NO_DEFINITIONS = {
  list: () => [],
  graph: () => ({ graph: { assets: new Map(), edges: [] } as never, locationOf: new Map(), assets: new Map(), unresolved: [] }),
  reload: async (name: string) => {
    throw new Error(`no location ${name}`);
  },
};

/** An open SSE response read in the background; `until` waits for the text to satisfy a test. */
class Sse {
  text = "";
  done = false;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly reading: Promise<void>;

  constructor(readonly response: Response) {
    const reader = response.body!.getReader();
    this.reader = reader;
    const decoder = new TextDecoder();
    this.reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }));
        if (done) break;
        this.text += decoder.decode(value, { stream: true });
      }
      this.done = true;
    })();
  }

  static async open(url: string, headers: Record<string, string> = {}): Promise<Sse> {
    const response = await fetch(url, { headers: { accept: "text/event-stream", ...headers } });
    assert.equal(response.status, 200, await (response.status === 200 ? Promise.resolve("") : response.text()));
    assert.equal(response.headers.get("content-type"), "text/event-stream");
    return new Sse(response);
  }

  /** Every `event: runs` change so far, in order. */
  runs(): RunChangeView[] {
    return this.text
      .split("\n\n")
      .filter((block) => block.startsWith("event: runs\n"))
      .flatMap((block) => JSON.parse(block.slice(block.indexOf("data: ") + 6)) as RunChangeView[]);
  }

  async until(what: string, test: () => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!test()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the stream so far:\n${this.text}`);
      if (this.done) throw new Error(`the stream ended before ${what}:\n${this.text}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async cancel(): Promise<void> {
    await this.reader.cancel().catch(() => undefined);
    await this.reading;
  }

  async ended(): Promise<void> {
    await this.reading;
  }
}

async function failRun(storage: Storage, runId: string): Promise<void> {
  await storage.appendEvents([{ runId, seq: null, timestamp: Date.now(), stepKey: null, body: { type: "RUN_STARTING" } }]);
  await storage.appendEvents([{ runId, seq: null, timestamp: Date.now(), stepKey: null, body: { type: "RUN_STARTED" } }]);
  await storage.appendEvents([{ runId, seq: null, timestamp: Date.now(), stepKey: null, body: { type: "RUN_FAILURE", message: "failed on purpose" } }]);
}

describeEachBackend((backend) => `all-runs change stream, /api/runs/events (${backend})`, ({ storage }) => {
  let web: Webserver;

  before(async () => {
    // A safety poll far slower than the test: what arrives was heard through the change feed.
    const api = createApiHandler({ storage, definitions: NO_DEFINITIONS, runs: queueRunController(storage), log: () => undefined, runChangesPollMs: 600_000 });
    web = await startWebserver({ storage, runs: queueRunController(storage), api, auth: FORWARDED_AUTH, port: 0, host: "127.0.0.1", log: () => undefined });
  });

  after(async () => {
    await web?.close();
  });

  it("sends each run's status changes with its assets and partition, from the storage's change feed", async () => {
    const stream = await Sse.open(`${web.url}/api/runs/events`, AS_VIEWER);
    const { run } = await storage.createRun({ selection: "shop/daily", assetKeys: ["shop/daily", "shop/report"], partitionKey: "2024-01-02", location: "shop" });
    await stream.until("the QUEUED run", () => stream.runs().some((c) => c.runId === run.runId && c.status === "QUEUED"));
    await failRun(storage, run.runId);
    await stream.until("the FAILURE", () => stream.runs().some((c) => c.runId === run.runId && c.status === "FAILURE"));
    const mine = stream.runs().filter((c) => c.runId === run.runId);
    assert.deepEqual(
      { ...mine[0]!, updatedAt: 0 },
      { runId: run.runId, status: "QUEUED", assetKeys: ["shop/daily", "shop/report"], partitionKey: "2024-01-02", location: "shop", updatedAt: 0 },
    );
    assert.deepEqual({ ...mine.at(-1)!, updatedAt: 0 }, { ...mine[0]!, status: "FAILURE", updatedAt: 0 });
    // Each status at most once, in the order they happened (quick changes may be read together).
    const statuses = mine.map((c) => c.status);
    assert.deepEqual(statuses, [...new Set(statuses)]);
    assert.deepEqual(statuses.filter((s) => ["QUEUED", "FAILURE"].includes(s)), ["QUEUED", "FAILURE"]);

    // Another client at the same time hears the same (one watch serves both).
    const second = await Sse.open(`${web.url}/api/runs/events`, AS_VIEWER);
    const next = await storage.createRun({ selection: "shop/report", assetKeys: ["shop/report"], location: "shop" });
    await stream.until("the second run on the first stream", () => stream.runs().some((c) => c.runId === next.run.runId));
    await second.until("the second run on the second stream", () => second.runs().some((c) => c.runId === next.run.runId));
    assert.equal(second.runs().some((c) => c.runId === run.runId), false, "a client hears only what changed after it connected");
    await stream.cancel();
    await second.cancel();
  });

  it("is an /api path: refused without a role", async () => {
    const anonymous = await fetch(`${web.url}/api/runs/events`);
    assert.equal(anonymous.status, 401);
    assert.match(((await anonymous.json()) as { errors?: Array<{ message: string }>; error?: { message: string } }).error?.message ?? "", /Sign-in required/);
    const roleless = await fetch(`${web.url}/api/runs/events`, { headers: { "X-authentik-username": "nobody", "X-authentik-groups": "strangers" } });
    assert.equal(roleless.status, 401);
    await roleless.body?.cancel();
    const post = await fetch(`${web.url}/api/runs/events`, { method: "POST", headers: { ...AS_VIEWER, "x-flyt-request": "1" } });
    assert.notEqual(post.status, 200);
    await post.body?.cancel();
  });
});

describeEachBackend((backend) => `run change stream hub (${backend})`, ({ storage }) => {
  let server: Server;
  let hub: RunChangeStreamHub;
  let url: string;

  before(async () => {
    // The storage's change feed made deaf: only the safety poll can find the changes.
    const deaf = new Proxy(storage, {
      get(target, property, receiver) {
        if (property === "watchRuns") return async () => ({ close: async () => undefined });
        return Reflect.get(target, property, receiver) as unknown;
      },
    });
    hub = new RunChangeStreamHub(deaf, { pollMs: 100, heartbeatMs: 100 });
    server = createServer((req, res) => void hub.serve(req, res).catch((error: unknown) => res.destroy(error as Error)));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  after(async () => {
    hub.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("finds runs created and ended through the safety poll when no notification comes, with heartbeats", async () => {
    const stream = await Sse.open(url);
    const { run } = await storage.createRun({ selection: "shop/daily", assetKeys: ["shop/daily"], partitionKey: "2024-01-03", location: "shop" });
    await stream.until("the polled QUEUED run", () => stream.runs().some((c) => c.runId === run.runId && c.status === "QUEUED"));
    await failRun(storage, run.runId);
    await stream.until("the polled FAILURE", () => stream.runs().some((c) => c.runId === run.runId && c.status === "FAILURE"));
    await stream.until("a heartbeat", () => stream.text.includes(": keep-alive\n\n"));
    assert.equal(stream.runs().filter((c) => c.runId === run.runId && c.status === "FAILURE").length, 1, "a status the poll sees again is not sent again");
    await stream.cancel();
  });

  it("forgets a client that disconnects, and ends every stream on close", async () => {
    const gone = await Sse.open(url);
    const staying = await Sse.open(url);
    assert.equal(hub.size, 2);
    await gone.cancel();
    const deadline = Date.now() + 5_000;
    while ((hub.size as number) !== 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(hub.size, 1);
    hub.close();
    await staying.ended();
    assert.equal(hub.size, 0);
    const refused = await fetch(url);
    assert.equal(refused.status, 503);
    assert.match(await refused.text(), /shutting down/);
  });
});
