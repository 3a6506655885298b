/**
 * The generated GraphQL types (resolver types here, operation types in packages/ui) must match the
 * committed schema.graphql: a field added to type-defs.ts without regenerating fails here, so CI
 * never type-checks resolvers or UI queries against an old schema.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { it } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

it("generated GraphQL files are up to date (run `npx tsc -b && node scripts/generate-graphql.mjs`)", () => {
  const result = spawnSync(process.execPath, ["scripts/generate-graphql.mjs", "--check"], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
});
