/**
 * From a read manifest to Flyt's view of the dbt project (`DbtProjectMap`): which nodes are
 * assets and under which keys, what each depends on, which tests are checks of which asset, which
 * upstream asset each source stands for, and the exact dbt selector of every asset and check.
 * docs/dbt.md is written from these rules; each says why where dbt left a choice.
 *
 * Assets
 * - Models, seeds and snapshots are assets: what `dbt build` builds and stores. Ephemeral models
 *   (inlined as CTEs, never stored), analyses, operations (hooks), tests, unit tests, metrics,
 *   semantic models, saved queries and functions are not. Disabled nodes (the manifest's
 *   `disabled`, or `config.enabled: false`) are left out entirely.
 * - `select` / `exclude` (dbt's syntax, selection.ts) choose which of them this step builds. An
 *   asset that depends on one left out keeps that dependency: the other is an upstream asset of
 *   another step or code location, under the key it would have had here.
 * - Dependencies are traced through everything that is not an asset: a model reading an
 *   ephemeral model that reads X depends on X (likewise through functions or anything else dbt
 *   lists in `depends_on.nodes`). A source contributes its upstream asset's key, to `deps` and to
 *   `sourceDeps`.
 * Keys
 * - `meta.flyt.asset_key` (`"a/b"` or `["a", "b"]`) from the node's meta, where `config.meta` is
 *   merged over the top-level `meta` (dbt ≥1.10 keeps meta in config; older releases either; the
 *   `flyt` object is merged one level deeper so YAML and `config()` can each set part of it); else
 *   the `assetKey` option; else `[schema, name]`, or `[schema, alias]` for a versioned model (its
 *   versions are distinct relations, `dim_v1` and `dim_v2`). Keys follow Flyt's key rules; a bad
 *   one, or two nodes with one key, is an error naming the nodes and their files, all at once.
 * - A source table is not built by dbt: it maps to the upstream asset that feeds it, keyed by
 *   `meta.flyt.asset_key` (the table's meta, merged over the source's — so a key set on a source
 *   applies to its tables, meant for one-table sources), else the `sourceAssetKey` option, else
 *   `[source_name, table]`.
 * Attributes
 * - group: `meta.flyt.group`, else the node's dbt group, else the `group` option, else "dbt";
 *   owners: `meta.flyt.owners` (a string or strings), else the dbt group's owner — its e-mail(s),
 *   else `team:<name>` (Flyt's owner forms are e-mails and `team:` names).
 * - tags: each dbt tag `t` becomes the Flyt tag `dbt_tag/<t>` with an empty value (dbt tags have
 *   no values; the prefix keeps them apart from tags Flyt or the user sets), characters Flyt's tag
 *   keys refuse becoming `_`.
 * - kinds `["dbt", <adapter>]`, plus `seed` or `snapshot`; description (null when empty); columns
 *   (name, `data_type`, description) for the table schema; relation = `relation_name`; code
 *   version = the file's checksum; path = `original_file_path`; materialized = `config.materialized`.
 * - automation: `meta.flyt.automation` — `"eager"`, `"on_missing"`, `"none"` or `{ on_cron,
 *   timezone? }` — overriding `dbtAssets`' `automationCondition` option for the node; another
 *   value is a problem naming the node.
 * Checks
 * - A test is a check of the node it is attached to (`attached_node`: set by dbt for generic tests
 *   on models, seeds and snapshots — a relationships test is attached to the model it is defined
 *   on, not to the one it refers to); else of its only parent (singular tests, source tests); else,
 *   for a generic test defined on a source (dbt attaches nothing to sources), of the source its
 *   `model` argument names. A test with several parents and none of these (a singular test joining
 *   two models) is not a check: Flyt could only guess which asset it is about.
 * - Only tests of what the selection picks are checks, as `dbt build --select …` runs only those:
 *   tests on this step's assets, and tests on the sources the selection includes (all of them
 *   without `select`/`exclude`, as plain `dbt build` tests every source; `+stg_x` includes
 *   stg_x's sources, `stg_x` alone none). A source test has `onSource: true` and the source's
 *   upstream asset key: an asset this step does not build. Tests on ephemeral models, or on
 *   assets left out by `select`, are not checks.
 * - severity from `config.severity` (`warn`/`error`, any case; default error); blocking = error
 *   severity, because `dbt build` skips the children of a node whose error-severity test failed.
 * - The check's name is the test's name, made a valid Flyt name (other characters → `_`; over 200
 *   characters: cut, with a hash of the whole). Two tests with one name on one asset (a package's
 *   test and the project's) get distinct names deterministically: the root project's test keeps
 *   the name, a package's becomes `<name>__<package>`, and any still equal gain the hash dbt puts
 *   at the end of their unique id. A test without description gets one saying what it tests.
 * Selectors
 * - Every asset and check carries the `--select` term naming exactly that node: its fqn joined by
 *   dots (dbt's default method), narrowed only where that fqn also matches another node
 *   (selection.ts explains how, and why not `path:` or a unique id: dbt has no such method).
 * Exposures (with the `exposures` option)
 * - Each exposure becomes a `DbtExposure` keyed `meta.flyt.asset_key` else `["exposure", name]`,
 *   depending on the assets and sources it reads (traced like models' dependencies), with its
 *   owner (e-mail, else `team:<name>`), url and type.
 */
