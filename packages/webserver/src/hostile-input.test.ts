/**
 * Regression tests for what the fuzz suites (*.fuzz.test.ts) found, each on a real webserver over
 * SQLite: a malformed %-escape in a path answered 500 (ingest routes, the run event stream);
 * graphql-http's 405/406/415 had empty bodies; a chunked GraphQL body over the limit got a
 * connection reset instead of 413; the run stream's errors were plain text; an event whose
 * metadata or log fields nest a few hundred thousand levels deep overflowed JSON.stringify (500);
 * a client still sending a 15 MiB body (over the ingest cap) could get EPIPE instead of the 413.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { createTestStorage, type TestStorage } from "@flyt/storage/testing";
import { mintRunToken } from "@flyt/workspace";
import { createApiHandler, queueRunController } from "./graphql/index.js";
import { LocalDefinitions } from "./graphql/test-fixtures/local-definitions.js";
import { startWebserver, type Webserver } from "./server.js";

const FIXTURE = fileURLToPath(new URL("./graphql/test-fixtures/definitions.js", import.meta.url));

void describe("hostile input regressions (found by fuzzing)", () => {
  let store: TestStorage;
  let web: Webserver;
  let runId: string;
  let token: string;
  const logged: Array<Record<string, unknown>> = [];

  before(async () => {
    store = await createTestStorage("sqlite");
    const log = (record: Record<string, unknown>): void => void logged.push(record);
    const definitions = await LocalDefinitions.load("shop", FIXTURE);
    const api = createApiHandler({ storage: store.storage, definitions, runs: queueRunController(store.storage), log });
    web = await startWebserver({ storage: store.storage, port: 0, api, log });
    const { run } = await store.storage.createRun({ selection: "*", assetKeys: ["loc/a"], location: "loc", status: "STARTING" });
    runId = run.runId;
    const minted = mintRunToken();
    token = minted.token;
    await store.storage.createRunToken({ tokenHash: minted.hash, runId, location: "loc", assetKeys: ["loc/a"], expiresAt: Date.now() + 3_600_000 });
  });
  after(async () => {
    await web.close();
    await store[Symbol.asyncDispose]();
  });

  const json = async (response: Response): Promise<{ status: number; type: string; body: any }> => ({ status: response.status, type: response.headers.get("content-type") ?? "", body: await response.json() });

  void it("a malformed percent-escape in a path is a 400 naming it, not a 500", async () => {
    const ingest = await json(await fetch(`${web.url}/ingest/v1/runs/%E0%A4%A/events`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: "{}" }));
    assert.equal(ingest.status, 400);
    assert.match(ingest.body.error.message, /"%E0%A4%A" is not valid percent-encoding/);
    const stream = await json(await fetch(`${web.url}/api/runs/%E0%A4%A/events`));
    assert.equal(stream.status, 400);
    assert.match(stream.body.errors[0].message, /not valid percent-encoding/);
    assert.deepEqual(logged.filter((r) => r.level === "error"), []);
  });

  void it("the run stream's refusals are JSON", async () => {
    const bad = await json(await fetch(`${web.url}/api/runs/${runId}/events?after=abc`));
    assert.equal(bad.status, 400);
    assert.match(bad.type, /json/);
    assert.match(bad.body.errors[0].message, /'after' .* must be a non-negative event id, got "abc"/);
    const missing = await json(await fetch(`${web.url}/api/runs/nope/events`));
    assert.equal(missing.status, 404);
    assert.equal(missing.body.errors[0].message, 'No run "nope".');
  });

  void it("graphql-http's protocol refusals carry a JSON error saying what to send", async () => {
    const put = await json(await fetch(`${web.url}/graphql`, { method: "PUT", body: "{}" }));
    assert.equal(put.status, 405);
    assert.match(put.body.errors[0].message, /PUT is not allowed on \/graphql/);
    const text = await json(await fetch(`${web.url}/graphql`, { method: "POST", headers: { "content-type": "text/plain" }, body: '{"query":"{viewer{name}}"}' }));
    assert.equal(text.status, 415);
    assert.match(text.body.errors[0].message, /Unsupported content type "text\/plain": send the request as application\/json/);
    const xml = await json(await fetch(`${web.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", accept: "application/xml" }, body: '{"query":"{viewer{name}}"}' }));
    assert.equal(xml.status, 406);
    assert.match(xml.body.errors[0].message, /accept application\/json/);
    const mutation = await fetch(`${web.url}/graphql?query=${encodeURIComponent('mutation { cancelRun(runId: "x") { __typename } }')}`);
    assert.equal(mutation.status, 405);
    assert.match(mutation.headers.get("content-type") ?? "", /json/);
  });

  void it("a chunked GraphQL body over the limit gets its 413 (it was a connection reset)", async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 40; i++) controller.enqueue(new Uint8Array(65_536).fill(0x20));
        controller.close();
      },
    });
    const response = await json(await fetch(`${web.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body, duplex: "half" }));
    assert.equal(response.status, 413);
    assert.match(response.body.errors[0].message, /the limit is 262144 bytes/);
  });

  void it("a client sending a 15 MiB body gets the 413, every time (the server closed while it was still sending: EPIPE)", async () => {
    const body = JSON.stringify({ events: [{ runId, seq: 1, timestamp: 1, stepKey: null, body: { type: "LOG", level: "info", message: "x".repeat(15 * 1024 * 1024) } }] });
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${web.url}/ingest/v1/runs/${runId}/events`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body });
      assert.equal(response.status, 413);
      assert.match(((await response.json()) as { error: { message: string } }).error.message, /The request body \(15728\d+ bytes\) is larger than 8388608 bytes/);
    }
  });

  void it("metadata or log fields nested past 100 levels are refused with 413 naming the field (JSON.stringify overflowed: 500)", async () => {
    const post = async (body: string) => json(await fetch(`${web.url}/ingest/v1/runs/${runId}/events`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body }));
    const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
    const metadata = await post(`{"events":[{"runId":"${runId}","seq":1,"timestamp":1,"stepKey":null,"body":{"type":"ASSET_OBSERVATION","assetKey":"loc/a","partition":null,"metadata":{"m":{"type":"json","value":${deep(200_000)}}}}}]}`);
    assert.equal(metadata.status, 413, JSON.stringify(metadata.body));
    assert.equal(metadata.body.error.field, "events.0.body.metadata");
    assert.match(metadata.body.error.message, /nested more than 100 levels deep/);
    const fields = await post(`{"events":[{"runId":"${runId}","seq":1,"timestamp":1,"stepKey":null,"body":{"type":"LOG","level":"info","message":"m","fields":{"f":${deep(150)}}}}]}`);
    assert.equal(fields.status, 413);
    assert.equal(fields.body.error.field, "events.0.body.fields");
    // 100 levels are fine (metadata entry and its value count: 2 + 98).
    const ok = await post(`{"events":[{"runId":"${runId}","seq":1,"timestamp":1,"stepKey":null,"body":{"type":"ASSET_OBSERVATION","assetKey":"loc/a","partition":null,"metadata":{"m":{"type":"json","value":${deep(98)}}}}}]}`);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual(logged.filter((r) => r.level === "error"), []);
  });
});
