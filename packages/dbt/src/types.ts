/**
 * What the dbt integration's parts agree on: the project as Flyt sees it once its manifest is read
 * (`DbtProjectMap`: which dbt node is which asset, which test is which check, which source feeds
 * from which upstream asset), and the options `dbtAssets()` takes. The manifest reader
 * (manifest.ts, mapping.ts) produces the map; the runner (run/) uses it to turn `ctx.assetKeys`
 * into a dbt selection and dbt's results back into materializations and check results.
 */
import type { AutomationCondition, PartitionsDefinition, RetryPolicy, TimeWindow } from "@flyt/sdk";

/** The dbt resource types that become assets: built by `dbt build` and stored in the warehouse. */
export type DbtAssetResourceType = "model" | "seed" | "snapshot";

/** A column as dbt documents it (schema YAML, or the catalog), for the asset's table schema. */
export interface DbtColumn {
  name: string;
  /** `data_type` from the YAML; null when not declared. */
  type: string | null;
  description: string | null;
}

/** A model, seed or snapshot of the manifest that is an asset. */
export interface DbtAssetNode {
  /** dbt's unique id, e.g. `model.atlas.stg_house_prices`. */
  uniqueId: string;
  resourceType: DbtAssetResourceType;
  /** dbt's node name (`stg_house_prices`). */
  name: string;
  /** Printed Flyt asset key. */
  assetKey: string;
  /**
   * What `dbt build --select` takes to name exactly this node: its fully qualified name joined by
   * dots (`atlas.staging.stg_house_prices`), which dbt's default selector method matches.
   */
  selector: string;
  /** Printed keys of the upstream assets: other nodes' keys, and the assets sources map to (traced through ephemeral models). */
  deps: string[];
  /** Source assets among `deps` (dbt sources), which this location may or may not define. */
  sourceDeps: string[];
  description: string | null;
  group: string | null;
  owners: string[];
  /** dbt tags, as Flyt tags `{ "dbt_tag/<tag>": "" }` are built from them by the mapping. */
  tags: Record<string, string>;
  /** `["dbt", <adapter>]` plus `seed`/`snapshot` where it applies. */
  kinds: string[];
  /** The node's checksum (sha256 of its file): a changed model gets a new code version. */
  codeVersion: string | null;
  /** `database.schema.alias`, as the adapter quotes it (`relation_name`), or null (ephemeral never appears). */
  relation: string | null;
  /** `config.materialized` (`table`, `view`, `incremental`, `seed`, `snapshot`, …). */
  materialized: string;
  columns: DbtColumn[];
  /** `original_file_path`, relative to the project. */
  path: string;
  /** `meta` of the node (config meta merged over top-level meta), as dbt gives it. */
  meta: Record<string, unknown>;
  /** `meta.flyt.automation`, checked: overrides the `automationCondition` option for this node; null when not set. */
  automation: DbtAutomationSetting | null;
}

/**
 * A node's own automation (`meta.flyt.automation`): a ready-made condition by name, a cron, or
 * "none" to leave the node out of the `automationCondition` option.
 */
export type DbtAutomationSetting = "eager" | "on_missing" | "none" | { onCron: string; timezone: string };

/** A dbt test that is a Flyt check (a check its step reports: `check({ asset, name })` without evaluate). */
export interface DbtTestCheck {
  uniqueId: string;
  /** Printed key of the checked asset: the node the test is attached to (or its only parent). */
  assetKey: string;
  /** The check's name: the test's name (`not_null_stg_prices_price`), unique per asset. */
  checkName: string;
  /** From the test's `config.severity`: `warn` → "warn", `error` → "error". */
  severity: "warn" | "error";
  /** True when a failure would stop dbt from building the checked node's children (`error` severity in `dbt build`). */
  blocking: boolean;
  description: string | null;
  /** As for assets: what `--select` takes to name exactly this test. */
  selector: string;
  /** True for a source test (its asset is a source's upstream asset, not built by dbt). */
  onSource: boolean;
}

/** A dbt source table and the Flyt asset that feeds it. */
export interface DbtSource {
  uniqueId: string;
  sourceName: string;
  table: string;
  /** Printed key of the upstream asset (default `<source_name>/<table>`). */
  assetKey: string;
}

/** A dbt exposure (a dashboard, an application) and what it reads. */
export interface DbtExposure {
  uniqueId: string;
  name: string;
  assetKey: string;
  deps: string[];
  description: string | null;
  owners: string[];
  url: string | null;
  type: string | null;
}

