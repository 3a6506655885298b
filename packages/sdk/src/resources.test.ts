/**
 * Tests of resources: env/secret declarations, resolution from an environment (defaults,
 * missing variables, optional secrets), create/dispose order, secret redaction, and that no
 * error ever carries a secret value.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { InvalidConfigError, serializeError } from "@flyt/core";
import { env, redactor, resolveResources, resource, ResourceError, secret } from "./resources.js";
import { findProblem, problemsOf } from "@flyt/partitions/testing";

const TOKEN = "tok-7f3a9c21-secret";

void describe("env() and secret()", () => {
  void it("declare environment values", () => {
    assert.deepEqual(env("SSB_URL", { default: "https://x" }), { kind: "env", name: "SSB_URL", secret: false, default: "https://x" });
    assert.deepEqual(secret("SSB_TOKEN"), { kind: "env", name: "SSB_TOKEN", secret: true, default: undefined });
    assert.deepEqual(secret("SLACK", { optional: true }), { kind: "env", name: "SLACK", secret: true, default: "" });
  });
  void it("reject invalid variable names and resource specs", () => {
    findProblem(problemsOf(() => env("1BAD")), 'env("1BAD")', /environment variable name/);
    findProblem(problemsOf(() => secret("has space")), 'secret("has space")', /environment variable name/);
    const problems = problemsOf(() => resource({ config: { x: [] as never }, create: 3 as never }));
    findProblem(problems, "resource", /config\.x must be a string, number, boolean, env\(\) or secret\(\)/);
    findProblem(problems, "resource", /create must be a function/);
  });
});

void describe("resolveResources()", () => {
  void it("resolves config from the environment, applies defaults and collects secret values", async () => {
    const seen: unknown[] = [];
    const ssb = resource({
      config: { url: env("SSB_URL", { default: "https://data.ssb.no" }), token: secret("SSB_TOKEN"), retries: 3, hook: secret("HOOK", { optional: true }) },
      create: (config) => {
        seen.push(config);
        return { client: config.url };
      },
    });
    const unused = resource({ config: { x: env("NOT_SET_ANYWHERE") }, create: (): number => assert.fail("only requested resources are created") });
    const resolved = await resolveResources({ ssb, unused }, ["ssb", "ssb"], { SSB_TOKEN: TOKEN });
    assert.deepEqual(resolved.values, { ssb: { client: "https://data.ssb.no" } });
    assert.deepEqual(seen, [{ url: "https://data.ssb.no", token: TOKEN, retries: 3, hook: "" }]);
    assert.deepEqual(resolved.secrets, [TOKEN]);
    await resolved.dispose();
  });

  void it("names the resource, config key and variable of a missing value, and lists them all", async () => {
    const ssb = resource({ config: { token: secret("SSB_TOKEN") }, create: () => 1 });
    const db = resource({ config: { url: env("DB_URL") }, create: () => 2 });
    await assert.rejects(resolveResources({ ssb }, ["ssb"], {}), (error: unknown) => {
      assert.ok(error instanceof InvalidConfigError);
      assert.match(error.message, /resource "ssb": config "token" needs environment variable SSB_TOKEN, which is not set/);
      return true;
    });
    await assert.rejects(resolveResources({ ssb, db }, ["ssb", "db", "nope"], {}), /SSB_TOKEN.*; resource "db": config "url" needs environment variable DB_URL.*; resource "nope" is not defined/);
  });

  void it("creates in order, disposes in reverse order, once", async () => {
    const events: string[] = [];
    const make = (name: string) =>
      resource({
        config: {},
        create: async () => {
          events.push(`create ${name}`);
          return name;
        },
        dispose: (value) => {
          events.push(`dispose ${value}`);
        },
      });
    const resolved = await resolveResources({ a: make("a"), b: make("b") }, ["a", "b"], {});
    await resolved.dispose();
    await resolved.dispose();
    assert.deepEqual(events, ["create a", "create b", "dispose b", "dispose a"]);
  });

  void it("reports a failed create without the secret, disposing what was created", async () => {
    const events: string[] = [];
    const first = resource({ config: {}, create: () => "first", dispose: () => void events.push("dispose first") });
    const leaky = resource({
      config: { token: secret("SSB_TOKEN") },
      create: ({ token }): string => {
        throw new Error(`login failed for token ${token}`);
      },
    });
    await assert.rejects(resolveResources({ first, leaky }, ["first", "leaky"], { SSB_TOKEN: TOKEN }), (error: unknown) => {
      assert.ok(error instanceof ResourceError);
      assert.equal(error.resource, "leaky");
      assert.match(error.message, /^resource "leaky": create failed: login failed for token \[REDACTED\]$/);
      assert.ok(!JSON.stringify(serializeError(error)).includes(TOKEN), "the secret must not appear anywhere in the serialised error");
      return true;
    });
    assert.deepEqual(events, ["dispose first"]);
  });

  void it("reports dispose failures, redacted", async () => {
    const r = resource({
      config: { token: secret("T") },
      create: ({ token }) => token,
      dispose: (token) => {
        throw new Error(`could not revoke ${token}`);
      },
    });
    const resolved = await resolveResources({ r }, ["r"], { T: TOKEN });
    await assert.rejects(resolved.dispose(), (error: unknown) => {
      assert.ok(error instanceof ResourceError);
      assert.equal(error.phase, "dispose");
      assert.match(error.message, /resource "r": dispose failed: could not revoke \[REDACTED\]/);
      assert.ok(!JSON.stringify(serializeError(error)).includes(TOKEN));
      return true;
    });
  });
});

void describe("redactor()", () => {
  void it("replaces every occurrence of each secret, longest first", () => {
    const redact = redactor(["abcd", "abcdef", "xyz12345", "abc"]);
    assert.equal(redact("abcdef abcd abc xyz12345xyz12345"), "[REDACTED] [REDACTED] abc [REDACTED][REDACTED]");
  });
  void it("ignores short and empty values and escapes regex characters", () => {
    assert.equal(redactor(["", "ab"])("ab ab"), "ab ab");
    assert.equal(redactor(["a.b*c(d)"])("x a.b*c(d) axbbc"), "x [REDACTED] axbbc");
  });
});
