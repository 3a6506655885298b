/**
 * The example's data folder (`examples/atlas/data/`, or `ATLAS_DATA_DIR`): one SQLite file for
 * the raw tables, newline-delimited JSON files the dbt project reads (`landing/`), and plain JSON
 * files for what is served. Also turns a table's columns and rows into
 * the metadata every asset reports (row count, column schema, a small preview, the file path).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import Database from "better-sqlite3";
import type { MetadataValue, TableColumn } from "@flyt/core";
import { exampleDir } from "./sources.js";

export type SqlType = "TEXT" | "INTEGER" | "REAL";

export interface ColumnSpec {
  name: string;
  type: SqlType;
  description?: string;
}

export type Row = Record<string, string | number | null>;

/** Rows shown in a `table` metadata preview. */
export const PREVIEW_ROWS = 5;

export function resolveDataDir(configured: string): string {
  return configured.trim() ? resolve(configured) : join(exampleDir(), "data");
}

export class AtlasStore {
  readonly dataDir: string;
  readonly dbPath: string;
  private db: Database.Database | null = null;

  constructor(dataDir: string) {
    this.dataDir = dataDir;
    this.dbPath = join(dataDir, "atlas.sqlite");
  }

  /** The SQLite database, opened on first use (WAL, so readers never block the writer of another step). */
  database(): Database.Database {
    if (!this.db) {
      mkdirSync(this.dataDir, { recursive: true });
      const db = new Database(this.dbPath);
      db.pragma("journal_mode = WAL");
      db.pragma("busy_timeout = 10000");
      this.db = db;
    }
    return this.db;
  }

  close(): void {
    this.db?.close();
    this.db = null;
  }

  /** Replaces a whole table with `rows`, in one transaction. */
  replaceTable(table: string, columns: readonly ColumnSpec[], rows: readonly Row[]): void {
    const db = this.database();
    const name = quoteIdent(table);
    db.transaction(() => {
      db.exec(`DROP TABLE IF EXISTS ${name}`);
      db.exec(`CREATE TABLE ${name} (${columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(", ")})`);
      insertRows(db, table, columns, rows);
    })();
  }

  /**
   * Replaces the rows of one partition (`partitionColumn = partitionValue`) in a table shared by
   * all partitions, creating the table on first use. Refuses to write when the table exists with
   * other columns (the source changed shape: drop the table and re-run every partition).
   */
  replacePartition(table: string, columns: readonly ColumnSpec[], partitionColumn: string, partitionValue: string, rows: readonly Row[]): void {
    const db = this.database();
    const name = quoteIdent(table);
    db.transaction(() => {
      db.exec(`CREATE TABLE IF NOT EXISTS ${name} (${columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(", ")})`);
      const existing = (db.prepare(`PRAGMA table_info(${name})`).all() as { name: string; type: string }[]).map((c) => `${c.name} ${c.type}`);
      const wanted = columns.map((c) => `${c.name} ${c.type}`);
      if (existing.join(",") !== wanted.join(",")) {
        throw new Error(
          `Table ${table} in ${this.dbPath} has columns (${existing.join(", ")}) but this write has (${wanted.join(", ")}); ` +
            `drop the table and materialize all partitions again`,
        );
      }
      db.prepare(`DELETE FROM ${name} WHERE ${quoteIdent(partitionColumn)} = ?`).run(partitionValue);
      insertRows(db, table, columns, rows);
    })();
  }

  /**
   * The caching headers stored from the last answer of `url` (MET's `Expires`, `Last-Modified`),
   * or null. Kept in atlas.sqlite beside the data they describe, so a fresh data folder asks again.
   */
  cacheHeaders(url: string): { expires: string | null; lastModified: string | null } | null {
    const db = this.database();
    db.exec(HTTP_CACHE_TABLE);
    const row = db.prepare("SELECT expires, last_modified FROM http_cache WHERE url = ?").get(url) as { expires: string | null; last_modified: string | null } | undefined;
    return row === undefined ? null : { expires: row.expires, lastModified: row.last_modified };
  }

