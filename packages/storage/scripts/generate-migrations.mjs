// Generates src/generated/migrations.ts from the numbered SQL files in src/<backend>/migrations/.
// tsc does not copy .sql files into dist/, so the SQL travels inside a module instead.
// Usage: node scripts/generate-migrations.mjs          (write the module)
//        node scripts/generate-migrations.mjs --check  (exit 1 if the module is out of date)
import { readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const outFile = join(packageDir, "src", "generated", "migrations.ts");
const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

function readMigrations(backend) {
  const dir = join(packageDir, "src", backend, "migrations");
  const migrations = [];
  for (const file of readdirSync(dir).sort()) {
    const match = FILE_NAME.exec(file);
    if (!match) throw new Error(`${join(dir, file)}: migration files must be named NNNN_snake_case.sql`);
    const id = Number(match[1]);
    const expected = migrations.length + 1;
    if (id !== expected) throw new Error(`${join(dir, file)}: expected migration number ${expected} (no gaps, no duplicates)`);
    migrations.push({ id, name: `${match[1]}_${match[2]}`, sql: readFileSync(join(dir, file), "utf8") });
  }
  return migrations;
}

/** Every backend folder with migrations (src/<backend>/migrations/), so a new backend needs no edit here. */
function backends() {
  return readdirSync(join(packageDir, "src"), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(packageDir, "src", entry.name, "migrations")))
    .map((entry) => entry.name)
    .sort((a, b) => (a === "sqlite" ? -1 : b === "sqlite" ? 1 : a < b ? -1 : 1));
}

function render() {
  const lines = [
    "// GENERATED — DO NOT EDIT. Produced by packages/storage/scripts/generate-migrations.mjs",
    `// from ${backends().map((b) => `src/${b}/migrations/*.sql`).join(" and ")} (\`npm run generate -w @flyt/storage\`).`,
    'import type { Migration } from "../shared/migrations.js";',
    "",
  ];
  for (const backend of backends()) {
    const constName = `${backend.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_MIGRATIONS`;
    lines.push(`export const ${constName}: readonly Migration[] = [`);
    for (const m of readMigrations(backend)) {
      lines.push(`  { id: ${m.id}, name: ${JSON.stringify(m.name)}, sql: ${JSON.stringify(m.sql)} },`);
    }
    lines.push("];", "");
  }
  return lines.join("\n");
}

const content = render();
if (process.argv.includes("--check")) {
  const current = existsSync(outFile) ? readFileSync(outFile, "utf8") : "";
  if (current !== content) {
    console.error(`${outFile} is out of date with the .sql migrations: run npm run generate -w @flyt/storage`);
    process.exit(1);
  }
  console.log("generated migrations module is up to date");
} else {
  writeFileSync(outFile, content);
  console.log(`wrote ${outFile}`);
}
