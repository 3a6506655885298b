/**
 * One error model (docs/architecture.md): every error class Flyt's packages define extends
 * `FlytError` (directly or through another Flyt error), so callers branch on `code` and an API
 * edge can tell a caller's fault from an internal one. The few classes that cannot are listed here
 * with the reason; a new `class X extends Error` anywhere else fails this test.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** `path#Class` → why it does not extend FlytError. */
const OUTSIDE_THE_MODEL: Record<string, string> = {
  "packages/pipes-client/src/index.ts#DagsterPipesError": "the Pipes child client has no dependencies at all (it runs inside user processes)",
  "packages/run-worker/src/evaluation-pool.ts#UserCodeError": "rebuilds the user's own error (its name and stack) on this side of the worker thread",
  "packages/run-worker/src/load-definitions.ts#ExitAtImport": "a private signal that user code called process.exit at import; never leaves the module",
  "packages/ui/src/api.ts#GraphQLRequestError": "the browser bundle does not load @flyt/core",
};

const BUILT_IN_ERRORS = new Set(["Error", "TypeError", "RangeError", "SyntaxError", "AggregateError"]);

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist" || name === "generated") continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) && !path.includes("test-fixtures")) out.push(path);
  }
  return out;
}

describe("error classes", () => {
  it("every error class in packages/*/src extends FlytError, except the listed ones", () => {
    const offenders: string[] = [];
    const listedAndFound = new Set<string>();
    for (const pkg of readdirSync(join(ROOT, "packages"))) {
      const src = join(ROOT, "packages", pkg, "src");
      if (!statSync(join(ROOT, "packages", pkg)).isDirectory()) continue;
      let files: string[];
      try {
        files = sourceFiles(src);
      } catch {
        continue;
      }
      for (const file of files) {
        const text = readFileSync(file, "utf8");
        for (const match of text.matchAll(/\bclass\s+(\w+)(?:<[^>]*>)?\s+extends\s+(\w+)/g)) {
          if (!BUILT_IN_ERRORS.has(match[2]!)) continue;
          const id = `${relative(ROOT, file)}#${match[1]!}`;
          if (match[1] === "FlytError" && id === "packages/core/src/errors.ts#FlytError") continue;
          if (id in OUTSIDE_THE_MODEL) listedAndFound.add(id);
          else offenders.push(`${id} extends ${match[2]!}`);
        }
      }
    }
    assert.deepEqual(offenders, [], "extend FlytError (@flyt/core) with a code from FlytErrorCode, or list the class here with the reason");
    assert.deepEqual(Object.keys(OUTSIDE_THE_MODEL).filter((id) => !listedAndFound.has(id)), [], "listed exceptions that no longer exist: remove them");
  });
});
