/**
 * `flyt webserver` through a PostgreSQL restart (issue 11), as real processes laid out as deployed:
 * the webserver, a `flyt daemon` that launches the runs the API queues, a `flyt code-server` for
 * the `url:` location whose remote worker posts the run's events to the webserver's ingest API,
 * and a PostgreSQL server of the test's own that is stopped (fast shutdown: 57P01 to every
 * session) for a few seconds mid-run and started again on the same data. A live event stream of
 * the run stays open throughout.
 *
 * What must hold: the webserver stays alive; `/healthz` answers 200 throughout; `/readyz` answers
 * 503 "not ready: storage unreachable" while the database is down and 200 again by itself after;
 * the ingest API answers a retryable 503 (never a 500) and the worker retries until stored; the
 * run ends SUCCESS with every event stored exactly once; the launcher following the run in the
 * daemon (CodeLocationLauncher) survives and revokes the run's token at the end; the stream
 * sends the run's end.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, request } from "node:http";
import { createInterface } from "node:readline";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { isTerminalRunStatus, type RunRecord, type StoredEvent } from "@flyt/core";
import { PostgresStorage } from "@flyt/storage";
import { startRestartablePostgres, testBackends, type RestartablePostgres } from "@flyt/storage/testing";
import { LINES_PER_STEP } from "./test-fixtures/slow-chain.js";

const FLYT = fileURLToPath(new URL("../bin/flyt.js", import.meta.url));
const LOCATION_FILE = fileURLToPath(new URL("./test-fixtures/slow-chain.js", import.meta.url));
const STEPS = ["slow/a", "slow/b", "slow/c"];
const DOWN_MS = 3_000;

interface Probe {
  at: number;
  /** When the answer (or the failure) came. */
  end: number;
  path: "/healthz" | "/readyz";
  status: number | null;
  error: string | null;
}

async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | null> | T | null): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** A port free right now on 127.0.0.1 (the webserver's public URL must be known before it starts). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** Spawns a flyt command whose stdout and stderr are collected into `sink`. */
function spawnFlyt(args: string[], cwd: string, env: NodeJS.ProcessEnv, sink: { text: string }): ChildProcess {
  const child = spawn(process.execPath, [FLYT, ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (chunk: Buffer) => (sink.text += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (sink.text += chunk.toString()));
  return child;
}

async function probe(url: string, path: Probe["path"]): Promise<Probe> {
  const at = Date.now();
  try {
    const response = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(2_000) });
    const body = (await response.json()) as { error?: string };
    return { at, end: Date.now(), path, status: response.status, error: body.error ?? null };
  } catch (error) {
    return { at, end: Date.now(), path, status: null, error: (error as Error).message };
  }
}

/** The run's server-sent event stream: the names of the events received, in order. */
function openStream(url: string, runId: string): { events: string[]; close(): void } {
  const events: string[] = [];
  const req = request(`${url}/api/runs/${encodeURIComponent(runId)}/events`, { headers: { accept: "text/event-stream" } }, (response) => {
    let buffer = "";
    response.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
        const name = /^event: (.+)$/m.exec(buffer.slice(0, end))?.[1];
        if (name !== undefined) events.push(name);
        buffer = buffer.slice(end + 2);
      }
    });
    response.on("error", () => undefined);
  });
  req.on("error", () => undefined);
  req.end();
  return { events, close: () => req.destroy() };
}

