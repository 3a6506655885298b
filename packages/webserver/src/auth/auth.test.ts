/**
 * Access control over real HTTP against a real Webserver (REST routes + the GraphQL handler) on
 * real storage (SQLite and PostgreSQL via @flyt/storage/testing): each role against each kind
 * of mutation, anonymous 401, identity headers from an untrusted peer (the client binds
 * 127.0.0.2 while only 127.0.0.1 is trusted), CSRF refusal and security headers.
 */
import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { after, before, it } from "node:test";
import { fileURLToPath } from "node:url";
import { InProcessLauncher } from "@flyt/run-worker";
import { describeEachBackend } from "@flyt/storage/testing";
import { createApiHandler, launcherRunController } from "../graphql/index.js";
import { LocalDefinitions } from "../graphql/test-fixtures/local-definitions.js";
import { startWebserver, type Webserver } from "../server.js";
import type { AuthOptions } from "./config.js";
import { generateApiToken, hashApiToken } from "./tokens.js";
import { FORWARDED_AUTH } from "./test-support.js";

const FIXTURE = fileURLToPath(new URL("../graphql/test-fixtures/definitions.js", import.meta.url));

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/** One HTTP request from a chosen local address (node:http, so the peer address is controllable). */
function call(base: string, path: string, init: { method?: string; headers?: Record<string, string>; body?: unknown; from?: string } = {}): Promise<Reply> {
  const text = init.body === undefined ? undefined : JSON.stringify(init.body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${base}${path}`,
      {
        method: init.method ?? (text === undefined ? "GET" : "POST"),
        headers: { ...(text === undefined ? {} : { "content-type": "application/json", accept: "application/json" }), ...(init.headers ?? {}) },
        localAddress: init.from ?? "127.0.0.1",
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const raw = Buffer.concat(chunks).toString("utf8");
          let body: unknown = raw;
          try {
            body = JSON.parse(raw);
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on("error", reject);
    req.end(text);
  });
}

const AS = {
  admin: { "X-authentik-username": "ada", "X-authentik-email": "ada@example.org", "X-authentik-groups": "staff|flyt-admins" },
  operator: { "X-authentik-username": "otto", "X-authentik-groups": "staff|flyt-ops" },
  // oauth2-proxy's headers, comma-separated groups
  viewer: { "X-Forwarded-User": "vera", "X-Forwarded-Groups": "readers, staff" },
  unmapped: { "X-authentik-username": "nobody", "X-authentik-groups": "staff" },
} as const;
const CSRF = { "X-Flyt-Request": "1" };

const FORWARDED = FORWARDED_AUTH;

/** Each GraphQL mutation, with arguments that fail on the domain side (not on auth) for an operator. */
const MUTATIONS: Record<string, { query: string; operatorGets: string }> = {
  launchRun: { query: `mutation { launchRun(selection: "nope/none") { __typename } }`, operatorGets: "InvalidSelectionError" },
  reexecuteRun: { query: `mutation { reexecuteRun(runId: "no-such-run") { __typename } }`, operatorGets: "RunNotFoundError" },
  cancelRun: { query: `mutation { cancelRun(runId: "no-such-run") { __typename } }`, operatorGets: "RunNotFoundError" },
  setInstigatorStatus: { query: `mutation { setInstigatorStatus(id: "shop:nope", status: RUNNING) { __typename } }`, operatorGets: "InstigatorNotFoundError" },
  reloadLocation: { query: `mutation { reloadLocation(name: "nope") { __typename } }`, operatorGets: "LocationNotFoundError" },
};

describeEachBackend((backend) => `access control over HTTP (${backend})`, ({ storage }) => {
  let forwarded: Webserver;
  let open: Webserver;

  const start = async (auth: Partial<AuthOptions>): Promise<Webserver> => {
    const definitions = await LocalDefinitions.load("shop", FIXTURE);
    const api = createApiHandler({
      storage: storage,
      definitions,
      runs: launcherRunController({ storage: storage, launcher: new InProcessLauncher(), definitionsFile: () => FIXTURE }),
      log: () => undefined,
    });
    return startWebserver({ storage: storage, workspace: null, launcher: null, port: 0, host: "127.0.0.1", api, auth, log: () => undefined });
  };
  const gql = (server: Webserver, query: string, headers: Record<string, string> = {}, from?: string) =>
    call(server.url, "/graphql", { body: { query }, headers, ...(from ? { from } : {}) });

  before(async () => {
    forwarded = await start(FORWARDED);
    open = await start({ mode: "none" });
  });
  after(async () => {
    await forwarded.close();
    await open.close();
  });

  it("answers an anonymous request to the API with 401 JSON, never a redirect; health stays public", async () => {
    for (const [method, path] of [["GET", "/api/v1/locations"], ["POST", "/api/v1/runs"], ["GET", "/api/runs/x/events"]] as const) {
      const reply = await call(forwarded.url, path, { method, headers: CSRF, ...(method === "POST" ? { body: { location: "shop" } } : {}) });
      assert.equal(reply.status, 401, `${method} ${path}: ${JSON.stringify(reply.body)}`);
      assert.equal(reply.body.error.code, "UNAUTHORIZED");
      assert.equal(reply.headers.location, undefined);
      assert.match(String(reply.headers["content-type"]), /application\/json/);
    }
    const graphql = await gql(forwarded, "{ viewer { name } }", CSRF);
    assert.equal(graphql.status, 401);
    assert.equal(graphql.body.error.code, "UNAUTHORIZED");
    assert.equal((await call(forwarded.url, "/healthz")).status, 200);
    assert.equal((await call(forwarded.url, "/readyz")).status, 200);
  });

  it("ignores identity headers from an address that is not a trusted proxy", async () => {
    const spoofed = await call(forwarded.url, "/api/v1/locations", { headers: AS.admin, from: "127.0.0.2" });
    assert.equal(spoofed.status, 401, JSON.stringify(spoofed.body));
    const mutation = await gql(forwarded, MUTATIONS.launchRun!.query, { ...AS.admin, ...CSRF }, "127.0.0.2");
    assert.equal(mutation.status, 401);
    // The same headers from the trusted proxy do count.
    const trusted = await gql(forwarded, "{ viewer { name role } }", AS.admin);
    assert.deepEqual(trusted.body.data.viewer, { name: "ada", role: "admin" });
  });

  it("refuses a signed-in user none of whose groups maps to a role (defaultRole null) with 401 naming them", async () => {
    const reply = await call(forwarded.url, "/api/v1/locations", { headers: AS.unmapped });
    assert.equal(reply.status, 401);
    assert.match(reply.body.error.message, /nobody has no role/);
  });

  it("tells the UI who is signed in and what the role allows", async () => {
    const views = await Promise.all(
      (["admin", "operator", "viewer"] as const).map(async (role) => (await gql(forwarded, "{ viewer { name email role canOperate canAdminister } }", AS[role])).body.data.viewer),
    );
    assert.deepEqual(views, [
      { name: "ada", email: "ada@example.org", role: "admin", canOperate: true, canAdminister: true },
      { name: "otto", email: null, role: "operator", canOperate: true, canAdminister: false },
      { name: "vera", email: null, role: "viewer", canOperate: false, canAdminister: false },
    ]);
  });

  it("lets a viewer read but answers every GraphQL mutation with UnauthorizedError and REST mutations with 403", async () => {
    const read = await gql(forwarded, "{ assets { totalCount } }", AS.viewer);
    assert.equal(read.body.data.assets.totalCount, 4);
    for (const [name, { query }] of Object.entries(MUTATIONS)) {
      const reply = await gql(forwarded, query, { ...AS.viewer, ...CSRF });
      assert.equal(reply.status, 200);
      assert.equal(reply.body.data[name].__typename, "UnauthorizedError", name);
    }
    const restRead = await call(forwarded.url, "/api/v1/runs/no-such-run", { headers: AS.viewer });
    assert.equal(restRead.status, 404, "a viewer passes auth on reads (the run does not exist)");
    const launch = await call(forwarded.url, "/api/v1/runs", { headers: { ...AS.viewer, ...CSRF }, body: { location: "shop" } });
    assert.equal(launch.status, 403);
    assert.equal(launch.body.error.code, "FORBIDDEN");
    assert.match(launch.body.error.message, /viewer.*operator/);
    const reload = await call(forwarded.url, "/api/v1/locations/shop/reload", { method: "POST", headers: { ...AS.viewer, ...CSRF } });
    assert.equal(reload.status, 403);
  });

  for (const role of ["operator", "admin"] as const) {
    it(`lets an ${role} through every mutation (GraphQL and REST) to the domain checks, and launch a run`, async () => {
      for (const [name, { query, operatorGets }] of Object.entries(MUTATIONS)) {
        const reply = await gql(forwarded, query, { ...AS[role], ...CSRF });
        assert.equal(reply.body.data[name].__typename, operatorGets, `${name}: ${JSON.stringify(reply.body)}`);
      }
      const launched = await gql(forwarded, `mutation { launchRun(selection: "shop/raw_orders") { __typename ... on LaunchRunSuccess { run { runId } } } }`, { ...AS[role], ...CSRF });
      assert.equal(launched.body.data.launchRun.__typename, "LaunchRunSuccess");
      const runId: string = launched.body.data.launchRun.run.runId;
      assert.ok((await storage.getRun(runId)) !== null);
      // This server has no workspace: past auth, REST answers 404, not 401/403.
      const rest = await call(forwarded.url, "/api/v1/runs", { headers: { ...AS[role], ...CSRF }, body: { location: "shop" } });
      assert.equal(rest.status, 404, JSON.stringify(rest.body));
      const reload = await call(forwarded.url, "/api/v1/locations/shop/reload", { method: "POST", headers: { ...AS[role], ...CSRF } });
      assert.equal(reload.status, 404);
    });
  }

  it("refuses cross-site state-changing requests (CSRF) and accepts the UI's header or a same-origin Origin", async () => {
    const query = MUTATIONS.cancelRun!.query;
    const withCookie = await gql(forwarded, query, { ...AS.operator, cookie: "authentik_proxy=abc" });
    assert.equal(withCookie.status, 403);
    assert.equal(withCookie.body.error.code, "FORBIDDEN");
    assert.match(withCookie.body.error.message, /x-flyt-request/);
    const evil = await gql(forwarded, query, { ...AS.operator, cookie: "authentik_proxy=abc", origin: "https://evil.example" });
    assert.equal(evil.status, 403);
    const evilRest = await call(open.url, "/api/v1/runs", { headers: { origin: "https://evil.example" }, body: { location: "shop" } });
    assert.equal(evilRest.status, 403, "mode none is protected too: a page elsewhere cannot drive an internal server");
    const ui = await gql(forwarded, query, { ...AS.operator, cookie: "authentik_proxy=abc", ...CSRF });
    assert.equal(ui.body.data.cancelRun.__typename, "RunNotFoundError");
    const sameOrigin = await gql(forwarded, query, { ...AS.operator, cookie: "authentik_proxy=abc", origin: forwarded.url });
    assert.equal(sameOrigin.body.data.cancelRun.__typename, "RunNotFoundError");
    // A script without cookies or Origin (the CLI, curl) is not a browser being abused.
    const cli = await gql(forwarded, query, AS.operator);
    assert.equal(cli.body.data.cancelRun.__typename, "RunNotFoundError");
    // Reads are not state-changing.
    assert.equal((await call(forwarded.url, "/api/v1/runs/x", { headers: { ...AS.viewer, cookie: "a=b", origin: "https://evil.example" } })).status, 404);
  });

  it("sets security headers on every response, errors included", async () => {
    for (const reply of [await call(forwarded.url, "/healthz"), await call(forwarded.url, "/api/v1/locations"), await call(open.url, "/nope"), await gql(open, "{ viewer { role } }")]) {
      assert.match(String(reply.headers["content-security-policy"]), /frame-ancestors 'none'/);
      assert.match(String(reply.headers["content-security-policy"]), /default-src 'self'/);
      assert.equal(reply.headers["x-content-type-options"], "nosniff");
      assert.equal(reply.headers["referrer-policy"], "no-referrer");
      assert.equal(reply.headers["x-frame-options"], "DENY");
    }
  });

  it("API tokens: valid ones act with their role (no CSRF header needed); wrong, revoked and expired ones get 401", async () => {
    const mint = async (name: string, role: "viewer" | "operator" | "admin", expiresAt: number | null = null) => {
      const token = generateApiToken();
      await storage.createApiToken({ id: `id-${name}`, name, tokenHash: hashApiToken(token), role, createdBy: "test", expiresAt });
      return { authorization: `Bearer ${token}` };
    };
    const ops = await mint("ci-ops", "operator", Date.now() + 3_600_000);
    const view = await mint("dash-view", "viewer");
    const me = await gql(forwarded, "{ viewer { name role canOperate } }", ops);
    assert.deepEqual(me.body.data.viewer, { name: "token:ci-ops", role: "operator", canOperate: true });
    // A token is no ambient credential: a cross-site page cannot attach it, so no CSRF header is needed.
    const launched = await gql(forwarded, `mutation { launchRun(selection: "shop/raw_orders") { __typename } }`, { ...ops, cookie: "x=y", origin: "https://elsewhere.example" });
    assert.equal(launched.body.data.launchRun.__typename, "LaunchRunSuccess");
    assert.equal((await gql(forwarded, MUTATIONS.cancelRun!.query, view)).body.data.cancelRun.__typename, "UnauthorizedError");
    assert.equal((await call(forwarded.url, "/api/v1/runs", { headers: view, body: { location: "shop" } })).status, 403);
    assert.equal((await call(forwarded.url, "/api/v1/runs", { headers: ops, body: { location: "shop" } })).status, 404, "past auth: no workspace");
    // Tokens authenticate in mode none too, and a bad one is refused rather than treated as anonymous.
    assert.equal((await gql(open, "{ viewer { role } }", view)).body.data.viewer.role, "viewer");
    const used = (await storage.listApiTokens()).find((t) => t.name === "ci-ops");
    assert.ok((used?.lastUsedAt ?? 0) > 0, "use is recorded");

    const wrong = { authorization: `Bearer ${generateApiToken()}` };
    const malformed = { authorization: "Bearer flyt_short" };
    const expired = await mint("old", "admin", Date.now() - 1000);
    const revoked = await mint("gone", "admin");
    await storage.revokeApiToken("gone");
    for (const [label, headers, message] of [
      ["wrong", wrong, /Unknown API token/],
      ["malformed", malformed, /Malformed API token/],
      ["expired", expired, /old has expired/],
      ["revoked", revoked, /gone was revoked/],
    ] as const) {
      for (const server of [forwarded, open]) {
        const reply = await gql(server, "{ viewer { role } }", headers);
        assert.equal(reply.status, 401, `${label}: ${JSON.stringify(reply.body)}`);
        assert.match(reply.body.error.message, message);
      }
      assert.equal((await call(forwarded.url, "/api/v1/locations", { headers })).status, 401, label);
    }
    // Run tokens on the ingest API are not API tokens: those routes keep their own check.
    assert.equal((await call(forwarded.url, "/ingest/v1/runs/x", { headers: wrong })).body.error.message, "Unknown run token.");
  });

  it("mode none: everyone is admin, identity headers are not read", async () => {
    const me = await gql(open, "{ viewer { name role canOperate } }", AS.viewer);
    assert.deepEqual(me.body.data.viewer, { name: null, role: "admin", canOperate: true });
    const reply = await gql(open, MUTATIONS.reloadLocation!.query);
    assert.equal(reply.body.data.reloadLocation.__typename, "LocationNotFoundError");
  });
});
