/**
 * The Host allowlist: DNS rebinding against auth mode `none` is refused (a request whose Host is
 * the attacker's domain and whose Origin equals it passes a CSRF check on its own), loopback and
 * listed names are served, patterns and the off switch work, and ingest/health/metrics are
 * never checked (probes address pods by IP). Real webserver, real HTTP.
 */
import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, describe, it } from "node:test";
import { createTestStorage, type TestStorage } from "@flyt/storage/testing";
import { startWebserver, type Webserver } from "../server.js";
import { HostAllowlist, hostName } from "./hosts.js";

function call(port: number, path: string, headers: Record<string, string>, method = "GET"): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method, headers }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end(method === "POST" ? "{}" : undefined);
  });
}

void describe("Host allowlist", () => {
  void it("parses Host headers and matches names and patterns", () => {
    assert.equal(hostName("Flyt.Example.org:3000"), "flyt.example.org");
    assert.equal(hostName("[::1]:3000"), "::1");
    assert.equal(hostName("a b"), null);
    const list = new HostAllowlist(["flyt.*", "ops.example.org"]);
    assert.ok(list.allows("localhost") && list.allows("127.0.0.1") && list.allows("::1") && list.allows("app.localhost"));
    assert.ok(list.allows("flyt.localhost") && list.allows("flyt.tail1234.ts.net") && list.allows("ops.example.org"));
    assert.ok(!list.allows("evil.example") && !list.allows("xflyt.example") && !list.allows("ops.example.org.evil"));
    assert.ok(new HostAllowlist(["*"]).allows("anything.at.all"));
    assert.throws(() => new HostAllowlist(["http://flyt.example.org/"]), /webserver.allowedHosts.0: .* is not a host name or pattern/);
  });

  void describe("on a real webserver in auth mode none", () => {
    let store: TestStorage;
    let web: Webserver;
    before(async () => {
      store = await createTestStorage("sqlite");
      web = await startWebserver({ storage: store.storage, port: 0, publicUrl: "http://flyt-webserver.flyt.svc:3000", allowedHosts: ["flyt.example.org"], log: () => undefined });
    });
    after(async () => {
      await web.close();
      await store[Symbol.asyncDispose]();
    });

    void it("refuses a rebound name even when its Origin matches its Host", async () => {
      const rebound = await call(web.port, "/api/v1/runs", { host: "attacker.example:3000", origin: "http://attacker.example:3000", "content-type": "application/json" }, "POST");
      assert.equal(rebound.status, 403);
      assert.match(rebound.body, /does not answer to host \\"attacker.example\\".*webserver.allowedHosts/);
      const graphql = await call(web.port, "/graphql?query=%7Bviewer%7Bname%7D%7D", { host: "attacker.example" });
      assert.equal(graphql.status, 403);
    });

    void it("serves loopback, listed names and the publicUrl host; never checks ingest, health or metrics", async () => {
      for (const host of [`127.0.0.1:${web.port}`, `localhost:${web.port}`, "flyt.example.org", "flyt-webserver.flyt.svc:3000"]) {
        const answer = await call(web.port, "/api/v1/locations", { host });
        assert.notEqual(answer.status, 403, `${host}: ${answer.body}`);
      }
      for (const path of ["/healthz", "/readyz", "/metrics"]) {
        const probe = await call(web.port, path, { host: "10.42.0.17:3000" });
        assert.notEqual(probe.status, 403, `${path}: ${probe.body}`);
      }
      const ingest = await call(web.port, "/ingest/v1/runs/r1/heartbeat", { host: "10.42.0.17:3000", "content-type": "application/json" }, "POST");
      assert.equal(ingest.status, 401, "the ingest API answers with its own authentication");
    });
  });
});
