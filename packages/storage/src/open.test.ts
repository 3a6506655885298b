/**
 * openStorage: backend selection from configuration, and errors that name the problem without
 * ever showing a password.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { InvalidConfigError, StorageError } from "@flyt/core";
import { SQLITE_MIGRATIONS } from "./generated/migrations.js";
import { databaseUrlProblem, openStorage } from "./open.js";

describe("openStorage", () => {
  it("opens SQLite when no URL is given, creating the parent directory", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flyt-open-"));
    try {
      const sqlitePath = join(dir, "nested", ".flyt", "flyt.db");
      for (const databaseUrl of [undefined, null, "", "  "]) {
        const storage = await openStorage({ databaseUrl, sqlitePath });
        assert.equal(storage.kind, "sqlite");
        assert.equal(await storage.schemaVersion(), SQLITE_MIGRATIONS.length);
        await storage.close();
      }
      assert.ok(existsSync(sqlitePath));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("rejects a URL that is not PostgreSQL, masking its password", async () => {
    await assert.rejects(openStorage({ databaseUrl: "mysql://root:hunter2@db/flyt", sqlitePath: "x.db" }), (error: unknown) => {
      assert.ok(error instanceof InvalidConfigError);
      assert.match(error.message, /FLYT_DATABASE_URL/);
      assert.match(error.message, /root:\*\*\*@db/);
      assert.doesNotMatch(error.message, /hunter2/);
      return true;
    });
  });

  it("says which URLs the registry opens: its schemes, without regard to case, and nothing else", () => {
    for (const url of ["postgres://x", "postgresql://x", "POSTGRES://x", " postgres://x "]) assert.equal(databaseUrlProblem(url), null, url);
    for (const url of ["mysql://root:hunter2@db/flyt", "/var/flyt.db", "postgres:x", "postgresx://x"]) {
      const problem = databaseUrlProblem(url) ?? "";
      assert.match(problem, /expected postgres:\/\/ or postgresql:\/\/ \(PostgreSQL/, url);
      assert.doesNotMatch(problem, /hunter2/);
    }
  });

  it("reports an unreachable PostgreSQL server without the password", async () => {
    await assert.rejects(
      openStorage({ databaseUrl: "postgres://flyt:hunter2@127.0.0.1:1/flyt", sqlitePath: "x.db" }),
      (error: unknown) => {
        assert.ok(error instanceof StorageError);
        assert.match(error.message, /Could not connect to PostgreSQL at postgres:\/\/flyt:\*\*\*@127\.0\.0\.1:1\/flyt/);
        assert.doesNotMatch(error.message, /hunter2/);
        return true;
      },
    );
  });

  it("rejects a missing SQLite path", async () => {
    await assert.rejects(openStorage({ sqlitePath: "" }), InvalidConfigError);
  });
});
