/**
 * @flyt/dbt: a dbt project as Flyt assets. `dbtAssets({ project })` reads the project's manifest
 * and returns its models, seeds and snapshots as assets of one step that runs `dbt build` for
 * exactly the selected nodes, streaming each node's result as it finishes; its tests as checks;
 * its sources as dependencies on the assets that feed them. See docs/dbt.md.
 */
export type * from "./types.js";
export { dbtAssets, type DbtAssets } from "./dbt-assets.js";
export { readManifest, parseManifest, DbtManifestError, DbtManifestVersionError, SUPPORTED_MANIFEST_VERSIONS, type DbtManifest } from "./manifest.js";
export { mapProject, DbtMappingError, DEFAULT_DBT_GROUP, type DbtMappingOptions } from "./mapping.js";
export { DbtSelectionError, DBT_SELECTION_METHODS } from "./selection.js";
export { runDbtStep, runDbtTests, type DbtTestOutcome } from "./run/execute.js";
export { dbtParse, type DbtParseOptions } from "./run/parse.js";
export { DbtExecutableNotFoundError, DbtStepError, DbtCanceledError, DbtParseError, DbtSelectionTooLongError, type DbtNodeProblem } from "./run/errors.js";