import { createHash } from "node:crypto";
import { InvalidDefinitionsError, normalizeAssetKey, type DefinitionProblem } from "@flyt/core";
import type {
  DbtAutomationSetting,
  DbtAssetNode,
  DbtAssetResourceType,
  DbtAssetsOptions,
  DbtExposure,
  DbtNodeInfo,
  DbtProjectMap,
  DbtSource,
  DbtSourceInfo,
  DbtTestCheck,
} from "./types.js";
import type { DbtManifest, ManifestExposure, ManifestNode, ManifestOwner, ManifestSource } from "./manifest.js";
import { DbtGraph, DbtSelectionError, SelectorResolver, selectUniqueIds } from "./selection.js";

/** What the mapping takes of `dbtAssets()`'s options. */
export type DbtMappingOptions = Pick<DbtAssetsOptions, "assetKey" | "sourceAssetKey" | "group" | "select" | "exclude" | "exposures">;

/** The group of an asset that names none and has no dbt group, when the options give none either. */
export const DEFAULT_DBT_GROUP = "dbt";

/** Flyt's longest name (DEFINITION_LIMITS.nameChars), for check names. */
const MAX_CHECK_NAME = 200;
/** Flyt's names (the SDK's NAME_PATTERN). */
const VALID_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/**
 * The manifest maps to assets Flyt refuses: a key that breaks Flyt's key rules, two nodes with one
 * key, a `meta.flyt` field of the wrong type. Lists every problem, each naming the dbt node and its
 * file; an `InvalidDefinitionsError`, as the definitions it would have produced are invalid.
 */
export class DbtMappingError extends InvalidDefinitionsError {
  constructor(
    /** The manifest the nodes come from. */
    readonly manifestFile: string,
    problems: DefinitionProblem[],
  ) {
    super(problems);
  }
}

const ASSET_TYPES: ReadonlySet<string> = new Set<DbtAssetResourceType>(["model", "seed", "snapshot"]);

/** A node's upstream, once traced: the key, and the source it stands for when it is one. */
interface Upstream {
  key: string;
  sourceId: string | null;
}

/**
 * Maps a manifest to Flyt's view of the project (see the module comment for every rule).
 * @throws DbtMappingError (bad or colliding keys, malformed `meta.flyt`), DbtSelectionError (`select` / `exclude`).
 */
export function mapProject(manifest: DbtManifest, options: DbtMappingOptions = {}): DbtProjectMap {
  return new ProjectMapper(manifest, options).map();
}

