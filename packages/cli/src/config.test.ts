/**
 * Configuration stages: defaults, environment overrides, flyt.yaml validation, secrets from files.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { InvalidConfigError } from "@flyt/core";
import { loadConfig, maskDatabaseUrl } from "./config.js";

const dir = () => mkdtempSync(join(tmpdir(), "flyt-config-"));

describe("config", () => {
  it("defaults to SQLite under .flyt/ in the working directory and the subprocess launcher", () => {
    const cwd = dir();
    const config = loadConfig({ cwd, env: {} });
    assert.equal(config.storage.databaseUrl, null);
    assert.equal(config.storage.sqlitePath, join(cwd, ".flyt", "flyt.db"));
    assert.equal(config.execution.launcher, "subprocess");
    assert.equal(config.execution.parallelism, 4);
  });

  it("takes FLYT_DATABASE_URL, FLYT_HOME and flags over the file", () => {
    const cwd = dir();
    writeFileSync(join(cwd, "flyt.yaml"), "execution:\n  launcher: in-process\n  parallelism: 2\n");
    const config = loadConfig({
      cwd,
      env: { FLYT_DATABASE_URL: "postgres://u:p@localhost/db", FLYT_HOME: "state" },
      flags: { parallelism: "8" },
    });
    assert.equal(config.storage.databaseUrl, "postgres://u:p@localhost/db");
    assert.equal(config.home, join(cwd, "state"));
    assert.equal(config.execution.launcher, "in-process");
    assert.equal(config.execution.parallelism, 8);
  });

  it("reads the database URL from a mounted file", () => {
    const cwd = dir();
    writeFileSync(join(cwd, "db-url"), "postgresql://flyt:secret@db:5432/flyt\n");
    writeFileSync(join(cwd, "flyt.yaml"), "storage:\n  databaseUrlFile: db-url\n");
    assert.equal(loadConfig({ cwd, env: {} }).storage.databaseUrl, "postgresql://flyt:secret@db:5432/flyt");
  });

  it("names the unknown key in flyt.yaml", () => {
    const cwd = dir();
    writeFileSync(join(cwd, "flyt.yaml"), "execution:\n  paralelism: 2\n");
    assert.throws(() => loadConfig({ cwd, env: {} }), (e: unknown) => e instanceof InvalidConfigError && /paralelism/.test(e.message));
  });

  it("rejects a non-PostgreSQL database URL and a bad parallelism with clear messages", () => {
    const cwd = dir();
    assert.throws(() => loadConfig({ cwd, env: { FLYT_DATABASE_URL: "mysql://x" } }), /FLYT_DATABASE_URL.*postgres:\/\//);
    assert.throws(() => loadConfig({ cwd, env: { FLYT_PARALLELISM: "zero" } }), /parallelism.*"zero"/);
    assert.throws(() => loadConfig({ cwd, env: {}, flags: { launcher: "k8s" } }), /unknown launcher "k8s"/);
  });

  it("masks passwords in database URLs", () => {
    assert.equal(maskDatabaseUrl("postgres://flyt:s3cret@db:5432/flyt"), "postgres://flyt:***@db:5432/flyt");
  });
});
