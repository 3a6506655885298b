// Runs every compiled test file (packages/*/dist/**/*.test.js, examples/*/dist/**/*.test.js, deploy/*/dist/**/*.test.js,
// scripts/*/dist/**/*.test.js for the repository's own tools)
// with node's test runner. Tests are TypeScript compiled by `tsc -b`, so they are type-checked
// before they run. Pass file filters as arguments to run a subset: `node scripts/run-tests.mjs storage`.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

const roots = ["packages", "examples", "deploy", "scripts"];
const files = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules") continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith(".test.js") && path.includes(`${"/"}dist${"/"}`)) files.push(path);
  }
}
// scripts/ also holds plain files (this one); only its folders are projects.
for (const root of roots) for (const pkg of readdirSync(root)) if (statSync(join(root, pkg)).isDirectory()) walk(join(root, pkg));
const filters = process.argv.slice(2);
const selected = filters.length ? files.filter((f) => filters.some((x) => f.includes(x))) : files;
if (selected.length === 0) {
  console.error("no test files found (did `tsc -b` run?)");
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ["--test", "--test-concurrency=2", "--test-timeout=120000", ...selected],
  { stdio: "inherit" },
);
process.exit(result.status ?? 1);