class ProjectMapper {
  private readonly graph: DbtGraph;
  private readonly problems: DefinitionProblem[] = [];
  private readonly projectName: string;
  /** Key of every model, seed and snapshot that is an asset, selected or not (null: its key is bad). */
  private readonly assetKeys = new Map<string, string | null>();
  private readonly sourceKeys = new Map<string, string | null>();
  private readonly traced = new Map<string, Upstream[]>();
  /** Each asset node's merged meta, computed once. */
  private readonly metas = new Map<string, Record<string, unknown>>();

  constructor(
    private readonly manifest: DbtManifest,
    private readonly options: DbtMappingOptions,
  ) {
    this.graph = new DbtGraph(manifest);
    this.projectName = manifest.metadata.project_name ?? mostCommonPackage(manifest) ?? "dbt";
  }

  map(): DbtProjectMap {
    const { manifest, options } = this;
    const candidates: ManifestNode[] = [];
    for (const member of this.graph.members.values()) {
      if (member.node && isAssetNode(member.node)) candidates.push(member.node);
    }
    this.keyNodes(candidates);
    const sources = this.keySources();

    const selectionGiven = Boolean(options.select?.trim() || options.exclude?.trim());
    const chosen = selectionGiven ? selectUniqueIds(this.graph, options.select, options.exclude) : null;
    const selected = chosen ? candidates.filter((node) => chosen.has(node.unique_id)) : candidates;
    if (selectionGiven && selected.length === 0 && candidates.length > 0) {
      const expression = [options.select ? `select ${JSON.stringify(options.select)}` : "", options.exclude ? `exclude ${JSON.stringify(options.exclude)}` : ""]
        .filter(Boolean)
        .join(", ");
      throw new DbtSelectionError(options.select ?? "", options.select ?? "", `${expression} leaves no model, seed or snapshot of ${manifest.file} to build`);
    }

    const resolver = new SelectorResolver(this.graph);
    const assets: DbtAssetNode[] = [];
    for (const node of selected) {
      const asset = this.asset(node, resolver);
      if (asset) assets.push(asset);
    }
    const selectedSources = new Set([...this.sourceKeys.keys()].filter((id) => chosen === null || chosen.has(id)));
    const byAssetKey = new Map(assets.map((asset) => [asset.assetKey, asset]));
    const selectedIds = new Set(assets.map((asset) => asset.uniqueId));
    const checks = this.checks(selectedIds, selectedSources, resolver);
    const exposures = options.exposures ? this.exposures() : [];

    if (this.problems.length > 0) throw new DbtMappingError(manifest.file, this.problems);
    const byUniqueId = new Map<string, DbtAssetNode | DbtTestCheck>();
    for (const asset of assets) byUniqueId.set(asset.uniqueId, asset);
    for (const check of checks) byUniqueId.set(check.uniqueId, check);
    return {
      projectName: this.projectName,
      adapter: manifest.metadata.adapter_type ?? "unknown",
      dbtVersion: manifest.metadata.dbt_version ?? null,
      assets,
      checks,
      sources,
      exposures,
      byUniqueId,
      byAssetKey,
    };
  }

  // -------------------------------------------------------------------------------------------
  // Keys
  // -------------------------------------------------------------------------------------------

  /** Keys every asset node, selected or not (a selected one may depend on any of them). */
  private keyNodes(nodes: readonly ManifestNode[]): void {
    const owners = new Map<string, ManifestNode>();
    for (const node of nodes) {
      const meta = nodeMeta(node);
      this.metas.set(node.unique_id, meta);
      const versioned = node.version !== null && node.version !== undefined;
      const assetKey = this.options.assetKey;
      const key = this.resolveKey(
        subject(node),
        flytField(meta, "asset_key"),
        assetKey ? { origin: "the assetKey option", compute: () => assetKey(nodeInfo(node, meta)) } : null,
        versioned ? ["the default [schema, alias]", [node.schema ?? "", node.alias ?? node.name]] : ["the default [schema, name]", [node.schema ?? "", node.name]],
      );
      this.assetKeys.set(node.unique_id, key);
      if (key === null) continue;
      const other = owners.get(key);
      if (other) this.problem(node, `asset key ${JSON.stringify(key)} is also the key of ${subject(other)}: give one of them meta.flyt.asset_key, or pass assetKey`);
      else owners.set(key, node);
    }
  }

