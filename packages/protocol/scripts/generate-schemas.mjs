// Writes docs/protocol/v1/*.schema.json from the zod schemas (build first: `npx tsc -b packages/protocol`).
// Usage: node packages/protocol/scripts/generate-schemas.mjs
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { jsonSchemaFiles } from "../dist/json-schema.js";

const outDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "docs", "protocol", "v1");
mkdirSync(outDir, { recursive: true });
for (const name of readdirSync(outDir)) if (name.endsWith(".schema.json")) rmSync(join(outDir, name));
for (const { file, text } of jsonSchemaFiles()) writeFileSync(join(outDir, file), text);
console.log(`wrote ${jsonSchemaFiles().length} schema files to ${outDir}`);
