/**
 * Reads dbt's `target/manifest.json` (schema v10–v12: dbt 1.6 through 1.11) into the slim,
 * validated shape the mapping and the selection need (`DbtManifest`), and nothing more.
 *
 * Why not `JSON.parse` the file and validate the result: a 5,000-model manifest is 35–100 MB of
 * JSON, mostly SQL (`raw_code`, `compiled_code`) and macros that Flyt never reads, and holding it
 * all parsed costs about twice the whole budget (issue 14: < 100 MiB extra RSS; bench/dbt.mjs
 * measures both). So the file is streamed through a window of about a megabyte: a small scanner
 * delimits the top-level sections and the entries of those Flyt reads (`nodes`, `sources`,
 * `exposures`, `groups`, semantic models, metrics, saved queries, unit tests, functions), copies
 * out of each entry only the members the schemas read, parses that with `JSON.parse` and
 * validates it with a zod schema (unknown keys pass and are dropped). Sections Flyt does not read
 * (`macros`, `docs`, `parent_map`, `child_map`, `selectors`, …) stream by unparsed, so a manifest
 * without `macros` loads like any other. What stays in memory is the slim view (`ManifestNode`).
 *
 * Errors name the file and the JSON path at fault (`nodes["model.x.y"].config.severity`); a
 * schema version outside v10–v12 is refused before any node is looked at, naming the version found
 * and the supported range.
 */
import { closeSync, openSync, readSync } from "node:fs";
// zod's v4 API (shipped inside the zod 3.25 dependency): its compiled object parsers validate a
// 5,000-model manifest in about half the time of the v3 API, with less garbage.
import { z } from "zod/v4";
import { FlytError } from "@flyt/core";

/** The manifest schema versions Flyt reads: v10 (dbt 1.6), v11 (dbt 1.7), v12 (dbt 1.8–1.11). */
export const SUPPORTED_MANIFEST_VERSIONS = { min: 10, max: 12 } as const;

/** Which dbt releases wrote which manifest schema, for messages. */
const DBT_RELEASES_BY_SCHEMA: Record<number, string> = {
  5: "dbt 1.1",
  6: "dbt 1.2",
  7: "dbt 1.3",
  8: "dbt 1.4",
  9: "dbt 1.5",
  10: "dbt 1.6",
  11: "dbt 1.7",
  12: "dbt 1.8–1.11",
};

/**
 * A manifest that cannot be read, is not valid JSON, is not a dbt manifest, or has a field of the
 * wrong shape. `jsonPath` points at the culprit (`nodes["model.a.b"].fqn[1]`), null for the file
 * as a whole.
 */
export class DbtManifestError extends FlytError {
  constructor(
    readonly file: string,
    readonly jsonPath: string | null,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super("DEFINITIONS_LOAD", `dbt manifest ${file}${jsonPath === null ? "" : ` at ${jsonPath}`}: ${reason}`, options);
  }
}

