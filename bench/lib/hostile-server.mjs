// The server side of bench/hostile.mjs, in its own process so the load generators do not share
// its event loop: a real webserver with the GraphQL API (the API tests' fixture definitions) and
// the ingest API over a temporary SQLite file, one run with a live run token. Prints one JSON
// line { url, runId, token } and serves until stdin closes.
import { createTestStorage } from "../../packages/storage/dist/testing/index.js";
import { startWebserver, createApiHandler, queueRunController } from "../../packages/webserver/dist/index.js";
import { LocalDefinitions } from "../../packages/webserver/dist/graphql/test-fixtures/local-definitions.js";
import { mintRunToken } from "../../packages/workspace/dist/index.js";

const fixture = new URL("../../packages/webserver/dist/graphql/test-fixtures/definitions.js", import.meta.url).pathname;
const store = await createTestStorage("sqlite");
const definitions = await LocalDefinitions.load("shop", fixture);
const api = createApiHandler({ storage: store.storage, definitions, runs: queueRunController(store.storage), log: () => undefined });
const web = await startWebserver({ storage: store.storage, port: 0, api, log: () => undefined });
const { run } = await store.storage.createRun({ selection: "*", assetKeys: ["loc/a"], location: "loc", status: "STARTING" });
const minted = mintRunToken();
await store.storage.createRunToken({ tokenHash: minted.hash, runId: run.runId, location: "loc", assetKeys: ["loc/a"], expiresAt: Date.now() + 3_600_000 });
process.stdout.write(JSON.stringify({ url: web.url, runId: run.runId, token: minted.token }) + "\n");
process.stdin.resume();
process.stdin.on("end", async () => {
  await web.close();
  await store[Symbol.asyncDispose]();
  process.exit(0);
});
