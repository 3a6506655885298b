/**
 * The chart's rendered flyt.yaml run for real: `flyt webserver` of this checkout started with the
 * ConfigMap's flyt.yaml (SQLite in a temp dir, loopback, alert secrets in its environment as the
 * pod gets them), and the UIS test playbook's requests made against it as the playbook makes them.
 * With the UIS values (auth none) they answer without a token; with forwarded auth they get 401
 * until a viewer token from `flyt tokens create` (the bootstrap the docs describe) is sent, and a
 * spoofed identity header from outside trustedProxies is not believed. The rendered allowedHosts
 * let the Service's names and the IngressRoute's flyt.<domain> through and refuse any other Host.
 * The code locations point at in-cluster Services that do not exist here, so check D must report
 * them as not loaded.
 */
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { freePort, helmTemplate, parseManifests, playbookRequest, REPO, REPO_FLYT, runCommand, startFlyt, UIS, uisLocationsToValues } from "./tools.js";

const work = mkdtempSync(join(tmpdir(), "flyt-rendered-"));
const children: ChildProcess[] = [];
after(() => {
  for (const child of children) child.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
});

const vars = (parseYaml(readFileSync(join(UIS, "ansible/playbooks/365-test-flyt.yml"), "utf8")) as Array<{ vars: Record<string, string> }>)[0]!.vars;
const ALERT_ENV = { FLYT_SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/T0/B0/x", FLYT_ALERT_WEBHOOK_SECRET: "s3cret" };

/** Renders the chart and writes its flyt.yaml into a folder of its own; returns that folder's environment for flyt. */
async function renderedConfig(name: string, valueFiles: string[]): Promise<NodeJS.ProcessEnv> {
  const result = await helmTemplate(valueFiles);
  assert.equal(result.code, 0, result.stderr);
  const configMap = parseManifests(result.stdout).find((m) => m.kind === "ConfigMap" && m.metadata.name === "flyt-config")!;
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, "flyt.yaml"), configMap.data["flyt.yaml"] as string);
  return { FLYT_CONFIG: join(dir, "flyt.yaml"), FLYT_HOME: join(dir, "home"), FLYT_DEFINITIONS_CACHE: join(dir, "cache"), ...ALERT_ENV };
}

/** Starts `flyt webserver` on a loopback port (its logged url is flyt.yaml's in-cluster publicUrl, so the port is chosen here). */
async function startWebserver(env: NodeJS.ProcessEnv): Promise<string> {
  const port = await freePort();
  const web = await startFlyt(REPO_FLYT, ["webserver", "--host", "127.0.0.1", "--port", String(port)], env, work, children);
  assert.equal(web.first.url, "http://flyt-webserver.flyt.svc.cluster.local:3000", "the rendered publicUrl is in effect");
  return `http://127.0.0.1:${port}`;
}