  /** Stores the caching headers of the latest answer of `url` (both null: forget them). */
  saveCacheHeaders(url: string, headers: { expires: string | null; lastModified: string | null }): void {
    const db = this.database();
    db.exec(HTTP_CACHE_TABLE);
    if (headers.expires === null && headers.lastModified === null) {
      db.prepare("DELETE FROM http_cache WHERE url = ?").run(url);
      return;
    }
    db.prepare(
      "INSERT INTO http_cache (url, expires, last_modified, saved_at) VALUES (?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET expires = excluded.expires, last_modified = excluded.last_modified, saved_at = excluded.saved_at",
    ).run(url, headers.expires, headers.lastModified, new Date().toISOString());
  }

  tableExists(table: string): boolean {
    return this.database().prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
  }

  /** All rows of a table, or a clear error naming the upstream asset to materialize when it is missing. */
  readTable(table: string, producedBy: string, orderBy?: string): Row[] {
    if (!this.tableExists(table)) {
      throw new Error(`Table ${table} does not exist in ${this.dbPath}: materialize ${producedBy} first`);
    }
    return this.database()
      .prepare(`SELECT * FROM ${quoteIdent(table)}${orderBy ? ` ORDER BY ${orderBy}` : ""}`)
      .all() as Row[];
  }

  /** Writes a JSON file under the data folder atomically (temp file + rename); returns its absolute path. */
  writeJson(relativePath: string, value: unknown): string {
    const path = join(this.dataDir, relativePath);
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
    renameSync(tmp, path);
    return path;
  }

  /**
   * Writes rows as newline-delimited JSON under the data folder, atomically (temp file + rename;
   * the temp name does not end in `.ndjson`, so a reader globbing `*.ndjson` never sees a
   * half-written file); returns its absolute path. Every column is on every line, in `columns`
   * order, `null` when absent: dbt's `read_json` declares the columns and relies on that.
   */
  writeNdjson(relativePath: string, columns: readonly ColumnSpec[], rows: readonly Row[]): string {
    const path = join(this.dataDir, relativePath);
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    const lines = rows.map((row) => JSON.stringify(Object.fromEntries(columns.map((c) => [c.name, row[c.name] ?? null]))));
    writeFileSync(tmp, lines.length === 0 ? "" : `${lines.join("\n")}\n`);
    renameSync(tmp, path);
    return path;
  }

  /** The rows of a newline-delimited JSON file under the data folder, or a clear error naming what writes it. */
  readNdjson(relativePath: string, producedBy: string): Row[] {
    const path = join(this.dataDir, relativePath);
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new Error(`${path} does not exist: materialize ${producedBy} first`, { cause: error });
      throw error;
    }
    return text
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line, i) => {
        const value: unknown = JSON.parse(line);
        if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`${path} line ${i + 1} is not a JSON object`);
        return value as Row;
      });
  }
}

const HTTP_CACHE_TABLE = "CREATE TABLE IF NOT EXISTS http_cache (url TEXT PRIMARY KEY, expires TEXT, last_modified TEXT, saved_at TEXT NOT NULL)";

function quoteIdent(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`${JSON.stringify(name)} is not a safe SQL identifier`);
  return `"${name}"`;
}

function insertRows(db: Database.Database, table: string, columns: readonly ColumnSpec[], rows: readonly Row[]): void {
  const insert = db.prepare(
    `INSERT INTO ${quoteIdent(table)} (${columns.map((c) => quoteIdent(c.name)).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
  );
  for (const row of rows) insert.run(...columns.map((c) => row[c.name] ?? null));
}

const METADATA_TYPES: Record<SqlType, string> = { TEXT: "string", INTEGER: "int", REAL: "float" };

export function tableColumns(columns: readonly ColumnSpec[]): TableColumn[] {
  return columns.map((c) => ({ name: c.name, type: METADATA_TYPES[c.type], ...(c.description ? { description: c.description } : {}) }));
}

/**
 * The metadata every table asset reports: `rows`, `schema`, `preview` (first rows), `path`.
 * Built as typed values here so it does not depend on how the SDK infers plain values.
 */
export function tableMetadata(path: string, table: string, columns: readonly ColumnSpec[], rows: readonly Row[]): Record<string, MetadataValue> {
  const schema = tableColumns(columns);
  return {
    rows: { type: "int", value: rows.length },
    table: { type: "text", value: table },
    schema: { type: "table_schema", value: { columns: schema } },
    preview: { type: "table", value: { columns: schema, rows: rows.slice(0, PREVIEW_ROWS).map((r) => ({ ...r })) } },
    path: { type: "path", value: path },
  };
}
