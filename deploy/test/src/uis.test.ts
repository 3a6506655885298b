/**
 * The UIS integration files (deploy/uis/) follow UIS's conventions and agree with the chart: the
 * service metadata, the IngressRoute and secrets block (kubeconform, strict), the playbooks' shape
 * (numbered tasks, no_log on every task that touches a password, helm upgrade --install --wait,
 * the database kept on removal, run/assert/display checks), and the GraphQL queries of the test
 * playbook validated against the webserver's committed schema. Ansible itself is not run here.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { buildSchema, parse as parseGraphql, validate } from "graphql";
import { parse as parseYaml, parseAllDocuments } from "yaml";
import { helmTemplate, KUBE_VERSIONS, kubeconform, parseManifests, REPO, UIS } from "./tools.js";

const NUMBER = "365";
type Task = Record<string, any> & { name: string };
type Play = { name: string; hosts: string; connection: string; gather_facts: boolean; vars: Record<string, any>; tasks: Task[] };

const playbook = (kind: "setup" | "remove" | "test"): Play => {
  const plays = parseYaml(readFileSync(join(UIS, `ansible/playbooks/${NUMBER}-${kind}-flyt.yml`), "utf8")) as Play[];
  assert.equal(plays.length, 1);
  return plays[0]!;
};

function serviceMetadata(): Record<string, string> {
  const text = readFileSync(join(UIS, "provision-host/uis/services/analytics/service-flyt.sh"), "utf8");
  const entries = [...text.matchAll(/^([A-Z_]+)="(.*)"/gm)].map((m) => [m[1]!, m[2]!] as const);
  return Object.fromEntries(entries);
}

describe("UIS integration files", () => {
  it("service-flyt.sh carries the metadata UIS reads, pointing at files that exist", () => {
    const meta = serviceMetadata();
    for (const key of ["SCRIPT_ID", "SCRIPT_NAME", "SCRIPT_DESCRIPTION", "SCRIPT_CATEGORY", "SCRIPT_PLAYBOOK", "SCRIPT_CHECK_COMMAND", "SCRIPT_REMOVE_PLAYBOOK", "SCRIPT_REQUIRES", "SCRIPT_PRIORITY", "SCRIPT_NAMESPACE", "SCRIPT_ABSTRACT", "SCRIPT_SUMMARY", "SCRIPT_TAGS", "SCRIPT_DOCS"]) {
      assert.ok(meta[key], `${key} is set`);
    }
    assert.equal(meta.SCRIPT_ID, "flyt");
    assert.equal(meta.SCRIPT_CATEGORY, "ANALYTICS");
    assert.equal(meta.SCRIPT_REQUIRES, "postgresql");
    const number = Number(NUMBER);
    assert.ok(number >= 300 && number <= 399 && number !== 360, "ANALYTICS range, not Dagster's 360");
    assert.equal(meta.SCRIPT_PLAYBOOK, `${NUMBER}-setup-flyt.yml`);
    assert.equal(meta.SCRIPT_REMOVE_PLAYBOOK, `${NUMBER}-remove-flyt.yml`);
    for (const file of [meta.SCRIPT_PLAYBOOK, meta.SCRIPT_REMOVE_PLAYBOOK, `${NUMBER}-test-flyt.yml`]) assert.ok(existsSync(join(UIS, "ansible/playbooks", file)), file);
    for (const file of [`${NUMBER}-flyt-config.yaml`, `${NUMBER}-flyt-ingressroute.yaml`]) assert.ok(existsSync(join(UIS, "manifests", file)), file);
    assert.ok(existsSync(join(UIS, "website/docs/services/analytics/flyt.md")), "docs page");
  });

  it("the in-cluster address and the IngressRoute point at the Service the chart renders for release flyt", async () => {
    const meta = serviceMetadata();
    const rendered = await helmTemplate([join(UIS, `manifests/${NUMBER}-flyt-config.yaml`)]);
    assert.equal(rendered.code, 0, rendered.stderr);
    const service = parseManifests(rendered.stdout).find((m) => m.kind === "Service" && m.metadata.name === meta.SCRIPT_IN_CLUSTER_NAME);
    assert.ok(service, `the chart renders Service ${meta.SCRIPT_IN_CLUSTER_NAME}`);
    assert.equal(String(service.spec.ports[0].port), meta.SCRIPT_IN_CLUSTER_PORT);

    const route = parseManifests(readFileSync(join(UIS, `manifests/${NUMBER}-flyt-ingressroute.yaml`), "utf8"))[0]!;
    assert.equal(route.apiVersion, "traefik.io/v1alpha1");
    assert.deepEqual(route.spec.entryPoints, ["web"], "entryPoint web only: internal");
    assert.equal(route.spec.routes[0].match, "HostRegexp(`flyt\\..+`)");
    assert.deepEqual(route.spec.routes[0].services, [{ name: service.metadata.name, port: service.spec.ports[0].port }]);
  });

  for (const version of KUBE_VERSIONS) {
    it(`the IngressRoute and the secrets block are valid manifests for Kubernetes ${version} (kubeconform, strict)`, async () => {
      const files = [join(UIS, `manifests/${NUMBER}-flyt-ingressroute.yaml`), join(UIS, "provision-host/uis/templates/secrets-templates/00-master-secrets-flyt-block.yml")];
      const report = await kubeconform(files, version);
      const bad = report.resources.filter((r) => r.status !== "statusValid");
      assert.deepEqual(bad, []);
      assert.equal(report.summary.valid, 3);
    });
  }

  it("the secrets block is a Namespace followed by its urbalurba-secrets with the database password", () => {
    const docs = parseAllDocuments(readFileSync(join(UIS, "provision-host/uis/templates/secrets-templates/00-master-secrets-flyt-block.yml"), "utf8")).map((d) => d.toJS());
    assert.deepEqual(docs.map((d) => `${d.kind}/${d.metadata.name}`), ["Namespace/flyt", "Secret/urbalurba-secrets"]);
    assert.equal(docs[1].metadata.namespace, "flyt");
    assert.equal(docs[1].stringData.FLYT_POSTGRES_PASSWORD, "${FLYT_POSTGRES_PASSWORD}");
    const env = readFileSync(join(UIS, "provision-host/uis/templates/secrets-templates/00-common-values-flyt-block.env"), "utf8");
    const value = /^FLYT_POSTGRES_PASSWORD=(.+)$/m.exec(env)?.[1];
    assert.ok(value && !/[!$`\\"@:/?#%]/.test(value), "the example password avoids the characters UIS and URLs forbid");
  });

  it("the code-locations example declares name, image, a pinned tag and why for each entry", () => {
    const parsed = parseYaml(readFileSync(join(UIS, ".uis.extend/flyt-code-locations.yaml"), "utf8")) as { code_locations: Record<string, any>[] };
    assert.ok(parsed.code_locations.length > 0);
    for (const l of parsed.code_locations) {
      for (const key of ["name", "image", "tag", "why"]) assert.ok(String(l[key] ?? "").trim(), `${String(l.name)}: ${key}`);
      assert.notEqual(String(l.tag).toLowerCase(), "latest");
    }
  });

  for (const kind of ["setup", "remove", "test"] as const) {
    it(`${NUMBER}-${kind}-flyt.yml: a local play of named tasks, no_log wherever a password is handled`, () => {
      const play = playbook(kind);
      assert.equal(play.hosts, "localhost");
      assert.equal(play.connection, "local");
      assert.equal(play.gather_facts, false);
      assert.equal(play.vars._target, "{{ target_host | default('rancher-desktop') }}");
      assert.ok(play.tasks.length > 0);
      for (const task of play.tasks) {
        assert.match(task.name, /^[A-Z]?\d+[a-z]?\. \S/, `task name numbered: ${task.name}`);
        // A password or API token is in play where a task reads it from a Secret or uses its value (a `when` on its length is not).
        const body = JSON.stringify({ ...task, name: "", when: "" });
        if (/pg_admin_pw\.stdout|flyt_db_pw\.stdout|jsonpath=.*PASSWORD|\bflyt_token\b|flyt-api-token/.test(body)) {
          assert.equal(task.no_log, true, `no_log on "${task.name}"`);
        }
      }
    });
  }

  it("setup: namespace, idempotent role and database, the chart's Secret, helm upgrade --install --wait, API health", () => {
    const tasks = playbook("setup").tasks;
    const text = (t: Task) => JSON.stringify(t);
    const index = (re: RegExp) => tasks.findIndex((t) => re.test(text(t)));
    const order = [/kind":"Namespace/, /pg_roles WHERE rolname='flyt'/, /CREATE ROLE flyt/, /ALTER ROLE flyt/, /pg_database WHERE datname='flyt'/, /CREATE DATABASE flyt OWNER flyt/, /"name":"flyt-db"/, /helm upgrade --install/, /readyz/];
    const positions = order.map((re) => index(re));
    assert.ok(positions.every((p) => p >= 0), `every step present: ${positions.join(",")}`);
    assert.deepEqual([...positions].sort((a, b) => a - b), positions, "in this order");
    for (const re of [/CREATE ROLE/, /CREATE DATABASE/]) assert.ok(tasks.find((t) => re.test(text(t)))!.when, `${String(re)} only when missing`);
    const helm = tasks.find((t) => /helm upgrade --install/.test(text(t)))!;
    assert.match(text(helm), /--wait/);
    assert.match(text(helm), /365-flyt-config.yaml|flyt_config_file/);
    assert.ok(tasks.some((t) => t["ansible.builtin.assert"] && /'latest'/.test(text(t))), "latest rejected");
  });

  it("remove: uninstalls the release and keeps the database", () => {
    const tasks = playbook("remove").tasks;
    const all = JSON.stringify(tasks);
    assert.match(all, /helm uninstall/);
    assert.doesNotMatch(all, /DROP (DATABASE|ROLE)/i);
  });

  it("test: run/assert/display checks A–E, GraphQL queries valid against the webserver's schema", () => {
    const play = playbook("test");
    for (const check of ["A", "B", "C", "D", "E"]) {
      const names = play.tasks.filter((t) => t.name.startsWith(check)).map((t) => t.name);
      assert.ok(names.length >= 3, `check ${check} has run/assert/display: ${names.join(" | ")}`);
      assert.ok(play.tasks.some((t) => t.name.startsWith(check) && t["ansible.builtin.assert"]), `check ${check} asserts`);
    }
    const schema = buildSchema(readFileSync(join(REPO, "packages/webserver/schema.graphql"), "utf8"));
    const queries = Object.entries(play.vars).filter(([key]) => key.startsWith("flyt_query_"));
    assert.deepEqual(queries.map(([k]) => k).sort(), ["flyt_query_daemon", "flyt_query_locations", "flyt_query_schedules"]);
    for (const [key, query] of queries) assert.deepEqual(validate(schema, parseGraphql(String(query))).map((e) => e.message), [], key);
    assert.ok(validate(schema, parseGraphql("{ daemon { heartbeatAge } }")).length > 0, "validation can fail");
  });
});
