/**
 * Process logs of `flyt webserver` and `flyt daemon` as real child processes (SQLite, loopback):
 * every stdout line is a JSON object with level, time and component; a secret value from an
 * alerts `*Env` variable never appears although an unreachable `url:` location carries it in its
 * URL (so the location errors would print it); FLYT_LOG_LEVEL=warn drops the info lines.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { configSecrets } from "./logging.js";

const FLYT = fileURLToPath(new URL("../bin/flyt.js", import.meta.url));
const FIXTURE = fileURLToPath(new URL("./test-fixtures/fast-schedule.js", import.meta.url));
const SECRET = "hunter2-logsecret-7f3a";

interface Line {
  level?: unknown;
  time?: unknown;
  component?: unknown;
  msg?: unknown;
  [key: string]: unknown;
}

/** Starts a command, waits until `ready` matches a parsed line (or 60 s), stops it with SIGTERM, returns stdout lines. */
async function runUntil(args: string[], cwd: string, env: NodeJS.ProcessEnv, ready: (line: Line) => boolean, settleMs = 0): Promise<{ raw: string[]; stderr: string }> {
  const child = spawn(process.execPath, [FLYT, ...args], { cwd, env: { ...process.env, FLYT_LOG_LEVEL: "", FLYT_LOG_PRETTY: "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args[0] ?? ""} gave no ready line within 60 s\nstdout:\n${stdout}\nstderr:\n${stderr}`)), 60_000);
    const check = (): void => {
      for (const text of stdout.split("\n")) {
        try {
          if (ready(JSON.parse(text) as Line)) {
            clearTimeout(timer);
            resolve();
            return;
          }
        } catch {
          // Not JSON (or a partial line): the assertions below report it.
        }
      }
    };
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      check();
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${args[0] ?? ""} exited (${String(code)}) early\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    });
  });
  // A ready line from before the command's SIGTERM handler (the quiet runs wait on warnings) needs a moment more.
  if (settleMs > 0) await sleep(settleMs);
  child.kill("SIGTERM");
  assert.equal(await exited, 0, `${args[0] ?? ""} did not exit 0 on SIGTERM\nstdout:\n${stdout}\nstderr:\n${stderr}`);
  return { raw: stdout.split("\n").filter((l) => l.length > 0), stderr };
}

