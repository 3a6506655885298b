/**
 * `node scripts/boundaries/dist/main.js [--write-doc]`: checks the package boundaries of the
 * repository it lives in (a step of scripts/test.sh) and exits 1 on any violation; --write-doc
 * first regenerates docs/architecture.md's package-graph section from rules.ts.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { checkBoundaries, formatViolation } from "./check.js";
import { DOC_BEGIN, DOC_END, renderGraphSection } from "./doc.js";
import { KNOWN_EXCEPTIONS, PROJECTS } from "./rules.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const DOC = "docs/architecture.md";
const graph = { projects: PROJECTS, exceptions: KNOWN_EXCEPTIONS };

if (process.argv.includes("--write-doc")) {
  const path = root + DOC;
  const text = readFileSync(path, "utf8");
  const begin = text.indexOf(DOC_BEGIN);
  const end = text.indexOf(DOC_END);
  if (begin < 0 || end < begin) throw new Error(`${DOC} has no generated section: add the lines\n${DOC_BEGIN}\n${DOC_END}`);
  writeFileSync(path, text.slice(0, begin) + renderGraphSection(graph) + text.slice(end + DOC_END.length));
  console.log(`wrote the package graph into ${DOC}`);
}

const { violations, exceptionUses, filesScanned } = checkBoundaries(root, graph, { doc: DOC });
for (const [edge, files] of exceptionUses) {
  if (files.length) console.log(`known exception ${edge}: ${files.length} import(s) in ${[...new Set(files)].join(", ")}`);
}
if (violations.length) {
  for (const v of violations) console.error(formatViolation(v));
  console.error(`package boundaries: ${violations.length} violation(s) in ${filesScanned} files (rules: scripts/boundaries/src/rules.ts, docs/architecture.md)`);
  process.exitCode = 1;
} else {
  console.log(`package boundaries: ${filesScanned} files, ${PROJECTS.length} projects, no violations`);
}