  private keySources(): DbtSource[] {
    const out: DbtSource[] = [];
    for (const source of this.manifest.sources.values()) {
      if (source.config?.enabled === false) continue;
      const meta = mergeMeta(source.source_meta, source.meta, source.config?.meta);
      const sourceAssetKey = this.options.sourceAssetKey;
      const key = this.resolveKey(
        subject(source),
        flytField(meta, "asset_key"),
        sourceAssetKey ? { origin: "the sourceAssetKey option", compute: () => sourceAssetKey(sourceInfo(source, meta)) } : null,
        ["the default [source_name, table]", [source.source_name, source.name]],
      );
      this.sourceKeys.set(source.unique_id, key);
      if (key !== null) out.push({ uniqueId: source.unique_id, sourceName: source.source_name, table: source.name, assetKey: key });
    }
    return out;
  }

  /** `meta.flyt.asset_key`, else the option's function, else the default; null (with a problem) when bad. */
  private resolveKey(
    who: string,
    fromMeta: unknown,
    fromOption: { origin: string; compute: () => unknown } | null,
    fallback: [string, readonly string[]],
  ): string | null {
    let origin: string;
    let raw: unknown;
    if (fromMeta !== undefined) [origin, raw] = ["meta.flyt.asset_key", fromMeta];
    else if (fromOption === null) [origin, raw] = fallback;
    else {
      origin = fromOption.origin;
      try {
        raw = fromOption.compute();
      } catch (error) {
        this.problems.push({ subject: who, message: `${origin} threw: ${(error as Error).message}` });
        return null;
      }
    }
    if (typeof raw !== "string" && !(Array.isArray(raw) && raw.every((segment) => typeof segment === "string"))) {
      this.problems.push({ subject: who, message: `${origin} must be a key like "a/b" or ["a", "b"], not ${JSON.stringify(raw) ?? String(raw)}` });
      return null;
    }
    try {
      return normalizeAssetKey(raw);
    } catch (error) {
      const hint = origin.startsWith("the default") ? " (set meta.flyt.asset_key on it, or pass assetKey)" : "";
      this.problems.push({ subject: who, message: `${origin} gives an invalid key: ${(error as Error).message}${hint}` });
      return null;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Assets and their dependencies
  // -------------------------------------------------------------------------------------------

  private asset(node: ManifestNode, resolver: SelectorResolver): DbtAssetNode | null {
    const key = this.assetKeys.get(node.unique_id);
    const meta = this.metas.get(node.unique_id) ?? nodeMeta(node);
    const deps: string[] = [];
    const sourceDeps: string[] = [];
    for (const upstream of this.upstreamOfDeps(node.unique_id, node.depends_on, node)) {
      if (!deps.includes(upstream.key)) deps.push(upstream.key);
      if (upstream.sourceId !== null && !sourceDeps.includes(upstream.key)) sourceDeps.push(upstream.key);
    }
    const group = this.groupOf(node, meta);
    const owners = this.ownersOf(node, meta, group.dbtGroup);
    const automation = this.automationOf(node, meta);
    if (key === null || key === undefined) return null;
    const resourceType = node.resource_type as DbtAssetResourceType;
    const kinds = ["dbt"];
    if (this.manifest.metadata.adapter_type) kinds.push(this.manifest.metadata.adapter_type);
    if (resourceType !== "model") kinds.push(resourceType);
    return {
      uniqueId: node.unique_id,
      resourceType,
      name: node.name,
      assetKey: key,
      selector: resolver.selectorFor(node.unique_id),
      deps,
      sourceDeps,
      description: node.description || null,
      group: group.name,
      owners,
      tags: flytTags(node.tags),
      kinds,
      codeVersion: node.checksum || null,
      relation: node.relation_name ?? null,
      materialized: node.config.materialized ?? resourceType,
      // Already DbtColumn-shaped: shared, not copied.
      columns: node.columns,
      path: node.original_file_path,
      meta,
      automation,
    };
  }

  /** `meta.flyt.automation`, its shape checked (the cron and zone are checked where the condition is built). */
  private automationOf(node: ManifestNode, meta: Record<string, unknown>): DbtAutomationSetting | null {
    const fromMeta = flytField(meta, "automation");
    if (fromMeta === undefined || fromMeta === null) return null;
    if (fromMeta === "eager" || fromMeta === "on_missing" || fromMeta === "none") return fromMeta;
    if (isRecord(fromMeta) && typeof fromMeta.on_cron === "string" && (fromMeta.timezone === undefined || typeof fromMeta.timezone === "string")) {
      const unknown = Object.keys(fromMeta).filter((key) => key !== "on_cron" && key !== "timezone");
      if (unknown.length === 0) return { onCron: fromMeta.on_cron, timezone: fromMeta.timezone ?? "UTC" };
    }
    this.problem(
      node,
      `meta.flyt.automation must be "eager", "on_missing", "none" or { on_cron: "<cron>", timezone: "<IANA zone>" }, not ${JSON.stringify(fromMeta)}`,
    );
    return null;
  }

  /** The upstream assets of a node with these `depends_on.nodes`, traced through non-assets. */
  private upstreamOfDeps(id: string, deps: readonly string[], culprit: ManifestNode | ManifestExposure): Upstream[] {
    const out: Upstream[] = [];
    for (const dep of deps) {
      if (!this.graph.members.has(dep)) {
        this.problem(culprit, `depends on ${dep}, which the manifest does not hold (disabled, or from another project): run \`dbt parse\` again`);
        continue;
      }
      out.push(...this.upstreamOf(dep, new Set([id])));
    }
    return out;
  }

  /** What `id` stands for upstream: itself when an asset or a source, else what it reads (memoized). */
  private upstreamOf(id: string, visiting: Set<string>): Upstream[] {
    const assetKey = this.assetKeys.get(id);
    if (assetKey !== undefined) return assetKey === null ? [] : [{ key: assetKey, sourceId: null }];
    const sourceKey = this.sourceKeys.get(id);
    if (sourceKey !== undefined) return sourceKey === null ? [] : [{ key: sourceKey, sourceId: id }];
    const cached = this.traced.get(id);
    if (cached) return cached;
    // dbt refuses cycles; the guard only keeps a hand-made manifest from looping forever.
    if (visiting.has(id)) return [];
    visiting.add(id);
    const out: Upstream[] = [];
    for (const parent of this.graph.parents(id)) {
      for (const upstream of this.upstreamOf(parent, visiting)) {
        if (!out.some((known) => known.key === upstream.key)) out.push(upstream);
      }
    }
    visiting.delete(id);
    this.traced.set(id, out);
    return out;
  }

  private groupOf(node: ManifestNode, meta: Record<string, unknown>): { name: string; dbtGroup: string | null } {
    const dbtGroup = node.config.group ?? node.group ?? null;
    const fromMeta = flytField(meta, "group");
    if (fromMeta !== undefined && typeof fromMeta !== "string") {
      this.problem(node, `meta.flyt.group must be a string, not ${JSON.stringify(fromMeta)}`);
    }
    const name = (typeof fromMeta === "string" ? fromMeta : null) ?? dbtGroup ?? this.options.group ?? DEFAULT_DBT_GROUP;
    return { name, dbtGroup };
  }

  private ownersOf(node: ManifestNode, meta: Record<string, unknown>, dbtGroup: string | null): string[] {
    const fromMeta = flytField(meta, "owners");
    if (fromMeta !== undefined) {
      if (typeof fromMeta === "string") return [fromMeta];
      if (Array.isArray(fromMeta) && fromMeta.every((owner) => typeof owner === "string")) return fromMeta;
      this.problem(node, `meta.flyt.owners must be a string or a list of strings, not ${JSON.stringify(fromMeta)}`);
      return [];
    }
    if (dbtGroup === null) return [];
    let group = null;
    for (const candidate of this.manifest.groups.values()) {
      if (candidate.name !== dbtGroup) continue;
      group = candidate;
      // A group of the node's own package wins over a same-named one of another package.
      if (candidate.package_name === node.package_name) break;
    }
    return ownerList(group?.owner);
  }

  // -------------------------------------------------------------------------------------------
  // Checks
  // -------------------------------------------------------------------------------------------

  private checks(selectedIds: ReadonlySet<string>, selectedSources: ReadonlySet<string>, resolver: SelectorResolver): DbtTestCheck[] {
    const found: { test: ManifestNode; assetKey: string; onSource: boolean; severity: "warn" | "error" }[] = [];
    for (const member of this.graph.members.values()) {
      const test = member.node;
      if (!test || test.resource_type !== "test") continue;
      const target = this.testTarget(test);
      if (target === null) continue;
      let assetKey: string | null | undefined;
      let onSource = false;
      if (selectedIds.has(target)) {
        assetKey = this.assetKeys.get(target);
      } else if (selectedSources.has(target)) {
        assetKey = this.sourceKeys.get(target);
        onSource = true;
      }
      if (assetKey === null || assetKey === undefined) continue;
      const severity = (test.config.severity ?? "error").toLowerCase();
      if (severity !== "warn" && severity !== "error") {
        this.problem(test, `config.severity must be "warn" or "error", not ${JSON.stringify(test.config.severity)}`);
        continue;
      }
      found.push({ test, assetKey, onSource, severity });
    }
    const names = this.checkNames(found);
    return found.map(({ test, assetKey, onSource, severity }) => ({
      uniqueId: test.unique_id,
      assetKey,
      checkName: names.get(test.unique_id)!,
      severity,
      blocking: severity === "error",
      description: test.description || testDescription(test),
      selector: resolver.selectorFor(test.unique_id),
      onSource,
    }));
  }

  /** The node a test checks (see the module comment), or null when it checks none in particular. */
  private testTarget(test: ManifestNode): string | null {
    if (test.attached_node) return test.attached_node;
    const parents = this.graph.parents(test.unique_id);
    if (parents.length === 1) return parents[0]!;
    // A generic test declared under a source: dbt attaches nothing to sources, but its `model`
    // argument still says where it was declared (`{{ get_where_subquery(source('a', 'b')) }}`).
    const model = test.test_metadata?.model;
    const declared = typeof model === "string" ? /source\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]\s*\)/.exec(model) : null;
    if (declared) {
      for (const parent of parents) {
        const source = this.manifest.sources.get(parent);
        if (source && source.source_name === declared[1] && source.name === declared[2]) return parent;
      }
    }
    return null;
  }

