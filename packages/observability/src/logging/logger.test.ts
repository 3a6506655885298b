/**
 * Logger tests: real processes write JSON lines to stdout with component/run/location fields,
 * secrets are redacted by field name and by value, the level filters, and pretty mode is chosen
 * for terminals unless the `pretty` option (FLYT_LOG_PRETTY, read by the CLI's config) says otherwise.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Writable } from "node:stream";
import { createLogger, createLoggerFamily, MIN_BARE_SECRET_LENGTH, recordSink } from "./logger.js";

const loggerModule = fileURLToPath(new URL("./logger.js", import.meta.url));

function runChild(script: string, env: Record<string, string> = {}): { lines: string[]; stderr: string } {
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", `import { createLogger } from ${JSON.stringify(loggerModule)};\n${script}`], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", ...env },
  });
  assert.equal(result.status, 0, result.stderr);
  return { lines: result.stdout.split("\n").filter((l) => l.length > 0), stderr: result.stderr };
}

test("a process logs one JSON object per line on stdout, with fields, levels and redaction", () => {
  const { lines } = runChild(
    `const log = createLogger({ component: "daemon", base: { location: "atlas" }, secrets: ["s3cr3t-value"] });
     log.debug("hidden at info");
     const run = log.child({ runId: "r-1", asset: "atlas/ssb/population" });
     run.info({ token: "abc123", config: { password: "hunter2", user: "flyt" } }, "run started with s3cr3t-value");
     run.error({ err: new Error("boom") }, "run failed");`,
  );
  assert.equal(lines.length, 2, lines.join("\n"));
  const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  const [started, failed] = parsed;
  assert.ok(started && failed);
  assert.equal(started.level, "info");
  assert.equal(started.component, "daemon");
  assert.equal(started.location, "atlas");
  assert.equal(started.runId, "r-1");
  assert.equal(started.asset, "atlas/ssb/population");
  assert.equal(started.msg, "run started with [redacted]");
  assert.equal(started.token, "[redacted]");
  assert.deepEqual(started.config, { password: "[redacted]", user: "flyt" });
  assert.match(String(started.time), /^\d{4}-\d\d-\d\dT/);
  assert.equal(failed.level, "error");
  assert.equal((failed.err as { message: string }).message, "boom");
  for (const line of lines) assert.ok(!line.includes("hunter2") && !line.includes("abc123") && !line.includes("s3cr3t-value"));
});

test("level debug shows debug lines; the default (info) hides them; the environment is not read", () => {
  const debug = runChild(`createLogger({ component: "cli", level: "debug" }).debug("visible");`);
  assert.equal((JSON.parse(debug.lines[0] ?? "{}") as { msg?: string }).msg, "visible");
  const hidden = runChild(`createLogger({ component: "cli" }).debug("hidden");`, { FLYT_LOG_LEVEL: "debug" });
  assert.equal(hidden.lines.length, 0, hidden.lines.join("\n"));
});

test("pretty mode: forced by pretty: true (human text, not JSON), chosen by a TTY, refused by pretty: false", () => {
  const isJson = (line: string | undefined): boolean => {
    try {
      JSON.parse(line ?? "");
      return true;
    } catch {
      return false;
    }
  };
  const pretty = runChild(`createLogger({ component: "dev", pretty: true, isTTY: false }).info("hello pretty");`);
  assert.match(pretty.lines.join("\n"), /hello pretty/);
  assert.ok(!isJson(pretty.lines[0]));
  const terminal = runChild(`createLogger({ component: "dev", isTTY: true }).info("on a terminal");`);
  assert.match(terminal.lines.join("\n"), /on a terminal/);
  assert.ok(!isJson(terminal.lines[0]));
  const refused = runChild(`createLogger({ component: "dev", pretty: false, isTTY: true }).info("json anyway");`);
  assert.equal((JSON.parse(refused.lines[0] ?? "{}") as { msg?: string }).msg, "json anyway");
});

test("an in-memory destination receives the same JSON (what tests of other packages use)", async () => {
  const chunks: string[] = [];
  const { Writable } = await import("node:stream");
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString("utf8"));
      done();
    },
  });
  const log = createLogger({ component: "webserver", destination, level: "info" });
  log.info({ authorization: "Bearer x" }, "request");
  await new Promise((resolve) => setImmediate(resolve));
  const line = JSON.parse(chunks.join("").trim()) as Record<string, unknown>;
  assert.equal(line.authorization, "[redacted]");
  assert.equal(line.component, "webserver");
});

function memory(): { destination: import("node:stream").Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString("utf8"));
      done();
    },
  });
  return { destination, lines: () => chunks.join("").split("\n").filter((l) => l.length > 0).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

test("a family shares one destination; each line has one component; records from package log options map to levels and fields", async () => {
  const { destination, lines } = memory();
  const family = createLoggerFamily({ destination, level: "info", secrets: ["pa55word-xyz"] });
  const sink = recordSink(family("webserver"));
  sink({ level: "warn", msg: "request failed", component: "api", url: "/graphql", error: "connect to postgres://flyt:pa55word-xyz@db failed" });
  sink({ msg: "location status", location: "atlas", status: "LOADED" });
  sink({ level: "debug", msg: "hidden" });
  recordSink(family("workspace"))({ level: "error", msg: "x", nested: { detail: ["pa55word-xyz"] }, err: new Error("pa55word-xyz leaked") });
  await new Promise((resolve) => setImmediate(resolve));
  const [warn, info, error] = lines();
  assert.ok(warn && info && error, JSON.stringify(lines()));
  assert.equal(lines().length, 3);
  assert.deepEqual([warn.level, warn.component, warn.subsystem, warn.url, warn.msg], ["warn", "webserver", "api", "/graphql", "request failed"]);
  assert.equal(warn.error, "connect to postgres://flyt:[redacted]@db failed");
  assert.deepEqual([info.level, info.location, info.status, info.subsystem], ["info", "atlas", "LOADED", undefined]);
  assert.equal(error.component, "workspace");
  assert.deepEqual(error.nested, { detail: ["[redacted]"] });
  assert.equal((error.err as { message: string }).message, "[redacted] leaked");
  assert.ok(!JSON.stringify(lines()).includes("pa55word-xyz"));
});

test("a short secret is redacted only as a credential; a long one everywhere", async () => {
  const { destination, lines } = memory();
  // "flyt" is the password of postgres://flyt:flyt@db/flyt (a common development setup): it is
  // also the user, the database and a folder name, which must stay readable.
  const family = createLoggerFamily({ destination, level: "info", secrets: ["flyt", "s3cr3t-long-enough"] });
  const log = family("daemon");
  log.info("loading /home/flyt/project/flyt.yaml for user flyt");
  log.warn({ error: "connect to postgres://flyt:flyt@db:5432/flyt failed" }, "storage");
  log.warn("dsn host=db user=flyt password=flyt dbname=flyt; env PGPASSWORD=flyt; json {\"password\":\"flyt\"}");
  log.info({ value: "flyt", note: "password: 'flyt' given" }, "fields");
  log.info("the long one appears bare: /srv/s3cr3t-long-enough/x and in postgres://u:s3cr3t-long-enough@h");
  log.info("printf value %s in /flyt/", "flyt");
  await new Promise((resolve) => setImmediate(resolve));
  const [path, url, forms, fields, long, printf] = lines();
  assert.equal(path?.msg, "loading /home/flyt/project/flyt.yaml for user flyt", "a short secret is left alone in unrelated text");
  assert.equal(url?.error, "connect to postgres://flyt:[redacted]@db:5432/flyt failed", "the URL's userinfo");
  assert.equal(forms?.msg, "dsn host=db user=flyt password=[redacted] dbname=flyt; env PGPASSWORD=[redacted]; json {\"password\":\"[redacted]\"}");
  assert.deepEqual([fields?.value, fields?.note], ["[redacted]", "password: '[redacted]' given"], "a whole field equal to the secret, and a password: form");
  assert.equal(long?.msg, "the long one appears bare: /srv/[redacted]/x and in postgres://u:[redacted]@h");
  assert.equal(printf?.msg, "printf value [redacted] in /flyt/", "a printf argument is a value of its own");
  assert.equal(MIN_BARE_SECRET_LENGTH, 8);
});

test("importing the logging module does not load pino; the first logger does", () => {
  const result = spawnSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `import { createRequire } from "node:module";
       const require = createRequire(import.meta.url);
       const pinoLoaded = () => Object.keys(require.cache).some((k) => /node_modules[\\/]pino[\\/]/.test(k));
       const { createLogger } = await import(${JSON.stringify(loggerModule)});
       const before = pinoLoaded();
       createLogger({ component: "cli", level: "silent" });
       console.log(JSON.stringify({ before, after: pinoLoaded() }));`,
    ],
    { encoding: "utf8" },
  );
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout.trim()), { before: false, after: true });
});
