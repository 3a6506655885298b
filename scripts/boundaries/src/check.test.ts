/**
 * The boundary check against small fixture repositories, each with one planted violation, and
 * against this repository itself (which must stay clean).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkBoundaries, collectImports, formatViolation, type Graph, type Violation } from "./check.js";
import { DOC_BEGIN, DOC_END, renderGraphSection } from "./doc.js";
import { KNOWN_EXCEPTIONS, PROJECTS, type ProjectRule } from "./rules.js";

type Files = Record<string, string>;

/** core ← lib ← app, lib exporting "." and "./extra"; app's tests may also use core. */
function baseFiles(): Files {
  const pkg = (name: string, deps: string[] = [], devDeps: string[] = [], exports: object = { ".": "./dist/index.js" }): string =>
    JSON.stringify({
      name,
      type: "module",
      exports,
      dependencies: Object.fromEntries(deps.map((d) => [d, "*"])),
      devDependencies: Object.fromEntries(devDeps.map((d) => [d, "*"])),
    });
  const tsconfig = (refs: string[]): string => JSON.stringify({ references: refs.map((r) => ({ path: `../${r}` })) });
  return {
    "package.json": JSON.stringify({ workspaces: ["packages/core", "packages/lib", "packages/app"] }),
    "tsconfig.json": JSON.stringify({ files: [], references: [{ path: "packages/core" }, { path: "packages/lib" }, { path: "packages/app" }] }),
    "packages/core/package.json": pkg("@flyt/core"),
    "packages/core/tsconfig.json": tsconfig([]),
    "packages/core/src/index.ts": "export const core = 1;\n",
    "packages/lib/package.json": pkg("@flyt/lib", ["@flyt/core"], [], { ".": "./dist/index.js", "./extra": "./dist/extra.js" }),
    "packages/lib/tsconfig.json": tsconfig(["core"]),
    "packages/lib/src/index.ts": 'import { core } from "@flyt/core";\nexport const lib = core;\n',
    "packages/lib/src/extra.ts": "export const extra = 2;\n",
    "packages/app/package.json": pkg("@flyt/app", ["@flyt/lib"], ["@flyt/core"]),
    "packages/app/tsconfig.json": tsconfig(["core", "lib"]),
    "packages/app/src/index.ts": 'import { lib } from "@flyt/lib";\nimport { extra } from "@flyt/lib/extra";\nexport const app = lib + extra;\n',
    "packages/app/src/index.test.ts": 'import { core } from "@flyt/core";\nimport { app } from "./index.js";\nvoid [core, app];\n',
  };
}

function baseGraph(): Graph {
  const projects: ProjectRule[] = [
    { dir: "packages/core", name: "@flyt/core", layer: 0, dependsOn: [], role: "core" },
    { dir: "packages/lib", name: "@flyt/lib", layer: 1, dependsOn: ["@flyt/core"], role: "lib" },
    { dir: "packages/app", name: "@flyt/app", layer: 2, dependsOn: ["@flyt/lib"], testOnly: ["@flyt/core"], role: "app" },
  ];
  return { projects, exceptions: [] };
}

