/**
 * `flyt init` through the real command line (runCli): what it writes, what it refuses, that the
 * generated Dockerfile passes hadolint, and that the scaffold pins what this repository builds
 * with. Installing a scaffold and running its test is pack-install.solo.test.ts; this file also
 * checks the publishable manifests (scripts/packages.mjs check) and that the check can fail.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCli } from "./main.js";
import { SCAFFOLD_TOOL_VERSIONS } from "./init-templates.js";
import { cliVersion, validateAppName } from "./commands/init.js";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));

let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), "flyt-init-"));
});
after(() => rmSync(work, { recursive: true, force: true }));

async function flyt(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

void describe("flyt init", () => {
  void it("scaffolds an application depending on the Flyt packages at this CLI's version", async () => {
    const dir = join(work, "weather-ingest");
    const result = await flyt("init", dir);
    assert.equal(result.code, 0, result.err);
    assert.deepEqual(readdirSync(dir).sort(), [".dockerignore", ".gitignore", "Dockerfile", "README.md", "definitions.ts", "package.json", "test", "tsconfig.json"]);
    assert.deepEqual(readdirSync(join(dir, "test")), ["definitions.test.ts"]);

    const version = (JSON.parse(readFileSync(join(REPO, "packages/cli/package.json"), "utf8")) as { version: string }).version;
    assert.equal(cliVersion(), version);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Record<string, Record<string, string>>;
    assert.equal(pkg["name"], "weather-ingest");
    assert.deepEqual(pkg["dependencies"], { "@flyt/cli": version, "@flyt/sdk": version });
    assert.equal(pkg["devDependencies"]!["@flyt/run-worker"], version);
    assert.equal(pkg["scripts"]!["test"], "tsc -p . && node --test dist/");

    const definitions = readFileSync(join(dir, "definitions.ts"), "utf8");
    for (const part of ['key: "weather-ingest/numbers"', "check({", "schedule({", 'name: "weather-ingest_daily"', "defineDefinitions("]) assert.ok(definitions.includes(part), `definitions.ts has ${part}`);
    const readme = readFileSync(join(dir, "README.md"), "utf8");
    assert.match(readme, /```sh\nnpm install && npm run dev\n```/);
    assert.match(readme, /```sh\nnpm test\n```/);
    assert.match(readFileSync(join(dir, "Dockerfile"), "utf8"), /ENTRYPOINT \["flyt"\]\nCMD \["code-server", "-f", "definitions.ts", .*"--name", "weather-ingest"\]/);
    assert.match(result.out, /Created weather-ingest in .* \(Flyt \d+\.\d+\.\d+\)/);
  });

  void it("takes the package name from --name, scoped or not, and the location from its last part", async () => {
    const dir = join(work, "somewhere");
    const result = await flyt("init", dir, "--name", "@atlas/frost-ingest");
    assert.equal(result.code, 0, result.err);
    assert.equal((JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name: string }).name, "@atlas/frost-ingest");
    assert.match(readFileSync(join(dir, "definitions.ts"), "utf8"), /key: "frost-ingest\/numbers"/);
  });

  void it("writes into an existing empty directory", async () => {
    const dir = join(work, "empty");
    mkdirSync(dir);
    assert.equal((await flyt("init", dir)).code, 0);
    assert.ok(existsSync(join(dir, "definitions.ts")));
  });

  void it("refuses a non-empty directory and a file, and leaves them untouched", async () => {
    const dir = join(work, "taken");
    mkdirSync(dir);
    writeFileSync(join(dir, "notes.txt"), "mine");
    const result = await flyt("init", dir);
    assert.equal(result.code, 1);
    assert.match(result.err, /directory ".*taken": is not empty \(.*holds notes\.txt\); flyt init never overwrites files/);
    assert.deepEqual(readdirSync(dir), ["notes.txt"]);

    const file = join(work, "a-file");
    writeFileSync(file, "x");
    const onFile = await flyt("init", file);
    assert.equal(onFile.code, 1);
    assert.match(onFile.err, /is a file/);
  });

  void it("refuses names npm would refuse, naming the rule", async () => {
    for (const [name, why] of [
      ["Weather", /npm package names are lowercase/],
      ["_private", /not a valid npm package name/],
      ["has space", /not a valid npm package name/],
      ["@scope/", /not a valid npm package name/],
      ["x".repeat(65), /keep it to 64/],
    ] as const) {
      const result = await flyt("init", join(work, "named"), "--name", name);
      assert.equal(result.code, 1, `--name ${name} was accepted`);
      assert.match(result.err, why);
      assert.match(result.err, /--name/);
    }
    assert.ok(!existsSync(join(work, "named")), "nothing was created for a refused name");
    assert.throws(() => validateAppName("Bad", "the directory name"), /the directory name "Bad"/);
    assert.deepEqual(validateAppName("a.b-c_d", "--name"), { packageName: "a.b-c_d", slug: "a.b-c_d" });
  });

  void it("generates a Dockerfile hadolint passes", async () => {
    const hadolint = process.env["FLYT_TEST_HADOLINT"] || join(REPO, ".tools/hadolint/bin/hadolint");
    assert.ok(existsSync(hadolint), `hadolint is missing at ${hadolint}: run \`bash deploy/scripts/install-tools.sh\` (scripts/test.sh does)`);
    const dir = join(work, "image");
    assert.equal((await flyt("init", dir)).code, 0);
    const passing = spawnSync(hadolint, ["--no-color", join(dir, "Dockerfile")], { encoding: "utf8" });
    assert.equal(passing.status, 0, `hadolint:\n${passing.stdout}${passing.stderr}`);
    // The lint can fail: the same file with a root user and an untagged base image.
    const bad = join(dir, "Dockerfile.bad");
    writeFileSync(bad, readFileSync(join(dir, "Dockerfile"), "utf8").replace("FROM node:20-bookworm-slim", "FROM node").replace("USER 1000:1000", "USER node"));
    const failing = spawnSync(hadolint, ["--no-color", bad], { encoding: "utf8" });
    assert.notEqual(failing.status, 0);
    assert.match(failing.stdout, /DL3006|DL3066/);
  });

  void it("pins the TypeScript tools this repository builds with", () => {
    const root = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
    for (const [name, range] of Object.entries(SCAFFOLD_TOOL_VERSIONS)) assert.equal(range, root.devDependencies[name], `${name} in the scaffold and the root package.json`);
  });
});

void describe("publishable manifests (scripts/packages.mjs check)", () => {
  const check = (root?: string) =>
    spawnSync(process.execPath, [join(REPO, "scripts/packages.mjs"), "check", ...(root ? ["--root", root] : [])], { encoding: "utf8" });

  void it("passes for this repository", () => {
    const result = check();
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /\d+ publishable packages, manifests consistent/);
  });

  /** The root's and every workspace's manifest, the lock file, LICENSE and the script, in a fresh folder. */
  function copyManifests(name: string): string {
    const copy = join(work, name);
    for (const file of ["package.json", "package-lock.json", "LICENSE", "scripts/packages.mjs"]) cpSync(join(REPO, file), join(copy, file));
    const workspaces = (JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { workspaces: string[] }).workspaces;
    for (const ws of workspaces) cpSync(join(REPO, ws, "package.json"), join(copy, ws, "package.json"));
    return copy;
  }

  void it("version <semver> moves every package and every exact sibling pin, and the lock file", () => {
    const copy = copyManifests("version-copy");
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
    const refused = spawnSync(process.execPath, [join(copy, "scripts/packages.mjs"), "version", "1.x"], { encoding: "utf8", env });
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /got "1\.x"/);
    const result = spawnSync(process.execPath, [join(copy, "scripts/packages.mjs"), "version", "0.2.0-rc.1"], { encoding: "utf8", env, cwd: copy });
    assert.equal(result.status, 0, result.stderr);
    const cli = JSON.parse(readFileSync(join(copy, "packages/cli/package.json"), "utf8")) as { version: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };
    assert.equal(cli.version, "0.2.0-rc.1");
    assert.equal(cli.dependencies["@flyt/sdk"] ?? cli.devDependencies["@flyt/sdk"], "0.2.0-rc.1");
    assert.equal(cli.dependencies["@flyt/storage"], "0.2.0-rc.1");
    assert.equal(cli.dependencies["commander"], (JSON.parse(readFileSync(join(REPO, "packages/cli/package.json"), "utf8")) as typeof cli).dependencies["commander"], "third-party ranges stay");
    const lock = JSON.parse(readFileSync(join(copy, "package-lock.json"), "utf8")) as { packages: Record<string, { version?: string }> };
    assert.equal(lock.packages["packages/sdk"]?.version, "0.2.0-rc.1");
    assert.equal(check(copy).status, 0);
  });

  void it("fails on a copy whose SDK lost its licence and depends on a private package at a range", () => {
    const copy = copyManifests("broken-copy");
    const sdkPath = join(copy, "packages/sdk/package.json");
    const sdk = JSON.parse(readFileSync(sdkPath, "utf8")) as Record<string, unknown> & { dependencies: Record<string, string> };
    delete sdk["license"];
    sdk.dependencies["@flyt/core"] = "^0.1.0";
    sdk.dependencies["@flyt/topology"] = "0.1.0";
    writeFileSync(sdkPath, JSON.stringify(sdk));
    const result = check(copy);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /packages\/sdk\/package\.json \(@flyt\/sdk\): license must be Apache-2\.0/);
    assert.match(result.stderr, /must name @flyt\/core at its exact version 0\.1\.0 .*got \^0\.1\.0/);
    assert.match(result.stderr, /names @flyt\/topology, which is private/);
  });
});
