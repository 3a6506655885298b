/**
 * The code-location server over real HTTP: health, snapshot with content hash and 304, schedule
 * and sensor evaluation (user-code failures as data), request validation naming the field,
 * version refusal, and a definitions file that fails to load.
 */
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { contentHash, HealthResponseSchema, SnapshotResponseSchema } from "@flyt/protocol";
import { startCodeLocationServer, type CodeLocationServer } from "./index.js";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const work = join(repo, ".flyt-test", `code-server-${process.pid}`);

const DEFINITIONS = `
import { asset, defineDefinitions, externalAsset, schedule, sensor } from "@flyt/sdk";
const a = asset({ key: "t/a", deps: [externalAsset("other/x", { location: "other" })], compute: () => undefined });
export default defineDefinitions({
  assets: [a],
  schedules: [schedule({ name: "daily", cron: "0 6 * * *", target: "*", tags: { team: "t" } })],
  sensors: [
    sensor({ name: "ok", target: "*", evaluate: ({ cursor }) => ({ runRequests: [{ runKey: "k" + (cursor ?? "0") }], cursor: "1" }) }),
    sensor({ name: "throws", target: "*", evaluate: () => { throw new Error("upstream API down"); } }),
    sensor({ name: "hangs", target: "*", evaluate: () => new Promise(() => undefined) }),
    sensor({ name: "nonsense", target: "*", evaluate: () => ({ runRequests: "all of them" }) as never }),
  ],
});
`;

async function call(server: CodeLocationServer, path: string, init: RequestInit = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(`${server.url}${path}`, init);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
}

const post = (body: unknown): RequestInit => ({ method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });

describe("code-location server", () => {
  let server: CodeLocationServer;
  let broken: CodeLocationServer;

  before(async () => {
    mkdirSync(work, { recursive: true });
    writeFileSync(join(work, "defs.ts"), DEFINITIONS);
    writeFileSync(join(work, "broken.ts"), "import { asset } from '@flyt/sdk';\nexport default asset({ key: 'x', compute: ( => 1 });\n");
    server = await startCodeLocationServer({ definitionsFile: join(work, "defs.ts"), name: "t", port: 0, log: () => undefined });
    broken = await startCodeLocationServer({ definitionsFile: join(work, "broken.ts"), name: "b", port: 0, log: () => undefined });
  });

  after(async () => {
    await server?.close({ killWorkers: true });
    await broken?.close({ killWorkers: true });
    rmSync(work, { recursive: true, force: true });
  });

  it("serves health and a snapshot whose hash is the canonical content hash, with ETag and 304", async () => {
    const health = await call(server, "/v1/health");
    assert.equal(health.status, 200);
    assert.equal(health.headers.get("flyt-protocol-version"), "1");
    const parsedHealth = HealthResponseSchema.parse(health.body);
    assert.equal(parsedHealth.status, "LOADED");
    const snap = await call(server, "/v1/snapshot");
    const parsed = SnapshotResponseSchema.parse(snap.body);
    assert.equal(parsed.hash, contentHash(parsed.snapshot));
    assert.equal(parsed.hash, parsedHealth.hash);
    assert.equal(snap.headers.get("etag"), `"${parsed.hash}"`);
    assert.deepEqual(parsed.snapshot.externalAssets, [{ key: "other/x", location: "other" }]);
    assert.deepEqual(parsed.snapshot.assets[0]?.deps, ["other/x"]);
    assert.equal(parsed.snapshot.schedules[0]?.hasEvaluate, false);
    const again = await fetch(`${server.url}/v1/snapshot`, { headers: { "if-none-match": `"${parsed.hash}"` } });
    assert.equal(again.status, 304);
  });

  it("evaluates schedules and sensors; user-code failures come back as data with the cursor unchanged", async () => {
    const schedule = await call(server, "/v1/schedules/daily/evaluate", post({ scheduledTime: Date.UTC(2024, 0, 2, 6) }));
    assert.deepEqual(schedule.body.runRequests, [{ runKey: "2024-01-02T06:00:00.000Z", partitionKey: null, tags: { team: "t", "flyt/schedule": "daily" }, selection: "*" }]);
    const ok = await call(server, "/v1/sensors/ok/evaluate", post({ cursor: "5", lastTickTime: null }));
    assert.equal(ok.body.cursor, "1");
    assert.equal(ok.body.runRequests[0].runKey, "k5");
    const throws = await call(server, "/v1/sensors/throws/evaluate", post({ cursor: "5", lastTickTime: null }));
    assert.equal(throws.status, 200);
    assert.equal(throws.body.error.message, "upstream API down");
    assert.equal(throws.body.cursor, "5");
    const hangs = await call(server, "/v1/sensors/hangs/evaluate", post({ cursor: null, lastTickTime: null, timeoutMs: 200 }));
    assert.match(hangs.body.error.message, /did not finish within 200 ms/);
    const nonsense = await call(server, "/v1/sensors/nonsense/evaluate", post({ cursor: null, lastTickTime: null }));
    assert.match(nonsense.body.error.message, /runRequests must be an array/);
    const missing = await call(server, "/v1/sensors/nope/evaluate", post({ cursor: null, lastTickTime: null }));
    assert.equal(missing.status, 404);
  });

  it("answers bad input with 400 naming the field, and refuses other protocol versions", async () => {
    const bad = await call(server, "/v1/sensors/ok/evaluate", post({ cursor: 5, lastTickTime: null }));
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, "BAD_REQUEST");
    assert.equal(bad.body.error.field, "cursor");
    const notJson = await call(server, "/v1/runs", { method: "POST", body: "{nope" });
    assert.equal(notJson.status, 400);
    assert.match(notJson.body.error.message, /not valid JSON/);
    const launch = await call(server, "/v1/runs", post({ run: {}, ingestUrl: "http://x/ingest/v1", runToken: "short" }));
    assert.equal(launch.status, 400);
    assert.match(launch.body.error.field, /^run\./);
    const v2header = await call(server, "/v1/health", { headers: { "flyt-protocol-version": "2" } });
    assert.equal(v2header.status, 400);
    assert.equal(v2header.body.error.code, "UNSUPPORTED_VERSION");
    const v2path = await call(server, "/v2/health");
    assert.equal(v2path.body.error.code, "UNSUPPORTED_VERSION");
    assert.equal((await call(server, "/v1/runs/nope")).status, 404);
  });

  it("keeps serving when the definitions fail to load: health ERROR with the reason, snapshot 503", async () => {
    const health = HealthResponseSchema.parse((await call(broken, "/v1/health")).body);
    assert.equal(health.status, "ERROR");
    assert.match(health.error?.message ?? "", /broken\.ts/);
    const snap = await call(broken, "/v1/snapshot");
    assert.equal(snap.status, 503);
    assert.equal(snap.body.error.code, "DEFINITIONS_LOAD");
  });
});
