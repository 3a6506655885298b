/**
 * A Node child without any Pipes client, for robustness tests: it decodes the bootstrap
 * variables itself and misbehaves in the way argv[2] names.
 */
import { spawn } from "node:child_process";
import { appendFileSync, writeSync } from "node:fs";
import { inflateSync } from "node:zlib";

const scenario = process.argv[2] ?? "ok";
const decode = (name: string): Record<string, unknown> =>
  JSON.parse(inflateSync(Buffer.from(process.env[name] ?? "", "base64")).toString("utf8")) as Record<string, unknown>;
const messages = decode("DAGSTER_PIPES_MESSAGES");
const path = typeof messages.path === "string" ? messages.path : null;
const write = (text: string): void => {
  if (path !== null) appendFileSync(path, text);
  else writeSync(messages.stdio === "stdout" ? 1 : 2, text);
};
const send = (method: string, params: unknown): void => write(JSON.stringify({ __dagster_pipes_version: "0.1", method, params }) + "\n");
const MiB = 1024 * 1024;

async function main(): Promise<void> {
  send("opened", { extras: {} });
  switch (scenario) {
    case "huge-message": {
      // One 5 MiB message, then a normal one: the first is dropped, the second arrives.
      send("log", { message: "x".repeat(5 * MiB), level: "INFO" });
      send("log", { message: "after the huge one", level: "INFO" });
      break;
    }
    case "flood": {
      // 64 MiB of stdout, 64 MiB of garbage lines in the message channel, and a 16 MiB line without newline.
      const block = "flood ".repeat(10_922) + "\n";
      for (let written = 0; written < 64 * MiB; written += block.length) {
        if (!process.stdout.write(block)) await new Promise((resolve) => process.stdout.once("drain", resolve));
      }
      const garbage = ("not json at all " + "g".repeat(1000) + "\n").repeat(1000);
      for (let written = 0; written < 64 * MiB; written += garbage.length) write(garbage);
      send("log", { message: "still alive", level: "INFO" });
      send("closed", {});
      write("y".repeat(16 * MiB));
      return;
    }
    case "other-asset":
      send("report_asset_materialization", { asset_key: "not/mine", data_version: null, metadata: { rows: { raw_value: 1, type: "int" } } });
      send("report_asset_check", { asset_key: "not/mine", check_name: "c", passed: true, severity: "ERROR", metadata: null });
      send("report_asset_materialization", { asset_key: null, data_version: null, metadata: null });
      break;
    case "foreign-flood": {
      // 5 000 reports for an asset the step does not materialize, in batches.
      const line = JSON.stringify({ __dagster_pipes_version: "0.1", method: "report_asset_materialization", params: { asset_key: "not/mine", data_version: null, metadata: null } }) + "\n";
      for (let i = 0; i < 5; i++) write(line.repeat(1000));
      send("closed", {});
      return;
    }
    case "three-huge": {
      for (let i = 0; i < 3; i++) send("log", { message: "x".repeat(2 * MiB), level: "INFO" });
      send("log", { message: "after the huge ones", level: "INFO" });
      break;
    }
    case "long-line": {
      // A 20 MiB line without newline on the message channel, after `closed`, then exit.
      send("closed", {});
      write("z".repeat(20 * MiB));
      return;
    }
    case "no-close":
      send("log", { message: "leaving without closing", level: "INFO" });
      process.exit(0);
      break;
    case "crash":
      process.stderr.write("segfault-ish crash\n");
      process.exit(7);
      break;
    case "sleep": {
      // A grandchild in the same group, then wait forever: cancellation must reach both.
      // Ignores SIGTERM (only the SIGKILL after the grace period stops it), from before it reports
      // its pids: a SIGTERM arriving between the two would otherwise end it at once.
      process.on("SIGTERM", () => undefined);
      const grandchild = spawn("sleep", ["1000"], { stdio: "ignore" });
      send("report_custom_message", { payload: { pid: process.pid, grandchild: grandchild.pid } });
      setInterval(() => undefined, 1000);
      await new Promise(() => undefined);
      break;
    }
    case "logs": {
      const count = Number(process.argv[3] ?? "10000");
      let batch = "";
      for (let i = 0; i < count; i++) {
        batch += JSON.stringify({ __dagster_pipes_version: "0.1", method: "log", params: { message: `line ${i}`, level: "INFO" } }) + "\n";
        if (batch.length > 64 * 1024) {
          write(batch);
          batch = "";
        }
      }
      write(batch);
      break;
    }
    default:
      break;
  }
  send("closed", {});
}

void main();