  /** Check names: the tests' names made valid and unique per asset (rules in the module comment). */
  private checkNames(found: readonly { test: ManifestNode; assetKey: string }[]): Map<string, string> {
    const names = new Map<string, string>();
    // Most names are unique on their asset: only the tests sharing one go through the rules.
    const byAssetAndName = new Map<string, ManifestNode[]>();
    for (const { test, assetKey } of found) {
      const name = validName(test.name);
      names.set(test.unique_id, name);
      const key = `${assetKey}\u0000${name}`;
      const same = byAssetAndName.get(key);
      if (same) same.push(test);
      else byAssetAndName.set(key, [test]);
    }
    const collidingAssets = new Set<string>();
    for (const [key, same] of byAssetAndName) if (same.length > 1) collidingAssets.add(key.slice(0, key.indexOf("\u0000")));
    if (collidingAssets.size === 0) return names;
    const byAsset = new Map<string, ManifestNode[]>();
    for (const { test, assetKey } of found) {
      if (!collidingAssets.has(assetKey)) continue;
      const tests = byAsset.get(assetKey);
      if (tests) tests.push(test);
      else byAsset.set(assetKey, [test]);
    }
    for (const tests of byAsset.values()) {
      const byName = new Map<string, ManifestNode[]>();
      for (const test of tests) {
        const name = names.get(test.unique_id)!;
        const same = byName.get(name);
        if (same) same.push(test);
        else byName.set(name, [test]);
      }
      const proposed = new Map<string, string>();
      for (const [name, same] of byName) {
        const fromRoot = same.filter((test) => test.package_name === this.projectName);
        for (const test of same) {
          const keepsName = same.length === 1 || (fromRoot.length === 1 && fromRoot[0] === test);
          proposed.set(test.unique_id, keepsName ? name : validName(`${name}__${test.package_name}`));
        }
      }
      // Still equal (one package declaring a test twice over), or equal to another test's name:
      // the hash dbt ends unique ids with separates them; sorted by id, so it is deterministic.
      const counts = new Map<string, number>();
      for (const name of proposed.values()) counts.set(name, (counts.get(name) ?? 0) + 1);
      const taken = new Set<string>();
      for (const test of [...tests].sort((a, b) => (a.unique_id < b.unique_id ? -1 : a.unique_id > b.unique_id ? 1 : 0))) {
        const wanted = proposed.get(test.unique_id)!;
        let name = (counts.get(wanted) ?? 0) > 1 ? validName(`${wanted}__${hashOfId(test.unique_id)}`) : wanted;
        for (let n = 2; taken.has(name); n++) name = validName(`${wanted}__${n}`);
        taken.add(name);
        names.set(test.unique_id, name);
      }
    }
    return names;
  }

