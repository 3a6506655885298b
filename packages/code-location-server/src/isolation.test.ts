/**
 * Evaluation isolation with a real code-server process (dist/main.js, what `flyt code-server`
 * runs): a sensor stuck in a synchronous loop does not stop the server from answering health and
 * other sensors, and ends in a timeout error at its own (short) timeout, with its cursor kept; a
 * schedule likewise; a sensor that calls process.exit() ends only its worker.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { PROTOCOL_VERSION, PROTOCOL_VERSION_HEADER } from "@flyt/protocol";

const MAIN = fileURLToPath(new URL("./main.js", import.meta.url));
const FIXTURE = fileURLToPath(new URL("./test-fixtures/hung-sensor.js", import.meta.url));

async function call(url: string, path: string, body?: unknown, timeoutMs = 2_000): Promise<{ status: number; body: any; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${url}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { [PROTOCOL_VERSION_HEADER]: String(PROTOCOL_VERSION), "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: response.status, body: await response.json(), ms: performance.now() - started };
}

void describe("code server: evaluations cannot block it", () => {
  let child: ChildProcess;
  let url: string;
  before(async () => {
    child = spawn(process.execPath, [MAIN, "-f", FIXTURE, "--port", "0", "--name", "iso"], { stdio: ["ignore", "pipe", "inherit"] });
    url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on("line", (line) => {
        const record = JSON.parse(line) as { msg?: string; url?: string };
        if (record.msg === "listening" && record.url) resolve(record.url);
      });
      child.once("exit", (code) => reject(new Error(`code-server exited (${String(code)}) before listening`)));
    });
  });
  after(async () => {
    // SIGKILL: a server whose thread is stuck in user code would never handle SIGTERM.
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  });

  void it("answers health and a healthy sensor while another sensor spins, then times the spinning one out", { timeout: 30_000 }, async () => {
    const started = performance.now();
    const spinning = call(url, "/v1/sensors/spins/evaluate", { cursor: "c7", lastTickTime: null, timeoutMs: 1_500 }, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 300));

    const health = await call(url, "/v1/health");
    assert.equal(health.status, 200);
    assert.equal(health.body.status, "LOADED");

    const healthy = await call(url, "/v1/sensors/healthy/evaluate", { cursor: "41", lastTickTime: null, timeoutMs: 1_500 });
    assert.equal(healthy.status, 200);
    assert.equal(healthy.body.error, null);
    assert.equal(healthy.body.cursor, "42");
    assert.deepEqual(healthy.body.runRequests.map((r: { runKey: string }) => r.runKey), ["healthy-42"]);
    const thrown = await call(url, "/v1/sensors/throws/evaluate", { cursor: null, lastTickTime: null });
    assert.match(thrown.body.error.message, /upstream API down/, "each evaluation gets its own error, not a timeout");

    const spun = await spinning;
    const elapsed = performance.now() - started;
    assert.equal(spun.status, 200);
    assert.match(spun.body.error.message, /sensor spins did not finish within 1500 ms/);
    assert.equal(spun.body.cursor, "c7", "a timed-out evaluation keeps the request's cursor");
    assert.deepEqual(spun.body.runRequests, []);
    assert.ok(elapsed < 5_000, `the timeout ends the evaluation (took ${Math.round(elapsed)} ms)`);

    // The terminated worker is replaced: the same sensor can be evaluated (and time out) again.
    const again = await call(url, "/v1/sensors/healthy/evaluate", { cursor: null, lastTickTime: null });
    assert.equal(again.body.cursor, "1");
  });

  void it("times out a spinning schedule at the request's timeout", { timeout: 30_000 }, async () => {
    const spinning = call(url, "/v1/schedules/spins_schedule/evaluate", { scheduledTime: Date.parse("2024-01-01T00:00:00Z"), timeoutMs: 1_000 }, 10_000);
    const scheduled = await call(url, "/v1/schedules/healthy_schedule/evaluate", { scheduledTime: 1_000 });
    assert.deepEqual(scheduled.body.runRequests.map((r: { runKey: string }) => r.runKey), ["h-1000"]);
    const spun = await spinning;
    assert.match(spun.body.error.message, /schedule spins_schedule did not finish within 1000 ms/);
    assert.ok(spun.ms < 4_000, `took ${Math.round(spun.ms)} ms`);
  });

  void it("a sensor calling process.exit() fails alone; the server keeps serving", { timeout: 30_000 }, async () => {
    const exited = await call(url, "/v1/sensors/exits/evaluate", { cursor: "x", lastTickTime: null });
    assert.equal(exited.status, 200);
    assert.match(exited.body.error.message, /sensor exits: its evaluation worker exited with code 7/);
    assert.equal(exited.body.cursor, "x");
    assert.equal((await call(url, "/v1/health")).body.status, "LOADED");
    assert.equal(child.exitCode, null);
  });

  void it("rejects a schedule timeout out of range, naming the field", async () => {
    const bad = await call(url, "/v1/schedules/healthy_schedule/evaluate", { scheduledTime: 1, timeoutMs: 0 });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.body), /timeoutMs/);
  });
});