/** A GraphQL query sent with the given Host header (fetch cannot set Host; node:http can). */
function graphqlWithHost(api: string, host: string): Promise<{ status: number; body: string }> {
  const body = JSON.stringify({ query: "{ viewer { role } }" });
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${api}/graphql`, { method: "POST", headers: { host, "content-type": "application/json", "x-flyt-request": "1", "content-length": Buffer.byteLength(body) } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const request = (api: string, query: string | null, token = "") => playbookRequest(vars.flyt_request_js!, `${api}${query === null ? "/readyz" : "/graphql"}`, query, token);

describe("flyt webserver on the chart's rendered flyt.yaml, asked what the UIS test playbook asks", () => {
  describe("UIS values (auth none)", () => {
    let api = "";
    before(async () => {
      const locations = join(work, "uis-locations.yaml");
      writeFileSync(locations, stringifyYaml(uisLocationsToValues(join(UIS, ".uis.extend/flyt-code-locations.yaml"))));
      const env = await renderedConfig("uis", [join(UIS, "manifests/365-flyt-config.yaml"), locations]);
      api = await startWebserver(env);
    });

    it("A/B: /readyz is ready with the schema current", async () => {
      const result = await request(api, null);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const ready = JSON.parse(result.stdout) as { status: string; storage: { schemaCurrent: boolean } };
      assert.equal(ready.status, "ready");
      assert.equal(ready.storage.schemaCurrent, true);
    });

    it("answers the Service's names and flyt.<domain> (the UIS IngressRoute), and refuses any other Host (DNS rebinding)", async () => {
      for (const host of ["flyt-webserver", "flyt-webserver.flyt.svc", "flyt.localhost", "flyt.example.org", "127.0.0.1"]) {
        assert.equal((await graphqlWithHost(api, host)).status, 200, `Host: ${host}`);
      }
      const refused = await graphqlWithHost(api, "attacker.example");
      assert.equal(refused.status, 403);
      assert.match(refused.body, /does not answer to host \\"attacker.example\\"/);
    });

    it("C–E answer without a token; D sees the declared location unreachable (not LOADED), as the playbook must fail it", async () => {
      for (const query of [vars.flyt_query_daemon!, vars.flyt_query_schedules!]) {
        const result = await request(api, query);
        assert.equal(result.code, 0, `${query}: ${result.stdout}${result.stderr}`);
      }
      const result = await request(api, vars.flyt_query_locations!);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const { locations } = (JSON.parse(result.stdout) as { data: { locations: Array<{ name: string; status: string; errorMessage: string | null }> } }).data;
      assert.deepEqual(locations.map((l) => l.name), ["atlas"]);
      assert.notEqual(locations[0]!.status, "LOADED");
      const daemon = (JSON.parse((await request(api, vars.flyt_query_daemon!)).stdout) as { data: { daemon: { healthy: boolean } } }).data.daemon;
      assert.equal(daemon.healthy, false, "no daemon runs here: check C must fail");
    });
  });

  describe("full values (auth forwarded behind oauth2-proxy, defaultRole null, alerts)", () => {
    let api = "";
    let env: NodeJS.ProcessEnv = {};
    before(async () => {
      env = await renderedConfig("full", [join(REPO, "deploy/test/fixtures/values-full.yaml")]);
      api = await startWebserver(env);
    });

    it("/readyz stays public; the GraphQL checks get 401 without a token, with the hint's marker", async () => {
      assert.equal((await request(api, null)).code, 0);
      const result = await request(api, vars.flyt_query_locations!);
      assert.equal(result.code, 1);
      assert.match(result.stdout, /UNAUTHORIZED/);
    });

    it("an identity header from outside trustedProxies is not believed", async () => {
      const response = await fetch(`${api}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-flyt-request": "1", "X-Auth-Request-User": "mallory", "X-Auth-Request-Groups": "flyt-admins" },
        body: JSON.stringify({ query: "{ viewer { name role } }" }),
      });
      assert.equal(response.status, 401);
    });

    it("a viewer token made with `flyt tokens create` (the bootstrap) lets every check through, and the viewer cannot operate", async () => {
      const created = await runCommand(process.execPath, [REPO_FLYT, "tokens", "create", "--name", "uis-verify", "--role", "viewer", "--json"], {
        cwd: work,
        env: { PATH: process.env.PATH, HOME: work, ...env },
      });
      assert.equal(created.code, 0, created.stderr);
      const { token } = JSON.parse(created.stdout.trim().split("\n").pop()!) as { token: string };
      assert.match(token, /^flyt_/);
      for (const query of [vars.flyt_query_daemon!, vars.flyt_query_locations!, vars.flyt_query_schedules!]) {
        const result = await request(api, query, token);
        assert.equal(result.code, 0, `${query}: ${result.stdout}${result.stderr}`);
      }
      const locations = (JSON.parse((await request(api, vars.flyt_query_locations!, token)).stdout) as { data: { locations: Array<{ name: string }> } }).data.locations;
      assert.deepEqual(locations.map((l) => l.name).sort(), ["atlas", "weather"]);
      const viewer = await request(api, "{ viewer { name role canOperate } }", token);
      assert.deepEqual((JSON.parse(viewer.stdout) as { data: { viewer: unknown } }).data.viewer, { name: "token:uis-verify", role: "viewer", canOperate: false });
      assert.equal((await request(api, vars.flyt_query_locations!, "flyt_wrong")).code, 1, "a wrong token fails loudly");
    });
  });
});