function check(change: (files: Files, graph: Graph) => void = () => {}, withDoc = false): Violation[] {
  const files = baseFiles();
  const graph = baseGraph();
  change(files, graph);
  if (withDoc && files["docs/architecture.md"] === undefined) files["docs/architecture.md"] = `# A\n\n${renderGraphSection(graph)}\n`;
  const root = mkdtempSync(join(tmpdir(), "flyt-boundaries-"));
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return checkBoundaries(root, graph, withDoc ? { doc: "docs/architecture.md" } : {}).violations;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const rules = (violations: Violation[]): string[] => [...new Set(violations.map((v) => v.rule))].sort();

describe("package boundary check", () => {
  it("passes the clean fixture (so each planted violation below is the only one)", () => {
    assert.deepEqual(check(undefined, true), []);
  });

  it("reports an upward import as not allowed, undeclared and a cycle, with file, line and import", () => {
    const v = check((f) => {
      f["packages/core/src/up.ts"] = '// a comment first\nimport { app } from "@flyt/app";\nexport const up = app;\n';
    });
    assert.deepEqual(rules(v), ["cycle", "not-allowed", "undeclared-dependency"]);
    const notAllowed = v.find((x) => x.rule === "not-allowed")!;
    assert.equal(notAllowed.file, "packages/core/src/up.ts");
    assert.equal(notAllowed.line, 2);
    assert.equal(notAllowed.specifier, "@flyt/app");
    assert.match(formatViolation(notAllowed), /^packages\/core\/src\/up\.ts:2 "@flyt\/app" \[not-allowed\] @flyt\/core may not depend on @flyt\/app/);
    assert.match(v.find((x) => x.rule === "cycle")!.message, /package cycle: @flyt\/app -> @flyt\/core -> @flyt\/app/);
  });

  it("reports an import the package.json does not declare", () => {
    const v = check((f, g) => {
      g.projects[2]!.dependsOn.push("@flyt/core");
      f["packages/app/src/index.ts"] += 'import { core } from "@flyt/core";\nvoid core;\n';
      f["packages/app/package.json"] = f["packages/app/package.json"]!.replace('"devDependencies":{"@flyt/core":"*"}', '"devDependencies":{}');
    });
    assert.deepEqual(rules(v), ["reference-without-dependency", "undeclared-dependency"]);
    const undeclared = v.filter((x) => x.rule === "undeclared-dependency").map((x) => `${x.file}:${x.line}`);
    assert.deepEqual(undeclared, ["packages/app/src/index.test.ts:1", "packages/app/src/index.ts:4"]);
  });

  it("reports a declared dependency whose project tsconfig does not reference", () => {
    const v = check((f) => {
      f["packages/lib/tsconfig.json"] = JSON.stringify({ references: [] });
    });
    assert.deepEqual(rules(v), ["missing-project-reference"]);
    assert.equal(v[0]!.file, "packages/lib/tsconfig.json");
  });

  it("reports a devDependency imported by a file that is not a test", () => {
    const v = check((f, g) => {
      g.projects[2]!.dependsOn.push("@flyt/core");
      f["packages/app/src/runtime.ts"] = 'export { core } from "@flyt/core";\n';
    });
    assert.deepEqual(rules(v), ["dev-dependency-at-runtime"]);
  });

  it("reports a test-only edge used outside tests", () => {
    const v = check((f) => {
      f["packages/app/src/runtime.ts"] = 'export type Core = typeof import("@flyt/core");\n';
    });
    assert.deepEqual(rules(v), ["dev-dependency-at-runtime", "not-allowed"]);
    assert.match(v.find((x) => x.rule === "not-allowed")!.message, /only @flyt\/app's tests may import @flyt\/core/);
  });

  it("reports deep imports into src/, dist/ or any subpath the exports map does not offer", () => {
    const v = check((f) => {
      f["packages/app/src/deep.ts"] = [
        'import { lib } from "@flyt/lib/src/index.js";',
        'import { extra } from "@flyt/lib/dist/extra.js";',
        'const later = await import("@flyt/lib/internal");',
        "export const deep = [lib, extra, later];",
      ].join("\n");
    });
    assert.deepEqual(rules(v), ["deep-import"]);
    assert.deepEqual(v.map((x) => x.line), [1, 2, 3]);
  });

  it("reports a relative import that reaches into another package", () => {
    const v = check((f) => {
      f["packages/app/src/reach.ts"] = 'export { extra } from "../../lib/src/extra.js";\n';
    });
    assert.deepEqual(rules(v), ["relative-outside-project"]);
    assert.match(v[0]!.message, /into packages\/lib by path; import "@flyt\/lib"/);
  });

  it("allows a listed exception, records where it is used, and reports it once unused", () => {
    const planted = check((f, g) => {
      g.exceptions.push({ from: "@flyt/app", to: "@flyt/core", reason: "fixture" });
      f["packages/app/package.json"] = f["packages/app/package.json"]!.replace('"dependencies":{"@flyt/lib":"*"}', '"dependencies":{"@flyt/lib":"*","@flyt/core":"*"}');
      f["packages/app/src/runtime.ts"] = 'export { core } from "@flyt/core";\n';
    });
    assert.deepEqual(planted, []);
    const stale = check((_f, g) => g.exceptions.push({ from: "@flyt/app", to: "@flyt/core", reason: "fixture" }));
    assert.deepEqual(rules(stale), ["stale-exception"]);
  });

  it("reports a graph edge that points up a layer, and a built project missing from the graph", () => {
    assert.deepEqual(rules(check((_f, g) => g.projects[0]!.dependsOn.push("@flyt/lib"))), ["graph-upward-layer"]);
    const unlisted = check((f) => {
      f["package.json"] = JSON.stringify({ workspaces: ["packages/core", "packages/lib", "packages/app", "packages/new"] });
      f["packages/new/package.json"] = JSON.stringify({ name: "@flyt/new" });
    });
    assert.deepEqual(rules(unlisted), ["unlisted-project"]);
  });

  it("reports docs whose generated graph differs from the rules", () => {
    const v = check((f, g) => {
      f["docs/architecture.md"] = `# A\n\n${renderGraphSection(g)}\n`;
      g.projects[2]!.role = "renamed";
    }, true);
    assert.deepEqual(rules(v), ["doc-out-of-date"]);
    assert.ok(renderGraphSection(baseGraph()).startsWith(DOC_BEGIN) && renderGraphSection(baseGraph()).endsWith(DOC_END));
  });
});

describe("collectImports", () => {
  it("finds every form of module reference and nothing in strings or comments", () => {
    const text = [
      'import a from "a";',
      'import type { B } from "b";',
      'export * from "c";',
      'const d = await import("d");',
      'const e = require("e");',
      'const f = require.resolve("f/main");',
      'const g = import.meta.resolve("g");',
      'type H = import("h").H;',
      'import i = require("i");',
      '// import x from "not-a-comment";',
      'const source = `import { y } from "not-a-template";`;',
      'const text = "import z from \\"not-a-string\\"";',
    ].join("\n");
    assert.deepEqual(collectImports("x.ts", text).map((i) => i.specifier), ["a", "b", "c", "d", "e", "f/main", "g", "h", "i"]);
  });
});

describe("this repository", () => {
  it("keeps to the graph in rules.ts and docs/architecture.md", () => {
    const root = fileURLToPath(new URL("../../../", import.meta.url));
    const { violations } = checkBoundaries(root, { projects: PROJECTS, exceptions: KNOWN_EXCEPTIONS }, { doc: "docs/architecture.md" });
    assert.deepEqual(violations.map(formatViolation), []);
  });
});
