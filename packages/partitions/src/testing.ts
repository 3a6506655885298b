/**
 * Test helpers of @flyt/partitions and the SDK above it (`@flyt/partitions/testing`; not for
 * production code): reading the problems of the InvalidDefinitionsError a declaration throws, and
 * which of the lazily loaded libraries (luxon, croner) a fresh process has loaded.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { InvalidDefinitionsError, type DefinitionProblem } from "@flyt/core";

/** Runs `fn`, expects an InvalidDefinitionsError, and returns its problems. */
export function problemsOf(fn: () => unknown): DefinitionProblem[] {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof InvalidDefinitionsError, `expected InvalidDefinitionsError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail("expected the call to throw InvalidDefinitionsError");
}

/** The one problem whose subject and message match; fails listing all problems otherwise. */
export function findProblem(problems: DefinitionProblem[], subject: string, message: RegExp): DefinitionProblem {
  const hit = problems.find((p) => p.subject === subject && message.test(p.message));
  assert.ok(hit, `no problem for ${subject} matching ${String(message)} in:\n${problems.map((p) => `${p.subject}: ${p.message}`).join("\n")}`);
  return hit;
}

/**
 * Runs `body` as an ES module in a fresh node after importing `moduleUrl` as `m`; returns its
 * stdout. `loaded()` there names the luxon/croner modules loaded so far ("", "croner",
 * "croner,luxon"), seen through `require` (the CommonJS cache) or `import` (a loader hook logs
 * every imported URL to a file): how a test proves a library is loaded only on first use.
 */
export function inFreshProcess(moduleUrl: string, body: string): string {
  const dir = mkdtempSync(join(tmpdir(), "flyt-lazy-deps-"));
  try {
    const log = join(dir, "imports.log");
    writeFileSync(join(dir, "hooks.mjs"), `import { appendFileSync } from "node:fs";
export async function load(url, context, next) { appendFileSync(${JSON.stringify(log)}, url + "\\n"); return next(url, context); }\n`);
    writeFileSync(join(dir, "register.mjs"), `import { register } from "node:module"; register(${JSON.stringify(pathToFileURL(join(dir, "hooks.mjs")).href)});\n`);
    const script = `import { createRequire } from "node:module";
import { existsSync, readFileSync } from "node:fs";
const m = await import(${JSON.stringify(moduleUrl)});
const loaded = () => {
  const paths = [...Object.keys(createRequire(${JSON.stringify(moduleUrl)}).cache), ...(existsSync(${JSON.stringify(log)}) ? readFileSync(${JSON.stringify(log)}, "utf8").split("\\n") : [])];
  return [...new Set(paths.flatMap((f) => /node_modules\\/(luxon|croner)\\//.exec(f)?.slice(1) ?? []))].sort().join(",");
};
${body}`;
    const result = spawnSync(process.execPath, ["--import", pathToFileURL(join(dir, "register.mjs")).href, "--input-type=module", "-e", script], { encoding: "utf8" });
    assert.equal(result.status, 0, result.stderr);
    return result.stdout.trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
