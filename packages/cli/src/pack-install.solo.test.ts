/**
 * The published packages as an application gets them (docs/releasing.md, docs/applications.md):
 * `scripts/packages.mjs pack` makes a tarball of every publishable package; `flyt init` scaffolds
 * an application in a temp folder outside the repository; `npm install` puts the tarballs there —
 * no workspace links, third-party packages from the npm registry (or its cache), better-sqlite3
 * built as the root `npm ci` builds it — and then, from that folder: the scaffold's own test
 * (`npm test`), `npx flyt materialize` (the scaffold and a hand-written definitions file),
 * `npx flyt code-server` (its health endpoint) and `npx flyt dev` (the webserver and the UI's
 * index.html). `npm publish --dry-run` of each package runs too (never a real publish). Solo (run
 * alone, after the rest): the install compiles better-sqlite3 for about a minute; ~1.5 min in all.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const FLYT_BIN = join(REPO, "packages/cli/bin/flyt.js");
/** The application's name: also its location name and asset key prefix. */
const APP = "pack-install-app";

interface Packed {
  name: string;
  version: string;
  file: string;
  files: string[];
}

let work: string;
let app: string;
let packed: Packed[] = [];
/** The scaffold as `flyt init` wrote it, before `npm install` rewrote package.json. */
const scaffold = new Map<string, string>();
const children: ChildProcess[] = [];
const timings: string[] = [];

/**
 * The environment of every command: this process's, without what would tie it to the repository
 * or to the test run's databases (npm's own npm_* variables when the suite runs under `npm test`,
 * FLYT_* such as the test PostgreSQL URL, NODE_TEST_CONTEXT, which would make the scaffold's
 * `node --test` report to this runner instead of printing), and NO_COLOR for output parsed here.
 */
function appEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|FLYT_|NODE_PATH$|NODE_OPTIONS$|NODE_TEST_CONTEXT$|INIT_CWD$)/i.test(key)) continue;
    env[key] = value;
  }
  return { ...env, NO_COLOR: "1", CI: "1" };
}