  // -------------------------------------------------------------------------------------------
  // Exposures
  // -------------------------------------------------------------------------------------------

  private exposures(): DbtExposure[] {
    const out: DbtExposure[] = [];
    const keys = new Map<string, string>();
    for (const [id, key] of this.assetKeys) if (key !== null) keys.set(key, id);
    for (const exposure of this.manifest.exposures.values()) {
      if (exposure.config?.enabled === false) continue;
      const meta = mergeMeta(exposure.meta, exposure.config?.meta);
      const key = this.resolveKey(subject(exposure), flytField(meta, "asset_key"), null, ["the default [\"exposure\", name]", ["exposure", exposure.name]]);
      if (key === null) continue;
      const clash = keys.get(key);
      if (clash !== undefined) {
        this.problem(exposure, `asset key ${JSON.stringify(key)} is also the key of ${clash}: set meta.flyt.asset_key on the exposure`);
        continue;
      }
      keys.set(key, exposure.unique_id);
      const deps: string[] = [];
      for (const upstream of this.upstreamOfDeps(exposure.unique_id, exposure.depends_on?.nodes ?? [], exposure)) {
        if (!deps.includes(upstream.key)) deps.push(upstream.key);
      }
      const owners = flytField(meta, "owners");
      out.push({
        uniqueId: exposure.unique_id,
        name: exposure.name,
        assetKey: key,
        deps,
        description: exposure.description || null,
        owners: typeof owners === "string" ? [owners] : Array.isArray(owners) ? owners.filter((o): o is string => typeof o === "string") : ownerList(exposure.owner),
        url: exposure.url ?? null,
        type: exposure.type ?? null,
      });
    }
    return out;
  }

