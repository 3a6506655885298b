/**
 * The webserver's `/metrics` and `/readyz` over real HTTP on both storage backends: run gauges by
 * status and location, events counted as the ingest API stores them, location load status,
 * promtool-clean exposition text; readiness with a current schema, a newer schema (503) and
 * storage that no longer answers (503).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, before, it } from "node:test";
import { PostgresStorage, SqliteStorage } from "@flyt/storage";
import { describeEachBackend, type TestStorage } from "@flyt/storage/testing";
import { mintRunToken } from "@flyt/workspace";
import { POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS } from "@flyt/storage";
import type { LocationStatusView } from "./routes/metrics.js";
import { startWebserver, type Webserver } from "./server.js";

function sample(text: string, name: string, labels: Record<string, string>): number | null {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`)) continue;
    const body = line.slice(name.length + 1, line.lastIndexOf("}"));
    const pairs = Object.fromEntries([...body.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => pairs[k] === v)) return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return null;
}

async function setFutureSchema(storage: TestStorage["storage"]): Promise<void> {
  const sql = "INSERT INTO flyt_migrations (id, name, applied_at) VALUES (999, '0999_future', 0)";
  if (storage instanceof SqliteStorage) storage.connection.prepare(sql).run();
  else if (storage instanceof PostgresStorage) await storage.connection.query(sql);
  else throw new Error("unknown storage class");
}

describeEachBackend((backend) => `webserver /metrics and /readyz (${backend})`, ({ backend, storage, fixture }) => {
  let web: Webserver;
  const locations: LocationStatusView[] = [
    { name: "shop", status: "LOADED" },
    { name: "broken", status: "ERROR" },
  ];

  before(async () => {
    web = await startWebserver({ storage: storage, port: 0, locations: () => locations, log: () => undefined });
  });

  after(async () => {
    await web.close();
  });

  it("/readyz reports storage reachable and the schema current", async () => {
    const response = await fetch(`${web.url}/readyz`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as any;
    assert.equal(body.status, "ready");
    assert.deepEqual(body.storage, {
      kind: backend,
      reachable: true,
      schemaVersion: (backend === "sqlite" ? SQLITE_MIGRATIONS : POSTGRES_MIGRATIONS).length,
      expectedSchemaVersion: (backend === "sqlite" ? SQLITE_MIGRATIONS : POSTGRES_MIGRATIONS).length,
      schemaCurrent: true,
    });
    assert.deepEqual(body.locations, locations);
  });

  it("/metrics counts runs by status and location, ingested events and location status", async () => {
    const queued = (await storage.createRun({ selection: "*", assetKeys: ["shop/a"], location: "shop" })).run;
    await storage.createRun({ selection: "*", assetKeys: ["shop/a"], location: "shop" });
    const failed = (await storage.createRun({ selection: "*", assetKeys: ["other/b"], location: "other" })).run;
    const now = Date.now();
    await storage.appendEvents([
      { runId: failed.runId, seq: null, timestamp: now, stepKey: null, body: { type: "RUN_STARTED" } },
      { runId: failed.runId, seq: null, timestamp: now + 1, stepKey: null, body: { type: "RUN_FAILURE", message: "boom" } },
    ]);
    const started = (await storage.createRun({ selection: "*", assetKeys: ["shop/a"], location: "shop" })).run;
    await storage.appendEvents([
      { runId: started.runId, seq: null, timestamp: now, stepKey: null, body: { type: "RUN_STARTED" } },
      // The worker's plan: the ingest API accepts step events of planned steps only.
      { runId: started.runId, seq: null, timestamp: now, stepKey: null, body: { type: "RUN_PLANNED", steps: [{ stepKey: "shop/a", assetKeys: ["shop/a"] }] } },
    ]);

    // Three events through the ingest API (one is a redelivery: stored once, counted once).
    const token = mintRunToken();
    await storage.createRunToken({ tokenHash: token.hash, runId: started.runId, location: "shop", assetKeys: started.assetKeys, expiresAt: now + 60_000 });
    const log = (seq: number) => ({ runId: started.runId, seq, timestamp: now + seq, stepKey: "shop/a", body: { type: "LOG", level: "info", message: `line ${seq}` } });
    for (const events of [[log(1), log(2)], [log(2), log(3)]]) {
      const posted = await fetch(`${web.ingestUrl}/runs/${started.runId}/events`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token.token}` },
        body: JSON.stringify({ events }),
      });
      assert.equal(posted.status, 200, await posted.text());
    }

    const response = await fetch(`${web.url}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    assert.equal(sample(text, "flyt_runs_active", { status: "QUEUED", location: "shop" }), 2);
    assert.equal(sample(text, "flyt_runs_active", { status: "STARTED", location: "shop" }), 1);
    assert.equal(sample(text, "flyt_runs_active", { status: "QUEUED", location: "other" }), 0);
    assert.equal(sample(text, "flyt_runs_ended_24h", { status: "FAILURE", location: "other" }), 1);
    assert.equal(sample(text, "flyt_runs_ended_24h", { status: "SUCCESS", location: "shop" }), 0);
    assert.equal(sample(text, "flyt_run_queue_depth", { component: "webserver" }), 2);
    assert.equal(sample(text, "flyt_runs_in_progress", { component: "webserver" }), 1);
    assert.equal(sample(text, "flyt_events_ingested_total", { location: "shop" }), 3);
    assert.equal(sample(text, "flyt_code_location_loaded", { location: "shop" }), 1);
    assert.equal(sample(text, "flyt_code_location_loaded", { location: "broken" }), 0);
    assert.match(text, /^process_resident_memory_bytes\{component="webserver"\} \d+/m);

    // A status that empties reads 0 on the next scrape, not its old value.
    await storage.appendEvents([{ runId: queued.runId, seq: null, timestamp: now + 5, stepKey: null, body: { type: "RUN_CANCELED", message: "test" } }]);
    const again = await (await fetch(`${web.url}/metrics`)).text();
    assert.equal(sample(again, "flyt_runs_active", { status: "QUEUED", location: "shop" }), 1, "one QUEUED run of shop remains");
    assert.equal(sample(again, "flyt_runs_ended_24h", { status: "CANCELED", location: "shop" }), 1);

    const lint = spawnSync("promtool", ["check", "metrics"], { input: again, encoding: "utf8" });
    assert.ok(lint.error === undefined, `promtool is not installed (Debian package prometheus): ${lint.error?.message ?? ""}`);
    assert.equal(lint.status, 0, `promtool check metrics failed:\n${lint.stdout}${lint.stderr}`);
    assert.equal(`${lint.stdout}${lint.stderr}`.trim(), "", "promtool reported lint problems");
  });

  it("/readyz answers 503 for a schema newer than this binary, and when storage is gone", async () => {
    // The backend's own class (the suite's storage is a stand-in): the test writes to it directly.
    await setFutureSchema(fixture().storage);
    const newer = await fetch(`${web.url}/readyz`);
    assert.equal(newer.status, 503);
    const body = (await newer.json()) as any;
    assert.equal(body.storage.schemaCurrent, false);
    assert.equal(body.storage.schemaVersion, 999);
    assert.match(body.error, /newer than this Flyt .*upgrade Flyt/);

    await storage.close();
    const gone = await fetch(`${web.url}/readyz`);
    assert.equal(gone.status, 503);
    const goneBody = (await gone.json()) as any;
    assert.equal(goneBody.storage.reachable, false);
    assert.match(goneBody.error, /^not ready: storage unreachable: /);
    assert.equal((await fetch(`${web.url}/healthz`)).status, 200, "the process itself is still healthy");
  });
});