/** A manifest of a schema version Flyt does not read (v9 and older, v13 and newer). */
export class DbtManifestVersionError extends DbtManifestError {
  constructor(
    file: string,
    /** `metadata.dbt_schema_version` as found (a URL ending in `manifest/vN.json`). */
    readonly schemaVersion: string,
    /** N of `vN`. */
    readonly version: number,
    /** `metadata.dbt_version`, when the manifest says. */
    readonly dbtVersion: string | null,
  ) {
    const writtenBy = dbtVersion === null ? "" : ` (written by dbt ${dbtVersion})`;
    const known = DBT_RELEASES_BY_SCHEMA[version];
    super(
      file,
      "metadata.dbt_schema_version",
      `manifest schema v${version}${writtenBy}${dbtVersion === null && known ? ` (${known})` : ""} is not supported: Flyt reads manifest ` +
        `v${SUPPORTED_MANIFEST_VERSIONS.min}–v${SUPPORTED_MANIFEST_VERSIONS.max} (dbt 1.6–1.11). ` +
        (version < SUPPORTED_MANIFEST_VERSIONS.min
          ? "Upgrade dbt (pin dbt-core >=1.6,<1.12) and regenerate the manifest with `dbt parse`."
          : "Regenerate the manifest with dbt-core <1.12 (`dbt parse`), or upgrade Flyt."),
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Schemas: only the fields the mapping and the selection use. Optional wherever some dbt release
// or resource type leaves a field out; the mapping supplies the defaults.
// ---------------------------------------------------------------------------------------------

const meta = z.record(z.string(), z.unknown());
const tags = z.union([z.array(z.string()), z.string()]).transform((t) => (typeof t === "string" ? [t] : t));
const dependsOn = z.object({ nodes: z.array(z.string()).optional() }).nullish();
const columns = z.record(
  z.string(),
  z.object({
    name: z.string().nullish(),
    data_type: z.string().nullish(),
    description: z.string().nullish(),
  }),
);
/** dbt ≥1.9 allows a list of e-mails; older releases one string. */
const owner = z
  .object({
    email: z.union([z.string(), z.array(z.string())]).nullish(),
    name: z.string().nullish(),
  })
  .nullish();

/**
 * A node's config: the fields Flyt reads are typed. The selection's `config.<key>:` method may
 * compare any other key, so the builder adds the rest of the config's plain values (strings,
 * numbers, booleans, lists of them) after validation; nested objects (`contract`, `docs`,
 * `grants`, …) are left out. (Not zod's passthrough: its copies cost four times the memory.)
 */
const nodeConfig = z.object({
  enabled: z.boolean().nullish(),
  materialized: z.string().nullish(),
  severity: z.string().nullish(),
  group: z.string().nullish(),
  meta: meta.nullish(),
  tags: tags.nullish(),
});

const nodeSchema = z.object({
  unique_id: z.string(),
  resource_type: z.string(),
  name: z.string(),
  package_name: z.string(),
  fqn: z.array(z.string()).min(1),
  original_file_path: z.string(),
  patch_path: z.string().nullish(),
  schema: z.string().nullish(),
  database: z.string().nullish(),
  alias: z.string().nullish(),
  version: z.union([z.string(), z.number()]).nullish(),
  depends_on: dependsOn,
  config: nodeConfig,
  tags: tags.nullish(),
  meta: meta.nullish(),
  description: z.string().nullish(),
  columns: columns.nullish(),
  checksum: z.object({ name: z.string().nullish(), checksum: z.string() }).nullish(),
  relation_name: z.string().nullish(),
  attached_node: z.string().nullish(),
  test_metadata: z
    .object({
      name: z.string(),
      namespace: z.string().nullish(),
      // What a check's description and a source test's target need; values lists and the like are dropped.
      kwargs: z.object({ column_name: z.unknown(), model: z.unknown() }).nullish(),
    })
    .nullish(),
  group: z.string().nullish(),
});

/**
 * Tests are most of a large manifest's nodes and are never assets: only what checks and the
 * selection graph need is kept of them.
 */
const testSchema = nodeSchema.pick({
  unique_id: true,
  resource_type: true,
  name: true,
  package_name: true,
  fqn: true,
  original_file_path: true,
  depends_on: true,
  config: true,
  tags: true,
  description: true,
  attached_node: true,
  test_metadata: true,
  group: true,
});

const sourceSchema = z.object({
  unique_id: z.string(),
  name: z.string(),
  source_name: z.string(),
  package_name: z.string(),
  fqn: z.array(z.string()).min(1),
  original_file_path: z.string(),
  patch_path: z.string().nullish(),
  schema: z.string(),
  database: z.string().nullish(),
  identifier: z.string().nullish(),
  description: z.string().nullish(),
  meta: meta.nullish(),
  source_meta: meta.nullish(),
  config: z.object({ enabled: z.boolean().nullish(), meta: meta.nullish(), tags: tags.nullish() }).passthrough().nullish(),
  tags: tags.nullish(),
  relation_name: z.string().nullish(),
});

const exposureSchema = z.object({
  unique_id: z.string(),
  name: z.string(),
  package_name: z.string(),
  fqn: z.array(z.string()).min(1),
  original_file_path: z.string(),
  type: z.string().nullish(),
  url: z.string().nullish(),
  label: z.string().nullish(),
  owner,
  description: z.string().nullish(),
  depends_on: dependsOn,
  meta: meta.nullish(),
  config: z.object({ enabled: z.boolean().nullish(), meta: meta.nullish() }).nullish(),
  tags: tags.nullish(),
});

const groupSchema = z.object({
  unique_id: z.string(),
  name: z.string(),
  package_name: z.string(),
  owner,
  description: z.string().nullish(),
});

/** Semantic models, metrics, saved queries, unit tests, functions: graph members, never assets. */
const otherSchema = z.object({
  unique_id: z.string(),
  name: z.string(),
  package_name: z.string(),
  resource_type: z.string().nullish(),
  fqn: z.array(z.string()).min(1),
  original_file_path: z.string().nullish(),
  depends_on: dependsOn,
  config: z.object({ enabled: z.boolean().nullish(), group: z.string().nullish() }).nullish(),
  tags: tags.nullish(),
  group: z.string().nullish(),
});

const metadataSchema = z.object({
  dbt_schema_version: z.string(),
  dbt_version: z.string().nullish(),
  adapter_type: z.string().nullish(),
  project_name: z.string().nullish(),
  invocation_id: z.string().nullish(),
  generated_at: z.string().nullish(),
});

/** A node's config: the typed fields, and (models, seeds, snapshots…) its other plain values. */
export interface ManifestNodeConfig extends Record<string, unknown> {
  enabled?: boolean | null;
  materialized?: string | null;
  severity?: string | null;
  group?: string | null;
  meta?: Record<string, unknown> | null;
  tags?: string[] | null;
}

/** A documented column, already in the shape of the asset's table schema (`DbtColumn`). */
export interface ManifestColumn {
  name: string;
  /** `data_type`. */
  type: string | null;
  /** Null when empty. */
  description: string | null;
}

/**
 * A model, seed, snapshot, test, analysis, operation… of the manifest's `nodes`, slimmed to what
 * Flyt reads, in one fixed shape (a large manifest holds tens of thousands: a compact, monomorphic
 * object costs a fifth less memory than zod's output and keeps property access fast). Field names
 * are dbt's; `depends_on` is `depends_on.nodes`, `checksum` is `checksum.checksum`. Tests keep
 * only what checks need: their schema, columns and the like are null.
 */
export interface ManifestNode {
  unique_id: string;
  resource_type: string;
  name: string;
  package_name: string;
  fqn: string[];
  original_file_path: string;
  patch_path: string | null;
  schema: string | null;
  database: string | null;
  alias: string | null;
  version: string | number | null;
  depends_on: string[];
  config: ManifestNodeConfig;
  tags: string[];
  meta: Record<string, unknown> | null;
  description: string;
  columns: ManifestColumn[];
  checksum: string | null;
  relation_name: string | null;
  attached_node: string | null;
  test_metadata: { name: string; namespace: string | null; column_name: unknown; model: unknown } | null;
  group: string | null;
}
export type ManifestSource = z.infer<typeof sourceSchema>;
export type ManifestExposure = z.infer<typeof exposureSchema>;
export type ManifestGroup = z.infer<typeof groupSchema>;
export type ManifestOwner = z.infer<typeof owner>;
/** A semantic model, metric, saved query, unit test or function: in the graph, never an asset. */
export type ManifestOther = z.infer<typeof otherSchema> & { resource_type: string };
export type ManifestMetadata = z.infer<typeof metadataSchema>;

/** The manifest as Flyt reads it: validated, with only the fields it uses. */
export interface DbtManifest {
  /** The file it was read from, for messages. */
  readonly file: string;
  /** N of the schema's `manifest/vN.json`. */
  readonly schemaVersion: number;
  readonly metadata: ManifestMetadata;
  readonly nodes: ReadonlyMap<string, ManifestNode>;
  readonly sources: ReadonlyMap<string, ManifestSource>;
  readonly exposures: ReadonlyMap<string, ManifestExposure>;
  readonly groups: ReadonlyMap<string, ManifestGroup>;
  /** Semantic models, metrics, saved queries, unit tests and functions. */
  readonly others: ReadonlyMap<string, ManifestOther>;
  /** Unique ids listed under `disabled` (left out of everything). */
  readonly disabled: readonly string[];
}

type Section = "nodes" | "sources" | "exposures" | "groups" | "semantic_models" | "metrics" | "saved_queries" | "unit_tests" | "functions";

const SECTION_SCHEMAS: Record<Section, z.ZodObject> = {
  nodes: nodeSchema,
  sources: sourceSchema,
  exposures: exposureSchema,
  groups: groupSchema,
  semantic_models: otherSchema,
  metrics: otherSchema,
  saved_queries: otherSchema,
  unit_tests: otherSchema,
  functions: otherSchema,
};

/**
 * A set of ASCII field names matched against raw key bytes, so that deciding which members of a
 * node to keep allocates nothing (a 5,000-model manifest has over half a million keys).
 */
class FieldSet {
  private readonly byLength = new Map<number, Buffer[]>();

  constructor(names: Iterable<string>) {
    for (const name of names) {
      const bytes = Buffer.from(name, "latin1");
      const same = this.byLength.get(bytes.length) ?? [];
      same.push(bytes);
      this.byLength.set(bytes.length, same);
    }
  }

  has(window: ByteWindow, start: number, end: number): boolean {
    const candidates = this.byLength.get(end - start);
    return candidates !== undefined && candidates.some((bytes) => window.equals(start, bytes));
  }
}

/** The members of each section's entries that the schemas read: the only ones the scanner keeps. */
const SECTION_FIELDS = Object.fromEntries(
  Object.entries(SECTION_SCHEMAS).map(([section, schema]) => [section, new FieldSet(Object.keys(schema.shape))]),
) as unknown as Record<Section, FieldSet>;

/** The resource type of an entry of `others` when it does not say (older schemas). */
const OTHER_RESOURCE_TYPES: Partial<Record<Section, string>> = {
  semantic_models: "semantic_model",
  metrics: "metric",
  saved_queries: "saved_query",
  unit_tests: "unit_test",
  functions: "function",
};

// ---------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------

/**
 * Reads and validates the manifest at `path`, streaming it: memory holds a window of the file
 * (`windowBytes`, default 1 MiB, more only for a single larger entry; tests make it tiny to
 * exercise the refills) and the slim view, never the whole file.
 * @throws DbtManifestError (unreadable, not JSON, not a manifest, a field of the wrong shape),
 *   DbtManifestVersionError (a schema version other than v10–v12).
 */
export function readManifest(path: string, options: { windowBytes?: number } = {}): DbtManifest {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT"
        ? 'no such file (run `dbt parse` in the project, or let dbtAssets run it with parse: "if-missing")'
        : `cannot be read: ${(error as Error).message}`;
    throw new DbtManifestError(path, null, reason, { cause: error });
  }
  try {
    return fromWindow(new ByteWindow(fd, options.windowBytes ?? READ_SIZE), path);
  } catch (error) {
    if (error instanceof FlytError || typeof (error as NodeJS.ErrnoException).code !== "string") throw error;
    throw new DbtManifestError(path, null, `cannot be read: ${(error as Error).message}`, { cause: error });
  } finally {
    closeSync(fd);
  }
}

/**
 * Validates a manifest given as the file's bytes (scanned like `readManifest` does), as JSON
 * text, or as an already parsed value (what tests deriving a variation of a fixture hand in).
 * `file` names it in errors.
 */
export function parseManifest(json: unknown, file: string): DbtManifest {
  if (json instanceof Uint8Array) return fromWindow(new ByteWindow(Buffer.from(json.buffer, json.byteOffset, json.byteLength)), file);
  let value: unknown = json;
  if (typeof json === "string") {
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw new DbtManifestError(file, null, `not valid JSON: ${(error as Error).message}`, { cause: error });
    }
  }
  return fromValue(value, file);
}

// ---------------------------------------------------------------------------------------------
// Building the manifest from either path
// ---------------------------------------------------------------------------------------------

class ManifestBuilder {
  readonly nodes = new Map<string, ManifestNode>();
  readonly sources = new Map<string, ManifestSource>();
  readonly exposures = new Map<string, ManifestExposure>();
  readonly groups = new Map<string, ManifestGroup>();
  readonly others = new Map<string, ManifestOther>();
  disabled: string[] = [];

