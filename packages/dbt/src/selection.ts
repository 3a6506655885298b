/**
 * dbt's node selection syntax, evaluated over the manifest without running dbt: which nodes
 * `dbtAssets({ select, exclude })` turns into assets, and the exact `--select` term that names one
 * node when the step runs dbt. Flyt's own selection syntax (docs/selection.md) is a different
 * language over asset keys; this one follows dbt 1.11's `dbt/graph/selector*.py` so that a
 * `select` copied from a dbt command line means the same thing here.
 *
 * The supported subset (anything else is refused with the list below):
 * - space = union, comma = intersection (`tag:a,tag:b tag:c`); `exclude` is subtracted at the end;
 * - methods: `fqn:` (dbt's default for a bare value: `staging`, `atlas.staging.*`, `stg_*`),
 *   `tag:`, `path:` (a folder or a file, relative to the package; `path:models/staging`),
 *   `file:` (a file name or stem: `customers.sql`, `customers`), `package:` (`this` = the root
 *   project), `resource_type:`, `config.<key>:` (e.g. `config.materialized:table`), `source:`
 *   (`source_name`, `source_name.table`, `package.source_name.table`), `group:`; values take
 *   shell wildcards (`*`, `?`, `[abc]`) where dbt allows them; a bare value with a `/` is a path,
 *   one ending in `.sql`/`.py`/`.csv` a file, as in dbt;
 * - graph operators `+x` (ancestors), `x+` (descendants), `n+x` / `x+n` (n generations), `@x`
 *   (x, its descendants and all their ancestors) over the whole graph: ephemeral models, tests,
 *   sources and exposures are nodes of it as in dbt, so `@x` reaches the other parent of a
 *   relationships test on x and `source:ssb+` everything fed by that source.
 * Differences from dbt, both because Flyt reads the manifest, not the project: `path:` compares
 * with the manifest's paths (glob patterns allowed) instead of globbing the file system, and the
 * methods that need state or other artifacts (`state:`, `result:`, `source_status:`) or that no
 * asset needs (`test_name:`, `test_type:`, `access:`, `version:`, `exposure:`, `metric:`,
 * `semantic_model:`, `saved_query:`, `unit_test:`) are refused. Indirect selection (tests added
 * because their parents are) does not matter here: only models, seeds and snapshots become assets.
 *
 * Exact selectors (`selectorFor`): a node's fqn joined by dots is what dbt's default method
 * matches, and usually it names that node alone. It does not when another node's fqn starts with
 * it (a model `customers` beside a folder `customers/`), when a node of another package has it
 * after its package name (dbt also matches fqns without their package), or for a versioned
 * model's `name.vN` tail. The resolver checks each fqn against every node's fqn (an index of fqn
 * prefixes, so 15,000 nodes cost milliseconds) and, only for an ambiguous one, narrows it:
 * `fqn:<fqn>,resource_type:<type>`, then `fqn:<fqn with its last character bracketed>,
 * resource_type:<type>,package:<package>` — `customer[s]` is a wildcard, and dbt matches a
 * wildcard part against the rest of the fqn as a whole, so the bracketed form cannot match a
 * longer fqn. `path:` would also narrow it but cannot name a node of an installed package (dbt
 * globs paths from the root project), so it is not used. dbt has no unique-id method.
 */
import { didYouMean, InvalidSelectionError } from "@flyt/core";
import type { DbtManifest, ManifestNode } from "./manifest.js";

/** The methods this module evaluates, as the error messages list them. */
export const DBT_SELECTION_METHODS = ["fqn", "tag", "path", "file", "package", "resource_type", "config.<key>", "source", "group"] as const;

/** dbt's methods that Flyt does not evaluate: named so the error says why rather than "unknown". */
const UNSUPPORTED_DBT_METHODS: Record<string, string> = {
  state: "it compares with another manifest",
  result: "it reads run_results.json",
  source_status: "it reads sources.json",
  test_name: "tests are not assets",
  test_type: "tests are not assets",
  unit_test: "unit tests are not assets",
  access: "not supported yet",
  version: "not supported yet",
  exposure: "exposures are not dbt-built assets",
  metric: "metrics are not assets",
  semantic_model: "semantic models are not assets",
  saved_query: "saved queries are not assets",
  wildcard: "not supported",
};

