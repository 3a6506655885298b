#!/usr/bin/env node
// The published packages and what a release does with them (docs/releasing.md, decision 0023).
//   node scripts/packages.mjs list                       the publishable packages, dependencies first
//   node scripts/packages.mjs check [--root <dir>]       their manifests are complete and consistent
//   node scripts/packages.mjs version <semver>           sets every workspace package (and each @flyt/* dependency on one) to <semver>
//   node scripts/packages.mjs pack <dir>                 `npm pack` each into <dir>; prints the tarballs as JSON
//   node scripts/packages.mjs publish --dry-run          `npm publish --dry-run` each, dependencies first
//   node scripts/packages.mjs publish --confirm <version> [--tag <dist-tag>]   the real thing
// Publishable = a workspace under packages/ without "private": true. Build first (`npm run build`):
// the tarballs carry dist/ only, and @flyt/cli's prepack copies the built UI into it.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const LICENSE = "Apache-2.0";
const REPOSITORY = "git+https://github.com/flyt-dev/flyt.git";
/** A release version: MAJOR.MINOR.PATCH with an optional pre-release (0.2.0-rc.1); no build metadata. */
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

function readJson(path) {
  return JSON.parse(readFileSync(path, "utf8"));
}

/** Every workspace package with its folder, manifest and whether it is published. */
export function workspacePackages(root = ROOT) {
  const rootPkg = readJson(join(root, "package.json"));
  return rootPkg.workspaces.map((dir) => {
    const manifest = readJson(join(root, dir, "package.json"));
    return { dir, name: manifest.name, manifest, publishable: dir.startsWith("packages/") && manifest.private !== true };
  });
}

/** The publishable packages, each after the @flyt/* packages it depends on (so a release never points at a missing version). */
export function publishablePackages(root = ROOT) {
  const all = workspacePackages(root).filter((p) => p.publishable);
  const byName = new Map(all.map((p) => [p.name, p]));
  const ordered = [];
  const state = new Map();
  const visit = (p, path) => {
    if (state.get(p.name) === "done") return;
    if (state.get(p.name) === "visiting") throw new Error(`dependency cycle between packages: ${[...path, p.name].join(" -> ")}`);
    state.set(p.name, "visiting");
    for (const dep of Object.keys(p.manifest.dependencies ?? {}).filter((d) => byName.has(d)).sort()) visit(byName.get(dep), [...path, p.name]);
    state.set(p.name, "done");
    ordered.push(p);
  };
  for (const p of all) visit(p, []);
  return ordered;
}

/** What is wrong with the publishable manifests, one line each (empty when a release can go out). */
export function checkManifests(root = ROOT) {
  const problems = [];
  const rootPkg = readJson(join(root, "package.json"));
  const all = workspacePackages(root);
  const byName = new Map(all.map((p) => [p.name, p]));
  const publishable = all.filter((p) => p.publishable);
  if (!existsSync(join(root, "LICENSE"))) problems.push(`${root}/LICENSE is missing: the packages say "license": "${LICENSE}" after it`);
  const versions = new Set(publishable.map((p) => p.manifest.version));
  if (versions.size !== 1) problems.push(`the publishable packages must share one version (released together); found ${[...versions].join(", ")}`);
  for (const { dir, name, manifest: m } of publishable) {
    const at = `${dir}/package.json (${name})`;
    if (!SEMVER.test(m.version ?? "")) problems.push(`${at}: version ${JSON.stringify(m.version)} is not semver`);
    if (!m.description) problems.push(`${at}: no description`);
    if (m.license !== LICENSE) problems.push(`${at}: license must be ${LICENSE} (the repository's LICENSE), got ${JSON.stringify(m.license)}`);
    if (m.repository?.url !== REPOSITORY || m.repository?.directory !== dir) problems.push(`${at}: repository must be { url: ${REPOSITORY}, directory: ${dir} }`);
    if (m.engines?.node !== rootPkg.engines.node) problems.push(`${at}: engines.node must be ${rootPkg.engines.node} as the root's, got ${JSON.stringify(m.engines?.node)}`);
    if (m.publishConfig?.access !== "public") problems.push(`${at}: publishConfig.access must be "public" (scoped packages are restricted by default)`);
    if (!Array.isArray(m.files) || !m.files.includes("dist") || !m.files.includes("!dist/**/*.test.*")) problems.push(`${at}: files must list dist and leave out its tests (see docs/releasing.md)`);
    if (!m.exports || typeof m.exports !== "object") problems.push(`${at}: no exports map`);
    else {
      for (const [subpath, target] of Object.entries(m.exports)) {
        if (typeof target !== "object" || !target.types || !target.default) problems.push(`${at}: exports["${subpath}"] must give types and default`);
      }
    }
    for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
      for (const [dep, range] of Object.entries(m[field] ?? {})) {
        const sibling = byName.get(dep);
        if (!sibling) continue;
        if (!sibling.publishable) problems.push(`${at}: ${field} names ${dep}, which is private, so the published package could not be installed`);
        if (range !== sibling.manifest.version) problems.push(`${at}: ${field} must name ${dep} at its exact version ${sibling.manifest.version} (released together), got ${range}`);
      }
    }
  }
  return problems;
}