  constructor(readonly file: string) {}

  /** Validates one entry of a section and stores its slim form. */
  add(section: Section, id: string, value: unknown): void {
    const isTest = section === "nodes" && (value as { resource_type?: unknown } | null)?.resource_type === "test";
    const parsed = (isTest ? testSchema : SECTION_SCHEMAS[section]).safeParse(value);
    if (!parsed.success) throw zodFailure(this.file, entryPath(section, id), parsed.error);
    const entry = parsed.data as { unique_id: string; resource_type?: string | null };
    if (entry.unique_id !== id) {
      throw new DbtManifestError(this.file, `${entryPath(section, id)}.unique_id`, `is ${JSON.stringify(entry.unique_id)}, not the entry's key`);
    }
    switch (section) {
      case "nodes": {
        const node = slimNode(entry as z.infer<typeof nodeSchema>);
        // config.<key>: selects models, seeds, snapshots by any config value; tests keep the typed ones.
        if (!isTest) node.config = withPlainValues(node.config, (value as { config?: unknown }).config);
        // Keyed by the node's own id string: the entry's key is an equal copy not worth keeping.
        this.nodes.set(node.unique_id, node);
        break;
      }
      case "sources":
        this.sources.set(id, entry as ManifestSource);
        break;
      case "exposures":
        this.exposures.set(id, entry as ManifestExposure);
        break;
      case "groups":
        this.groups.set(id, entry as ManifestGroup);
        break;
      case "semantic_models":
      case "metrics":
      case "saved_queries":
      case "unit_tests":
      case "functions":
        entry.resource_type ??= OTHER_RESOURCE_TYPES[section] ?? section;
        this.others.set(id, entry as ManifestOther);
        break;
    }
  }

