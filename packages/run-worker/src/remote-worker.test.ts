/**
 * fetchRunRecord (how a worker started with only a run id — a Kubernetes Job — gets its run)
 * against a real HTTP server: the token and protocol header are sent, 5xx answers are retried,
 * and a refusal fails at once with an error naming the run.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { InvalidConfigError } from "@flyt/core";
import { fetchRunRecord } from "./remote-worker.js";

void describe("fetchRunRecord", () => {
  let server: Server;
  let url: string;
  let failuresLeft = 0;
  const seen: Array<{ path: string; auth: string; version: string }> = [];

  before(async () => {
    server = createServer((request, response) => {
      seen.push({ path: request.url ?? "", auth: request.headers.authorization ?? "", version: String(request.headers["flyt-protocol-version"]) });
      if (request.url?.includes("forbidden")) return void response.writeHead(403).end('{"error":{"code":"FORBIDDEN","message":"wrong run"}}');
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        return void response.writeHead(503).end("starting");
      }
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ run: { runId: "r 1", assetKeys: ["a"] } }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ingest/v1/`;
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  void it("returns the run, sending the token, and retries while the platform answers 5xx", async () => {
    seen.length = 0;
    failuresLeft = 2;
    const run = await fetchRunRecord(url, "r 1", "secret-token");
    assert.deepEqual(run, { runId: "r 1", assetKeys: ["a"] });
    assert.equal(seen.length, 3);
    assert.deepEqual(seen.at(-1), { path: "/ingest/v1/runs/r%201", auth: "Bearer secret-token", version: "1" });
  });

  void it("fails at once on a refusal, naming the run and the status", async () => {
    seen.length = 0;
    await assert.rejects(fetchRunRecord(url, "forbidden", "t"), (error: unknown) => {
      assert.ok(error instanceof InvalidConfigError);
      assert.match(error.message, /refused to return run forbidden \(HTTP 403\)/);
      return true;
    });
    assert.equal(seen.length, 1);
  });
});
