/**
 * A stable text dump of a PostgreSQL database's schema (columns from information_schema, constraints
 * from pg_constraint, indexes from pg_indexes), committed as schema/postgres.sql so that schema
 * changes show up in review. Not a restorable dump: a readable, diffable description.
 */
import type pg from "pg";

export async function dumpPostgresSchema(db: pg.Pool | pg.ClientBase): Promise<string> {
  const columns = await db.query<{ table_name: string; column_name: string; data_type: string; is_nullable: string; column_default: string | null }>(
    `SELECT table_name, column_name, data_type, is_nullable, column_default
     FROM information_schema.columns WHERE table_schema = current_schema()
     ORDER BY table_name COLLATE "C", ordinal_position`,
  );
  const constraints = await db.query<{ table_name: string; name: string; def: string }>(
    `SELECT c.conrelid::regclass::text AS table_name, c.conname AS name, pg_get_constraintdef(c.oid) AS def
     FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
     WHERE n.nspname = current_schema() AND c.contype IN ('p', 'u', 'f', 'c')
     ORDER BY c.conrelid::regclass::text COLLATE "C", c.conname COLLATE "C"`,
  );
  const indexes = await db.query<{ indexname: string; indexdef: string }>(
    `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname COLLATE "C"`,
  );
  const out: string[] = ["-- GENERATED schema dump of a freshly migrated PostgreSQL database. Run npm run schema:dump -w @flyt/storage.", ""];
  const byTable = new Map<string, string[]>();
  for (const c of columns.rows) {
    const line =
      `  ${c.column_name} ${c.data_type}${c.is_nullable === "NO" ? " NOT NULL" : ""}` +
      (c.column_default === null ? "" : ` DEFAULT ${c.column_default}`);
    byTable.set(c.table_name, [...(byTable.get(c.table_name) ?? []), line]);
  }
  for (const [table, lines] of byTable) {
    out.push(`TABLE ${table} (`, lines.join(",\n"), ");");
    for (const c of constraints.rows.filter((row) => row.table_name === table)) out.push(`  CONSTRAINT ${c.name} ${c.def};`);
    out.push("");
  }
  for (const index of indexes.rows) out.push(`${index.indexdef.replace(/\bpublic\./g, "")};`);
  return `${out.join("\n")}\n`;
}
