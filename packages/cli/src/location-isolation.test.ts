/**
 * Hostile definitions, as real processes. An asset key over the protocol's limits makes
 * `flyt code-server` report ERROR on /v1/health (not LOADED with a snapshot that then fails), and
 * `flyt dev` shows that error — the asset, the limit, the user's file and line — over REST and
 * GraphQL instead of "Internal error". A location whose module loops forever at import holds back
 * no other location in `flyt dev`: the healthy one is LOADED within seconds, with its schedule.
 */
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { devUrl, descendants, isAlive, startFlyt, waitFor, type FlytProcess } from "./test-support.js";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
// Inside the repository, so `@flyt/sdk` resolves from the fixtures.
const work = join(repo, ".flyt-test", `location-isolation-${process.pid}`);

const GOOD = `import { asset, defineDefinitions, schedule } from "@flyt/sdk";
const a = asset({ key: "good/a", compute: () => ({}) });
export default defineDefinitions({ assets: [a], schedules: [schedule({ name: "good_daily", cron: "0 6 * * *", target: "*" })] });
`;
// Line 3 declares the over-long key: the error must point there.
const LONG_KEY = `import { asset, defineDefinitions } from "@flyt/sdk";
const ok = asset({ key: "long/ok", compute: () => ({}) });
const bad = asset({ key: ["raw", "x".repeat(5000)], compute: () => ({}) });
export default defineDefinitions({ assets: [ok, bad] });
`;
const HANG = `import { asset, defineDefinitions } from "@flyt/sdk";
while (true) {}
export default defineDefinitions({ assets: [asset({ key: "hang/a", compute: () => ({}) })] });
`;

interface LocationSummary {
  name: string;
  status: string;
  error: { name: string; message: string; stack?: string } | null;
  assetCount: number;
}

async function json(url: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const response = await fetch(url, init);
  return { status: response.status, body: await response.json() };
}

async function graphql(url: string, query: string): Promise<any> {
  const { body } = await json(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return body.data;
}

const LIMIT_MESSAGE = /asset "raw\/x{40}…\(5000 chars\)": key segment 2 is 5000 characters, over the limit of 255 \(declared at [^)]*long\.mjs:3\)/;

void describe("hostile definitions as real processes", () => {
  const env: NodeJS.ProcessEnv = {};
  const running: FlytProcess[] = [];
  before(() => {
    mkdirSync(work, { recursive: true });
    writeFileSync(join(work, "good.mjs"), GOOD);
    writeFileSync(join(work, "long.mjs"), LONG_KEY);
    writeFileSync(join(work, "hang.mjs"), HANG);
    writeFileSync(join(work, "flyt.yaml"), "{}\n");
    env.FLYT_HOME = join(work, ".flyt");
    env.FLYT_CONFIG = join(work, "flyt.yaml");
    env.FLYT_DATABASE_URL = "";
  });
  after(async () => {
    await Promise.all(running.map((p) => p.stop()));
    rmSync(work, { recursive: true, force: true });
  });

  void it("flyt code-server: an over-long key is ERROR on /v1/health naming the asset and the limit, and 503 on /v1/snapshot", { timeout: 60_000 }, async () => {
    const server = startFlyt(["code-server", "-f", join(work, "long.mjs"), "--port", "0"], { cwd: work, env });
    running.push(server);
    const url = await waitFor(() => /"url":"(http:\/\/[^"]+)"/.exec(server.output())?.[1] ?? null, 30_000, () => `the code server to listen; output:\n${server.output()}`);
    const health = await json(`${url}/v1/health`);
    assert.equal(health.status, 200);
    assert.equal(health.body.status, "ERROR", JSON.stringify(health.body));
    assert.match(health.body.error.message, LIMIT_MESSAGE);
    // The user's frame, and none of Flyt's.
    assert.match(health.body.error.stack, /at \/.*long\.mjs:3:\d+$/);
    assert.doesNotMatch(health.body.error.stack, /packages\/|node_modules/);
    assert.equal(health.body.error.cause, undefined);
    const snapshot = await json(`${url}/v1/snapshot`);
    assert.equal(snapshot.status, 503);
    assert.equal(snapshot.body.error.code, "DEFINITIONS_LOAD");
    assert.match(snapshot.body.error.message, LIMIT_MESSAGE);
    await server.stop();
  });

  void it("flyt dev: a hung location holds back no other, and a location over the limits shows its real error", { timeout: 90_000 }, async () => {
    const dev = startFlyt(["dev", "-f", join(work, "hang.mjs"), "-f", join(work, "good.mjs"), "-f", join(work, "long.mjs"), "--port", "0"], { cwd: work, env });
    running.push(dev);
    const started = Date.now();
    const url = await devUrl(dev);
    const locations = await waitFor(
      async () => {
        const { body } = await json(`${url}/api/v1/locations`);
        const list = (body.locations ?? []) as LocationSummary[];
        const byName = new Map(list.map((l) => [l.name, l]));
        return byName.get("good")?.status === "LOADED" && byName.get("long")?.status === "ERROR" ? byName : null;
      },
      10_000,
      () => `good LOADED and long ERROR while hang loops; output:\n${dev.output()}`,
    );
    assert.ok(Date.now() - started < 15_000, `took ${Date.now() - started} ms`);
    assert.equal(locations.get("hang")?.status, "LOADING", "the looping location is still within its own timeout");
    assert.equal(locations.get("good")?.assetCount, 1);
    const long = locations.get("long")!;
    assert.match(long.error!.message, LIMIT_MESSAGE);
    assert.doesNotMatch(long.error!.message, /Internal error/);
    assert.match(long.error!.stack ?? "", /long\.mjs:3:\d+$/);
    assert.doesNotMatch(long.error!.stack ?? "", /packages\/|node_modules/);

    const data = await graphql(url, "{ locations { name status errorMessage } schedules { name location } }");
    const gqlLong = (data.locations as Array<{ name: string; status: string; errorMessage: string | null }>).find((l) => l.name === "long");
    assert.equal(gqlLong?.status, "ERROR");
    assert.match(gqlLong?.errorMessage ?? "", LIMIT_MESSAGE);
    assert.deepEqual(data.schedules, [{ name: "good_daily", location: "good" }]);
    // The dev process itself still answers at once while the hung import spins in its own child.
    const t0 = Date.now();
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    assert.ok(Date.now() - t0 < 1_000);

    // Ctrl-C does not wait for the hung import's timeout, and leaves no code server behind.
    const children = descendants(dev.pid);
    assert.ok(children.length >= 3, `expected three code servers, found ${children.length}`);
    const stopping = Date.now();
    await dev.stop();
    assert.ok(Date.now() - stopping < 8_000, `stopping took ${Date.now() - stopping} ms`);
    await waitFor(() => (children.every((pid) => !isAlive(pid)) ? true : null), 5_000, "the code servers to be gone");
  });

  void it("flyt dev killed with SIGKILL: a code server looping at import goes too (its parent pipe cannot be read while it loops)", { timeout: 60_000 }, async () => {
    const dev = startFlyt(["dev", "-f", join(work, "hang.mjs"), "--port", "0"], { cwd: work, env });
    running.push(dev);
    await devUrl(dev);
    const [child] = await waitFor(() => (descendants(dev.pid).length > 0 ? descendants(dev.pid) : null), 10_000, "the code server to start");
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.ok(isAlive(child!), "the looping code server runs");
    dev.child.kill("SIGKILL");
    await dev.exited;
    await waitFor(() => (isAlive(child!) ? null : true), 5_000, "the looping code server to die with its parent");
  });
});
