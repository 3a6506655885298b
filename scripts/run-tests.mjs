// Runs every compiled test file (packages/*/dist/**/*.test.js, examples/*/dist/**/*.test.js, deploy/*/dist/**/*.test.js,
// scripts/*/dist/**/*.test.js for the repository's own tools)
// with node's test runner. Tests are TypeScript compiled by `tsc -b`, so they are type-checked
// before they run. Pass file filters as arguments to run a subset: `node scripts/run-tests.mjs storage`.
// Files named `*.solo.test.js` run last, alone (see below).
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
// `*.solo.test.js` files (a fresh clone's `npm ci` and build, packing and installing every
// package) load both cores for minutes: they run after the rest, one at a time, so the
// timing-sensitive drills never share the machine with them.
const solo = selected.filter((f) => f.endsWith(".solo.test.js"));
const shared = selected.filter((f) => !f.endsWith(".solo.test.js"));
let status = 0;
// The runner's timeout bounds a whole file: 2 minutes for the others, 15 for a solo file (whose
// steps carry timeouts of their own, so a stuck step still fails naming itself).
for (const [files, concurrency, timeoutMs] of [[shared, 2, 120_000], [solo, 1, 900_000]]) {
  if (files.length === 0) continue;
  const result = spawnSync(process.execPath, ["--test", `--test-concurrency=${concurrency}`, `--test-timeout=${timeoutMs}`, ...files], { stdio: "inherit" });
  if ((result.status ?? 1) !== 0) status = result.status ?? 1;
}
process.exit(status);