function npm(args, options = {}) {
  const result = spawnSync("npm", args, { cwd: ROOT, encoding: "utf8", stdio: options.capture ? ["ignore", "pipe", "inherit"] : "inherit" });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    console.error(`npm ${args.join(" ")} failed with exit code ${result.status}`);
    process.exit(result.status ?? 1);
  }
  return result.stdout;
}

function failOnProblems(root = ROOT) {
  const problems = checkManifests(root);
  if (problems.length === 0) return;
  for (const p of problems) console.error(p);
  console.error(`${problems.length} problem(s) in the publishable manifests`);
  process.exit(1);
}

function main(argv) {
  const [command, ...rest] = argv;
  switch (command) {
    case "list":
      for (const p of publishablePackages()) console.log(`${p.name}@${p.manifest.version}\t${p.dir}`);
      return;
    case "check": {
      // --root: another checkout (the test checks a broken copy).
      const rootAt = rest.indexOf("--root");
      const root = rootAt >= 0 ? resolve(rest[rootAt + 1] ?? "") : ROOT;
      failOnProblems(root);
      console.log(`${publishablePackages(root).length} publishable packages, manifests consistent`);
      return;
    }
    case "version": {
      const next = rest[0] ?? "";
      if (!SEMVER.test(next)) throw new Error(`usage: node scripts/packages.mjs version <semver>, e.g. 0.2.0 or 0.2.0-rc.1; got ${JSON.stringify(next)}`);
      // Every workspace, private ones too: one version across the repository, and the exact
      // sibling pins (dependencies and devDependencies) move with it.
      const names = new Set(workspacePackages().map((p) => p.name));
      for (const { dir, manifest } of workspacePackages()) {
        manifest.version = next;
        for (const field of ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"]) {
          for (const dep of Object.keys(manifest[field] ?? {})) if (names.has(dep)) manifest[field][dep] = next;
        }
        writeFileSync(join(ROOT, dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
      }
      npm(["install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund"]);
      failOnProblems();
      console.log(`every workspace package is at ${next}; package-lock.json updated. Also bump deploy/helm/flyt/Chart.yaml (docs/releasing.md)`);
      return;
    }
    case "pack": {
      if (!rest[0]) throw new Error("usage: node scripts/packages.mjs pack <dir>");
      failOnProblems();
      const dir = resolve(rest[0]);
      mkdirSync(dir, { recursive: true });
      // One npm process for all of them; --json reports each tarball's file name and contents.
      const out = npm(["pack", "--json", "--pack-destination", dir, ...publishablePackages().flatMap((p) => ["-w", p.dir])], { capture: true });
      const packed = JSON.parse(out.slice(out.indexOf("[")));
      console.log(JSON.stringify(packed.map((p) => ({ name: p.name, version: p.version, file: join(dir, p.filename), files: p.files.map((f) => f.path) }))));
      return;
    }
    case "publish": {
      const dryRun = rest.includes("--dry-run");
      const confirmAt = rest.indexOf("--confirm");
      const tagAt = rest.indexOf("--tag");
      failOnProblems();
      const packages = publishablePackages();
      const version = packages[0].manifest.version;
      if (!dryRun && (confirmAt < 0 || rest[confirmAt + 1] !== version)) {
        throw new Error(`publishing for real needs --confirm ${version} (the version being released); use --dry-run to see what would be published`);
      }
      const tag = tagAt >= 0 ? rest[tagAt + 1] : version.includes("-") ? "next" : "latest";
      if (!tag) throw new Error("--tag needs a dist-tag name");
      for (const p of packages) npm(["publish", "-w", p.dir, "--tag", tag, ...(dryRun ? ["--dry-run"] : [])]);
      console.log(`${dryRun ? "dry run: would have published" : "published"} ${packages.length} packages at ${version} (dist-tag ${tag})`);
      return;
    }
    default:
      throw new Error(`unknown command ${JSON.stringify(command ?? "")}: list | check | version <semver> | pack <dir> | publish --dry-run | publish --confirm <version>`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  }
}