  build(metadata: ManifestMetadata, schemaVersion: number): DbtManifest {
    return {
      file: this.file,
      schemaVersion,
      metadata,
      nodes: this.nodes,
      sources: this.sources,
      exposures: this.exposures,
      groups: this.groups,
      others: this.others,
      disabled: this.disabled,
    };
  }
}

function slimNode(n: z.infer<typeof nodeSchema>): ManifestNode {
  const test = n.test_metadata;
  return {
    unique_id: n.unique_id,
    resource_type: n.resource_type,
    name: n.name,
    package_name: n.package_name,
    fqn: n.fqn,
    original_file_path: n.original_file_path,
    patch_path: n.patch_path ?? null,
    schema: n.schema ?? null,
    database: n.database ?? null,
    alias: n.alias ?? null,
    version: n.version ?? null,
    depends_on: n.depends_on?.nodes ?? [],
    config: n.config,
    tags: n.tags ?? [],
    meta: n.meta ?? null,
    description: n.description ?? "",
    columns: n.columns ? Object.entries(n.columns).map(([name, c]) => ({ name: c.name ?? name, type: c.data_type ?? null, description: c.description || null })) : [],
    checksum: n.checksum?.checksum ?? null,
    relation_name: n.relation_name ?? null,
    attached_node: n.attached_node ?? null,
    test_metadata: test ? { name: test.name, namespace: test.namespace ?? null, column_name: test.kwargs?.column_name, model: test.kwargs?.model } : null,
    group: n.group ?? null,
  };
}

function isPlain(value: unknown): boolean {
  return value === null || typeof value !== "object";
}

/** The validated config, with the raw config's other plain values (and lists of them) added. */
function withPlainValues(validated: ManifestNodeConfig, raw: unknown): ManifestNodeConfig {
  if (!isObject(raw)) return validated;
  const out: ManifestNodeConfig = {};
  for (const key of Object.keys(raw)) {
    const value = raw[key];
    if (Object.hasOwn(validated, key)) out[key] = validated[key];
    else if (isPlain(value) || (Array.isArray(value) && value.every(isPlain))) out[key] = value;
  }
  return out;
}

/** Validates `metadata` and refuses unsupported schema versions, before anything else is read. */
function checkMetadata(value: unknown, file: string): { metadata: ManifestMetadata; schemaVersion: number } {
  if (value === undefined) throw new DbtManifestError(file, "metadata", "missing: this is not a dbt manifest (target/manifest.json)");
  const parsed = metadataSchema.safeParse(value);
  if (!parsed.success) throw zodFailure(file, "metadata", parsed.error);
  const metadata = parsed.data;
  const match = /manifest\/v(\d+)\.json$/.exec(metadata.dbt_schema_version);
  if (!match) {
    throw new DbtManifestError(
      file,
      "metadata.dbt_schema_version",
      `is ${JSON.stringify(metadata.dbt_schema_version)}, not a manifest schema (…/dbt/manifest/vN.json): is this target/manifest.json?`,
    );
  }
  const schemaVersion = Number(match[1]);
  if (schemaVersion < SUPPORTED_MANIFEST_VERSIONS.min || schemaVersion > SUPPORTED_MANIFEST_VERSIONS.max) {
    throw new DbtManifestVersionError(file, metadata.dbt_schema_version, schemaVersion, metadata.dbt_version ?? null);
  }
  return { metadata, schemaVersion };
}

function isSection(key: string): key is Section {
  return Object.hasOwn(SECTION_SCHEMAS, key);
}

function fromValue(value: unknown, file: string): DbtManifest {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new DbtManifestError(file, null, `is ${describeJson(value)}, not a JSON object: this is not a dbt manifest`);
  }
  const root = value as Record<string, unknown>;
  const { metadata, schemaVersion } = checkMetadata(root.metadata, file);
  const builder = new ManifestBuilder(file);
  for (const [key, section] of Object.entries(root)) {
    if (key === "disabled") {
      if (isObject(section)) builder.disabled = Object.keys(section);
      continue;
    }
    if (!isSection(key) || section === undefined || section === null) continue;
    if (!isObject(section)) throw new DbtManifestError(file, key, `is ${describeJson(section)}, not an object keyed by unique id`);
    for (const [id, entry] of Object.entries(section)) builder.add(key, id, entry);
  }
  return builder.build(metadata, schemaVersion);
}

