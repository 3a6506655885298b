/**
 * Configuration stages: defaults, environment overrides, flyt.yaml validation, secrets from files.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { InvalidConfigError } from "@flyt/core";
import { loadConfig, maskDatabaseUrl } from "./config.js";

const dir = () => mkdtempSync(join(tmpdir(), "flyt-config-"));

describe("config", () => {
  it("defaults to SQLite under .flyt/ in the working directory and the subprocess launcher", () => {
    const cwd = dir();
    const config = loadConfig({ cwd, env: {} });
    assert.equal(config.storage.databaseUrl, null);
    assert.equal(config.storage.sqlitePath, join(cwd, ".flyt", "flyt.db"));
    assert.equal(config.execution.launcher, "subprocess");
    assert.equal(config.execution.parallelism, 4);
  });

  it("takes FLYT_DATABASE_URL, FLYT_HOME and flags over the file", () => {
    const cwd = dir();
    writeFileSync(join(cwd, "flyt.yaml"), "execution:\n  launcher: in-process\n  parallelism: 2\n");
    const config = loadConfig({
      cwd,
      env: { FLYT_DATABASE_URL: "postgres://u:p@localhost/db", FLYT_HOME: "state" },
      flags: { parallelism: "8" },
    });
    assert.equal(config.storage.databaseUrl, "postgres://u:p@localhost/db");
    assert.equal(config.home, join(cwd, "state"));
    assert.equal(config.execution.launcher, "in-process");
    assert.equal(config.execution.parallelism, 8);
  });

  it("reads the database URL from a mounted file", () => {
    const cwd = dir();
    writeFileSync(join(cwd, "db-url"), "postgresql://flyt:secret@db:5432/flyt\n");
    writeFileSync(join(cwd, "flyt.yaml"), "storage:\n  databaseUrlFile: db-url\n");
    assert.equal(loadConfig({ cwd, env: {} }).storage.databaseUrl, "postgresql://flyt:secret@db:5432/flyt");
  });

  it("names the unknown key in flyt.yaml", () => {
    const cwd = dir();
    writeFileSync(join(cwd, "flyt.yaml"), "execution:\n  paralelism: 2\n");
    assert.throws(() => loadConfig({ cwd, env: {} }), (e: unknown) => e instanceof InvalidConfigError && /paralelism/.test(e.message));
  });

  it("rejects a database URL no storage backend opens and a bad parallelism with clear messages", () => {
    const cwd = dir();
    assert.throws(() => loadConfig({ cwd, env: { FLYT_DATABASE_URL: "mysql://x" } }), /FLYT_DATABASE_URL.*expected postgres:\/\/ or postgresql:\/\/ \(PostgreSQL/);
    const withFile = dir();
    writeFileSync(join(withFile, "db-url"), "mysql://u:hunter2@db/flyt\n");
    writeFileSync(join(withFile, "flyt.yaml"), "storage:\n  databaseUrlFile: db-url\n");
    assert.throws(
      () => loadConfig({ cwd: withFile, env: {} }),
      (e: unknown) => e instanceof InvalidConfigError && /storage\.databaseUrlFile/.test(e.message) && /u:\*\*\*@db/.test(e.message) && !e.message.includes("hunter2"),
    );
    assert.throws(() => loadConfig({ cwd, env: { FLYT_PARALLELISM: "zero" } }), /parallelism.*"zero"/);
    assert.throws(() => loadConfig({ cwd, env: {}, flags: { launcher: "k8s" } }), /unknown launcher "k8s"/);
  });

  it("reads execution.launcher kubernetes with its kubernetes: block and each location's image settings", () => {
    const cwd = dir();
    writeFileSync(
      join(cwd, "flyt.yaml"),
      [
        "execution:",
        "  launcher: kubernetes",
        "kubernetes:",
        "  namespace: flyt",
        "  ingestUrl: http://flyt-webserver.flyt.svc.cluster.local:3000",
        "  serviceAccount: flyt-run",
        "  imagePullSecrets: [regcred]",
        "  ttlSecondsAfterFinished: 600",
        "  resources: { requests: { cpu: 200m, memory: 512Mi }, limits: { memory: 2Gi } }",
        "locations:",
        "  - name: atlas",
        "    url: http://flyt-loc-atlas:4000",
        "    kubernetes:",
        "      image: registry.example.com/atlas/flyt-code",
        "      tag: '1.4.2'",
        "      resources: { limits: { memory: 3Gi } }",
        "      env: { TZ: Europe/Oslo }",
        "  - name: local",
        "    file: defs.ts",
      ].join("\n"),
    );
    const config = loadConfig({ cwd, env: {} });
    assert.equal(config.execution.launcher, "kubernetes");
    assert.equal(config.kubernetes.launcher?.namespace, "flyt");
    assert.equal(config.kubernetes.launcher?.ttlSecondsAfterFinished, 600);
    assert.deepEqual(config.kubernetes.launcher?.imagePullSecrets, ["regcred"]);
    assert.equal(config.kubernetes.launcher?.scheduleTimeoutSeconds, 300, "defaults applied");
    assert.deepEqual(Object.keys(config.kubernetes.locations), ["atlas"]);
    assert.equal(config.kubernetes.locations.atlas?.tag, "1.4.2");
    assert.deepEqual(config.kubernetes.locations.atlas?.env, { TZ: "Europe/Oslo" });
    assert.deepEqual(config.locations, [
      { name: "atlas", url: "http://flyt-loc-atlas:4000" },
      { name: "local", file: join(cwd, "defs.ts") },
    ]);
  });

  it("accepts the top-level launcher: shorthand the Helm chart writes, and refuses a contradiction", () => {
    const cwd = dir();
    writeFileSync(join(cwd, "flyt.yaml"), "launcher: kubernetes\nkubernetes:\n  ingestUrl: http://flyt:3000\n");
    assert.equal(loadConfig({ cwd, env: {} }).execution.launcher, "kubernetes");
    writeFileSync(join(cwd, "flyt.yaml"), "launcher: kubernetes\nexecution:\n  launcher: subprocess\nkubernetes:\n  ingestUrl: http://flyt:3000\n");
    assert.throws(() => loadConfig({ cwd, env: {} }), /launcher: kubernetes and execution\.launcher: subprocess disagree/);
  });

  it("names the field at fault in Kubernetes settings", () => {
    const cwd = dir();
    const cases: Array<[string, RegExp]> = [
      ["execution:\n  launcher: kubernetes\n", /kubernetes: the launcher kubernetes needs a kubernetes: block/],
      ["kubernetes:\n  namespace: flyt\n", /kubernetes\.ingestUrl: Required/],
      ["kubernetes:\n  ingestUrl: http://flyt:3000\n  resources: { limits: { memory: 512m } }\n", /kubernetes\.resources\.limits\.memory: .*512Mi/],
      ["kubernetes:\n  ingestUrl: http://flyt:3000\n  serviceAcount: x\n", /serviceAcount/],
      ["locations:\n  - name: a\n    url: http://a:4000\n    kubernetes: { image: registry.example.com/a, tag: latest }\n", /locations\.0\.kubernetes\.tag: "latest" is not allowed/],
      ["locations:\n  - name: a\n    url: http://a:4000\n    kubernetes: { image: registry.example.com/a }\n", /locations\.0\.kubernetes\.tag: give a tag \(not latest\) or a digest/],
      ["locations:\n  - name: a\n    url: http://a:4000\n    kubernetes: { image: 'registry.example.com/a:1.0', tag: '1.0' }\n", /locations\.0\.kubernetes\.image: image must be a repository name without tag/],
      ["locations:\n  - name: a\n    url: http://a:4000\n    kubernetes: { image: registry.example.com/a, digest: sha256:abc }\n", /locations\.0\.kubernetes\.digest/],
      ["locations:\n  - name: a\n    url: http://a:4000\n    file: defs.ts\n", /locations\.0\.file: give exactly one of file: .* or url:/],
      ["locations:\n  - name: a\n", /locations\.0\.file: give exactly one of file/],
    ];
    for (const [yaml, expected] of cases) {
      writeFileSync(join(cwd, "flyt.yaml"), yaml);
      assert.throws(() => loadConfig({ cwd, env: {} }), (e: unknown) => e instanceof InvalidConfigError && expected.test(e.message), `${yaml} → ${String(expected)}`);
    }
  });

  it("reads the log level and format and the daemon's lease ttl from the environment, naming a bad variable", () => {
    const cwd = dir();
    const defaults = loadConfig({ cwd, env: {} });
    assert.deepEqual(defaults.logging, { level: "info", pretty: null });
    assert.equal(defaults.daemon.leaseTtlMs, null);
    const given = loadConfig({ cwd, env: { FLYT_LOG_LEVEL: " WARN ", FLYT_LOG_PRETTY: "0", FLYT_DAEMON_LEASE_TTL_MS: "4000" } });
    assert.deepEqual(given.logging, { level: "warn", pretty: false });
    assert.equal(given.daemon.leaseTtlMs, 4000);
    assert.deepEqual(loadConfig({ cwd, env: { FLYT_LOG_LEVEL: "", FLYT_LOG_PRETTY: "true", FLYT_DAEMON_LEASE_TTL_MS: "" } }).logging, { level: "info", pretty: true });
    assert.throws(() => loadConfig({ cwd, env: { FLYT_LOG_LEVEL: "loud" } }), /FLYT_LOG_LEVEL: expected one of trace, debug.*"loud"/);
    assert.throws(() => loadConfig({ cwd, env: { FLYT_LOG_PRETTY: "yes" } }), /FLYT_LOG_PRETTY: expected 1 or true/);
    assert.throws(() => loadConfig({ cwd, env: { FLYT_DAEMON_LEASE_TTL_MS: "-5" } }), /FLYT_DAEMON_LEASE_TTL_MS: expected a positive number/);
  });

  it("masks passwords in database URLs", () => {
    assert.equal(maskDatabaseUrl("postgres://flyt:s3cret@db:5432/flyt"), "postgres://flyt:***@db:5432/flyt");
  });

  it("compiles the alerts section with secrets from the environment, and the daemon's metrics port", () => {
    const cwd = dir();
    writeFileSync(
      join(cwd, "flyt.yaml"),
      [
        "daemon:",
        "  metricsPort: 9464",
        "alerts:",
        "  channels:",
        "    slack:",
        "      type: slack",
        "      urlEnv: FLYT_SLACK_WEBHOOK_URL",
        "  rules:",
        "    - name: failures",
        "      on: run_failure",
        "      channels: [slack]",
      ].join("\n"),
    );
    assert.throws(() => loadConfig({ cwd, env: {} }), /FLYT_SLACK_WEBHOOK_URL/);
    const config = loadConfig({ cwd, env: { FLYT_SLACK_WEBHOOK_URL: "https://hooks.example.org/T000/B000/secret" } });
    assert.ok(config.alerts, "alerts compiled");
    assert.equal(config.daemon.metricsPort, 9464);
    assert.equal(loadConfig({ cwd, env: { FLYT_SLACK_WEBHOOK_URL: "https://hooks.example.org/x", FLYT_DAEMON_METRICS_PORT: "9100" } }).daemon.metricsPort, 9100);
    assert.throws(() => loadConfig({ cwd, env: { FLYT_SLACK_WEBHOOK_URL: "https://hooks.example.org/x", FLYT_DAEMON_METRICS_PORT: "lots" } }), /FLYT_DAEMON_METRICS_PORT/);
    assert.equal(loadConfig({ cwd: dir(), env: {} }).alerts, null);
  });
});