/** dbt's resource types (`NodeType`), for `resource_type:`. */
const NODE_TYPES = new Set([
  "model", "analysis", "test", "snapshot", "operation", "seed", "rpc", "sql_operation", "doc", "source", "macro",
  "exposure", "metric", "group", "saved_query", "semantic_model", "unit_test", "fixture", "function",
]);

/** A selection expression dbt would refuse, or one using a method Flyt does not evaluate. */
export class DbtSelectionError extends InvalidSelectionError {
  constructor(
    selection: string,
    /** The term at fault (`state:modified+`). */
    readonly term: string,
    readonly reason: string,
  ) {
    super(selection, `${term === selection ? "" : `${JSON.stringify(term)}: `}${reason}`);
  }
}

// ---------------------------------------------------------------------------------------------
// The graph
// ---------------------------------------------------------------------------------------------

/** Any node of dbt's graph, in the terms the selection methods use. */
export interface GraphMember {
  uniqueId: string;
  resourceType: string;
  kind: "node" | "source" | "exposure" | "other";
  name: string;
  packageName: string;
  fqn: readonly string[];
  /** Relative to its package, `/`-separated. */
  originalFilePath: string | null;
  /** The YAML file that documents it, as dbt writes it (`pkg://models/schema.yml`). */
  patchPath: string | null;
  tags: readonly string[];
  /** Nodes and sources only: what `config.<key>:` compares. */
  config: Record<string, unknown> | null;
  /** Nodes and metrics: the dbt group. */
  group: string | null;
  /** A model with a version (its fqn ends with `v<version>`). */
  isVersioned: boolean;
  /** Sources only. */
  sourceName: string | null;
  /** The manifest node, for nodes. */
  node: ManifestNode | null;
  /** Unique ids of the members it depends on / that depend on it. */
  parents: string[];
  children: string[];
}

/** dbt's graph as selection sees it: every enabled node, source, exposure, metric, …, with its edges. */
export class DbtGraph {
  readonly members = new Map<string, GraphMember>();

  constructor(readonly manifest: DbtManifest) {
    const edges: [string, readonly string[] | null | undefined][] = [];
    for (const [id, node] of manifest.nodes) {
      if (node.config.enabled === false) continue;
      // dbt's group method reads config.group only: a test of a grouped model has the group at
      // its top level, not in its config, and is not selected by it.
      const group = node.config.group ?? null;
      this.add({
        uniqueId: id,
        resourceType: node.resource_type,
        kind: "node",
        name: node.name,
        packageName: node.package_name,
        fqn: node.fqn,
        originalFilePath: slashes(node.original_file_path),
        patchPath: node.patch_path,
        tags: node.tags,
        config: node.config,
        group,
        isVersioned: node.resource_type === "model" && node.version !== null && node.version !== undefined,
        sourceName: null,
        node,
        parents: [],
        children: [],
      });
      edges.push([id, node.depends_on]);
    }
    for (const [id, source] of manifest.sources) {
      if (source.config?.enabled === false) continue;
      this.add({
        uniqueId: id,
        resourceType: "source",
        kind: "source",
        name: source.name,
        packageName: source.package_name,
        fqn: source.fqn,
        originalFilePath: slashes(source.original_file_path),
        patchPath: source.patch_path ?? null,
        tags: source.tags ?? [],
        config: source.config ?? {},
        group: null,
        isVersioned: false,
        sourceName: source.source_name,
        node: null,
        parents: [],
        children: [],
      });
    }
    for (const [id, exposure] of manifest.exposures) {
      if (exposure.config?.enabled === false) continue;
      this.add({
        uniqueId: id,
        resourceType: "exposure",
        kind: "exposure",
        name: exposure.name,
        packageName: exposure.package_name,
        fqn: exposure.fqn,
        originalFilePath: slashes(exposure.original_file_path),
        patchPath: null,
        tags: exposure.tags ?? [],
        config: null,
        group: null,
        isVersioned: false,
        sourceName: null,
        node: null,
        parents: [],
        children: [],
      });
      edges.push([id, exposure.depends_on?.nodes]);
    }
    for (const [id, other] of manifest.others) {
      if (other.config?.enabled === false) continue;
      this.add({
        uniqueId: id,
        resourceType: other.resource_type,
        kind: "other",
        name: other.name,
        packageName: other.package_name,
        fqn: other.fqn,
        originalFilePath: other.original_file_path ? slashes(other.original_file_path) : null,
        patchPath: null,
        tags: other.tags ?? [],
        config: null,
        // dbt's group method looks at nodes and metrics only.
        group: other.resource_type === "metric" ? (other.config?.group ?? null) : null,
        isVersioned: false,
        sourceName: null,
        node: null,
        parents: [],
        children: [],
      });
      edges.push([id, other.depends_on?.nodes]);
    }
    for (const [id, deps] of edges) {
      const member = this.members.get(id)!;
      for (const dep of deps ?? []) {
        // A dependency on something disabled or absent is not an edge (dbt refuses such a
        // project at parse time; the mapping reports it with the node's path).
        const parent = this.members.get(dep);
        if (!parent || member.parents.includes(dep)) continue;
        member.parents.push(dep);
        parent.children.push(id);
      }
    }
  }