/**
 * The streaming path. Sections that come before `metadata` (dbt ≥1.10 sorts the keys, so
 * `exposures` and `groups` do) are parsed and kept until the schema version is known, then
 * validated: no node is validated against a schema of the wrong version.
 */
function fromWindow(window: ByteWindow, file: string): DbtManifest {
  const scan = new JsonScanner(window, file);
  const builder = new ManifestBuilder(file);
  let checked: { metadata: ManifestMetadata; schemaVersion: number } | null = null;
  const pending: [Section, string, unknown][] = [];
  let i = scan.skipWhitespace(0);
  if (window.byte(i) !== OPEN_BRACE) throw new DbtManifestError(file, null, "is not a JSON object: this is not a dbt manifest");
  i = scan.skipWhitespace(i + 1);
  if (window.byte(i) === CLOSE_BRACE) checkMetadata(undefined, file);
  for (;;) {
    window.mark = i;
    const [key, valueStart] = scan.key(i, null);
    i = valueStart;
    const first = window.byte(i);
    if (key === "metadata") {
      const end = scan.skipValue(i, "metadata", false);
      checked = checkMetadata(scan.parse(i, end, "metadata"), file);
      for (const [section, id, value] of pending) builder.add(section, id, value);
      pending.length = 0;
      i = end;
    } else if (key === "disabled" && first === OPEN_BRACE) {
      const ids: string[] = [];
      i = scan.entries(i, key, null, (id) => ids.push(id));
      builder.disabled = ids;
    } else if (isSection(key) && first === OPEN_BRACE) {
      const fields = SECTION_FIELDS[key];
      i = scan.entries(i, key, fields, (id, text) => {
        const value = scan.parseText(text, key, id);
        if (checked) builder.add(key, id, value);
        else pending.push([key, id, value]);
      });
    } else if (isSection(key) && !scan.isNull(i)) {
      const end = scan.skipValue(i, key, false);
      throw new DbtManifestError(file, key, `is ${describeJson(scan.parse(i, end, key))}, not an object keyed by unique id`);
    } else {
      // macros, docs, parent_map, child_map, selectors…: skipped, never parsed.
      i = scan.skipValue(i, key, true);
    }
    i = scan.skipWhitespace(i);
    const next = window.byte(i);
    if (next === COMMA) {
      i = scan.skipWhitespace(i + 1);
      continue;
    }
    if (next === CLOSE_BRACE) break;
    scan.fail(i, null, "expected ',' or '}' after a top-level section");
  }
  const rest = scan.skipWhitespace(i + 1);
  if (window.byte(rest) !== -1) scan.fail(rest, null, "unexpected data after the manifest's object");
  if (!checked) return checkMetadata(undefined, file) as never;
  return builder.build(checked.metadata, checked.schemaVersion);
}

