/**
 * Robustness of the orchestrator side against misbehaving children (real processes): keys
 * outside the step, oversized messages, floods of output and garbage, exits without `closed`,
 * crashes, cancellation of a whole process group, spawn errors and invalid options.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { PipesProcessError, runPipesProcess } from "./session.js";
import { fixturesJs, isAlive, recordingHost } from "./test-support.js";

const raw = join(fixturesJs, "raw-child.js");
const node = process.execPath;

void describe("Pipes robustness", () => {
  void it("a reported asset outside the step is an error event, not a write; a keyless report on a multi-asset step too", async () => {
    const rec = recordingHost({ assetKeys: ["m/a", "m/b"] });
    const result = await runPipesProcess(rec.host, node, [raw, "other-asset"]);
    assert.equal(rec.materializations.length, 0);
    assert.equal(rec.events.filter((e) => e.type === "ASSET_CHECK_EVALUATION").length, 0);
    const errors = rec.logs("error");
    assert.equal(errors.length, 3, errors.join("\n"));
    assert.match(errors[0]!, /materialization for asset "not\/mine", which step atlas\/ssb\/raw does not materialize in this run \(its assets: m\/a, m\/b\)/);
    assert.match(errors[1]!, /check c for asset "not\/mine"/);
    assert.match(errors[2]!, /without an asset key, but step atlas\/ssb\/raw has 2 assets/);
    assert.deepEqual(result.reportedAssetKeys, []);
  });

  void it("5 000 reports for an asset outside the step count against the warning cap: 100 errors and one summary", async () => {
    const rec = recordingHost();
    await runPipesProcess(rec.host, node, [raw, "foreign-flood"]);
    const logs = rec.events.filter((e) => e.type === "LOG");
    assert.equal(logs.length, 101, `LOG events: ${logs.length}`);
    assert.equal(rec.logs("error").length, 100);
    assert.match(rec.logs("warn").at(-1)!, /^4900 more Pipes warnings were suppressed$/);
    assert.equal(rec.materializations.length, 0);
  });

  void it("keeps the first maxMessageBytes of a 20 MiB unterminated line on the stdio channel as output, with one warning", async () => {
    const rec = recordingHost();
    await runPipesProcess(rec.host, node, [raw, "long-line"], { channel: "stdio", stdio: "stderr", maxMessageBytes: 64 * 1024 });
    assert.equal(rec.outputBytes.stderr, 64 * 1024 + 1, `stderr bytes kept: ${rec.outputBytes.stderr}`);
    const warnings = rec.logs("warn");
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0]!, /A 20971520-byte line of the process's stderr is over the 65536-byte line limit \(maxMessageBytes\): its first 65536 bytes were kept as output/);
  });

  void it("over-long lines in the message file: the first is explained, the others counted in one line", async () => {
    const rec = recordingHost();
    await runPipesProcess(rec.host, node, [raw, "three-huge"]);
    assert.deepEqual(rec.logs("info"), ["after the huge ones"]);
    const warnings = rec.logs("warn");
    assert.equal(warnings.length, 2, warnings.join("\n"));
    assert.match(warnings[0]!, /Dropped a Pipes message of \d+ bytes: over the 1048576-byte line limit/);
    assert.match(warnings[1]!, /^2 more lines over the 1048576-byte limit \(maxMessageBytes\) were cut or dropped$/);
  });

  for (const channel of ["file", "stdio"] as const) {
    void it(`drops a message over the size limit with a warning and goes on (${channel})`, async () => {
      const rec = recordingHost();
      await runPipesProcess(rec.host, node, [raw, "huge-message"], { channel });
      assert.deepEqual(rec.logs("info"), ["after the huge one"]);
      const warnings = rec.logs("warn");
      assert.equal(warnings.length, 1, warnings.join("\n"));
      assert.match(warnings[0]!, /over the 1048576-byte (line )?limit/);
    });
  }

  void it("a child flooding stdout and the message file (64 MiB each, plus a 16 MiB unterminated line) does not exhaust memory", async () => {
    const rec = recordingHost();
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    try {
      await runPipesProcess(rec.host, node, [raw, "flood"], { maxMessageBytes: 64 * 1024 });
    } finally {
      clearInterval(sampler);
    }
    assert.ok(rec.outputBytes.stdout >= 64 * 1024 * 1024, `stdout bytes seen: ${rec.outputBytes.stdout}`);
    assert.deepEqual(rec.logs("info"), ["still alive"]);
    // 64 000 garbage lines: 100 warnings, then one summary; the unterminated 16 MiB line is dropped as oversized.
    const warnings = rec.logs("warn");
    assert.equal(warnings.length, 101, warnings.slice(-3).join("\n"));
    assert.match(warnings.at(-1)!, /more Pipes warnings were suppressed/);
    const growthMiB = (peak - before) / 2 ** 20;
    assert.ok(growthMiB < 100, `RSS grew by ${growthMiB.toFixed(1)} MiB`);
  });

  void it("a process that exits 0 without `closed` succeeds with a warning", async () => {
    const rec = recordingHost();
    const result = await runPipesProcess(rec.host, node, [raw, "no-close"]);
    assert.equal(result.closed, false);
    assert.equal(result.opened, true);
    assert.deepEqual(rec.logs("info"), ["leaving without closing"]);
    assert.match(rec.logs("warn").join("\n"), /exited with code 0 without sending `closed`/);
  });

  void it("a crash (exit 7, no `closed`) fails with the exit code and the stderr tail", async () => {
    const rec = recordingHost();
    const error = await runPipesProcess(rec.host, node, [raw, "crash"]).catch((e: unknown) => e);
    assert.ok(error instanceof PipesProcessError);
    assert.equal(error.reason, "exit");
    assert.equal(error.details.exitCode, 7);
    assert.match(error.message, /exited with code 7\n--- last 4096 bytes of stderr ---\nsegfault-ish crash/);
    assert.match(rec.logs("warn").join("\n"), /without sending `closed`/);
  });

  void it("cancellation kills the whole process group, SIGKILL after the grace period when SIGTERM is ignored", async () => {
    const pids: { pid: number; grandchild: number }[] = [];
    const rec = recordingHost();
    const running = runPipesProcess(rec.host, node, [raw, "sleep"], {
      killGraceMs: 300,
      onCustomMessage: (payload) => pids.push(payload as { pid: number; grandchild: number }),
    }).catch((e: unknown) => e);
    const deadline = Date.now() + 10_000;
    while (pids.length === 0 && Date.now() < deadline) await sleep(20);
    const [seen] = pids;
    assert.ok(seen, "the child reported its pids");
    assert.ok(isAlive(seen.pid) && isAlive(seen.grandchild));
    const started = Date.now();
    rec.abort("user canceled");
    const error = await running;
    assert.ok(error instanceof PipesProcessError);
    assert.equal(error.reason, "canceled");
    assert.ok(Date.now() - started >= 250, "SIGTERM was ignored, so only the SIGKILL after the grace ended it");
    for (let i = 0; i < 100 && (isAlive(seen.pid) || isAlive(seen.grandchild)); i++) await sleep(20);
    assert.equal(isAlive(seen.pid), false, "child gone");
    assert.equal(isAlive(seen.grandchild), false, "grandchild gone");
  });

  void it("a run canceled before the start spawns nothing", async () => {
    const rec = recordingHost();
    rec.abort();
    const error = await runPipesProcess(rec.host, node, [raw]).catch((e: unknown) => e);
    assert.ok(error instanceof PipesProcessError);
    assert.equal(error.reason, "canceled");
  });

  void it("a command that does not exist fails with a spawn error naming it", async () => {
    const rec = recordingHost();
    const error = await runPipesProcess(rec.host, "/nonexistent/flyt-child", ["x"]).catch((e: unknown) => e);
    assert.ok(error instanceof PipesProcessError);
    assert.equal(error.reason, "spawn");
    assert.match(error.message, /Could not start Pipes process `\/nonexistent\/flyt-child x`: spawn \/nonexistent\/flyt-child ENOENT/);
  });

  void it("rejects invalid options with a message naming the option", async () => {
    const rec = recordingHost();
    const cases: Array<[unknown[], RegExp]> = [
      [["", []], /command must be a non-empty string/],
      [[node, [1]], /args must be an array of strings/],
      [[node, [], { channel: "socket" }], /channel must be "file" or "stdio"/],
      [[node, [], { stdio: "stdin" }], /stdio must be "stderr" or "stdout"/],
      [[node, [], { maxMessageBytes: 10 }], /maxMessageBytes must be an integer ≥ 1024/],
      [[node, [], { env: { A: 1 } }], /env.A must be a string/],
      [[node, [], { extras: [] }], /extras must be an object/],
    ];
    for (const [args, message] of cases) {
      const error = await (runPipesProcess as (...a: unknown[]) => Promise<unknown>)(rec.host, ...args).catch((e: unknown) => e);
      assert.ok(error instanceof PipesProcessError && error.reason === "invalid-options", String(error));
      assert.match(error.message, message);
    }
  });

  void it("handles 10 000 log lines in order", async () => {
    const rec = recordingHost();
    await runPipesProcess(rec.host, node, [raw, "logs", "10000"]);
    const logs = rec.logs("info");
    assert.equal(logs.length, 10_000);
    assert.equal(logs[0], "line 0");
    assert.equal(logs[9999], "line 9999");
  });
});
