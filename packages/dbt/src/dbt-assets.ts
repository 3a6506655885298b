/**
 * `dbtAssets(options)`: a dbt project as ordinary Flyt definitions. It reads the project's
 * manifest (running `dbt parse` first when asked, or when there is none), maps it (mapping.ts),
 * and returns:
 * - `assets`: one multi-asset step whose assets are the project's models, seeds and snapshots,
 *   with their dependencies (sources become dependencies on the assets that feed them, wherever
 *   those are defined: `upstreamAsset`); its compute runs dbt for exactly the selected nodes and
 *   reports each node as dbt finishes it (run/execute.ts); with `exposures: true`, one small
 *   asset per exposure downstream of what it reads;
 * - `checks`: the tests of those nodes, as checks the dbt step reports itself;
 * - `sourceChecks`: the source tests, as checks on the sources' upstream assets, evaluated after
 *   those assets materialize by running `dbt test` for them — add these when the upstream assets
 *   are defined in the same location (a check must name an asset of its definitions);
 * - `map`: the project as Flyt sees it (for tools and tests).
 * Nothing here special-cases dbt in the platform: the result is assets and checks like any other.
 */
import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { callerLocation, definitionsError, FlytError, InvalidDefinitionsError } from "@flyt/core";
import { asset, AutomationCondition, check, isAutomationCondition, meta, multiAsset, upstreamAsset, type AssetDefinition, type CheckDefinition } from "@flyt/sdk";
import { readManifest } from "./manifest.js";
import { mapProject } from "./mapping.js";
import { dbtParse } from "./run/parse.js";
import { runDbtStep, runDbtTests } from "./run/execute.js";
import type { DbtAssetNode, DbtAssetsOptions, DbtExposure, DbtProjectMap, DbtTestCheck } from "./types.js";

const PACKAGE_DIR = dirname(fileURLToPath(import.meta.url));

/** What `dbtAssets` returns: pass `assets` and `checks` (and `sourceChecks`, see above) to `defineDefinitions`. */
export interface DbtAssets {
  readonly assets: readonly AssetDefinition[];
  readonly checks: readonly CheckDefinition[];
  readonly sourceChecks: readonly CheckDefinition[];
  readonly map: DbtProjectMap;
}

/**
 * A dbt project's models, seeds and snapshots as Flyt assets, its tests as checks.
 * @throws InvalidDefinitionsError naming the project and what is wrong (no manifest and no dbt to
 *   parse with, an invalid manifest, a key the mapping cannot make, a selection that matches nothing).
 * @example
 * const dbt = dbtAssets({ project: new URL("./dbt", import.meta.url).pathname, select: "tag:atlas" });
 * export default defineDefinitions({ assets: [...ingests, ...dbt.assets], checks: [...dbt.checks, ...dbt.sourceChecks] });
 */
export function dbtAssets(options: DbtAssetsOptions): DbtAssets {
  const definedAt = callerLocation(PACKAGE_DIR);
  const subject = `dbtAssets(${JSON.stringify(options?.project ?? "?")})`;
  const fail = (message: string): never => {
    throw definitionsError([{ subject, message }], definedAt);
  };
  if (typeof options !== "object" || options === null || typeof options.project !== "string" || options.project === "") {
    fail("needs { project }: the directory of the dbt project (where dbt_project.yml is)");
  }
  if (options.automationCondition !== undefined && !isAutomationCondition(options.automationCondition)) {
    fail("automationCondition must be an AutomationCondition, e.g. AutomationCondition.eager()");
  }
  const project = resolve(options.project);
  if (!existsSync(join(project, "dbt_project.yml"))) fail(`${project} has no dbt_project.yml`);
  const manifestPath = options.manifest === undefined ? join(project, "target", "manifest.json") : isAbsolute(options.manifest) ? options.manifest : resolve(options.manifest);
  const parse = options.parse ?? "if-missing";

  let map: DbtProjectMap;
  try {
    if (parse === "always" || (parse === "if-missing" && !existsSync(manifestPath))) {
      dbtParse({ ...options, project, manifestPath });
    }
    if (!existsSync(manifestPath)) {
      fail(`no manifest at ${manifestPath}: run \`dbt parse\` in the project (or pass parse: "if-missing" with dbt installed)`);
    }
    map = mapProject(readManifest(manifestPath), options);
  } catch (error) {
    if (error instanceof FlytError && error.code === "INVALID_DEFINITIONS") throw error;
    return fail(error instanceof Error ? error.message : String(error));
  }
  if (map.assets.length === 0) {
    fail(`no model, seed or snapshot of project ${map.projectName} is selected${options.select === undefined ? "" : ` by select ${JSON.stringify(options.select)}`}${options.exclude === undefined ? "" : ` and exclude ${JSON.stringify(options.exclude)}`}`);
  }

  const resolved: DbtAssetsOptions = { ...options, project, manifest: manifestPath };
  const step = multiAsset({
    name: options.name ?? `dbt_${map.projectName}`,
    assets: map.assets.map((node) => assetSpecOf(node, automationOf(node, options.automationCondition, fail))),
    ...(options.partitions === undefined ? {} : { partitions: options.partitions }),
    ...(options.retryPolicy === undefined ? {} : { retryPolicy: options.retryPolicy }),
    compute: (ctx) => runDbtStep(map, resolved, ctx),
  });
  const built = new Set(map.assets.map((node) => node.assetKey));
  const checks = map.checks.filter((test) => !test.onSource && built.has(test.assetKey)).map((test) => checkOf(test));
  const sourceTestOptions: DbtAssetsOptions = options.sourceTestEnv === undefined ? resolved : { ...resolved, env: { ...resolved.env, ...options.sourceTestEnv } };
  const sourceChecks = map.checks.filter((test) => test.onSource).map((test) => sourceCheckOf(test, map, sourceTestOptions));
  const exposures = options.exposures === true ? map.exposures.map((exposure) => exposureAsset(exposure)) : [];
  return Object.freeze({ assets: Object.freeze([step, ...exposures]), checks: Object.freeze(checks), sourceChecks: Object.freeze(sourceChecks), map });
}