// ---------------------------------------------------------------------------------------------
// Streaming: a window over the file, and a scanner that delimits values without building them
// ---------------------------------------------------------------------------------------------

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const READ_SIZE = 1 << 20;

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** Index of the quote closing the string whose opening quote is at `open`, or -1 if not in `view`. */
function closingQuote(view: Buffer, buffer: Buffer, open: number): number {
  let from = open + 1;
  for (;;) {
    const quote = view.indexOf(QUOTE, from);
    if (quote < 0) return -1;
    let backslashes = 0;
    for (let b = quote - 1; buffer[b] === BACKSLASH; b--) backslashes++;
    if (backslashes % 2 === 0) return quote;
    from = quote + 1;
  }
}

/**
 * The bytes of a file from `mark` on, addressed by absolute offset: reading on refills the window
 * and drops what lies before `mark` (what no caller needs again). Given bytes in memory instead
 * of a file descriptor, the window is simply all of them.
 */
class ByteWindow {
  private buffer: Buffer;
  private view: Buffer;
  /** Absolute offset of `buffer[0]`. */
  private base = 0;
  private length: number;
  private eof: boolean;
  /** Bytes before this absolute offset may be dropped at the next refill. */
  mark = 0;

  constructor(
    private readonly source: number | Buffer,
    windowBytes = READ_SIZE,
  ) {
    if (typeof source === "number") {
      this.buffer = Buffer.allocUnsafe(Math.max(1, windowBytes));
      this.length = 0;
      this.eof = false;
    } else {
      this.buffer = source;
      this.length = source.length;
      this.eof = true;
    }
    this.view = this.buffer.subarray(0, this.length);
  }

  /** The byte at absolute offset `at`; -1 past the end of the file. */
  byte(at: number): number {
    if (at - this.base >= this.length && !this.fill(at)) return -1;
    return this.buffer[at - this.base]!;
  }

  toString(start: number, end: number): string {
    return this.buffer.toString("utf8", start - this.base, end - this.base);
  }

  /** Copies [start, end) into `target` at `at`; returns the length copied. */
  copy(target: Buffer, at: number, start: number, end: number): number {
    const from = start - this.base;
    const length = end - start;
    // Most members are a few bytes ("name": "x"): a loop beats Buffer#copy's call overhead.
    if (length > 64) return this.buffer.copy(target, at, from, from + length);
    for (let k = 0; k < length; k++) target[at + k] = this.buffer[from + k]!;
    return length;
  }

  /**
   * `start` is at a quote: the offset after the closing quote (escaped quotes skipped), or -1 if
   * the file ends first.
   */
  skipString(start: number): number {
    for (;;) {
      const close = closingQuote(this.view, this.buffer, start - this.base);
      if (close >= 0) return this.base + close + 1;
      if (!this.fill(this.base + this.length)) return -1;
    }
  }

  /**
   * `start` is at `{` or `[`: the offset after its matching bracket, strings jumped over, or -1
   * if the file ends first. With `discard` the mark follows along: the bytes are not kept, so a
   * skipped section of any size needs no more than the window. The hot loop of the scanner,
   * hence direct buffer access.
   */
  skipContainer(start: number, discard: boolean): number {
    let depth = 0;
    let at = start;
    for (;;) {
      const { buffer, view, base, length } = this;
      let k = at - base;
      while (k < length) {
        const byte = buffer[k]!;
        if (byte === QUOTE) {
          const close = closingQuote(view, buffer, k);
          if (close < 0) break; // the string goes on past the window: read on from its quote
          k = close + 1;
          continue;
        }
        if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++;
        else if ((byte === CLOSE_BRACE || byte === CLOSE_BRACKET) && --depth === 0) return base + k + 1;
        k++;
      }
      at = base + k;
      if (discard) this.mark = at;
      if (!this.fill(base + length)) return -1;
    }
  }