  private problem(node: { unique_id: string; original_file_path: string }, message: string): void {
    this.problems.push({ subject: subject(node), message });
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function isAssetNode(node: ManifestNode): boolean {
  if (!ASSET_TYPES.has(node.resource_type) || node.config.enabled === false) return false;
  return !(node.resource_type === "model" && node.config.materialized === "ephemeral");
}

/** `model.atlas.stg_prices (models/staging/stg_prices.sql)`: how problems name a node. */
function subject(node: { unique_id: string; original_file_path: string }): string {
  return `dbt ${node.unique_id} (${node.original_file_path})`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Later layers over earlier ones; their `flyt` objects merged field by field. */
function mergeMeta(...layers: (Record<string, unknown> | null | undefined)[]): Record<string, unknown> {
  // The common case, no meta at all, allocates one empty object.
  if (layers.every(isEmpty)) return {};
  const out: Record<string, unknown> = {};
  let flyt: Record<string, unknown> | undefined;
  for (const layer of layers) {
    if (!layer) continue;
    for (const [key, value] of Object.entries(layer)) {
      if (key === "flyt" && isRecord(value)) flyt = { ...(flyt ?? {}), ...value };
      else out[key] = value;
    }
  }
  if (flyt) out.flyt = flyt;
  return out;
}

function nodeMeta(node: ManifestNode): Record<string, unknown> {
  return mergeMeta(node.meta, node.config.meta);
}

function isEmpty(record: Record<string, unknown> | null | undefined): boolean {
  if (!record) return true;
  for (const _ in record) return false;
  return true;
}

function flytField(meta: Record<string, unknown>, field: string): unknown {
  const flyt = meta.flyt;
  return isRecord(flyt) ? flyt[field] : undefined;
}

function nodeInfo(node: ManifestNode, meta: Record<string, unknown>): DbtNodeInfo {
  return {
    uniqueId: node.unique_id,
    resourceType: node.resource_type as DbtAssetResourceType,
    name: node.name,
    alias: node.alias ?? node.name,
    schema: node.schema ?? "",
    database: node.database ?? null,
    packageName: node.package_name,
    fqn: node.fqn,
    meta,
    version: node.version ?? null,
  };
}

function sourceInfo(source: ManifestSource, meta: Record<string, unknown>): DbtSourceInfo {
  return {
    uniqueId: source.unique_id,
    sourceName: source.source_name,
    table: source.name,
    schema: source.schema,
    database: source.database ?? null,
    meta,
  };
}

/** E-mails of a dbt owner (one or a list), else `team:<name>`. */
function ownerList(owner: ManifestOwner): string[] {
  if (!owner) return [];
  const emails = typeof owner.email === "string" ? [owner.email] : (owner.email ?? []);
  const usable = emails.filter((email) => email.trim() !== "");
  if (usable.length > 0) return usable;
  return owner.name ? [`team:${owner.name}`] : [];
}

/** dbt tag `t` → Flyt tag `dbt_tag/t` = "", with characters Flyt's tag keys refuse as `_`. */
function flytTags(tags: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags) out[`dbt_tag/${tag.replace(/[^A-Za-z0-9_.\-/:]/g, "_")}`] = "";
  return out;
}

/** What an undocumented test checks: `dbt test not_null on customer_id`, `dbt singular test tests/x.sql`. */
function testDescription(test: ManifestNode): string {
  const meta = test.test_metadata;
  if (!meta) return `dbt singular test ${test.original_file_path}`;
  const column = meta.column_name;
  const name = meta.namespace ? `${meta.namespace}.${meta.name}` : meta.name;
  return `dbt test ${name}${typeof column === "string" ? ` on ${column}` : ""}`;
}

/** A test name as a Flyt check name: letters, digits, `_ . -`, not starting with `.`/`-`, ≤ 200 characters. */
function validName(name: string): string {
  if (name.length <= MAX_CHECK_NAME && VALID_NAME.test(name)) return name;
  let out = name.replace(/[^A-Za-z0-9_.-]/g, "_");
  if (!/^[A-Za-z0-9_]/.test(out)) out = `_${out}`;
  if (out.length > MAX_CHECK_NAME) out = `${out.slice(0, MAX_CHECK_NAME - 11)}_${createHash("sha256").update(name).digest("hex").slice(0, 10)}`;
  return out;
}

/** The hash dbt ends a generic test's unique id with (`test.pkg.name.c5af1ff4b1`), else a hash of the id. */
function hashOfId(uniqueId: string): string {
  const last = uniqueId.slice(uniqueId.lastIndexOf(".") + 1);
  return /^[0-9a-f]{10}$/.test(last) ? last : createHash("sha256").update(uniqueId).digest("hex").slice(0, 10);
}

function mostCommonPackage(manifest: DbtManifest): string | null {
  const counts = new Map<string, number>();
  for (const node of manifest.nodes.values()) counts.set(node.package_name, (counts.get(node.package_name) ?? 0) + 1);
  let best: string | null = null;
  for (const [name, count] of counts) if (best === null || count > counts.get(best)!) best = name;
  return best;
}