function parseAll(raw: string[], component: string): Line[] {
  return raw.map((text) => {
    let line: Line;
    try {
      line = JSON.parse(text) as Line;
    } catch {
      throw new Error(`a stdout line is not JSON: ${text}`);
    }
    assert.ok(typeof line.level === "string" && ["trace", "debug", "info", "warn", "error", "fatal"].includes(line.level), text);
    assert.match(String(line.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/, text);
    assert.equal(typeof line.component, "string", text);
    assert.ok(line.component === component || line.component === "workspace", text);
    return line;
  });
}

describe("process logs of flyt webserver and flyt daemon", () => {
  const dir = mkdtempSync(join(tmpdir(), "flyt-logs-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  // The secret is an alert channel's signing secret, read from the environment; the same value
  // sits in an unreachable url: location, whose errors print the URL.
  writeFileSync(
    join(dir, "flyt.yaml"),
    [
      "storage:",
      "  sqlitePath: ./flyt.db",
      "locations:",
      `  - name: remote`,
      `    url: http://flyt:${SECRET}@127.0.0.1:9`,
      "alerts:",
      "  channels:",
      "    hook:",
      "      type: webhook",
      "      url: http://127.0.0.1:9/hook",
      "      secretEnv: FLYT_TEST_HOOK_SECRET",
      "  rules:",
      "    - name: failures",
      "      on: run_failure",
      "      channels: [hook]",
      "",
    ].join("\n"),
  );
  const env = { FLYT_TEST_HOOK_SECRET: SECRET, FLYT_CONFIG: join(dir, "flyt.yaml") };

  it("flyt webserver: JSON lines, the location error redacted, FLYT_LOG_LEVEL=warn keeps only warnings", { timeout: 120_000 }, async () => {
    const { raw } = await runUntil(["webserver", "--port", "0"], dir, env, (l) => l.msg === "listening");
    const lines = parseAll(raw, "webserver");
    const listening = lines.find((l) => l.msg === "listening");
    assert.ok(listening && listening.component === "webserver" && typeof listening.url === "string", raw.join("\n"));
    const status = lines.find((l) => l.component === "workspace" && l.location === "remote", 3_000);
    assert.ok(status, `a workspace line about location remote:\n${raw.join("\n")}`);
    assert.match(String(status.error), /cannot reach .*\[redacted\]/);
    assert.ok(!raw.join("\n").includes(SECRET), raw.join("\n"));

    const quiet = await runUntil(["webserver", "--port", "0"], dir, { ...env, FLYT_LOG_LEVEL: "warn" }, (l) => l.component === "workspace" && l.location === "remote", 3_000);
    const quietLines = parseAll(quiet.raw, "webserver");
    assert.ok(quietLines.length > 0);
    for (const line of quietLines) assert.notEqual(line.level, "info", quiet.raw.join("\n"));
    assert.ok(!quiet.raw.join("\n").includes(SECRET));
  });

  it("flyt daemon: JSON lines with loop/runId fields, the remote location's errors redacted, FLYT_LOG_LEVEL=warn keeps only warnings", { timeout: 120_000 }, async () => {
    const remoteFailed = (l: Line): boolean => l.loop === "remote-evaluator" || (typeof l.msg === "string" && l.msg.includes("cannot reach"));
    const { raw } = await runUntil(["daemon", "-f", FIXTURE, "--launcher", "in-process"], dir, env, remoteFailed);
    const lines = parseAll(raw, "daemon");
    assert.ok(lines.some((l) => typeof l.msg === "string" && l.msg.includes("is now the leader") && typeof l.daemonId === "string"), raw.join("\n"));
    assert.ok(lines.some((l) => typeof l.msg === "string" && /^serving 2 code location\(s\)/.test(l.msg) && Array.isArray(l.locations)), raw.join("\n"));
    const failure = lines.find(remoteFailed);
    assert.ok(failure && failure.level === "warn" && String(failure.msg).includes("[redacted]"), raw.join("\n"));
    assert.ok(!raw.join("\n").includes(SECRET), raw.join("\n"));

    const quiet = await runUntil(["daemon", "-f", FIXTURE, "--launcher", "in-process"], dir, { ...env, FLYT_LOG_LEVEL: "warn" }, remoteFailed, 3_000);
    const quietLines = parseAll(quiet.raw, "daemon");
    for (const line of quietLines) assert.notEqual(line.level, "info", quiet.raw.join("\n"));
    assert.ok(!quietLines.some((l) => String(l.msg).includes("is now the leader")));
    assert.ok(!quiet.raw.join("\n").includes(SECRET));
  });
});

describe("the database password in flyt code-server's logs", () => {
  // The folder's name holds "flyt", like the short development password below; the definitions
  // fail to load, so the error line carries the file's path.
  const dir = mkdtempSync(join(tmpdir(), "flyt-redact-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "broken.ts");
  writeFileSync(file, "export default (;\n");
  const failed = (l: Line): boolean => l.msg === "definitions failed to load";
  const errorLine = async (password: string): Promise<string> => {
    const databaseUrl = `postgres://flyt:${password}@127.0.0.1:9/flyt`;
    const { raw } = await runUntil(["code-server", "-f", file, "--port", "0"], dir, { FLYT_DATABASE_URL: databaseUrl, FLYT_CONFIG: "" }, (l) => l.msg === "listening");
    const line = raw.map((text) => JSON.parse(text) as Line).find(failed);
    assert.ok(line, raw.join("\n"));
    return String(line.error);
  };

  it("a short password is not scrubbed out of an unrelated path", { timeout: 60_000 }, async () => {
    const error = await errorLine("flyt");
    assert.ok(error.includes(file), `the path is intact: ${error}`);
    assert.doesNotMatch(error, /\[redacted\]/);
  });

  it("a password of 8 characters or more is redacted wherever it appears", { timeout: 60_000 }, async () => {
    const folder = dir.split("/").at(-1)!;
    assert.ok(folder.length >= 8);
    const error = await errorLine(folder);
    assert.ok(!error.includes(folder), error);
    assert.ok(error.includes(file.replace(folder, "[redacted]")), error);
  });
});

describe("configSecrets", () => {
  it("lists alert secrets and the database password, raw and decoded", () => {
    const secrets = configSecrets({ alerts: { secrets: ["s3cret-hook"] } as never, storage: { databaseUrl: "postgres://flyt:p%40ss-word@db:5432/flyt", sqlitePath: "" } });
    assert.deepEqual(secrets, ["s3cret-hook", "p%40ss-word", "p@ss-word"]);
    assert.deepEqual(configSecrets({ alerts: null, storage: { databaseUrl: null, sqlitePath: "x" } }), []);
  });
});