  /** Whether the bytes at `start` are those of `bytes`. */
  equals(start: number, bytes: Buffer): boolean {
    const from = start - this.base;
    for (let k = 0; k < bytes.length; k++) if (this.buffer[from + k] !== bytes[k]) return false;
    return true;
  }

  /** Reads on until `at` is in the window (false at the end of the file). */
  private fill(at: number): boolean {
    if (this.eof || typeof this.source !== "number") return false;
    const drop = this.mark - this.base;
    if (drop > 0) {
      this.buffer.copyWithin(0, drop, this.length);
      this.length -= drop;
      this.base = this.mark;
    }
    while (at - this.base >= this.length && !this.eof) {
      if (this.length === this.buffer.length) {
        // One entry larger than the window: grow it (this is the only case memory grows with the file).
        const larger = Buffer.allocUnsafe(this.buffer.length * 2);
        this.buffer.copy(larger, 0, 0, this.length);
        this.buffer = larger;
      }
      const read = readSync(this.source, this.buffer, this.length, this.buffer.length - this.length, null);
      if (read === 0) this.eof = true;
      this.length += read;
    }
    this.view = this.buffer.subarray(0, this.length);
    return at - this.base < this.length;
  }
}

/**
 * Walks JSON structurally: object keys are decoded, values only delimited (strings are jumped
 * over with the window's native `indexOf`, so SQL-heavy nodes cost little). The values it hands
 * out are parsed with `JSON.parse`, which also catches what the walk does not check (a malformed
 * number, a bad escape). Positions are absolute offsets in the file.
 */
class JsonScanner {
  private scratch = Buffer.allocUnsafe(64 * 1024);

  constructor(
    private readonly window: ByteWindow,
    private readonly file: string,
  ) {}

  /** Reads `"key":` at `i`; returns the key and where its value starts. */
  key(i: number, path: string | null): [string, number] {
    if (this.window.byte(i) !== QUOTE) this.fail(i, path, "expected a string key");
    const end = this.skipString(i, path);
    const key = this.parse(i, end, path ?? "(document)") as string;
    i = this.skipWhitespace(end);
    if (this.window.byte(i) !== COLON) this.fail(i, path, "expected ':'");
    return [key, this.skipWhitespace(i + 1)];
  }

  /**
   * Calls `onEntry(key, text)` for each entry of the object at `i`, `text` being the JSON of the
   * entry's value with only the members named in `fields` (null: values are skipped as they
   * stream by, whatever their size, and `text` is empty); returns the offset after the object.
   */
  entries(i: number, path: string, fields: FieldSet | null, onEntry: (key: string, text: string) => void): number {
    i = this.skipWhitespace(i + 1);
    if (this.window.byte(i) === CLOSE_BRACE) return i + 1;
    for (;;) {
      this.window.mark = i;
      const [key, valueStart] = this.key(i, path);
      let valueEnd: number;
      let text = "";
      if (fields === null) valueEnd = this.skipValue(valueStart, path, true);
      else [text, valueEnd] = this.project(valueStart, path, fields);
      onEntry(key, text);
      i = this.skipWhitespace(valueEnd);
      const next = this.window.byte(i);
      if (next === COMMA) {
        i = this.skipWhitespace(i + 1);
        continue;
      }
      if (next === CLOSE_BRACE) return i + 1;
      this.fail(i, path, "expected ',' or '}'");
    }
  }

  /**
   * The object at `i` as JSON text holding only the members named in `fields` (a value that is
   * not an object is returned whole, for the schema to refuse), and the offset after it. Why:
   * most of a node is SQL and config Flyt never reads; left out here, it is never decoded nor
   * parsed, which halves the work and the garbage of a large manifest.
   */
  project(i: number, path: string, fields: FieldSet): [string, number] {
    if (this.window.byte(i) !== OPEN_BRACE) {
      const end = this.skipValue(i, path, false);
      return [this.window.toString(i, end), end];
    }
    // The kept members are copied into one scratch buffer and decoded once: no string per member.
    let length = 0;
    i = this.skipWhitespace(i + 1);
    if (this.window.byte(i) === CLOSE_BRACE) return ["{}", i + 1];
    for (;;) {
      if (this.window.byte(i) !== QUOTE) this.fail(i, path, "expected a string key");
      const keyEnd = this.skipString(i, path);
      const colon = this.skipWhitespace(keyEnd);
      if (this.window.byte(colon) !== COLON) this.fail(colon, path, "expected ':'");
      const valueEnd = this.skipValue(this.skipWhitespace(colon + 1), path, false);
      // Raw bytes: a key written with escapes matches no field and is dropped, as unknown keys are.
      if (fields.has(this.window, i + 1, keyEnd - 1)) {
        this.reserve(length + (valueEnd - i) + 2);
        this.scratch[length] = length === 0 ? OPEN_BRACE : COMMA;
        length += 1;
        length += this.window.copy(this.scratch, length, i, valueEnd);
      }
      i = this.skipWhitespace(valueEnd);
      const next = this.window.byte(i);
      if (next === COMMA) {
        i = this.skipWhitespace(i + 1);
        continue;
      }
      if (next === CLOSE_BRACE) return [length === 0 ? "{}" : `${this.scratch.toString("utf8", 0, length)}}`, i + 1];
      this.fail(i, path, "expected ',' or '}'");
    }
  }

