/**
 * The package-boundary check: reads every workspace project's imports (TypeScript's parser, so an
 * import in a string or a comment is not one), its package.json and its tsconfig references, and
 * reports each break of the graph in rules.ts as (file, import, rule).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";
import type { KnownException, ProjectRule } from "./rules.js";
import { DOC_BEGIN, DOC_END, renderGraphSection } from "./doc.js";

export type RuleName =
  | "unlisted-project"
  | "missing-project"
  | "graph-unknown-package"
  | "graph-upward-layer"
  | "unknown-package"
  | "undeclared-dependency"
  | "dev-dependency-at-runtime"
  | "missing-project-reference"
  | "reference-without-dependency"
  | "not-allowed"
  | "deep-import"
  | "relative-outside-project"
  | "cycle"
  | "stale-exception"
  | "doc-out-of-date";

export interface Violation {
  rule: RuleName;
  /** Path relative to the checked root. */
  file: string;
  line?: number;
  specifier?: string;
  message: string;
}

export interface Graph {
  projects: ProjectRule[];
  exceptions: KnownException[];
}

export interface CheckOptions {
  /** Markdown file whose generated section must equal renderGraphSection(graph); skipped when undefined. */
  doc?: string;
}

export interface CheckResult {
  violations: Violation[];
  /** Files that use each known exception, keyed "from -> to": the work list for whoever removes it. */
  exceptionUses: Map<string, string[]>;
  filesScanned: number;
}

interface PackageJson {
  name?: string;
  workspaces?: string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  exports?: unknown;
}

const SOURCE_EXT = /\.(?:[cm]?[jt]s|tsx|jsx)$/;
// Build outputs and installs hold copies of the sources' imports; scanning them would double-report.
const SKIP_DIRS = new Set(["node_modules", "dist", ".tsbuild", ".build", ".tools"]);
const TEST_FILE = /(?:\.test\.[cm]?[jt]sx?$|(?:^|\/)test-support[^/]*$|(?:^|\/)test-fixtures\/)/;

export function isTestFile(pathInProject: string): boolean {
  return TEST_FILE.test(pathInProject.split(sep).join("/"));
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

/** tsconfig.json allows comments and trailing commas; TypeScript's own reader handles both. */
function readTsconfigReferences(path: string): string[] {
  const { config, error } = ts.readConfigFile(path, (p) => ts.sys.readFile(p));
  if (error) throw new Error(`cannot read ${path}: ${ts.flattenDiagnosticMessageText(error.messageText, "\n")}`);
  const refs = (config as { references?: { path: string }[] }).references ?? [];
  return refs.map((r) => resolve(dirname(path), r.path));
}

/** The projects the repository builds: npm workspaces plus the root tsconfig's references. */
function discoverProjects(root: string): string[] {
  const dirs = new Set<string>();
  const pkg = readJson<PackageJson>(join(root, "package.json"));
  for (const entry of pkg.workspaces ?? []) {
    if (entry.endsWith("/*")) {
      const parent = join(root, entry.slice(0, -2));
      for (const name of readdirSync(parent)) if (existsSync(join(parent, name, "package.json"))) dirs.add(relative(root, join(parent, name)));
    } else dirs.add(relative(root, join(root, entry)));
  }
  const rootTsconfig = join(root, "tsconfig.json");
  if (existsSync(rootTsconfig)) for (const ref of readTsconfigReferences(rootTsconfig)) dirs.add(relative(root, ref));
  return [...dirs].map((d) => d.split(sep).join("/")).sort();
}

function listSources(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) {
        if (!SKIP_DIRS.has(name) && !name.startsWith(".")) walk(path);
      } else if (SOURCE_EXT.test(name)) out.push(path);
    }
  };
  walk(dir);
  return out.sort();
}

interface ImportRef {
  specifier: string;
  line: number;
}

