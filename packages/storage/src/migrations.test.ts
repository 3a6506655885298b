/**
 * Migrations and schema, for every backend: the generated module matches the .sql files, racing
 * processes apply each migration exactly once, a newer schema is refused, and the committed schema
 * dump matches a freshly migrated database.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { MigrationError } from "@flyt/core";
import { POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS } from "./generated/migrations.js";
import { openStorage } from "./open.js";
import { PostgresStorage } from "./postgres/postgres-storage.js";
import { dumpPostgresSchema } from "./postgres/postgres-schema.js";
import { SqliteStorage } from "./sqlite/sqlite-storage.js";
import { dumpSqliteSchema } from "./sqlite/sqlite-schema.js";
import { describeEachBackend } from "./testing/index.js";

const distDir = dirname(fileURLToPath(import.meta.url));
const packageDir = join(distDir, "..");

/** Runs a module snippet in a fresh node process (cwd = the package, so its dependencies resolve). */
function runNode(code: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", code], { cwd: packageDir });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("close", (exitCode) => resolve({ code: exitCode, stdout, stderr }));
  });
}

describe("generated migrations module", () => {
  it("is up to date with the .sql files", () => {
    const result = spawnSync(process.execPath, [join(packageDir, "scripts", "generate-migrations.mjs"), "--check"], {
      encoding: "utf8",
    });
    assert.equal(result.status, 0, `${result.stderr}${result.stdout}`);
  });

  it("numbers migrations 1..N for both backends, with the same names", () => {
    assert.deepEqual(SQLITE_MIGRATIONS.map((m) => m.id), SQLITE_MIGRATIONS.map((_, i) => i + 1));
    assert.deepEqual(SQLITE_MIGRATIONS.map((m) => m.name), POSTGRES_MIGRATIONS.map((m) => m.name));
  });
});

describeEachBackend(
  (backend) => `migrations: ${backend}`,
  ({ backend, location }) => {
    it("applies each migration exactly once when several processes migrate a fresh database at once", async () => {
      const dist = JSON.stringify(join(distDir, "index.js"));
      const startAt = Date.now() + 1500;
      const wait = `await new Promise((r) => setTimeout(r, Math.max(0, ${startAt} - Date.now())));`;
      const { url, sqlitePath } = location();
      const code =
        url === null
          ? `import Database from "better-sqlite3"; import { migrateSqlite } from ${dist};
          const db = new Database(${JSON.stringify(sqlitePath)}); db.pragma("busy_timeout = 20000");
          ${wait}
          console.log(JSON.stringify(migrateSqlite(db))); db.close();`
          : `import pg from "pg"; import { migratePostgres } from ${dist};
          const pool = new pg.Pool({ connectionString: ${JSON.stringify(url)}, max: 2 });
          ${wait}
          console.log(JSON.stringify(await migratePostgres(pool))); await pool.end();`;
      const results = await Promise.all([runNode(code), runNode(code), runNode(code)]);
      for (const result of results) assert.equal(result.code, 0, result.stderr);
      const applied = results.flatMap((r) => JSON.parse(r.stdout.trim()) as number[]).sort((a, b) => a - b);
      const migrations = backend === "sqlite" ? SQLITE_MIGRATIONS : POSTGRES_MIGRATIONS;
      assert.deepEqual(applied, migrations.map((m) => m.id), "every migration applied by exactly one process");
      const storage = await openStorage({ databaseUrl: url, sqlitePath: sqlitePath ?? "" });
      try {
        assert.equal(await storage.schemaVersion(), migrations.length);
      } finally {
        await storage.close();
      }
    });
  },
  { per: "test", open: false },
);

describeEachBackend(
  (backend) => `migrations: ${backend}`,
  ({ backend, fixture }) => {
    it("refuses a database whose schema is newer than this binary", async () => {
      const { storage, url, sqlitePath } = fixture();
      if (storage instanceof SqliteStorage) {
        storage.connection.prepare("INSERT INTO flyt_migrations (id, name, applied_at) VALUES (999, '0999_future', 0)").run();
      } else if (storage instanceof PostgresStorage) {
        await storage.connection.query("INSERT INTO flyt_migrations (id, name, applied_at) VALUES (999, '0999_future', 0)");
      }
      await storage.close();
      await assert.rejects(openStorage({ databaseUrl: url, sqlitePath: sqlitePath ?? "" }), (error: unknown) => {
        assert.ok(error instanceof MigrationError);
        assert.match(error.message, new RegExp(`schema version 999 is newer than this Flyt \\(knows up to ${SQLITE_MIGRATIONS.length}\\): upgrade Flyt`));
        return true;
      });
    });

    it("matches the committed schema dump", async () => {
      const { storage } = fixture();
      const dump = storage instanceof SqliteStorage ? dumpSqliteSchema(storage.connection) : await dumpPostgresSchema((storage as PostgresStorage).connection);
      const committed = readFileSync(join(packageDir, "schema", `${backend}.sql`), "utf8");
      assert.ok(dump === committed, `schema/${backend}.sql differs from a freshly migrated ${backend} database: run npm run schema:dump -w @flyt/storage`);
    });

    it("reopening an up-to-date database applies nothing", async () => {
      const { storage } = fixture();
      const again =
        storage instanceof SqliteStorage
          ? await import("./sqlite/sqlite-migrator.js").then((m) => m.migrateSqlite(storage.connection))
          : await import("./postgres/postgres-migrator.js").then((m) => m.migratePostgres((storage as PostgresStorage).connection));
      assert.deepEqual(again, []);
    });
  },
  { per: "test" },
);