/** The project as Flyt sees it: every asset, check, source and exposure, and lookups by dbt id. */
export interface DbtProjectMap {
  projectName: string;
  /** The adapter the manifest was compiled for (`duckdb`, `postgres`, …). */
  adapter: string;
  /** The dbt version that wrote the manifest. */
  dbtVersion: string | null;
  assets: DbtAssetNode[];
  checks: DbtTestCheck[];
  sources: DbtSource[];
  exposures: DbtExposure[];
  /** unique_id → asset or check, for reading dbt's results back. */
  byUniqueId: ReadonlyMap<string, DbtAssetNode | DbtTestCheck>;
  /** Printed asset key → asset node. */
  byAssetKey: ReadonlyMap<string, DbtAssetNode>;
}

/** What a key function is handed: the node's identity in dbt terms. */
export interface DbtNodeInfo {
  uniqueId: string;
  resourceType: DbtAssetResourceType;
  name: string;
  /** `alias` (the relation's name; differs from `name` for versioned models). */
  alias: string;
  schema: string;
  database: string | null;
  packageName: string;
  fqn: string[];
  meta: Record<string, unknown>;
  version: string | number | null;
}

/** What a source key function is handed. */
export interface DbtSourceInfo {
  uniqueId: string;
  sourceName: string;
  table: string;
  schema: string;
  database: string | null;
  meta: Record<string, unknown>;
}

/** The dbt subcommand a step runs. `build` also runs the selected nodes' tests. */
export type DbtCommand = "build" | "run" | "seed" | "snapshot";

/** Options of `dbtAssets()`. Only `project` is required. */
export interface DbtAssetsOptions {
  /** The dbt project directory (holding dbt_project.yml). */
  project: string;
  /** Path of the manifest; default `<project>/target/manifest.json`. */
  manifest?: string;
  /**
   * Run `dbt parse` to write the manifest: "if-missing" (default: only when there is none),
   * "always" (every time the definitions load), or "never".
   */
  parse?: "if-missing" | "always" | "never";
  /** Which nodes become assets, in dbt's selection syntax (the subset documented in docs/dbt.md). Default: all. */
  select?: string;
  exclude?: string;
  /** The step's name (its step key); default `dbt_<project name>`. */
  name?: string;
  /** The dbt executable: a path or a name on PATH; default `FLYT_DBT_EXECUTABLE`, else `dbt`. */
  executable?: string;
  /** `--profiles-dir`; default dbt's own rule (DBT_PROFILES_DIR, the project, ~/.dbt). */
  profilesDir?: string;
  /** `--target`; default the profile's default target. */
  target?: string;
  /** `--target-path` for the run's artifacts; default a fresh folder per run (so concurrent runs never share run_results.json). */
  targetPath?: string;
  /** The subcommand; default "build". */
  command?: DbtCommand;
  /** Extra arguments after Flyt's (e.g. `["--full-refresh"]`, `["--threads", "4"]`). */
  extraArgs?: string[];
  /** Environment added to dbt's (the worker's own environment is passed on). */
  env?: Record<string, string>;
  /**
   * Environment added over `env` for the source tests' `dbt test` (`sourceChecks`), which run in
   * the upstream assets' steps: e.g. an in-memory DuckDB, so that they never wait for the lock of
   * the warehouse a dbt build holds.
   */
  sourceTestEnv?: Record<string, string>;
  /** Asset key of a node; default `meta.flyt.asset_key`, else `[schema, name]` (`[schema, alias]` for a versioned model). */
  assetKey?: (node: DbtNodeInfo) => string | readonly string[];
  /** Asset key of the upstream asset a source table reads; default `meta.flyt.asset_key`, else `[source_name, table]`. */
  sourceAssetKey?: (source: DbtSourceInfo) => string | readonly string[];
  /** Group of every asset without `meta.flyt.group` or a dbt group; default the dbt group, else "dbt". */
  group?: string;
  /** Partitions of every dbt asset: each run builds one partition, told to dbt through `--vars`. */
  partitions?: PartitionsDefinition;
  /**
   * The `--vars` of a partitioned run; default `{ flyt_partition_key, flyt_partition_start,
   * flyt_partition_end }` (start and end as ISO-8601 for time windows, else null).
   */
  partitionVars?: (partition: { key: string; timeWindow: TimeWindow | null }) => Record<string, unknown>;
  retryPolicy?: RetryPolicy;
  /**
   * Declarative automation of every asset of this call (docs/automation.md), e.g.
   * `AutomationCondition.eager()`: rebuilt when an upstream (an ingest feeding a source, another
   * model) lands new data. A node's `meta.flyt.automation` overrides it: `"eager"`,
   * `"on_missing"`, `{ on_cron: "<cron>", timezone: "<IANA zone>" }` (timezone optional, default
   * UTC) or `"none"`. Exposure assets get none.
   */
  automationCondition?: AutomationCondition;
  /** Make each dbt exposure a downstream asset (a step that records the exposure's metadata). Default false. */
  exposures?: boolean;
  /** After SIGINT on cancellation, how long before SIGTERM and then SIGKILL. Default 10 s. */
  cancelGraceMs?: number;
}