void describe("flyt webserver across a PostgreSQL restart", { skip: !testBackends().includes("postgres") }, () => {
  let server: RestartablePostgres;
  let storage: PostgresStorage;
  let cwd: string;
  const children: ChildProcess[] = [];
  const web = { text: "" };
  const daemonOutput = { text: "" };
  let webProcess: ChildProcess;
  let url: string;

  before(async () => {
    server = await startRestartablePostgres();
    const database = await server.createDatabase();
    // The test's own view of the database; its connection warnings during the outage are expected.
    storage = await PostgresStorage.open(database.url, { max: 2, onError: () => undefined });
    cwd = mkdtempSync(join(tmpdir(), "flyt-pg-restart-"));
    const env = { ...process.env, FLYT_DATABASE_URL: database.url, FLYT_HOME: join(cwd, ".flyt"), NO_COLOR: "1" };
    // The code server holds no database URL: its worker reports to the webserver's ingest API.
    const codeServer = spawn(process.execPath, [FLYT, "code-server", "-f", LOCATION_FILE, "--port", "0", "--name", "slow"], {
      cwd,
      env: { ...process.env, FLYT_DATABASE_URL: "", NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    children.push(codeServer);
    const codeServerUrl = await new Promise<string>((resolve, reject) => {
      createInterface({ input: codeServer.stdout }).on("line", (line) => {
        const record = JSON.parse(line) as { msg?: string; url?: string };
        if (record.msg === "listening" && record.url) resolve(record.url);
      });
      codeServer.once("exit", (code) => reject(new Error(`flyt code-server exited (${String(code)}) before listening`)));
    });
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    writeFileSync(join(cwd, "flyt.yaml"), `webserver:\n  publicUrl: ${url}\nlocations:\n  - name: slow\n    url: ${codeServerUrl}\n`);
    webProcess = spawnFlyt(["webserver", "--port", String(port)], cwd, env, web);
    children.push(webProcess, spawnFlyt(["daemon"], cwd, env, daemonOutput));
  });

  after(async () => {
    await Promise.all(
      children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }),
    );
    await storage?.close().catch(() => undefined);
    await server?.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  void it("stays up, reports storage unreachable on /readyz and recovers by itself, and a run mid-flight ends SUCCESS with every event once", { timeout: 90_000 }, async () => {
    await waitFor("the webserver to listen", 30_000, () => (web.text.includes('"msg":"listening"') ? true : null));
    await waitFor("the daemon to start", 30_000, () => (/ started \(postgres\)/.test(daemonOutput.text) ? true : null));
    await waitFor("the location to load", 30_000, async () => {
      const body = (await (await fetch(`${url}/api/v1/locations`)).json()) as { locations: Array<{ status: string }> };
      return body.locations[0]?.status === "LOADED" ? true : null;
    });

    const probes: Probe[] = [];
    let probing = true;
    const prober = (async () => {
      while (probing) {
        probes.push(await probe(url, "/healthz"), await probe(url, "/readyz"));
        await sleep(100);
      }
    })();

    try {
      const launched = await fetch(`${url}/api/v1/runs`, { method: "POST", headers: { "x-flyt-request": "1", "content-type": "application/json" }, body: JSON.stringify({ location: "slow", selection: "*" }) });
      assert.equal(launched.status, 201, await launched.clone().text());
      const { runId } = (await launched.json()) as { runId: string };
      const stream = openStream(url, runId);
      try {
        // Down while the first step logs: the worker has events to post throughout the outage.
        await waitFor("the first step to start", 30_000, async () => ((await storage.getEvents(runId, { types: ["STEP_START"] })).length > 0 ? true : null));
        await server.stop();
        const stoppedAt = Date.now();
        await sleep(DOWN_MS);
        // PostgreSQL accepts connections a moment before start() resolves: a probe is "during the
        // outage" only if it began after the stop and was answered before the start was asked for.
        const startAskedAt = Date.now();
        await server.start();
        const startedAt = Date.now();
        const readyAgain = await waitFor("/readyz to answer 200 again", 30_000, () => probes.find((p) => p.path === "/readyz" && p.status === 200 && p.at >= startedAt) ?? null);

        const run = await waitFor<RunRecord>("the run to end", 60_000, async () => {
          const current = await storage.getRun(runId);
          return current !== null && isTerminalRunStatus(current.status) ? current : null;
        });
        const runSeenEndedAt = Date.now();
        await waitFor("the stream to send the run's end", 10_000, () => (stream.events.includes("end") ? true : null));
        probing = false;
        await prober;

        assert.equal(webProcess.exitCode, null, `the webserver is alive; its output:\n${web.text.slice(-3000)}`);
        for (const child of children) assert.equal(child.exitCode, null, `${child.spawnargs.slice(2, 3).join(" ")} is alive; daemon output:\n${daemonOutput.text.slice(-3000)}`);
        assert.deepEqual(probes.filter((p) => p.path === "/healthz" && p.status !== 200), [], "/healthz answered 200 throughout");
        const down = probes.filter((p) => p.path === "/readyz" && p.at > stoppedAt && p.end < startAskedAt);
        assert.ok(down.length > 0, "/readyz was probed while storage was down");
        for (const p of down) {
          assert.equal(p.status, 503, "/readyz is 503 while storage is down");
          assert.match(p.error ?? "", /^not ready: storage unreachable: /);
        }

        const events: StoredEvent[] = await storage.getEvents(runId);
        assert.equal(run.status, "SUCCESS", JSON.stringify(events.filter((e) => e.body.type === "RUN_FAILURE").map((e) => e.body)));
        const seqs = events.filter((e) => e.seq !== null).map((e) => e.seq);
        assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => i + 1), "worker events 1…N, each once, in order");
        const count = (type: string): number => events.filter((e) => e.body.type === type && e.seq !== null).length;
        assert.equal(count("LOG"), STEPS.length * LINES_PER_STEP, "every log line stored once");
        assert.equal(count("ASSET_MATERIALIZATION"), STEPS.length);
        assert.equal(count("STEP_SUCCESS"), STEPS.length);
        assert.equal(count("RUN_SUCCESS"), 1);
        assert.equal(events.filter((e) => e.body.type === "RUN_FAILURE").length, 0);
        await waitFor("the run's token to be revoked (the launcher followed the run to its end)", 10_000, async () => {
          const live = await storage.connection.query<{ n: number }>("SELECT count(*)::int AS n FROM run_tokens WHERE run_id = $1 AND revoked_at IS NULL", [runId]);
          return live.rows[0]?.n === 0 ? true : null;
        });

        const logs = `${web.text}\n${daemonOutput.text}`.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as { level?: string; msg?: string; url?: string; code?: string });
        assert.deepEqual(logs.filter((l) => l.msg === "request failed" || l.msg === "run launch failed"), [], "no request answered 500, no launch given up");
        assert.ok(logs.some((l) => l.code === "UNAVAILABLE" && (l.url ?? "").startsWith("/ingest/")), "the ingest API answered 503 while storage was down (and the worker retried)");
        process.stderr.write(
          `# webserver across a restart: down ${startedAt - stoppedAt} ms; /readyz 200 again ${readyAgain.at - startedAt} ms after the start; run stored ${run.status} ${runSeenEndedAt - startedAt} ms after it, ${seqs.length} events once each\n`,
        );
      } finally {
        stream.close();
      }
    } finally {
      probing = false;
      await prober;
    }
  });
});