function run(command: string, args: string[], cwd: string, timeoutMs: number): SpawnSyncReturns<string> {
  const started = performance.now();
  const result = spawnSync(command, args, { cwd, env: appEnv(), encoding: "utf8", timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  timings.push(`${command} ${args.slice(0, 2).join(" ")}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (result.error) throw result.error;
  return result;
}

function assertOk(result: SpawnSyncReturns<string>, what: string): void {
  assert.equal(result.status, 0, `${what} exited ${result.status} (signal ${result.signal}):\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`);
}

/** Starts a long-running command in its own process group (stopped with the group) and resolves with the first URL it prints. */
async function startServer(args: string[], urlPattern: RegExp, timeoutMs: number): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const child = spawn("npx", args, { cwd: app, env: appEnv(), detached: true, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npx ${args.join(" ")} printed no URL within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = urlPattern.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1]!, child, output: () => output });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`npx ${args.join(" ")} exited ${code ?? signal} before printing its URL:\n${output}`));
    });
  });
}

/** SIGTERM to the process group it leads (npx, the CLI and the code servers it started), then waits for it. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return; // Already gone.
  }
  const killer = setTimeout(() => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // Gone meanwhile.
    }
  }, 10_000);
  await exited;
  clearTimeout(killer);
}

function listFiles(dir: string, prefix = ""): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory() ? listFiles(dir, path) : [path];
  });
}

before(() => {
  for (const built of ["packages/cli/dist/main.js", "packages/ui/dist/index.html"]) {
    assert.ok(existsSync(join(REPO, built)), `${built} is missing: build first (npm run build), the tarballs carry the compiled code and the UI`);
  }
  work = realpathSync(mkdtempSync(join(tmpdir(), "flyt-pack-install-")));
  assert.ok(relative(REPO, work).startsWith(".."), `the application must live outside the repository, got ${work}`);
  app = join(work, APP);
});

after(async () => {
  await Promise.all(children.map(stop));
  console.log(`pack-install timings: ${timings.join("; ")}`);
  rmSync(work, { recursive: true, force: true });
});

void describe("publishable packages installed into an application outside the repository", () => {
  void it("packs every publishable package: dist and bin only, every export present", { timeout: 120_000 }, () => {
    const result = run(process.execPath, [join(REPO, "scripts/packages.mjs"), "pack", join(work, "tarballs")], REPO, 110_000);
    assertOk(result, "scripts/packages.mjs pack");
    packed = JSON.parse(result.stdout) as Packed[];
    const names = packed.map((p) => p.name);
    for (const wanted of ["@flyt/sdk", "@flyt/cli", "@flyt/pipes-client", "@flyt/dbt", "@flyt/storage", "@flyt/run-worker"]) assert.ok(names.includes(wanted), `${wanted} was not packed (got ${names.join(", ")})`);
    for (const internal of ["@flyt/topology", "@flyt/ui-e2e", "@flyt/example-atlas", "@flyt/deploy-test"]) assert.ok(!names.includes(internal), `${internal} is internal but was packed`);
    for (const p of packed) {
      const stray = p.files.filter((f) => /\.test\.|\.map$|\.tsbuildinfo$|test-fixtures\/|test-support|^src\//.test(f));
      assert.deepEqual(stray, [], `${p.name}'s tarball carries test, map or source files`);
      const manifest = JSON.parse(readFileSync(join(REPO, "packages", p.name.replace("@flyt/", ""), "package.json"), "utf8")) as { exports: Record<string, { types: string; default: string }> };
      for (const [subpath, target] of Object.entries(manifest.exports)) {
        for (const file of [target.types, target.default]) assert.ok(p.files.includes(file.replace(/^\.\//, "")), `${p.name}: exports["${subpath}"] names ${file}, which is not in the tarball`);
      }
    }
    const cli = packed.find((p) => p.name === "@flyt/cli")!;
    assert.ok(cli.files.includes("bin/flyt.js") && cli.files.includes("dist/ui/index.html"), "@flyt/cli carries its bin and the built UI");
    assert.ok(!existsSync(join(REPO, "packages/cli/dist/ui")), "postpack removed the UI copy from packages/cli/dist");
  });

  void it("npm publish --dry-run passes for every publishable package, dependencies first", { timeout: 120_000 }, () => {
    // --dry-run: npm packs and validates each package and stops before the upload.
    const result = run(process.execPath, [join(REPO, "scripts/packages.mjs"), "publish", "--dry-run"], REPO, 110_000);
    assertOk(result, "scripts/packages.mjs publish --dry-run");
    assert.match(result.stdout, new RegExp(`dry run: would have published ${packed.length} packages`));
    const order = [...`${result.stdout}\n${result.stderr}`.matchAll(/^\+ (@flyt\/[a-z-]+)@/gm)].map((m) => m[1]);
    assert.deepEqual([...order].sort(), packed.map((p) => p.name).sort());
    assert.ok(order.indexOf("@flyt/core") < order.indexOf("@flyt/sdk") && order.indexOf("@flyt/sdk") < order.indexOf("@flyt/cli"), `published in dependency order: ${order.join(", ")}`);
  });

  void it("scaffolds with flyt init and installs the tarballs with npm (registry dependencies, native addon built)", { timeout: 8 * 60_000 }, () => {
    assert.ok(packed.length > 0, "the packing step ran");
    assertOk(run(process.execPath, [FLYT_BIN, "init", app], work, 30_000), "flyt init");
    for (const file of listFiles(app)) scaffold.set(file, readFileSync(join(app, file), "utf8"));
    const result = run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", ...packed.map((p) => p.file)], app, 7 * 60_000);
    assertOk(result, "npm install of the tarballs");
    for (const name of ["@flyt/cli", "@flyt/sdk", "@flyt/storage"]) {
      const installed = realpathSync(join(app, "node_modules", name));
      assert.ok(installed.startsWith(`${app}/node_modules/`), `${name} resolves to ${installed}, not a copy inside the application`);
    }
    assert.ok(existsSync(join(app, "node_modules/better-sqlite3/build/Release/better_sqlite3.node")), "better-sqlite3's native addon was built or fetched");
    for (const above of [join(work, "node_modules"), join(tmpdir(), "node_modules"), "/node_modules"]) {
      assert.ok(!existsSync(join(above, "@flyt")), `${above}/@flyt exists, so Node could resolve Flyt from outside the application`);
    }
  });

  void it("every entry point of every published package imports in the application", { timeout: 60_000 }, () => {
    // A third-party import a package does not declare works in the workspace (hoisted from a
    // sibling) and fails here: import each `exports` entry from the application's folder.
    const script = [
      'import { readFileSync } from "node:fs";',
      "const failures = [];",
      `for (const name of ${JSON.stringify(packed.map((p) => p.name))}) {`,
      '  const { exports } = JSON.parse(readFileSync(`node_modules/${name}/package.json`, "utf8"));',
      "  for (const subpath of Object.keys(exports)) {",
      '    const specifier = subpath === "." ? name : `${name}/${subpath.slice(2)}`;',
      '    try { await import(specifier); } catch (error) { failures.push(`${specifier}: ${String(error).split("\\n")[0]}`); }',
      "  }",
      "}",
      'if (failures.length) { console.error(failures.join("\\n")); process.exit(1); }',
      'console.log("imported all");',
      "",
    ].join("\n");
    writeFileSync(join(app, "import-all.mjs"), script);
    const result = run(process.execPath, ["import-all.mjs"], app, 50_000);
    assertOk(result, "importing every entry point");
    assert.match(result.stdout, /imported all/);
  });

  void it("the scaffold's own test passes (npm test), and fails when its check fails", { timeout: 120_000 }, () => {
    const passing = run("npm", ["test"], app, 110_000);
    assertOk(passing, "the scaffold's npm test");
    assert.match(passing.stdout, /# pass 1\b/);
    const definitions = join(app, "definitions.ts");
    const original = readFileSync(definitions, "utf8");
    const broken = original.replace("{ length: 10 }", "{ length: 0 }");
    assert.notEqual(broken, original, "the scaffold's definitions compute ten rows");
    writeFileSync(definitions, broken);
    try {
      const failing = run("npm", ["test"], app, 110_000);
      assert.notEqual(failing.status, 0, `npm test passed with an empty table:\n${failing.stdout}`);
      assert.match(failing.stdout, /FAILURE/);
    } finally {
      writeFileSync(definitions, original);
    }
  });

  void it("npx flyt materialize runs the scaffold and a hand-written definitions file", { timeout: 60_000 }, () => {
    writeFileSync(
      join(app, "hello.ts"),
      [
        'import { asset, defineDefinitions } from "@flyt/sdk";',
        'export const hello = asset({ key: "hand/hello", compute: () => ({ greeting: "hei" }) });',
        "export default defineDefinitions({ assets: [hello] });",
        "",
      ].join("\n"),
    );
    for (const [file, key] of [["definitions.ts", `${APP}/numbers`], ["hello.ts", "hand/hello"]] as const) {
      const result = run("npx", ["flyt", "materialize", "-f", file], app, 50_000);
      assertOk(result, `npx flyt materialize -f ${file}`);
      assert.match(result.stdout, new RegExp(`materialized ${key}`));
      assert.match(result.stdout, /Run \S+ SUCCESS/);
    }
    assert.ok(existsSync(join(app, ".flyt/flyt.db")), "runs are stored in the application's .flyt/flyt.db");
  });

  void it("npx flyt code-server answers its health endpoint with the location loaded", { timeout: 60_000 }, async () => {
    const server = await startServer(["flyt", "code-server", "-f", "hello.ts", "--port", "0", "--name", "hello"], /"url":"(http:\/\/127\.0\.0\.1:\d+)"/, 45_000);
    const health = (await (await fetch(`${server.url}/v1/health`)).json()) as { status: string; location: string };
    assert.equal(health.status, "LOADED", server.output());
    assert.equal(health.location, "hello");
    await stop(server.child);
  });

  void it("npx flyt dev answers and serves the UI's index.html and its assets", { timeout: 60_000 }, async () => {
    const dev = await startServer(["flyt", "dev", "-f", "definitions.ts", "-f", "hello.ts", "--port", "0"], /Flyt dev is up at (http:\/\/127\.0\.0\.1:\d+)/, 45_000);
    const healthz = await fetch(`${dev.url}/healthz`);
    assert.equal(healthz.status, 200);
    const page = await fetch(`${dev.url}/`);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /<title>Flyt<\/title>/, "the UI's index.html");
    const script = /src="(\/static\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script, `index.html names its script:\n${html}`);
    const asset = await fetch(`${dev.url}${script}`);
    assert.equal(asset.status, 200, `${script} is served`);
    await asset.arrayBuffer();
    await stop(dev.child);
  });

  void it("the packed flyt init writes the same scaffold as the repository's", { timeout: 30_000 }, () => {
    const second = join(work, "second");
    assertOk(run("npx", ["flyt", "init", second, "--name", APP], app, 25_000), "npx flyt init");
    assert.deepEqual(new Map(listFiles(second).map((file) => [file, readFileSync(join(second, file), "utf8")])), scaffold);
  });
});