/** Every module specifier a file names: static and dynamic imports, re-exports, import types, require and require.resolve. */
export function collectImports(fileName: string, text: string): ImportRef[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false);
  const found: ImportRef[] = [];
  const add = (node: ts.Node | undefined): void => {
    if (node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))) {
      found.push({ specifier: node.text, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1 });
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) add(node.moduleReference.expression);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal);
    else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(callee) && callee.text === "require";
      // require.resolve and import.meta.resolve name a package as surely as an import does (e.g. to spawn its bin).
      const isResolve =
        ts.isPropertyAccessExpression(callee) &&
        callee.name.text === "resolve" &&
        ((ts.isIdentifier(callee.expression) && callee.expression.text === "require") || ts.isMetaProperty(callee.expression));
      if (isImport || isRequire || isResolve) add(node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The subpaths a package's `exports` map offers ("." and "./x"); undefined when it has no map. */
function exportedSubpaths(pkg: PackageJson | undefined): string[] | undefined {
  const exp = pkg?.exports;
  if (exp === undefined) return undefined;
  if (typeof exp === "string" || Array.isArray(exp)) return ["."];
  const keys = Object.keys(exp as object);
  return keys.some((k) => k.startsWith(".")) ? keys : ["."];
}

function subpathExported(subpaths: string[], subpath: string): boolean {
  return subpaths.some((key) => {
    const star = key.indexOf("*");
    if (star < 0) return key === subpath;
    return subpath.startsWith(key.slice(0, star)) && subpath.endsWith(key.slice(star + 1));
  });
}

function packageNameOf(specifier: string): { name: string; subpath: string } {
  const parts = specifier.split("/");
  const name = parts.slice(0, 2).join("/");
  const rest = parts.slice(2).join("/");
  return { name, subpath: rest ? `./${rest}` : "." };
}

function findCycles(edges: Map<string, Set<string>>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, "visiting");
    stack.push(node);
    for (const next of [...(edges.get(node) ?? [])].sort()) {
      if (state.get(next) === "visiting") cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of [...edges.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

export function checkBoundaries(root: string, graph: Graph, options: CheckOptions = {}): CheckResult {
  const violations: Violation[] = [];
  const report = (v: Violation): void => void violations.push(v);
  const byDir = new Map(graph.projects.map((p) => [p.dir, p]));
  const byName = new Map(graph.projects.filter((p) => p.name).map((p) => [p.name!, p]));
  const exceptionKey = (from: string, to: string): string => `${from} -> ${to}`;
  const exceptions = new Map(graph.exceptions.map((e) => [exceptionKey(e.from, e.to), e]));
  const exceptionUses = new Map<string, string[]>(graph.exceptions.map((e) => [exceptionKey(e.from, e.to), []]));
  const rulesFile = "scripts/boundaries/src/rules.ts";

  // The graph itself: every name real, every edge pointing down a layer (which also makes it acyclic).
  for (const p of graph.projects) {
    const label = p.name ?? p.dir;
    for (const to of [...p.dependsOn, ...(p.testOnly ?? [])]) {
      const target = byName.get(to);
      if (!target) report({ rule: "graph-unknown-package", file: rulesFile, message: `${label} lists ${to}, which is no project in the graph` });
      else if (target.layer >= p.layer) report({ rule: "graph-upward-layer", file: rulesFile, message: `${label} (layer ${p.layer}) may not depend on ${to} (layer ${target.layer}): edges point to lower layers only` });
    }
  }
  for (const e of graph.exceptions) {
    if (!byName.has(e.from) || !byName.has(e.to)) report({ rule: "graph-unknown-package", file: rulesFile, message: `known exception ${exceptionKey(e.from, e.to)} names an unknown package` });
  }

  const onDisk = discoverProjects(root);
  for (const dir of onDisk) {
    if (!byDir.has(dir)) report({ rule: "unlisted-project", file: dir, message: `${dir} is built (workspaces / tsconfig references) but has no place in the graph: add it to ${rulesFile} and docs/architecture.md` });
  }
  for (const p of graph.projects) {
    if (!onDisk.includes(p.dir)) report({ rule: "missing-project", file: rulesFile, message: `${p.dir} is in the graph but is neither a workspace nor referenced from tsconfig.json` });
  }

  const packageJsons = new Map<string, PackageJson>();
  for (const p of graph.projects) {
    const path = join(root, p.dir, "package.json");
    if (existsSync(path)) packageJsons.set(p.dir, readJson<PackageJson>(path));
  }

  // Actual package edges (imports and declarations), for the cycle check.
  const actual = new Map<string, Set<string>>();
  const addEdge = (from: string, to: string): void => {
    if (!actual.has(from)) actual.set(from, new Set());
    actual.get(from)!.add(to);
  };

  let filesScanned = 0;
  for (const p of graph.projects) {
    if (!onDisk.includes(p.dir)) continue;
    const label = p.name ?? p.dir;
    const projectRoot = join(root, p.dir);
    const pkg = packageJsons.get(p.dir);
    const deps = new Set(Object.keys(pkg?.dependencies ?? {}).filter((d) => d.startsWith("@flyt/")));
    const devDeps = new Set(Object.keys(pkg?.devDependencies ?? {}).filter((d) => d.startsWith("@flyt/")));
    const allowedAny = new Set(p.dependsOn);
    const allowedTests = new Set(p.testOnly ?? []);
    const pkgFile = `${p.dir}/package.json`;
    const tsconfigFile = `${p.dir}/tsconfig.json`;

    if (!pkg && !p.noPackageJson) report({ rule: "undeclared-dependency", file: pkgFile, message: `${p.dir} has no package.json, so its dependencies are undeclared (or say why in noPackageJson)` });

    // Declarations: package.json ↔ tsconfig references ↔ the allowed graph.
    const refs = existsSync(join(projectRoot, "tsconfig.json")) ? readTsconfigReferences(join(projectRoot, "tsconfig.json")) : [];
    const refNames = new Set<string>();
    for (const ref of refs) {
      const target = byDir.get(relative(root, ref).split(sep).join("/"));
      if (target?.name) refNames.add(target.name);
    }
    for (const dep of [...deps, ...devDeps]) {
      if (dep === p.name) continue;
      addEdge(label, dep);
      if (!byName.has(dep)) report({ rule: "unknown-package", file: pkgFile, specifier: dep, message: `declares ${dep}, which is no project in the graph` });
      if (!refNames.has(dep)) report({ rule: "missing-project-reference", file: tsconfigFile, specifier: dep, message: `package.json declares ${dep} but tsconfig.json has no reference to its project, so \`tsc -b\` may build ${label} before it` });
      if (!allowedAny.has(dep) && !allowedTests.has(dep) && !exceptions.has(exceptionKey(label, dep))) {
        report({ rule: "not-allowed", file: pkgFile, specifier: dep, message: `declares ${dep}, but ${label} may not depend on it (allowed: ${[...allowedAny].join(", ") || "none"})` });
      }
    }
    for (const ref of refNames) {
      if (pkg ? !deps.has(ref) && !devDeps.has(ref) : !allowedAny.has(ref)) {
        report({ rule: "reference-without-dependency", file: tsconfigFile, specifier: ref, message: `references ${ref}'s project but ${pkg ? "package.json does not declare it" : "the graph does not allow it"}` });
      }
    }

    // Imports.
    for (const abs of listSources(projectRoot)) {
      filesScanned++;
      const file = relative(root, abs).split(sep).join("/");
      const inProject = relative(projectRoot, abs);
      const test = isTestFile(inProject);
      for (const { specifier, line } of collectImports(abs, readFileSync(abs, "utf8"))) {
        const at = { file, line, specifier };
        if (specifier.startsWith(".")) {
          const target = resolve(dirname(abs), specifier);
          if (target !== projectRoot && !target.startsWith(projectRoot + sep)) {
            const owner = graph.projects.find((q) => target.startsWith(join(root, q.dir) + sep));
            report({ ...at, rule: "relative-outside-project", message: `reaches outside ${p.dir}${owner ? ` into ${owner.dir}` : ""} by path; import ${owner?.name ? `"${owner.name}" (an entry of its exports map)` : "a package"} instead` });
          }
          continue;
        }
        if (!specifier.startsWith("@flyt/")) continue;
        const { name, subpath } = packageNameOf(specifier);
        const target = byName.get(name);
        if (!target) {
          report({ ...at, rule: "unknown-package", message: `${name} is no project in the graph` });
          continue;
        }
        const subpaths = exportedSubpaths(packageJsons.get(target.dir));
        if (subpath !== "." && (subpaths === undefined || !subpathExported(subpaths, subpath))) {
          report({ ...at, rule: "deep-import", message: `${subpath} is not in ${name}'s exports map (${subpaths?.join(", ") ?? "none"}); import the package's public entry points only` });
        }
        if (name === p.name) continue;
        addEdge(label, name);
        if (pkg && !deps.has(name) && !devDeps.has(name)) {
          report({ ...at, rule: "undeclared-dependency", message: `${name} is not in ${pkgFile}'s dependencies or devDependencies` });
        } else if (pkg && !test && !deps.has(name)) {
          report({ ...at, rule: "dev-dependency-at-runtime", message: `${name} is only a devDependency of ${label}, but this file is not a test` });
        }
        const key = exceptionKey(label, name);
        if (allowedAny.has(name) || (test && allowedTests.has(name))) continue;
        if (exceptions.has(key)) {
          exceptionUses.get(key)!.push(file);
          continue;
        }
        const why = allowedTests.has(name) ? `only ${label}'s tests may import ${name}` : `${label} may not depend on ${name} (allowed: ${[...allowedAny].join(", ") || "none"})`;
        report({ ...at, rule: "not-allowed", message: why });
      }
    }
  }

  for (const cycle of findCycles(actual)) {
    report({ rule: "cycle", file: rulesFile, message: `package cycle: ${cycle.join(" -> ")}` });
  }
  for (const [key, files] of exceptionUses) {
    if (files.length === 0) report({ rule: "stale-exception", file: rulesFile, message: `known exception ${key} is no longer used: delete it from KNOWN_EXCEPTIONS` });
  }

  if (options.doc !== undefined) {
    const docPath = join(root, options.doc);
    const text = existsSync(docPath) ? readFileSync(docPath, "utf8") : "";
    const begin = text.indexOf(DOC_BEGIN);
    const end = text.indexOf(DOC_END);
    const current = begin >= 0 && end > begin ? text.slice(begin, end + DOC_END.length) : undefined;
    if (current !== renderGraphSection(graph)) {
      report({ rule: "doc-out-of-date", file: options.doc, message: `the generated package graph differs from ${rulesFile}: run \`node scripts/boundaries/dist/main.js --write-doc\`` });
    }
  }

  return { violations, exceptionUses, filesScanned };
}

export function formatViolation(v: Violation): string {
  const where = v.line ? `${v.file}:${v.line}` : v.file;
  const what = v.specifier ? ` "${v.specifier}"` : "";
  return `${where}${what} [${v.rule}] ${v.message}`;
}