  private add(member: GraphMember): void {
    this.members.set(member.uniqueId, member);
  }

  parents(id: string): readonly string[] {
    return this.members.get(id)?.parents ?? [];
  }

  children(id: string): readonly string[] {
    return this.members.get(id)?.children ?? [];
  }

  /** dbt's `select_parents` / `select_children`: generations away from `start`, all when depth is null. */
  walk(start: Iterable<string>, direction: "parents" | "children", depth: number | null): Set<string> {
    const found = new Set<string>();
    let layer = [...start];
    for (let generation = 0; layer.length > 0 && (depth === null || generation < depth); generation++) {
      const next: string[] = [];
      for (const id of layer) {
        for (const neighbour of direction === "parents" ? this.parents(id) : this.children(id)) {
          if (found.has(neighbour)) continue;
          found.add(neighbour);
          next.push(neighbour);
        }
      }
      layer = next;
    }
    return found;
  }
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

type Method = "fqn" | "tag" | "path" | "file" | "package" | "resource_type" | "config" | "source" | "group";

/** One term: a method and value with graph operators (`2+tag:nightly+`). */
export interface SelectionCriterion {
  raw: string;
  method: Method;
  /** `config.materialized` → `["materialized"]`. */
  methodArguments: string[];
  value: string;
  childrensParents: boolean;
  parents: boolean;
  parentsDepth: number | null;
  children: boolean;
  childrenDepth: number | null;
}

/** A union of intersections: `a,b c` is `[[a, b], [c]]`. */
export type ParsedSelection = SelectionCriterion[][];

// dbt's RAW_SELECTOR_PATTERN.
const RAW_SELECTOR = /^(?<childrensParents>@)?(?<parents>(?<parentsDepth>\d*)\+)?(?:(?<method>[\w.]+):)?(?<value>.*?)(?<children>\+(?<childrenDepth>\d*))?$/s;

const SUPPORTED = new Set<string>(["fqn", "tag", "path", "file", "package", "resource_type", "config", "source", "group"]);

/** Parses a selection expression, refusing what dbt refuses and what Flyt does not evaluate. */
export function parseSelection(expression: string): ParsedSelection {
  const union: ParsedSelection = [];
  for (const raw of expression.split(/\s+/)) {
    if (raw === "") continue;
    union.push(raw.split(",").map((part) => parseCriterion(expression, part)));
  }
  return union;
}

function parseCriterion(expression: string, raw: string): SelectionCriterion {
  const match = RAW_SELECTOR.exec(raw);
  const groups = match?.groups;
  if (!groups) throw new DbtSelectionError(expression, raw, "not a dbt selector");
  const value = groups.value ?? "";
  if (value === "") throw new DbtSelectionError(expression, raw, "no search value");
  let method: string;
  let methodArguments: string[] = [];
  if (groups.method === undefined) {
    method = defaultMethod(value);
  } else {
    const [name = "", ...args] = groups.method.split(".");
    method = name;
    methodArguments = args;
  }
  if (!SUPPORTED.has(method)) {
    const why = UNSUPPORTED_DBT_METHODS[method];
    const list = `supported: ${DBT_SELECTION_METHODS.join(", ")}`;
    if (why) throw new DbtSelectionError(expression, raw, `dbt's method "${method}:" is not evaluated by Flyt (${why}); ${list}`);
    const suggestion = didYouMean(method, SUPPORTED);
    throw new DbtSelectionError(expression, raw, `unknown method "${method}:"${suggestion ? ` (did you mean "${suggestion}:"?)` : ""}; ${list}`);
  }
  if (method === "config" && methodArguments.length === 0) {
    throw new DbtSelectionError(expression, raw, 'config needs a key: "config.materialized:table"');
  }
  if (method !== "config" && methodArguments.length > 0) {
    throw new DbtSelectionError(expression, raw, `method "${method}:" takes no arguments ("${groups.method}:")`);
  }
  if (method === "resource_type" && !NODE_TYPES.has(value)) {
    const suggestion = didYouMean(value, NODE_TYPES);
    throw new DbtSelectionError(expression, raw, `unknown resource type "${value}"${suggestion ? ` (did you mean "${suggestion}"?)` : ""}`);
  }
  if (method === "source" && value.split(".").length > 3) {
    throw new DbtSelectionError(expression, raw, "a source is `source_name`, `source_name.table` or `package.source_name.table`");
  }
  const criterion: SelectionCriterion = {
    raw,
    method: method as Method,
    methodArguments,
    value,
    childrensParents: groups.childrensParents !== undefined,
    parents: groups.parents !== undefined,
    parentsDepth: groups.parentsDepth ? Number(groups.parentsDepth) : null,
    children: groups.children !== undefined,
    childrenDepth: groups.childrenDepth ? Number(groups.childrenDepth) : null,
  };
  if (criterion.children && criterion.childrensParents) {
    throw new DbtSelectionError(expression, raw, 'the "@" prefix and the "+" suffix cannot be combined');
  }
  return criterion;
}

/** dbt's `default_method`: a value with a `/` is a path, one ending in .sql/.py/.csv a file, else an fqn. */
function defaultMethod(value: string): Method {
  if (value.includes("/") || value.includes("\\")) return "path";
  if (/\.(sql|py|csv)$/i.test(value)) return "file";
  return "fqn";
}

// ---------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------

/**
 * The unique ids `select` minus `exclude` picks over the graph (any resource type; the caller
 * keeps those it wants). An absent or blank `select` picks every node.
 * @throws DbtSelectionError
 */
export function selectUniqueIds(graph: DbtGraph, select: string | undefined, exclude: string | undefined): Set<string> {
  const included = select === undefined || select.trim() === "" ? new Set(graph.members.keys()) : evaluate(graph, parseSelection(select));
  if (exclude !== undefined && exclude.trim() !== "") {
    for (const id of evaluate(graph, parseSelection(exclude))) included.delete(id);
  }
  return included;
}

function evaluate(graph: DbtGraph, selection: ParsedSelection): Set<string> {
  const result = new Set<string>();
  for (const intersection of selection) {
    const [first, ...rest] = intersection.map((criterion) => evaluateCriterion(graph, criterion));
    for (const id of first ?? []) if (rest.every((found) => found.has(id))) result.add(id);
  }
  return result;
}

function evaluateCriterion(graph: DbtGraph, criterion: SelectionCriterion): Set<string> {
  const matches = methodMatcher(graph, criterion);
  const collected = new Set<string>();
  for (const member of graph.members.values()) if (matches(member)) collected.add(member.uniqueId);
  const selected = new Set(collected);
  if (criterion.childrensParents) {
    // dbt's select_childrens_parents: the selection and its descendants, and all their ancestors.
    const descendants = graph.walk(collected, "children", null);
    for (const id of collected) descendants.add(id);
    for (const id of descendants) selected.add(id);
    for (const id of graph.walk(descendants, "parents", null)) selected.add(id);
  }
  if (criterion.parents) for (const id of graph.walk(collected, "parents", criterion.parentsDepth)) selected.add(id);
  if (criterion.children) for (const id of graph.walk(collected, "children", criterion.childrenDepth)) selected.add(id);
  return selected;
}

function methodMatcher(graph: DbtGraph, criterion: SelectionCriterion): (member: GraphMember) => boolean {
  const { value } = criterion;
  switch (criterion.method) {
    case "fqn":
      return (m) => m.kind !== "source" && fqnMethodMatches(m, value);
    case "tag": {
      const pattern = fnmatcher(value);
      return (m) => m.tags.some((tag) => pattern(tag));
    }
    case "group": {
      const pattern = fnmatcher(value);
      return (m) => m.group !== null && m.group !== "" && pattern(m.group);
    }
    case "package": {
      const pattern = fnmatcher(value === "this" && graph.manifest.metadata.project_name ? graph.manifest.metadata.project_name : value);
      return (m) => pattern(m.packageName);
    }
    case "resource_type":
      return (m) => m.resourceType === value;
    case "file": {
      const pattern = fnmatcher(value);
      return (m) => {
        if (m.originalFilePath === null) return false;
        const base = m.originalFilePath.slice(m.originalFilePath.lastIndexOf("/") + 1);
        const dot = base.lastIndexOf(".");
        return pattern(base) || pattern(dot > 0 ? base.slice(0, dot) : base);
      };
    }
    case "path":
      return pathMatcher(value);
    case "source": {
      const parts = value.split(".");
      const [pkg, source, table] = parts.length === 3 ? parts : parts.length === 2 ? ["*", ...parts] : ["*", parts[0], "*"];
      const matchPackage = fnmatcher(pkg ?? "*");
      const matchSource = fnmatcher(source ?? "*");
      const matchTable = fnmatcher(table ?? "*");
      return (m) => m.kind === "source" && matchPackage(m.packageName) && matchSource(m.sourceName ?? "") && matchTable(m.name);
    }
    case "config":
      return configMatcher(criterion.methodArguments, value);
  }
}

/** dbt's ConfigSelectorMethod: nodes and sources whose config at the key path equals the value. */
function configMatcher(keys: readonly string[], selector: string): (member: GraphMember) => boolean {
  const lower = selector.toLowerCase();
  // dbt compares severity case-insensitively (`warn` / `WARN`), everything else exactly.
  const caseInsensitive = keys.length === 1 && keys[0] === "severity";
  const equals = (value: unknown): boolean =>
    (typeof value === "string" && (caseInsensitive ? value.toLowerCase() === lower : value === selector)) ||
    (lower === "true" && value === true) ||
    (lower === "false" && value === false);
  return (m) => {
    if (m.config === null) return false;
    let value: unknown = m.config;
    for (const key of keys) {
      if (typeof value !== "object" || value === null || !Object.hasOwn(value, key)) return false;
      value = (value as Record<string, unknown>)[key];
    }
    return Array.isArray(value) ? value.some(equals) : equals(value);
  };
}

/**
 * `path:` against the manifest's paths: a node matches when its file, one of its folders or the
 * YAML file documenting it is the selector (or matches it as a glob: `*` within a segment, `**`
 * across segments).
 */
function pathMatcher(selector: string): (member: GraphMember) => boolean {
  const wanted = normalizePath(selector);
  if (wanted === "" || wanted === ".") return () => true;
  const glob = /[*?[]/.test(wanted) ? globToRegExp(wanted) : null;
  const same = (path: string): boolean => (glob ? glob.test(path) : path === wanted);
  return (m) => {
    const patch = patchFile(m.patchPath);
    if (patch !== null && same(patch)) return true;
    if (m.originalFilePath === null) return false;
    const path = normalizePath(m.originalFilePath);
    if (same(path)) return true;
    for (let slash = path.lastIndexOf("/"); slash > 0; slash = path.lastIndexOf("/", slash - 1)) {
      if (same(path.slice(0, slash))) return true;
    }
    return false;
  };
}

function normalizePath(path: string): string {
  let out = slashes(path).replace(/\/{2,}/g, "/");
  while (out.startsWith("./")) out = out.slice(2);
  return out.endsWith("/") ? out.slice(0, -1) : out;
}

/** A path glob as pathlib's `glob` reads it: `*`, `?`, `[…]` within a segment, `**` for any folders. */
function globToRegExp(glob: string): RegExp {
  const segments = glob.split("/");
  let source = "";
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (segment === "**") source += last ? ".*" : "(?:[^/]+/)*";
    else source += fnmatchSource(segment, "[^/]") + (last ? "" : "/");
  });
  return new RegExp(`^${source}$`, "s");
}

