/**
 * Validating generated manifests against the official Kubernetes JSON schemas, strictly (unknown
 * fields are errors), with kubeconform, for the oldest and newest Kubernetes versions Flyt
 * targets. scripts/test.sh installs kubeconform and the schemas
 * (packages/kubernetes/scripts/install-kubeconform.sh); a test that needs them and does not find
 * them fails, it never skips.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const REPO = fileURLToPath(new URL("../../../../", import.meta.url));
export const KUBECONFORM_INSTALL_HINT = "run `bash packages/kubernetes/scripts/install-kubeconform.sh` (scripts/test.sh does)";

function required(path: string, what: string): string {
  if (!existsSync(path)) throw new Error(`${what} not found at ${path}: ${KUBECONFORM_INSTALL_HINT}`);
  return path;
}

/** Where the schemas are (FLYT_TEST_KUBE_SCHEMAS, else .tools/ at the repository root); throws when absent. */
export function kubeSchemaRoot(): string {
  return required(process.env.FLYT_TEST_KUBE_SCHEMAS || join(REPO, ".tools/kubernetes-json-schema"), "Kubernetes JSON schemas");
}

/**
 * kubernetes-validate ships "local" schemas whose $refs point at a shared /api/_definitions.json
 * under an https $id; kubeconform needs self-contained files. Bundles each of `kinds` (file stems
 * such as "job-batch-v1", "pod-v1") with the shared definitions (content unchanged, refs made
 * local) into kubeconform's standalone layout under `target`, and returns the versions found.
 */
export function bundleKubeSchemas(kinds: readonly string[], target: string, source = kubeSchemaRoot()): string[] {
  const versions: string[] = [];
  for (const folder of readdirSync(source)) {
    const match = /^(v\d+\.\d+\.\d+)-local-strict$/.exec(folder);
    if (match === null) continue;
    const version = match[1]!;
    const definitions = JSON.parse(readFileSync(join(source, folder, "_definitions.json"), "utf8")) as { $defs: unknown };
    const out = join(target, `${version}-standalone-strict`);
    mkdirSync(out, { recursive: true });
    for (const kind of kinds) {
      const text = readFileSync(join(source, folder, `${kind}.json`), "utf8").replaceAll('"/api/_definitions.json#/$defs/', '"#/$defs/');
      const schema = JSON.parse(text) as Record<string, unknown>;
      delete schema.$id;
      schema.$defs = definitions.$defs;
      writeFileSync(join(out, `${kind}.json`), JSON.stringify(schema));
    }
    versions.push(version);
  }
  return versions;
}

export interface KubeconformReport {
  resources?: Array<{ filename: string; kind: string; name: string; status: string; msg: string }>;
  summary: { valid: number; invalid: number; errors: number; skipped: number };
}

/** Runs kubeconform on `files` for `version` ("v1.29.0") with the schemas bundled under `schemas`. */
export async function kubeconform(files: string[], version: string, schemas: string): Promise<KubeconformReport> {
  const binary = required(process.env.FLYT_TEST_KUBECONFORM || join(REPO, ".tools/bin/kubeconform"), "kubeconform");
  const args = [
    "-strict",
    "-summary",
    "-output",
    "json",
    "-kubernetes-version",
    version.slice(1),
    "-schema-location",
    join(schemas, "{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json"),
    ...files,
  ];
  // kubeconform exits non-zero when a manifest is invalid; its JSON report is still the answer.
  const result = await promisify(execFile)(binary, args, { maxBuffer: 16 * 1024 * 1024 }).catch(
    (error: { stdout?: string; stderr?: string; code?: number }) => {
      if (typeof error.stdout === "string" && error.stdout.trim().startsWith("{")) return { stdout: error.stdout };
      throw new Error(`kubeconform failed to run (exit ${String(error.code)}): ${error.stderr ?? ""}`, { cause: error });
    },
  );
  return JSON.parse(result.stdout) as KubeconformReport;
}

/** Writes each manifest to `<dir>/<name>.json` and returns the files, for kubeconform. */
export function writeManifests(dir: string, manifests: Record<string, unknown>): string[] {
  return Object.entries(manifests).map(([name, manifest]) => {
    const file = join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify(manifest));
    return file;
  });
}

/**
 * Validates `files` on every one of `versions` and returns what is wrong, one entry per version
 * ("Kubernetes v1.29.0: …"): an empty list means every file is valid, strictly, everywhere. The
 * summary is checked too, so a file kubeconform skipped (no schema for its kind) is not a pass.
 */
export async function kubeconformProblems(files: string[], versions: readonly string[], schemas: string): Promise<string[]> {
  const problems: string[] = [];
  for (const version of versions) {
    const report = await kubeconform(files, version, schemas);
    const invalid = (report.resources ?? []).filter((resource) => resource.status !== "statusValid");
    if (invalid.length > 0) problems.push(`Kubernetes ${version}: ${JSON.stringify(invalid, null, 2)}`);
    const { valid, invalid: invalidCount, errors, skipped } = report.summary;
    if (valid !== files.length || invalidCount !== 0 || errors !== 0 || skipped !== 0) problems.push(`Kubernetes ${version}: summary ${JSON.stringify(report.summary)} for ${files.length} files`);
  }
  return problems;
}
