/**
 * Shared helpers of the deploy tests: where the repository and the external tools are (helm,
 * kubeconform with the offline Kubernetes schemas, hadolint, all installed into .tools/ by
 * scripts/test.sh), running helm, and validating rendered manifests with kubeconform in strict mode.
 * A missing tool fails the test with the command that installs it; nothing is skipped.
 */
import assert from "node:assert/strict";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { createServer, type AddressInfo } from "node:net";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { parse as parseYaml, parseAllDocuments } from "yaml";

export const run = promisify(execFile);
export const REPO = fileURLToPath(new URL("../../../", import.meta.url));
export const CHART = join(REPO, "deploy/helm/flyt");
export const UIS = join(REPO, "deploy/uis");
const INSTALL_HINT = "run `bash deploy/scripts/install-tools.sh` and `bash packages/kubernetes/scripts/install-kubeconform.sh` (scripts/test.sh does)";
/** Kubernetes versions the chart is validated against: the chart's minimum and the newest schemas. */
export const KUBE_VERSIONS = ["1.29.0", "1.37.0"];

function tool(envName: string, fallback: string): string {
  const path = process.env[envName] || join(REPO, fallback);
  assert.ok(existsSync(path), `${fallback} not found at ${path}: ${INSTALL_HINT}`);
  return path;
}
export const helmPath = (): string => tool("FLYT_TEST_HELM", ".tools/bin/helm");
export const hadolintPath = (): string => tool("FLYT_TEST_HADOLINT", ".tools/hadolint/bin/hadolint");
const kubeconformPath = (): string => tool("FLYT_TEST_KUBECONFORM", ".tools/bin/kubeconform");
const schemaRoot = (): string => tool("FLYT_TEST_KUBE_SCHEMAS", ".tools/kubernetes-json-schema");

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command and returns its exit code and output instead of throwing on a non-zero exit. */
export async function runCommand(file: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await run(file, args, { maxBuffer: 64 * 1024 * 1024, ...options });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string };
    if (typeof e.code !== "number") throw error;
    return { code: e.code, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

/** `helm template` of the chart with value files and --set pairs; the manifests, or the failure. */
export async function helmTemplate(valueFiles: string[], sets: string[] = [], extra: string[] = []): Promise<CommandResult> {
  const args = ["template", "flyt", CHART, "--namespace", "flyt", "--kube-version", KUBE_VERSIONS[0]!];
  for (const file of valueFiles) args.push("-f", file);
  for (const set of sets) args.push("--set", set);
  return runCommand(helmPath(), [...args, ...extra]);
}

export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; annotations?: Record<string, string> }; [key: string]: any };

export function parseManifests(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((doc) => {
      assert.equal(doc.errors.length, 0, `rendered YAML does not parse: ${doc.errors.map((e) => e.message).join("; ")}`);
      return doc.toJS() as Manifest | null;
    })
    .filter((m): m is Manifest => m !== null);
}

/** The kinds of the official schemas the chart needs (kubernetes-validate's file names). */
const KINDS = [
  "configmap-v1",
  "service-v1",
  "serviceaccount-v1",
  "deployment-apps-v1",
  "job-batch-v1",
  "role-rbac-v1",
  "rolebinding-rbac-v1",
  "ingress-networking-v1",
  "namespace-v1",
  "secret-v1",
];

let bundled: string | null = null;
/**
 * kubernetes-validate's "local" schemas $ref a shared _definitions.json; kubeconform wants
 * self-contained files. Bundles each kind once per process (content unchanged, refs made local).
 */
