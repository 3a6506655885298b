/**
 * `flyt tokens create|list|revoke` through the real CLI entry (runCli) on real storage (both
 * backends), checked against a real webserver: the created token authenticates with its role,
 * a revoked one gets 401. Also the `auth:` block of flyt.yaml through the config loader.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { InvalidConfigError } from "@flyt/core";
import { describeEachBackend } from "@flyt/storage/testing";
import { startWebserver, type Webserver } from "@flyt/webserver";
import { loadConfig } from "../config.js";
import { runCli } from "../main.js";
import { parseLifetime } from "./tokens.js";

async function cli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describeEachBackend((backend) => `flyt tokens (${backend})`, ({ storage, fixture }) => {
  let dir: string;
  let config: string;
  let web: Webserver;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "flyt-tokens-"));
    config = join(dir, "flyt.yaml");
    const { url } = fixture();
    if (url !== null) {
      writeFileSync(join(dir, "db-url"), url);
      writeFileSync(config, "storage:\n  databaseUrlFile: db-url\n");
    } else {
      writeFileSync(config, `storage:\n  sqlitePath: ${JSON.stringify(fixture().sqlitePath)}\n`);
    }
    web = await startWebserver({ storage: storage, workspace: null, launcher: null, port: 0, log: () => undefined, auth: { mode: "forwarded", trustedProxies: ["10.0.0.0/8"] } });
  });
  after(async () => {
    await web.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const asToken = (token: string) => fetch(`${web.url}/api/v1/runs/none`, { headers: { authorization: `Bearer ${token}` } });

  it("creates a token printed once, lists it without the secret, and revokes it (401 from then on)", async () => {
    const created = await cli(["-c", config, "tokens", "create", "--name", "ci-deploy", "--role", "operator", "--expires-in", "30d", "--json"]);
    assert.equal(created.code, 0, created.err.join("\n"));
    const { token, role, expiresAt, id } = JSON.parse(created.out[0]!) as { token: string; role: string; expiresAt: number; id: string };
    assert.match(token, /^flyt_[A-Za-z0-9_-]{43}$/);
    assert.equal(role, "operator");
    assert.ok(Math.abs(expiresAt - (Date.now() + 30 * 86_400_000)) < 60_000);
    assert.equal((await asToken(token)).status, 404, "authenticated: the run does not exist");
    assert.equal((await fetch(`${web.url}/api/v1/runs/none`)).status, 401, "without it: 401");

    const listed = await cli(["-c", config, "tokens", "list", "--json"]);
    const rows = JSON.parse(listed.out[0]!) as Array<Record<string, unknown>>;
    const row = rows.find((r) => r.id === id);
    assert.equal(row?.state, "live");
    assert.equal(row?.tokenHash, undefined, "list never prints hashes");
    assert.ok(!listed.out.join("\n").includes(token));
    const text = await cli(["-c", config, "tokens", "list"]);
    assert.match(text.out.join("\n"), /ci-deploy\s+operator\s+live/);

    const duplicate = await cli(["-c", config, "tokens", "create", "--name", "ci-deploy"]);
    assert.equal(duplicate.code, 1);
    assert.match(duplicate.err.join("\n"), /live token named "ci-deploy"/);

    const revoked = await cli(["-c", config, "tokens", "revoke", "ci-deploy"]);
    assert.equal(revoked.code, 0, revoked.err.join("\n"));
    assert.equal((await asToken(token)).status, 401);
    assert.equal((await cli(["-c", config, "tokens", "revoke", "ci-deploy"])).code, 1);
    assert.match((await cli(["-c", config, "tokens", "list", "--all"])).out.join("\n"), /ci-deploy\s+operator\s+revoked/);
  });

  it("creates a viewer token by default and refuses a bad lifetime or role", async () => {
    const created = await cli(["-c", config, "tokens", "create", "--name", "dashboards", "--expires-in", "never", "--json"]);
    const parsed = JSON.parse(created.out[0]!) as { role: string; expiresAt: number | null };
    assert.deepEqual([parsed.role, parsed.expiresAt], ["viewer", null]);
    const bad = await cli(["-c", config, "tokens", "create", "--name", "x", "--expires-in", "soon"]);
    assert.equal(bad.code, 1);
    assert.match(bad.err.join("\n"), /--expires-in/);
    assert.equal((await cli(["-c", config, "tokens", "create", "--name", "y", "--role", "root"])).code, 2, "commander refuses the choice");
  });
});

describe("tokens: lifetimes", () => {
  it("parses minutes, hours, days and never", () => {
    assert.equal(parseLifetime("30m"), 1_800_000);
    assert.equal(parseLifetime("12h"), 43_200_000);
    assert.equal(parseLifetime("90d"), 90 * 86_400_000);
    assert.equal(parseLifetime("never"), null);
    for (const bad of ["0d", "1w", "", "-1d", "1.5h"]) assert.throws(() => parseLifetime(bad), InvalidConfigError, bad);
  });
});

describe("flyt.yaml auth:", () => {
  const load = (yaml: string) => {
    const dir = mkdtempSync(join(tmpdir(), "flyt-auth-config-"));
    try {
      writeFileSync(join(dir, "flyt.yaml"), yaml);
      return loadConfig({ cwd: dir, env: {} });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it("defaults to mode none (everyone admin)", () => {
    const { auth } = load("{}\n");
    assert.equal(auth.mode, "none");
    assert.equal(auth.noneRole, "admin");
  });

  it("compiles forwarded mode with proxies, group mapping, custom headers and defaultRole none", () => {
    const { auth } = load(
      [
        "auth:",
        "  mode: forwarded",
        "  trustedProxies: [10.42.0.0/16, 'fd00::/8']",
        "  headers:",
        "    user: [X-Forwarded-Preferred-Username]",
        "    groups: [{ name: X-Forwarded-Groups, separator: ',' }]",
        "  roles:",
        "    admin: [platform-admins]",
        "    operator: [data-team]",
        "  defaultRole: none",
        "",
      ].join("\n"),
    );
    assert.equal(auth.mode, "forwarded");
    assert.deepEqual(auth.trustedProxies, ["10.42.0.0/16", "fd00::/8"]);
    assert.deepEqual(auth.headers.user, ["X-Forwarded-Preferred-Username"]);
    assert.deepEqual(auth.headers.email, ["X-authentik-email", "X-Forwarded-Email"], "unset header lists keep their defaults");
    assert.deepEqual(auth.roles, { admin: ["platform-admins"], operator: ["data-team"] });
    assert.equal(auth.defaultRole, null);
  });

  it("reads the chart's rendering (defaultRole: null means no access)", () => {
    const { auth } = load("auth:\n  mode: forwarded\n  trustedProxies: [10.42.0.0/16]\n  roles: { admin: [flyt-admins], operator: [flyt-operators] }\n  defaultRole: null\n");
    assert.equal(auth.defaultRole, null);
    assert.deepEqual(auth.roles, { admin: ["flyt-admins"], operator: ["flyt-operators"] });
  });

  it("refuses forwarded mode without trusted proxies, a bad CIDR, an unknown role or key", () => {
    assert.throws(() => load("auth:\n  mode: forwarded\n"), /trustedProxies.*forwarded needs/);
    assert.throws(() => load("auth:\n  mode: forwarded\n  trustedProxies: [10.0.0.0/33]\n"), /10\.0\.0\.0\/33.*not an IP address or CIDR/);
    assert.throws(() => load("auth:\n  roles:\n    root: [x]\n"), InvalidConfigError);
    assert.throws(() => load("auth:\n  mdoe: none\n"), /mdoe/);
  });
});