/**
 * A node's condition: its `meta.flyt.automation` when set ("none": no condition), else the
 * option's. A bad cron or zone in the meta fails naming the node and its file.
 */
function automationOf(node: DbtAssetNode, fallback: AutomationCondition | undefined, fail: (message: string) => never): AutomationCondition | undefined {
  const setting = node.automation;
  if (setting === null) return fallback;
  if (setting === "none") return undefined;
  if (setting === "eager") return AutomationCondition.eager();
  if (setting === "on_missing") return AutomationCondition.onMissing();
  try {
    return AutomationCondition.onCron(setting.onCron, setting.timezone);
  } catch (error) {
    if (!(error instanceof InvalidDefinitionsError)) throw error;
    // The SDK's "declared at" would point into this package; the node's file is the place to fix.
    const reasons = error.problems.map((problem) => problem.message.replace(/ \(declared at [^)]*\)$/, "")).join("; ");
    return fail(`dbt ${node.uniqueId} (${node.path}): meta.flyt.automation: ${reasons}`);
  }
}

function assetSpecOf(node: DbtAssetNode, automationCondition: AutomationCondition | undefined) {
  const sources = new Set(node.sourceDeps);
  const metadata: Record<string, unknown> = {
    dbt_unique_id: node.uniqueId,
    dbt_materialized: node.materialized,
    dbt_path: meta.path(node.path),
  };
  if (node.relation !== null) metadata.relation = node.relation;
  if (node.columns.length > 0) {
    metadata.columns = meta.tableSchema(node.columns.map((c) => ({ name: c.name, type: c.type ?? "unknown", ...(c.description === null || c.description === "" ? {} : { description: c.description }) })));
  }
  return {
    key: node.assetKey,
    // Sources are fed by assets this location may or may not define: resolved when the definitions are assembled.
    deps: node.deps.map((dep) => (sources.has(dep) ? upstreamAsset(dep) : dep)),
    ...(node.description === null || node.description === "" ? {} : { description: node.description }),
    ...(node.group === null ? {} : { group: node.group }),
    ...(node.owners.length === 0 ? {} : { owners: node.owners }),
    tags: node.tags,
    kinds: node.kinds,
    ...(node.codeVersion === null ? {} : { codeVersion: node.codeVersion }),
    ...(automationCondition === undefined ? {} : { automationCondition }),
    metadata,
  };
}

/** What every check made from a dbt test declares: its asset, name, severity, blocking and description. */
function checkSpecOf(test: DbtTestCheck) {
  return {
    asset: test.assetKey,
    name: test.checkName,
    severity: test.severity,
    blocking: test.blocking,
    ...(test.description === null || test.description === "" ? {} : { description: test.description }),
  };
}

/** A dbt test of a built node: a check its step (dbt build) reports. */
function checkOf(test: DbtTestCheck): CheckDefinition {
  return check(checkSpecOf(test));
}

/**
 * A source test: a check of the source's upstream asset, run after that asset materializes. Every
 * source test of one asset runs in one `dbt test` per run (the first check to run starts it, the
 * others read its results), since each dbt start costs seconds.
 */
function sourceCheckOf(test: DbtTestCheck, map: DbtProjectMap, options: DbtAssetsOptions): CheckDefinition {
  const siblings = map.checks.filter((other) => other.onSource && other.assetKey === test.assetKey);
  return check({
    ...checkSpecOf(test),
    evaluate: async (ctx) => {
      const results = await sourceTestRuns.results(`${ctx.runId}\u0000${test.assetKey}`, () => runDbtTests(map, options, siblings, ctx));
      const result = results.get(test.uniqueId);
      if (result === undefined) return { passed: false, description: `dbt reported no result for ${test.uniqueId}` };
      return { passed: result.passed, metadata: result.metadata, ...(result.message === null ? {} : { description: result.message }) };
    },
  });
}

/** One `dbt test` per (run, source asset), shared by the checks of that asset; forgotten after a while. */
const sourceTestRuns = new (class {
  private readonly runs = new Map<string, { at: number; results: ReturnType<typeof runDbtTests> }>();
  results(key: string, start: () => ReturnType<typeof runDbtTests>): ReturnType<typeof runDbtTests> {
    const now = Date.now();
    for (const [k, v] of this.runs) if (now - v.at > 3_600_000) this.runs.delete(k);
    let entry = this.runs.get(key);
    if (entry === undefined) {
      entry = { at: now, results: start() };
      this.runs.set(key, entry);
    }
    return entry.results;
  }
})();

/** An exposure as an asset downstream of what it reads: a step that records the exposure's metadata. */
function exposureAsset(exposure: DbtExposure): AssetDefinition {
  return asset({
    key: exposure.assetKey,
    deps: exposure.deps,
    ...(exposure.description === null || exposure.description === "" ? {} : { description: exposure.description }),
    ...(exposure.owners.length === 0 ? {} : { owners: exposure.owners }),
    group: "dbt_exposures",
    kinds: ["dbt", "exposure"],
    compute: () => ({
      dbt_unique_id: exposure.uniqueId,
      ...(exposure.type === null ? {} : { exposure_type: exposure.type }),
      ...(exposure.url === null ? {} : { url: meta.url(exposure.url) }),
    }),
  });
}