function standaloneSchemas(): string {
  if (bundled) return bundled;
  const target = join(REPO, ".tools", `deploy-test-schemas-${process.pid}`);
  for (const version of KUBE_VERSIONS) {
    const folder = join(schemaRoot(), `v${version}-local-strict`);
    assert.ok(existsSync(folder), `no Kubernetes schemas for v${version} under ${schemaRoot()}: ${INSTALL_HINT}`);
    const definitions = JSON.parse(readFileSync(join(folder, "_definitions.json"), "utf8")) as { $defs: unknown };
    const out = join(target, `v${version}-standalone-strict`);
    mkdirSync(out, { recursive: true });
    for (const kind of KINDS) {
      const schema = JSON.parse(readFileSync(join(folder, `${kind}.json`), "utf8").replaceAll('"/api/_definitions.json#/$defs/', '"#/$defs/')) as Record<string, unknown>;
      delete schema.$id;
      schema.$defs = definitions.$defs;
      writeFileSync(join(out, `${kind}.json`), JSON.stringify(schema));
    }
  }
  bundled = target;
  process.once("exit", () => rmSync(target, { recursive: true, force: true }));
  return target;
}

export interface KubeconformResult {
  resources: Array<{ filename: string; kind: string; name: string; status: string; msg: string }>;
  summary: { valid: number; invalid: number; errors: number; skipped: number };
}

/** Validates manifest files with kubeconform (strict, offline) for one Kubernetes version; CRDs use deploy/test/crd-schemas. */
export async function kubeconform(files: string[], version: string): Promise<KubeconformResult> {
  const args = [
    "-strict",
    "-summary",
    "-output",
    "json",
    "-kubernetes-version",
    version,
    "-schema-location",
    join(standaloneSchemas(), "{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json"),
    "-schema-location",
    join(REPO, "deploy/test/crd-schemas/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json"),
    ...files,
  ];
  const result = await runCommand(kubeconformPath(), args);
  assert.ok(result.stdout.trim().startsWith("{"), `kubeconform failed to run (exit ${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout) as KubeconformResult;
}

/** Lists files under a folder, recursively. */
export function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** The CLI entry of this checkout (compiled by `tsc -b`). */
export const REPO_FLYT = join(REPO, "packages/cli/bin/flyt.js");

/**
 * Starts a long-running `flyt` command (`node <bin> …args`) and resolves with its first JSON line
 * on stdout that has a url; the child is added to `children` so the caller can stop it.
 */
export function startFlyt(bin: string, args: string[], env: NodeJS.ProcessEnv, cwd: string, children: ChildProcess[]): Promise<{ child: ChildProcess; first: Record<string, any> }> {
  const child = spawn(process.execPath, [bin, ...args], { cwd, env: { PATH: process.env.PATH, HOME: cwd, ...env } });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`flyt ${args[0]} did not start in 60 s:\n${out}\n${err}`)), 60_000);
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      for (const line of out.split("\n")) {
        if (!line.startsWith("{")) continue;
        let record: Record<string, any>;
        try {
          record = JSON.parse(line) as Record<string, any>;
        } catch {
          continue; // a line still being written
        }
        if (typeof record.url === "string") {
          clearTimeout(timer);
          resolve({ child, first: record });
        }
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`flyt ${args[0]} exited with ${code}:\n${out}\n${err}`));
    });
  });
}

/** A TCP port that was free a moment ago (for commands that want a fixed port number). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Runs the UIS test playbook's request helper (flyt_request_js) as the playbook does: URL, optional query, the token on stdin. */
export function playbookRequest(script: string, url: string, query: string | null, token: string): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", script, url, ...(query === null ? [] : [query])]);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(`token=${token}\n`);
  });
}

/** What 365-setup-flyt.yml does with .uis.extend/flyt-code-locations.yaml (tasks 24a/24b). */
export function uisLocationsToValues(file: string): { codeLocations: Record<string, unknown>[] } {
  const parsed = (parseYaml(readFileSync(file, "utf8")) ?? {}) as { code_locations?: Record<string, any>[] | null };
  return {
    codeLocations: (parsed.code_locations ?? []).map((l) => ({
      name: l.name,
      image: l.image,
      tag: String(l.tag ?? ""),
      digest: String(l.digest ?? ""),
      definitionsFile: l.definitions_file ?? "/app/code/definitions.ts",
      env: l.env ?? {},
      envSecrets: l.env_secrets ?? {},
      envFromSecrets: l.env_from_secrets ?? [],
      why: l.why,
      ...(l.resources ? { resources: l.resources } : {}),
      ...(l.run_resources ? { runResources: l.run_resources } : {}),
    })),
  };
}