  private reserve(size: number): void {
    if (size <= this.scratch.length) return;
    const larger = Buffer.allocUnsafe(Math.max(size, this.scratch.length * 2));
    this.scratch.copy(larger);
    this.scratch = larger;
  }

  /** Parses an entry's projected text (its path is only built for an error: 15,000 entries). */
  parseText(text: string, section: string, id: string): unknown {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new DbtManifestError(this.file, entryPath(section, id), `invalid JSON: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Parses the value in [start, end). */
  parse(start: number, end: number, path: string): unknown {
    try {
      return JSON.parse(this.window.toString(start, end));
    } catch (error) {
      // V8 reports "… at position N" relative to the value: make it an offset in the file.
      const at = /position (\d+)/.exec((error as Error).message);
      const where = at ? ` (byte ${start + Number(at[1])})` : "";
      throw new DbtManifestError(this.file, path, `invalid JSON${where}: ${(error as Error).message}`, { cause: error });
    }
  }

  isNull(i: number): boolean {
    return this.window.byte(i) === 0x6e && this.window.byte(i + 1) === 0x75 && this.window.byte(i + 2) === 0x6c && this.window.byte(i + 3) === 0x6c;
  }

  skipWhitespace(i: number): number {
    while (isWhitespace(this.window.byte(i))) i++;
    return i;
  }

  /** `i` is at the first byte of a value; returns the offset after it. With `discard`, moves the mark along. */
  skipValue(i: number, path: string | null, discard: boolean): number {
    const first = this.window.byte(i);
    if (first === QUOTE) return this.skipString(i, path);
    if (first === OPEN_BRACE || first === OPEN_BRACKET) {
      const end = this.window.skipContainer(i, discard);
      if (end < 0) this.fail(i, path, "unexpected end of file (truncated?)");
      return end;
    }
    // A number, true, false or null: up to the next delimiter.
    const start = i;
    for (;;) {
      const byte = this.window.byte(i);
      if (byte === -1 || byte === COMMA || byte === CLOSE_BRACE || byte === CLOSE_BRACKET || isWhitespace(byte)) break;
      i++;
    }
    if (i === start) this.fail(i, path, first === -1 ? "unexpected end of file (truncated?)" : "expected a value");
    return i;
  }

  /** `i` is at a quote; returns the offset after the closing quote. */
  private skipString(i: number, path: string | null): number {
    const end = this.window.skipString(i);
    if (end < 0) this.fail(i, path, "unterminated string: unexpected end of file (truncated?)");
    return end;
  }

  fail(offset: number, path: string | null, reason: string): never {
    throw new DbtManifestError(this.file, path, `invalid JSON (byte ${offset}): ${reason}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

/** `nodes["model.a.b"]`: the path of a section's entry, as the error messages print it. */
function entryPath(section: string, id: string): string {
  return `${section}[${JSON.stringify(id)}]`;
}

/** Appends a zod issue path to a JSON path: `.config.severity`, `.fqn[1]`, `.meta["my key"]`. */
function appendPath(base: string, path: readonly PropertyKey[]): string {
  let out = base;
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else if (typeof part === "symbol") out += `[${String(part)}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(part)) out += `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

/** One issue: at its own path; several (an entry gone wrong in many ways): at the entry, each listed. */
function zodFailure(file: string, base: string, error: z.ZodError): DbtManifestError {
  const [first, ...rest] = error.issues;
  if (first && rest.length === 0) return new DbtManifestError(file, appendPath(base, first.path), issueText(first), { cause: error });
  const shown = error.issues.slice(0, 5).map((issue) => `${appendPath("", issue.path).replace(/^\./, "")}: ${issueText(issue)}`);
  const more = error.issues.length > shown.length ? ` (and ${error.issues.length - shown.length} more)` : "";
  return new DbtManifestError(file, base, `${shown.join("; ")}${more}`, { cause: error });
}

function issueText(issue: z.core.$ZodIssue): string {
  // zod says "Invalid input: expected string, received number"; a missing field reads better as required.
  const text = issue.message.replace(/^Invalid input: /, "");
  const missing = /^expected (\w+), received undefined$/.exec(text);
  return missing ? `is required (${missing[1]})` : text;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describeJson(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}
