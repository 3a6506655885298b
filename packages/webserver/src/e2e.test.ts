/**
 * Multi-process end to end: a webserver and its workspace in this process, code-location servers
 * as child processes (examples/weather, a broken copy of examples/broken, and test locations),
 * remote run workers as their children, events coming back through the ingest API. Covers: the
 * broken location's error via REST while the other materializes; fixing and reloading it;
 * token scope (403, nothing stored); no DB credentials in user processes; a webserver restart
 * in the middle of a run with no event lost or duplicated.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { isTerminalRunStatus, type RunRecord, type StoredEvent } from "@flyt/core";
import { SqliteStorage, type Storage } from "@flyt/storage";
import { mintRunToken, Workspace } from "@flyt/workspace";
import { startWebserver, type Webserver } from "./index.js";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
// Inside the repository (git-ignored) so that `@flyt/sdk` resolves from the copied files.
const workRoot = join(repo, ".flyt-test", `e2e-${process.pid}`);

const SLOW_LOCATION = `
import { asset, defineDefinitions } from "@flyt/sdk";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const steps = [0, 1, 2, 3, 4].map((i) => asset({
  key: "slow/s" + i,
  deps: i === 0 ? [] : ["slow/s" + (i - 1)],
  compute: async ({ log }) => { for (let j = 0; j < 5; j++) { log.info("tick " + i + "." + j); await sleep(60); } return { i }; },
}));
export default defineDefinitions({ assets: steps });
`;

const ENV_LOCATION = `
import { asset, defineDefinitions } from "@flyt/sdk";
export default defineDefinitions({ assets: [asset({
  key: "envcheck/report",
  compute: () => ({
    databaseVars: Object.keys(process.env).filter((k) => /DATABASE|PG/.test(k)).join(",") || "none",
    tokenInEnv: process.env.FLYT_RUN_TOKEN === undefined ? "no" : "yes",
  }),
})] });
`;

async function json(url: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const response = await fetch(url, init);
  return { status: response.status, body: await response.json() };
}

async function waitForRun(storage: Storage, runId: string, timeoutMs = 60_000): Promise<RunRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await storage.getRun(runId);
    if (run && isTerminalRunStatus(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} did not finish in ${timeoutMs} ms (status ${run?.status})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function assertSeqsComplete(events: StoredEvent[]): void {
  const seqs = events.filter((e) => e.seq !== null).map((e) => e.seq!);
  const max = Math.max(...seqs);
  assert.equal(new Set(seqs).size, seqs.length, "no duplicated seq");
  assert.equal(seqs.length, max, `every seq from 1 to ${max} stored once (got ${seqs.length})`);
}

for (const warmWorkers of [false, true]) describe(`code locations end to end (webserver + code servers + remote workers${warmWorkers ? ", warm spare workers" : ""})`, () => {
  let storage: Storage;
  let workspace: Workspace;
  let web: Webserver;
  const work = join(workRoot, warmWorkers ? "warm" : "cold");
  const brokenFile = join(work, "broken", "definitions.ts");

  before(async () => {
    rmSync(work, { recursive: true, force: true });
    mkdirSync(join(work, "broken"), { recursive: true });
    copyFileSync(join(repo, "examples/broken/definitions.ts"), brokenFile);
    writeFileSync(join(work, "slow.ts"), SLOW_LOCATION);
    writeFileSync(join(work, "envcheck.ts"), ENV_LOCATION);
    storage = await SqliteStorage.open(join(work, "flyt.db"));
    workspace = await Workspace.start({
      locations: [
        { name: "weather", file: join(repo, "examples/weather/definitions.ts") },
        { name: "broken", file: brokenFile },
        { name: "slow", file: join(work, "slow.ts") },
        { name: "envcheck", file: join(work, "envcheck.ts") },
      ],
      // The platform's own secrets: they must never reach code servers or workers.
      environment: { ...process.env, FLYT_DATABASE_URL: "postgres://flyt:s3cret@db/flyt", FLYT_TEST_DATABASE_URL: "postgres://x:y@z/w" },
      pollIntervalMs: 0,
      warmWorkers,
    });
    web = await startWebserver({ storage, workspace, port: 0, log: () => undefined });
  });

  after(async () => {
    await web?.close();
    await workspace?.close();
    await storage?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it("shows the broken location's error while the good one is LOADED", async () => {
    const { status, body } = await json(`${web.url}/api/v1/locations`);
    assert.equal(status, 200);
    const byName = new Map((body.locations as Array<{ name: string; status: string; error: { message: string } | null }>).map((l) => [l.name, l]));
    assert.equal(byName.get("weather")?.status, "LOADED");
    assert.equal(byName.get("broken")?.status, "ERROR");
    assert.match(byName.get("broken")?.error?.message ?? "", /depends on unknown asset "broken\/umbrela_index"/);
    const ready = await json(`${web.url}/readyz`);
    assert.equal(ready.status, 200);
  });

  it("materializes the good location through CodeLocationLauncher: platform → code server → worker → ingest", async () => {
    const launched = await json(`${web.url}/api/v1/runs`, { method: "POST", body: JSON.stringify({ location: "weather", selection: "*" }) });
    assert.equal(launched.status, 201, JSON.stringify(launched.body));
    const run = await waitForRun(storage, launched.body.runId);
    assert.equal(run.status, "SUCCESS");
    const events = await storage.getEvents(run.runId);
    assertSeqsComplete(events);
    const materialized = events.filter((e) => e.body.type === "ASSET_MATERIALIZATION").map((e) => (e.body as { assetKey: string }).assetKey).sort();
    assert.deepEqual(materialized, ["weather/daily_brief", "weather/umbrella_index"]);
    assert.ok((await storage.getRunHeartbeats([run.runId])).length === 1, "the worker's heartbeat was recorded");
  });

  it("spans lineage across locations in the merged asset graph", async () => {
    const { body } = await json(`${web.url}/api/v1/assets`);
    const umbrella = (body.assets as Array<{ key: string; location: string; deps: string[] }>).find((a) => a.key === "weather/umbrella_index");
    assert.equal(umbrella?.location, "weather");
    assert.deepEqual(umbrella?.deps, ["atlas/met/bergen_forecast"]);
    // Atlas is not part of this workspace: the dependency is reported, not fatal.
    assert.ok((body.unresolved as Array<{ dep: string }>).some((u) => u.dep === "atlas/met/bergen_forecast"));
  });

  it("recovers the broken location after the file is fixed and only it is reloaded", async () => {
    const weatherBefore = workspace.get("weather")!;
    writeFileSync(brokenFile, readFileSync(brokenFile, "utf8").replace('"broken/umbrela_index"', '"broken/umbrella_index"'));
    const reloaded = await json(`${web.url}/api/v1/locations/broken/reload`, { method: "POST" });
    assert.equal(reloaded.status, 200);
    assert.equal(reloaded.body.status, "LOADED");
    assert.equal(reloaded.body.assetCount, 2);
    const weatherAfter = workspace.get("weather")!;
    assert.equal(weatherAfter.url, weatherBefore.url, "the other location's server was not restarted");
    assert.equal(weatherAfter.updatedAt, weatherBefore.updatedAt);
    const run = await json(`${web.url}/api/v1/runs`, { method: "POST", body: JSON.stringify({ location: "broken", selection: "*" }) });
    assert.equal((await waitForRun(storage, run.body.runId)).status, "SUCCESS");
    const missing = await json(`${web.url}/api/v1/locations/nope/reload`, { method: "POST" });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, "NOT_FOUND");
  });

  it("scopes run tokens: another run or another location's assets → 403 with nothing stored", async () => {
    const { run: runA } = await storage.createRun({ selection: "*", assetKeys: ["weather/umbrella_index"], location: "weather" });
    const { run: runB } = await storage.createRun({ selection: "*", assetKeys: ["broken/umbrella_index"], location: "broken" });
    const tokenA = mintRunToken();
    await storage.createRunToken({ tokenHash: tokenA.hash, runId: runA.runId, location: "weather", assetKeys: runA.assetKeys, expiresAt: Date.now() + 60_000 });
    // Each run's plan, as its worker would have sent it: step events of planned steps only are accepted.
    for (const [run, key] of [[runA, "weather/umbrella_index"], [runB, "broken/umbrella_index"]] as const) {
      await storage.appendEvents([{ runId: run.runId, seq: null, timestamp: Date.now(), stepKey: null, body: { type: "RUN_PLANNED", steps: [{ stepKey: key, assetKeys: [key] }] } }]);
    }
    const post = (runId: string, events: unknown[], token: string | null = tokenA.token) =>
      json(`${web.ingestUrl}/runs/${runId}/events`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ events }),
      });
    const materialization = (runId: string, assetKey: string, seq: number) => ({
      runId, seq, timestamp: Date.now(), stepKey: assetKey, body: { type: "ASSET_MATERIALIZATION", assetKey, partition: null, metadata: {} },
    });
    const countA = (await storage.getEvents(runA.runId)).length;
    const countB = (await storage.getEvents(runB.runId)).length;

    const otherRun = await post(runB.runId, [materialization(runB.runId, "broken/umbrella_index", 1)]);
    assert.equal(otherRun.status, 403);
    assert.match(otherRun.body.error.message, /token is for run .* cannot write to run/);
    const smuggled = await post(runA.runId, [materialization(runB.runId, "broken/umbrella_index", 1)]);
    assert.equal(smuggled.status, 403);
    assert.equal(smuggled.body.error.field, "events.0.runId");
    const otherAsset = await post(runA.runId, [materialization(runA.runId, "weather/umbrella_index", 1), materialization(runA.runId, "broken/umbrella_index", 2)]);
    assert.equal(otherAsset.status, 403);
    assert.match(otherAsset.body.error.message, /asset broken\/umbrella_index is not an asset of run/);
    assert.equal(otherAsset.body.error.field, "events.1.body.assetKey");
    const noToken = await post(runA.runId, [materialization(runA.runId, "weather/umbrella_index", 1)], null);
    assert.equal(noToken.status, 401);
    const forged = await post(runA.runId, [materialization(runA.runId, "weather/umbrella_index", 1)], mintRunToken().token);
    assert.equal(forged.status, 401);
    const malformed = await post(runA.runId, [{ runId: runA.runId, seq: 1, timestamp: 1, stepKey: null, body: { type: "NOPE" } }]);
    assert.equal(malformed.status, 400);
    assert.match(malformed.body.error.field, /^events\.0\.body/);
    assert.equal((await storage.getEvents(runA.runId)).length, countA, "nothing stored for run A");
    assert.equal((await storage.getEvents(runB.runId)).length, countB, "nothing stored for run B");
    assert.equal((await storage.getLatestMaterializations(["broken/umbrella_index"])).filter((m) => m.runId === runA.runId).length, 0);

    // The allowed write works, and a redelivery is idempotent.
    const ok = await post(runA.runId, [materialization(runA.runId, "weather/umbrella_index", 1)]);
    assert.deepEqual(ok.body, { received: 1, inserted: 1 });
    const again = await post(runA.runId, [materialization(runA.runId, "weather/umbrella_index", 1)]);
    assert.deepEqual(again.body, { received: 1, inserted: 0 });
    await storage.revokeRunTokens(runA.runId);
    const revoked = await post(runA.runId, [materialization(runA.runId, "weather/umbrella_index", 2)]);
    assert.equal(revoked.status, 401);
    assert.match(revoked.body.error.message, /revoked/);
  });

  it("runs a worker started the Kubernetes way: `flyt run-worker --run-id` with only the id, ingest URL and token", async () => {
    const { run } = await storage.createRun({ selection: "*", assetKeys: ["weather/daily_brief", "weather/umbrella_index"], location: "weather" });
    const token = mintRunToken();
    await storage.createRunToken({ tokenHash: token.hash, runId: run.runId, location: "weather", assetKeys: run.assetKeys, expiresAt: Date.now() + 60_000 });
    const child = spawn(process.execPath, [join(repo, "packages/cli/bin/flyt.js"), "run-worker", "--run-id", run.runId, "--location", "weather", "--definitions", join(repo, "examples/weather/definitions.ts")], {
      env: { ...process.env, FLYT_INGEST_URL: web.ingestUrl, FLYT_RUN_TOKEN: token.token },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    assert.equal(code, 0, stderr);
    const done = await storage.getRun(run.runId);
    assert.equal(done?.status, "SUCCESS");
    assertSeqsComplete(await storage.getEvents(run.runId));
  });

  it("never gives user code the database credentials (code server and worker environment)", async () => {
    const launched = await json(`${web.url}/api/v1/runs`, { method: "POST", body: JSON.stringify({ location: "envcheck", selection: "*" }) });
    const run = await waitForRun(storage, launched.body.runId);
    assert.equal(run.status, "SUCCESS");
    const [entry] = await storage.getLatestMaterializations(["envcheck/report"]);
    assert.deepEqual(entry?.metadata.databaseVars, { type: "text", value: "none" });
    assert.deepEqual(entry?.metadata.tokenInEnv, { type: "text", value: "no" });
  });

  it("completes a run across a webserver restart with no event lost or duplicated", async () => {
    const port = web.port;
    const launched = await json(`${web.url}/api/v1/runs`, { method: "POST", body: JSON.stringify({ location: "slow", selection: "*" }) });
    const runId = launched.body.runId as string;
    // Wait until the worker is reporting, then take the platform away for a while.
    for (let i = 0; i < 400 && !(await storage.getEvents(runId)).some((e) => e.body.type === "STEP_START"); i++) await new Promise((r) => setTimeout(r, 25));
    await web.close();
    await new Promise((r) => setTimeout(r, 1_500));
    const storedWhileDown = (await storage.getEvents(runId)).length;
    web = await startWebserver({ storage, workspace, port, log: () => undefined });
    const run = await waitForRun(storage, runId);
    assert.equal(run.status, "SUCCESS");
    const events = await storage.getEvents(runId);
    assert.ok(events.length > storedWhileDown, "events buffered during the outage arrived after the restart");
    assertSeqsComplete(events);
    assert.equal(events.filter((e) => e.body.type === "ASSET_MATERIALIZATION").length, 5);
    assert.equal(events.filter((e) => e.body.type === "LOG" && /^tick /.test((e.body as { message: string }).message)).length, 25);
  });
});
