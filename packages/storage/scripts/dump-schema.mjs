// Writes schema/sqlite.sql and schema/postgres.sql from freshly migrated databases, so schema
// changes show up in review. PostgreSQL: FLYT_TEST_DATABASE_URL, or a throwaway embedded server.
// Run after `tsc -b` (it uses the compiled package): npm run schema:dump -w @flyt/storage
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { dumpPostgresSchema, dumpSqliteSchema } from "../dist/index.js";
import { createTestStorage } from "../dist/testing/index.js";

const schemaDir = join(dirname(fileURLToPath(import.meta.url)), "..", "schema");

{
  const fixture = await createTestStorage("sqlite");
  try {
    writeFileSync(join(schemaDir, "sqlite.sql"), dumpSqliteSchema(fixture.storage.connection));
  } finally {
    await fixture[Symbol.asyncDispose]();
  }
}
{
  const fixture = await createTestStorage("postgres");
  try {
    writeFileSync(join(schemaDir, "postgres.sql"), await dumpPostgresSchema(fixture.storage.connection));
  } finally {
    await fixture[Symbol.asyncDispose]();
  }
}
console.log(`wrote ${join(schemaDir, "sqlite.sql")} and ${join(schemaDir, "postgres.sql")}`);
