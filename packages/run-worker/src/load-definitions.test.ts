/**
 * Tests of loadDefinitions: .ts bundled with esbuild, .js directly, export selection, and the
 * DefinitionsLoadError messages for a missing file, a syntax error, invalid definitions and a
 * module without definitions.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { DefinitionsLoadError, InvalidDefinitionsError } from "@flyt/core";
import { loadDefinitions } from "./load-definitions.js";
import { fixtureJs, fixtureTs } from "./test-support.js";

// Inside the package, so that `@flyt/sdk` resolves from the generated modules.
const dir = mkdtempSync(join(fileURLToPath(new URL(".", import.meta.url)), ".tmp-load-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function loadError(pattern: RegExp, file: string) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof DefinitionsLoadError, `expected DefinitionsLoadError, got ${String(error)}`);
    assert.equal(error.code, "DEFINITIONS_LOAD");
    assert.ok(error.message.includes(file), `message names the file: ${error.message}`);
    assert.match(error.message, pattern);
    return true;
  };
}

void describe("loadDefinitions", () => {
  void it("loads a TypeScript module (bundled with esbuild) and a compiled one directly", async () => {
    const fromTs = await loadDefinitions(fixtureTs("partitioned"));
    assert.deepEqual([...fromTs.steps.keys()].sort(), ["p/plain", "p/regions", "p/yearly"]);
    const fromJs = await loadDefinitions(fixtureJs("partitioned"));
    assert.deepEqual([...fromJs.steps.keys()].sort(), ["p/plain", "p/regions", "p/yearly"]);
  });

  void it("accepts a path relative to the working directory", async () => {
    const definitions = await loadDefinitions(relative(process.cwd(), fixtureJs("retry")));
    assert.ok(definitions.steps.has("r/flaky"));
  });

  void it("uses a named `definitions` export, or the only definitions export", async () => {
    const named = write(
      "named.mjs",
      `import { asset, defineDefinitions } from "@flyt/sdk";\nexport const helper = 1;\nexport const definitions = defineDefinitions({ assets: [asset({ key: "n/a", compute() {} })] });\n`,
    );
    assert.ok((await loadDefinitions(named)).steps.has("n/a"));
    const only = write(
      "only.mjs",
      `import { asset, defineDefinitions } from "@flyt/sdk";\nexport const mine = defineDefinitions({ assets: [asset({ key: "o/a", compute() {} })] });\n`,
    );
    assert.ok((await loadDefinitions(only)).steps.has("o/a"));
    const two = write(
      "two.mjs",
      `import { asset, defineDefinitions } from "@flyt/sdk";\nexport const one = defineDefinitions({ assets: [asset({ key: "t/a", compute() {} })] });\nexport const other = defineDefinitions({ assets: [asset({ key: "t/b", compute() {} })] });\n`,
    );
    await assert.rejects(loadDefinitions(two), loadError(/several definitions \(one, other\)/, two));
  });

  void it("reports a missing file", async () => {
    const missing = join(dir, "missing.ts");
    await assert.rejects(loadDefinitions(missing), loadError(/does not exist/, missing));
  });

  void it("reports a syntax error in a TypeScript file with its location", async () => {
    const broken = write("broken.ts", `import { asset } from "@flyt/sdk";\nexport const x = asset({ key: "a", compute() { return ( });\n`);
    await assert.rejects(loadDefinitions(broken), loadError(/importing the module failed: .*broken\.ts:2/s, broken));
  });

  void it("names the user's file and line where an import-time error was thrown", async () => {
    const throwing = write("throwing.ts", `import { asset, defineDefinitions } from "@flyt/sdk";\nfunction boom(): never {\n  throw new Error("bad config at import");\n}\nboom();\nexport default defineDefinitions({ assets: [asset({ key: "a", compute: () => ({}) })] });\n`);
    await assert.rejects(loadDefinitions(throwing), loadError(new RegExp(`importing the module failed at ${throwing.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:3:9: bad config at import`), throwing));
  });

  void it("turns process.exit() at import into an error naming the file instead of ending the process", async () => {
    const exiting = write("exiting.ts", `import { asset, defineDefinitions } from "@flyt/sdk";\nprocess.exit(1);\nexport default defineDefinitions({ assets: [asset({ key: "a", compute: () => ({}) })] });\n`);
    await assert.rejects(loadDefinitions(exiting), loadError(/the module called process\.exit\(1\) while being imported; definitions must not end the process/, exiting));
    // The guard is gone once the import is over.
    assert.equal(process.exit.name, "exit");
  });

  void it("reports a syntax error in a JavaScript file", async () => {
    const broken = write("broken.mjs", `export default {{;\n`);
    await assert.rejects(loadDefinitions(broken), loadError(/importing the module failed: SyntaxError/, broken));
  });

  void it("keeps the problem list of invalid definitions", async () => {
    const invalid = write(
      "invalid.ts",
      `import { asset, defineDefinitions } from "@flyt/sdk";\n` +
        `const a = asset({ key: "dup/a", compute() {} });\n` +
        `const b = asset({ key: "dup/a", compute() {} });\n` +
        `export default defineDefinitions({ assets: [a, b] });\n`,
    );
    await assert.rejects(loadDefinitions(invalid), (error: unknown) => {
      loadError(/Invalid definitions \(\d+ problems?\):\n\s+- .*dup\/a/, invalid)(error);
      assert.ok((error as Error).cause instanceof InvalidDefinitionsError);
      return true;
    });
  });

  void it("reports a module without definitions, listing what it exports", async () => {
    const none = write("none.mjs", `export const a = 1;\nexport function b() {}\n`);
    await assert.rejects(loadDefinitions(none), loadError(/exports no definitions.*found exports: a, b/, none));
    const empty = write("empty.ts", `const unused = 1;\nvoid unused;\n`);
    await assert.rejects(loadDefinitions(empty), loadError(/exports no definitions.*no exports/, empty));
  });

  void it("rejects files that are not modules it can load", async () => {
    const text = write("defs.json", "{}");
    await assert.rejects(loadDefinitions(text), loadError(/unsupported file type ".json"/, text));
  });
});