// ---------------------------------------------------------------------------------------------
// dbt's fqn matching (is_selected_node), faithfully
// ---------------------------------------------------------------------------------------------

const WILDCARD = /[*?[\]]/;

/** dbt's QualifiedNameSelectorMethod.node_is_match: the fqn with or without its package. */
export function fqnMethodMatches(member: Pick<GraphMember, "fqn" | "isVersioned">, selector: string): boolean {
  return isSelectedNode(member.fqn, selector, member.isVersioned) || isSelectedNode(member.fqn.slice(1), selector, member.isVersioned);
}

/** dbt's `is_selected_node`. */
function isSelectedNode(fqn: readonly string[], selector: string, isVersioned: boolean): boolean {
  if (fqn.length === 0) return false;
  if (isVersioned) {
    if (fqn[fqn.length - 2] === selector) return true;
    // A versioned model's last two segments may be matched joined by "." or "_".
    if (fqn.slice(-2).join("_") === selector.split(".").slice(-2).join("_")) return true;
  } else if (fqn[fqn.length - 1] === selector) {
    return true;
  }
  const flat = fqn.flatMap((segment) => segment.split("."));
  const parts = selector.split(".");
  if (flat.length < parts.length) return false;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (WILDCARD.test(part)) {
      if (fnmatch(flat.slice(i).join("."), parts.slice(i).join("."))) return true;
      // A bare wildcard (no dot) also matches the leaf, however deep the node sits.
      if (!selector.includes(".")) return fnmatch((isVersioned ? fqn[fqn.length - 2] : fqn[fqn.length - 1]) ?? "", selector);
      return false;
    }
    if (flat[i] !== part) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Python's fnmatch
// ---------------------------------------------------------------------------------------------

const fnmatchCache = new Map<string, RegExp>();

/** Python's `fnmatch.fnmatchcase` (POSIX `fnmatch` is case-sensitive too): `*`, `?`, `[seq]`, `[!seq]`. */
export function fnmatch(name: string, pattern: string): boolean {
  let regexp = fnmatchCache.get(pattern);
  if (!regexp) {
    regexp = new RegExp(`^${fnmatchSource(pattern, ".")}$`, "s");
    if (fnmatchCache.size > 1000) fnmatchCache.clear();
    fnmatchCache.set(pattern, regexp);
  }
  return regexp.test(name);
}

function fnmatcher(pattern: string): (name: string) => boolean {
  if (!WILDCARD.test(pattern)) return (name) => name === pattern;
  return (name) => fnmatch(name, pattern);
}

/** Python's `fnmatch.translate`, with `any` as what `?` and `*` stand for (`.` or `[^/]` for paths). */
function fnmatchSource(pattern: string, any: string): string {
  let out = "";
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i++]!;
    if (c === "*") {
      if (!out.endsWith(`${any}*`)) out += `${any}*`;
    } else if (c === "?") {
      out += any;
    } else if (c === "[") {
      let j = i;
      if (pattern[j] === "!") j++;
      if (pattern[j] === "]") j++;
      while (j < pattern.length && pattern[j] !== "]") j++;
      if (j >= pattern.length) {
        out += "\\[";
      } else {
        let stuff = pattern.slice(i, j);
        i = j + 1;
        const negate = stuff.startsWith("!");
        if (negate) stuff = stuff.slice(1);
        // "[!]" matches any character; every other class is copied with JavaScript's specials escaped.
        out += stuff === "" ? any : `[${negate ? "^" : ""}${stuff.replace(/[\\\][^]/g, "\\$&")}]`;
      }
    } else {
      out += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Exact selectors
// ---------------------------------------------------------------------------------------------

/**
 * The `--select` term that names exactly one node of the graph (see the module comment).
 * Build once per graph; `selectorFor` is then two binary searches for an unambiguous fqn, the
 * common case.
 */
export class SelectorResolver {
  /**
   * Every non-source node's fqn joined by dots, with and without its package → the nodes having
   * it. dbt's default method matches S on a node when one of its keys is S or starts with `S.`
   * (splitting segments at dots and joining them again changes nothing, so dbt's flattening is
   * built in).
   */
  private readonly exact = new Map<string, string | string[]>();
  /** The same keys, sorted, for "starts with `S.`" by binary search. */
  private readonly sorted: string[];
  /** Leaves containing a dot (dbt also matches a selector equal to the leaf): rare, usually empty. */
  private readonly dottedLeaves = new Map<string, string[]>();
  /** `name_vN` → versioned models, for dbt's versioned-tail rule. */
  private readonly versionTails = new Map<string, string[]>();

  constructor(private readonly graph: DbtGraph) {
    for (const member of graph.members.values()) {
      if (member.kind === "source") continue;
      const { fqn, uniqueId: id } = member;
      this.addKey(fqn.join("."), id);
      if (fqn.length > 1) this.addKey(fqn.slice(1).join("."), id);
      const leaf = member.isVersioned ? fqn[fqn.length - 2] : fqn[fqn.length - 1];
      if (leaf?.includes(".")) push(this.dottedLeaves, leaf, id);
      if (member.isVersioned) push(this.versionTails, fqn.slice(-2).join("_"), id);
    }
    this.sorted = [...this.exact.keys()].sort();
  }

  private addKey(key: string, id: string): void {
    const known = this.exact.get(key);
    if (known === undefined) this.exact.set(key, id);
    else if (typeof known === "string") this.exact.set(key, [known, id]);
    else known.push(id);
  }

  /** The exact `--select` term for `uniqueId` (a node of the graph). */
  selectorFor(uniqueId: string): string {
    const member = this.graph.members.get(uniqueId);
    if (!member) throw new Error(`${uniqueId} is not a node of the dbt graph`);
    const plain = member.fqn.join(".");
    // A bare value dbt would read as a path or a file needs the method spelled out.
    const spelled = defaultMethod(plain) === "fqn" ? plain : `fqn:${plain}`;
    if (!WILDCARD.test(plain) && this.isOnly(plain, uniqueId)) return spelled;
    const typed = `fqn:${plain},resource_type:${member.resourceType}`;
    if (this.bruteForceOnly(plain, member)) return typed;
    const bracketed = bracketLast(plain);
    if (bracketed !== null) {
      // Exact unless two nodes of one package and type share an fqn, which dbt refuses at parse
      // time; returned even then, as the narrowest term dbt offers.
      return `fqn:${bracketed},resource_type:${member.resourceType},package:${member.packageName}`;
    }
    return typed;
  }

  /** Whether dbt's default method matches `selector` on node `id` and on no other node. */
  private isOnly(selector: string, id: string): boolean {
    const exact = this.exact.get(selector);
    if (exact !== id && !(Array.isArray(exact) && exact.every((other) => other === id))) return false;
    // Keys starting with "selector." sort between "selector." and "selector/" ("/" follows "."),
    // and belong to other nodes (a node's own other key is shorter).
    if (this.lowerBound(`${selector}/`) > this.lowerBound(`${selector}.`)) return false;
    if ((this.dottedLeaves.get(selector) ?? []).some((other) => other !== id)) return false;
    return !(this.versionTails.get(selector.split(".").slice(-2).join("_")) ?? []).some((other) => other !== id);
  }

  private lowerBound(key: string): number {
    let low = 0;
    let high = this.sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.sorted[middle]! < key) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Whether `fqn:<selector>,resource_type:<its type>` names `member` alone (checked against every node: rare). */
  private bruteForceOnly(selector: string, member: GraphMember): boolean {
    for (const other of this.graph.members.values()) {
      if (other.uniqueId === member.uniqueId || other.kind === "source" || other.resourceType !== member.resourceType) continue;
      if (fqnMethodMatches(other, selector)) return false;
    }
    return fqnMethodMatches(member, selector);
  }
}

function push(map: Map<string, string[]>, key: string, id: string): void {
  const ids = map.get(key);
  if (ids) ids.push(id);
  else map.set(key, [id]);
}

/** `a.b.customers` → `a.b.customer[s]`; null when the last character cannot be bracketed. */
function bracketLast(selector: string): string | null {
  const last = selector[selector.length - 1];
  if (last === undefined || /[*?[\]!.^\\-]/.test(last)) return null;
  return `${selector.slice(0, -1)}[${last}]`;
}

function slashes(path: string): string {
  return path.includes("\\") ? path.replace(/\\/g, "/") : path;
}

function patchFile(patchPath: string | null | undefined): string | null {
  if (!patchPath) return null;
  const at = patchPath.indexOf("://");
  return slashes(at >= 0 ? patchPath.slice(at + 3) : patchPath);
}
