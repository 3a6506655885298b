/** Trusted-proxy matching (addresses, IPv4/IPv6 CIDRs, IPv4-mapped peers) and auth option checks. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvalidConfigError } from "@flyt/core";
import { resolveAuthOptions } from "./config.js";
import { highestRole, roleAllows } from "./roles.js";
import { ProxyTrust } from "./trust.js";

describe("ProxyTrust", () => {
  const trust = new ProxyTrust(["10.42.0.0/16", "192.168.1.7", "fd00::/8"]);

  it("trusts addresses inside the ranges, including IPv4-mapped IPv6 peers", () => {
    for (const ok of ["10.42.0.1", "10.42.255.254", "192.168.1.7", "::ffff:10.42.3.4", "fd12::1"]) assert.equal(trust.trusts(ok), true, ok);
  });

  it("trusts nothing else, and nothing at all when the list is empty", () => {
    for (const no of ["10.43.0.1", "192.168.1.8", "127.0.0.1", "::1", "fe80::1", "", undefined, "not-an-ip"]) assert.equal(trust.trusts(no), false, String(no));
    assert.equal(new ProxyTrust([]).trusts("127.0.0.1"), false);
  });

  it("names a bad entry", () => {
    for (const bad of ["10.0.0.0/33", "10.0.0/8", "host.example", "::1/129", "10.0.0.0/8/1", "10.0.0.0/x"]) {
      assert.throws(() => new ProxyTrust(["127.0.0.1", bad]), (e: unknown) => e instanceof InvalidConfigError && e.message.includes("trustedProxies.1") && e.message.includes(bad), bad);
    }
  });
});

describe("roles and options", () => {
  it("orders roles", () => {
    assert.equal(roleAllows("admin", "operator"), true);
    assert.equal(roleAllows("operator", "admin"), false);
    assert.equal(roleAllows(null, "viewer"), false);
    assert.equal(highestRole(["viewer", "admin", "operator"]), "admin");
    assert.equal(highestRole([]), null);
  });

  it("refuses bad header names, empty separators and unknown roles", () => {
    assert.throws(() => resolveAuthOptions({ headers: { user: ["X Bad"], email: [], groups: [] } }), /headers\.user\.0/);
    assert.throws(() => resolveAuthOptions({ headers: { user: ["X-User"], email: [], groups: [{ name: "X-Groups", separator: "" }] } }), /separator/);
    assert.throws(() => resolveAuthOptions({ roles: { root: ["x"] } as never }), /unknown role "root"/);
    assert.throws(() => resolveAuthOptions({ mode: "magic" as never }), /unknown mode/);
  });
});
