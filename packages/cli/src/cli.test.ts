/**
 * End-to-end tests of the `flyt` command: real child processes running the built CLI against
 * real storage (a SQLite file and a fresh PostgreSQL database), with the default subprocess launcher.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { before, it } from "node:test";
import assert from "node:assert/strict";
import { describeEachBackend } from "@flyt/storage/testing";
import { storageEnv } from "./test-support.js";

const here = dirname(fileURLToPath(import.meta.url));
const bin = resolve(here, "../bin/flyt.js");
// The TypeScript source, so the test also proves .ts definitions load (bundled with esbuild).
const definitions = resolve(here, "../src/test-fixtures/definitions.ts");

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function flyt(args: string[], env: NodeJS.ProcessEnv, options: { onStdout?: (text: string, child: ReturnType<typeof spawn>) => void } = {}): Promise<Result> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      options.onStdout?.(stdout, child);
    });
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolvePromise({ code, stdout, stderr }));
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// The CLI opens (and migrates) the storage itself: the suite gets only its location.
describeEachBackend(
  (backend) => `flyt CLI on ${backend}`,
  ({ location }) => {
    let env: NodeJS.ProcessEnv;
    let traceDir: string;

    before(() => {
      traceDir = mkdtempSync(join(tmpdir(), "flyt-cli-trace-"));
      env = { ...process.env, ...storageEnv(location(), mkdtempSync(join(tmpdir(), "flyt-cli-"))), FLYT_TEST_TRACE_DIR: traceDir };
    });

    const executions = () =>
      existsSync(join(traceDir, "executions.log")) ? readFileSync(join(traceDir, "executions.log"), "utf8").trim().split("\n") : [];

    it("materializes a selection in dependency order and records it", async () => {
      const result = await flyt(["materialize", "-f", definitions, "--select", "+demo/report"], env);
      assert.equal(result.code, 0, result.stderr + result.stdout);
      assert.match(result.stdout, /✔ demo\/raw/);
      assert.match(result.stdout, /✔ demo\/report/);
      assert.match(result.stdout, /SUCCESS/);
      assert.deepEqual(executions().slice(-3), ["demo/raw", "demo/clean", "demo/report"]);

      const list = await flyt(["runs", "list", "--json"], env);
      assert.equal(list.code, 0, list.stderr);
      const { runs } = JSON.parse(list.stdout) as { runs: Array<{ runId: string; status: string; assetKeys: string[] }> };
      assert.equal(runs[0]?.status, "SUCCESS");
      assert.deepEqual(runs[0]?.assetKeys, ["demo/raw", "demo/clean", "demo/report"]);

      const show = await flyt(["runs", "show", runs[0].runId, "--json"], env);
      assert.equal(show.code, 0, show.stderr);
      const detail = JSON.parse(show.stdout) as { events: Array<{ body: { type: string; assetKey?: string; metadata?: Record<string, { type: string; value: unknown }>; text?: string; message?: string } }> };
      const rawMat = detail.events.find((e) => e.body.type === "ASSET_MATERIALIZATION" && e.body.assetKey === "demo/raw");
      assert.deepEqual(rawMat?.body.metadata?.row_count, { type: "int", value: 3 });
      assert.equal(rawMat?.body.metadata?.schema?.type, "table_schema");
      assert.ok(detail.events.some((e) => e.body.type === "STEP_OUTPUT" && e.body.text?.includes("hello from raw")), "stdout captured");
      assert.ok(detail.events.some((e) => e.body.type === "LOG" && e.body.message === "fetched rows"), "logger captured");

      const human = await flyt(["runs", "show", runs[0].runId], env);
      assert.equal(human.code, 0, human.stderr);
      assert.match(human.stdout, /demo\/clean\s+SUCCESS\s+1/);
      assert.match(human.stdout, /row_count\s+3/);
      assert.match(human.stdout, /hello from raw/);
    });

    it("exits non-zero naming the failing asset, skips downstream, and re-executes from failure", async () => {
      const failing = await flyt(["materialize", "-f", definitions, "--select", "demo/raw+"], { ...env, FLYT_TEST_FAIL_CLEAN: "1" });
      assert.equal(failing.code, 1, failing.stdout);
      assert.match(failing.stderr, /demo\/clean/);
      assert.match(failing.stderr, /clean exploded on purpose/);
      assert.match(failing.stdout, /demo\/report skipped/);
      const runId = /Run ([0-9a-f-]{36}) FAILURE/.exec(failing.stdout)?.[1];
      assert.ok(runId, failing.stdout);

      const before = executions().length;
      const retry = await flyt(["runs", "reexecute", runId, "--from-failure"], env);
      assert.equal(retry.code, 0, retry.stderr + retry.stdout);
      assert.deepEqual(executions().slice(before), ["demo/clean", "demo/report"], "demo/raw is not run again");

      const list = JSON.parse((await flyt(["runs", "list", "--json", "--limit", "1"], env)).stdout) as {
        runs: Array<{ parentRunId: string | null; stepKeys: string[] | null; status: string }>;
      };
      assert.equal(list.runs[0]?.parentRunId, runId);
      assert.equal(list.runs[0]?.status, "SUCCESS");
      assert.deepEqual(list.runs[0]?.stepKeys, ["demo/clean", "demo/report"]);
    });

    it("names the run's location after the file, and accepts the settable flyt/ tags only", async () => {
      const tagged = await flyt(["materialize", "-f", definitions, "--select", "demo/raw", "--tag", "flyt/max_retries=1", "--tag", "flyt/priority=5", "--tag", "team=data"], env);
      assert.equal(tagged.code, 0, tagged.stderr + tagged.stdout);
      const { runs } = JSON.parse((await flyt(["runs", "list", "--json", "--limit", "1"], env)).stdout) as { runs: Array<{ location: string; tags: Record<string, string> }> };
      // src/test-fixtures/definitions.ts: a file named "definitions" takes its folder's name, as in `flyt dev`.
      assert.equal(runs[0]?.location, "test-fixtures");
      assert.equal(runs[0]?.tags["flyt/max_retries"], "1");
      assert.equal(runs[0]?.tags["flyt/priority"], "5");
      assert.equal(runs[0]?.tags.team, "data");
      const reserved = await flyt(["materialize", "-f", definitions, "--select", "demo/raw", "--tag", "flyt/definitions_file=/tmp/evil.ts"], env);
      assert.equal(reserved.code, 1);
      assert.match(reserved.stderr, /reserved for the platform \(got flyt\/definitions_file\); the ones you may set are flyt\/max_retries, flyt\/retry_strategy, flyt\/priority/);
      const badValue = await flyt(["materialize", "-f", definitions, "--select", "demo/raw", "--tag", "flyt/max_retries=lots"], env);
      assert.equal(badValue.code, 1);
      assert.match(badValue.stderr, /tag flyt\/max_retries must be an integer from 0 to 999, got "lots"/);
    });

    it("requires and validates partitions", async () => {
      const missing = await flyt(["materialize", "-f", definitions, "--select", "demo/by_year"], env);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /--partition/);
      const bad = await flyt(["materialize", "-f", definitions, "--select", "demo/by_year", "--partition", "1999"], env);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /1999/);
      const ok = await flyt(["materialize", "-f", definitions, "--select", "demo/by_year", "--partition", "2024"], env);
      assert.equal(ok.code, 0, ok.stderr);
      assert.ok(executions().includes("demo/by_year:2024"));
    });

    it("says so when a selection matches nothing or names an unknown asset", async () => {
      const none = await flyt(["materialize", "-f", definitions, "--select", "group:nope"], env);
      assert.equal(none.code, 1);
      assert.match(none.stderr, /matches no asset/);
      const typo = await flyt(["materialize", "-f", definitions, "--select", "demo/claen"], env);
      assert.equal(typo.code, 1);
      assert.match(typo.stderr, /demo\/clean/, "did-you-mean suggestion");
      const unknownRun = await flyt(["runs", "show", "no-such-run"], env);
      assert.equal(unknownRun.code, 1);
      assert.match(unknownRun.stderr, /No run with id "no-such-run"/);
    });

    it("cancels on Ctrl-C: the run ends CANCELED and no process is left behind", async () => {
      let sent = false;
      const result = await flyt(["materialize", "-f", definitions, "--select", "demo/slow"], { ...env, FLYT_TEST_HANG: "1" }, {
        onStdout: (text, child) => {
          if (!sent && text.includes("▶ demo/slow")) {
            sent = true;
            // Give the asset a moment to start its grandchild before interrupting.
            setTimeout(() => child.kill("SIGINT"), 500);
          }
        },
      });
      assert.equal(result.code, 130, result.stdout + result.stderr);
      assert.match(result.stdout, /CANCELED/);
      const pid = Number(readFileSync(join(traceDir, "sleep.pid"), "utf8"));
      assert.ok(pid > 0);
      // The launcher kills the process group; give the kernel a moment to reap.
      for (let i = 0; i < 50 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
      assert.equal(isAlive(pid), false, `grandchild sleep (pid ${pid}) must not survive the cancellation`);
    });
  },
  { open: false },
);
