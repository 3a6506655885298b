/**
 * The Helm chart deploy/helm/flyt: `helm lint` and `helm template` for the default values, every
 * option switched on, and the UIS values (with the example code locations mapped as the setup
 * playbook maps them); every rendered manifest validated by kubeconform (strict, offline schemas,
 * Kubernetes 1.29 and 1.37); the rendered flyt.yaml read whole by the CLI's own config loader (auth,
 * launcher, alerts with secrets from the pod's environment, the daemon's metrics port) and the
 * Kubernetes launcher's schemas; the daemon's probes and scrape annotations on its metrics port;
 * `latest`, alert variables without a Secret and other bad values rejected with a clear message.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { compileConfig, readGivenConfig } from "@flyt/cli";
import { parseKubernetesLauncherConfig, parseKubernetesLocationConfig } from "@flyt/launcher-kubernetes";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { CHART, helmPath, helmTemplate, KUBE_VERSIONS, kubeconform, parseManifests, REPO, runCommand, UIS, uisLocationsToValues, type Manifest } from "./tools.js";

const work = mkdtempSync(join(tmpdir(), "flyt-chart-"));
after(() => rmSync(work, { recursive: true, force: true }));

const FULL = join(REPO, "deploy/test/fixtures/values-full.yaml");
const UIS_VALUES = join(UIS, "manifests/365-flyt-config.yaml");

const uisLocationsFile = join(work, "uis-locations.yaml");
writeFileSync(uisLocationsFile, stringifyYaml(uisLocationsToValues(join(UIS, ".uis.extend/flyt-code-locations.yaml"))));

const VALUE_SETS: Record<string, string[]> = {
  default: [],
  full: [FULL],
  uis: [UIS_VALUES, uisLocationsFile],
};

const rendered = new Map<string, Manifest[]>();
before(async () => {
  for (const [name, files] of Object.entries(VALUE_SETS)) {
    const result = await helmTemplate(files);
    assert.equal(result.code, 0, `helm template (${name}) failed: ${result.stderr}`);
    writeFileSync(join(work, `${name}.yaml`), result.stdout);
    rendered.set(name, parseManifests(result.stdout));
  }
});

const find = (set: string, kind: string, name: string): Manifest => {
  const found = rendered.get(set)!.find((m) => m.kind === kind && m.metadata.name === name);
  assert.ok(found, `${set}: no ${kind} ${name} among ${rendered.get(set)!.map((m) => `${m.kind}/${m.metadata.name}`).join(", ")}`);
  return found;
};
const podSpecs = (set: string) =>
  rendered
    .get(set)!
    .filter((m) => m.kind === "Deployment" || m.kind === "Job")
    .map((m) => ({ name: `${m.kind}/${m.metadata.name}`, spec: m.spec.template.spec }));

/** The flyt.yaml of a value set, as the CLI would read it from /etc/flyt/flyt.yaml. */
function flytYaml(set: string): Record<string, any> {
  return parseYaml(find(set, "ConfigMap", "flyt-config").data["flyt.yaml"]) as Record<string, any>;
}

describe("helm chart", () => {
  for (const [name, files] of Object.entries(VALUE_SETS)) {
    it(`helm lint passes (${name} values)`, async () => {
      const args = ["lint", CHART, "--strict", "--namespace", "flyt", "--kube-version", KUBE_VERSIONS[0]!];
      for (const f of files) args.push("-f", f);
      const result = await runCommand(helmPath(), args);
      assert.equal(result.code, 0, `helm lint (${name}):\n${result.stdout}\n${result.stderr}`);
      assert.match(result.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    });

    for (const version of KUBE_VERSIONS) {
      it(`every manifest rendered with the ${name} values is valid for Kubernetes ${version} (kubeconform, strict)`, async () => {
        const report = await kubeconform([join(work, `${name}.yaml`)], version);
        const bad = report.resources.filter((r) => r.status !== "statusValid");
        assert.deepEqual(bad, [], `kubeconform: ${JSON.stringify(bad, null, 2)}`);
        assert.equal(report.summary.valid, rendered.get(name)!.length, "every rendered manifest was validated");
        assert.equal(report.summary.skipped, 0);
      });
    }
  }

  it("kubeconform does reject a broken manifest (the validation can fail)", async () => {
    const broken = parseManifests(readFileSync(join(work, "default.yaml"), "utf8")).find((m) => m.metadata.name === "flyt-webserver" && m.kind === "Deployment")!;
    broken.spec.template.spec.containers[0].livenessProbe.httpGet.portt = 3000;
    const file = join(work, "broken.yaml");
    writeFileSync(file, stringifyYaml(broken));
    const report = await kubeconform([file], KUBE_VERSIONS[0]!);
    assert.equal(report.summary.invalid, 1);
  });

  it("renders the webserver, the daemon with 2 replicas, the migration hook and the launcher RBAC by default", () => {
    const web = find("default", "Deployment", "flyt-webserver");
    assert.equal(web.spec.replicas, 1);
    const container = web.spec.template.spec.containers[0];
    assert.deepEqual(container.args.slice(0, 1), ["webserver"]);
    assert.equal(container.livenessProbe.httpGet.path, "/healthz");
    assert.equal(container.readinessProbe.httpGet.path, "/readyz");
    assert.equal(web.spec.template.metadata.annotations["prometheus.io/scrape"], "true");
    assert.equal(web.spec.template.metadata.annotations["prometheus.io/path"], "/metrics");
    assert.equal(find("default", "Service", "flyt-webserver").spec.ports[0].port, 3000);
    assert.equal(find("default", "Deployment", "flyt-daemon").spec.replicas, 2);

    const job = find("default", "Job", "flyt-migrate");
    assert.equal(job.metadata.annotations?.["helm.sh/hook"], "pre-install,pre-upgrade");
    assert.deepEqual(job.spec.template.spec.containers[0].args, ["migrate"]);

    const role = find("default", "Role", "flyt-launcher");
    const verbs = (group: string, resource: string) => role.rules.find((r: any) => r.apiGroups.includes(group) && r.resources.includes(resource))?.verbs ?? [];
    for (const verb of ["create", "watch", "delete"]) assert.ok(verbs("batch", "jobs").includes(verb), `jobs ${verb}`);
    for (const verb of ["create", "delete"]) assert.ok(verbs("", "secrets").includes(verb), `secrets ${verb}`);
    assert.ok(!verbs("", "secrets").includes("get"), "the launcher never reads Secrets");
    for (const resource of ["pods", "pods/log"]) assert.deepEqual(verbs("", resource), ["get", "list", "watch"]);
    assert.ok(!rendered.get("default")!.some((m) => m.kind === "ClusterRole" || m.kind === "ClusterRoleBinding"), "namespace only");
    const binding = find("default", "RoleBinding", "flyt-launcher");
    assert.deepEqual(binding.subjects, [{ kind: "ServiceAccount", name: "flyt", namespace: "flyt" }]);
  });

  for (const set of Object.keys(VALUE_SETS)) {
    it(`every pod runs non-root with a read-only root filesystem and a writable /tmp (${set})`, () => {
      for (const { name, spec } of podSpecs(set)) {
        assert.equal(spec.securityContext.runAsNonRoot, true, name);
        assert.equal(typeof spec.securityContext.runAsUser, "number", name);
        assert.ok(spec.volumes.some((v: any) => v.name === "tmp" && v.emptyDir), `${name}: emptyDir for /tmp`);
        for (const c of spec.containers) {
          assert.equal(c.securityContext.readOnlyRootFilesystem, true, name);
          assert.equal(c.securityContext.allowPrivilegeEscalation, false, name);
          assert.deepEqual(c.securityContext.capabilities.drop, ["ALL"], name);
          assert.ok(c.volumeMounts.some((m: any) => m.mountPath === "/tmp"), `${name}: /tmp mounted`);
          assert.ok(c.resources.requests.memory && c.resources.limits.memory, `${name}: memory request and limit`);
        }
      }
    });
  }

  it("one Deployment + Service per code location, from its image, with its env and secrets, token not mounted", () => {
    const atlas = find("full", "Deployment", "flyt-loc-atlas");
    const pod = atlas.spec.template.spec;
    const c = pod.containers[0];
    assert.equal(c.image, "registry.example.com/atlas/flyt-code:1.4.2");
    assert.deepEqual(c.args, ["code-server", "--host", "0.0.0.0", "--port", "4000", "--name", "atlas", "--file", "/app/code/dist/definitions.js"]);
    assert.equal(c.livenessProbe.httpGet.path, "/v1/health");
    assert.deepEqual(c.envFrom, [{ secretRef: { name: "atlas-db" } }]);
    assert.deepEqual(c.env.find((e: any) => e.name === "API_KEY").valueFrom, { secretKeyRef: { name: "atlas-secrets", key: "api-key" } });
    assert.ok(!c.env.some((e: any) => e.name.startsWith("FLYT_DB") || e.name === "FLYT_DATABASE_URL"), "code locations never get the metadata database");
    assert.equal(pod.automountServiceAccountToken, false);
    assert.equal(find("full", "Service", "flyt-loc-atlas").spec.ports[0].port, 4000);
    assert.equal(find("full", "Deployment", "flyt-loc-weather").spec.template.spec.containers[0].image, `registry.example.com/weather@sha256:${"2".repeat(64)}`);
    assert.equal(find("full", "Deployment", "flyt-webserver").spec.template.spec.containers[0].image, `ghcr.io/flyt-dev/flyt:0.1.0@sha256:${"1".repeat(64)}`);
  });

  it("takes the database from the existing Secret: a DATABASE_URL key, or host/user/password keys", () => {
    const env = (set: string) => find(set, "Deployment", "flyt-daemon").spec.template.spec.containers[0].env as any[];
    assert.deepEqual(env("default").find((e) => e.name === "FLYT_DATABASE_URL").valueFrom, { secretKeyRef: { name: "flyt-db", key: "DATABASE_URL" } });
    const parts = env("full");
    const names = parts.map((e) => e.name);
    // $(VAR) expansion only sees variables defined earlier in the list.
    assert.ok(names.indexOf("FLYT_DB_PASSWORD") < names.indexOf("FLYT_DATABASE_URL"));
    assert.equal(parts.find((e) => e.name === "FLYT_DATABASE_URL").value, "postgresql://$(FLYT_DB_USER):$(FLYT_DB_PASSWORD)@$(FLYT_DB_HOST):5432/flyt");
    assert.deepEqual(parts.find((e) => e.name === "FLYT_DB_PASSWORD").valueFrom, { secretKeyRef: { name: "pg-credentials", key: "password" } });
    const migrate = find("full", "Job", "flyt-migrate").spec.template.spec.containers[0].env as any[];
    assert.ok(migrate.some((e) => e.name === "FLYT_DATABASE_URL"), "the migration hook gets the database too");
    assert.ok(!JSON.stringify(find("full", "ConfigMap", "flyt-config")).includes("password"), "no credentials in the ConfigMap");
  });

  it("optional Ingress, Traefik IngressRoute and ServiceMonitor render only when enabled", () => {
    assert.equal(rendered.get("default")!.filter((m) => ["Ingress", "IngressRoute", "ServiceMonitor"].includes(m.kind)).length, 0);
    const route = find("full", "IngressRoute", "flyt");
    assert.equal(route.spec.routes[0].match, "HostRegexp(`flyt\\..+`)");
    assert.deepEqual(route.spec.entryPoints, ["web"]);
    assert.equal(find("full", "Ingress", "flyt").spec.rules[0].host, "flyt.example.org");
    assert.equal(find("full", "ServiceMonitor", "flyt").spec.endpoints[0].path, "/metrics");
  });

  /** The environment a platform pod gets from the alert Secrets: the variable names its Deployment declares, with stand-in values. */
  const alertEnv = (set: string, deployment: string): NodeJS.ProcessEnv => {
    const env = find(set, "Deployment", deployment).spec.template.spec.containers[0].env as any[];
    return Object.fromEntries(env.filter((e) => e.valueFrom?.secretKeyRef?.name === "flyt-alerts").map((e) => [e.name, e.name === "FLYT_SLACK_WEBHOOK_URL" ? "https://hooks.slack.com/services/T0/B0/x" : "s3cret"]));
  };

  for (const set of Object.keys(VALUE_SETS)) {
    it(`the rendered flyt.yaml is read whole by the CLI's config loader (auth, launcher, kubernetes, alerts, daemon metrics) (${set})`, () => {
      const config = flytYaml(set);
      const dir = mkdtempSync(join(work, "cfg-"));
      writeFileSync(join(dir, "flyt.yaml"), find(set, "ConfigMap", "flyt-config").data["flyt.yaml"] as string);
      // The daemon and the webserver each load the file with their own pod's environment.
      for (const deployment of ["flyt-daemon", "flyt-webserver"]) {
        const compiled = compileConfig(readGivenConfig(dir, { FLYT_CONFIG: join(dir, "flyt.yaml"), ...alertEnv(set, deployment) }, {}));
        assert.equal(compiled.webserver.host, "0.0.0.0");
        assert.equal(compiled.webserver.publicUrl, "http://flyt-webserver.flyt.svc.cluster.local:3000");
        assert.deepEqual(
          compiled.locations.map((l) => l.name),
          set === "default" ? [] : set === "full" ? ["atlas", "weather"] : ["atlas"],
        );
        for (const l of compiled.locations) assert.ok("url" in l && l.url === `http://flyt-loc-${l.name}.flyt.svc.cluster.local:4000`);
        if (set === "uis") assert.equal(compiled.daemon.queue.maxConcurrentRuns, 4);
        assert.equal(compiled.kubernetes.launcher?.ingestUrl, "http://flyt-webserver.flyt.svc.cluster.local:3000", "the CLI selects the Kubernetes launcher");
        assert.equal(compiled.kubernetes.launcher?.serviceAccount, "flyt-run");
        assert.deepEqual(Object.keys(compiled.kubernetes.locations).sort(), compiled.locations.map((l) => l.name).sort());
        const port = find(set, "Deployment", "flyt-daemon").spec.template.spec.containers[0].ports[0].containerPort as number;
        assert.equal(compiled.daemon.metricsPort, port, "the daemon listens where its probes and annotations point");
        if (set === "full") {
          assert.equal(compiled.auth.mode, "forwarded");
          assert.deepEqual(compiled.auth.trustedProxies, ["10.42.0.0/16"]);
          assert.deepEqual(compiled.auth.roles, { admin: ["flyt-admins"], operator: ["flyt-operators"] });
          assert.equal(compiled.auth.defaultRole, null);
          assert.deepEqual(compiled.auth.headers.user, ["X-Auth-Request-User"]);
          assert.deepEqual(compiled.auth.headers.groups, [{ name: "X-Auth-Request-Groups", separator: "," }]);
          assert.deepEqual([...compiled.alerts!.channels.keys()].sort(), ["ops", "slack"]);
          assert.deepEqual(compiled.alerts!.rules.map((r) => r.name), ["run-failures", "stale-data"]);
          assert.ok(compiled.alerts!.secrets.includes("s3cret"), "the webhook secret came from the pod's environment");
          assert.deepEqual(config.locations[0].kubernetes.resources, { requests: { memory: "1Gi" }, limits: { memory: "3Gi" } });
        } else {
          assert.equal(compiled.auth.mode, "none");
          assert.equal(config.auth, undefined, "auth.mode none is the webserver's default and is not written");
          assert.equal(compiled.alerts, null);
        }
      }
      for (const settings of (config.locations as any[]).map((l) => l.kubernetes)) parseKubernetesLocationConfig(settings, `${set} location kubernetes`);
      const launcher = parseKubernetesLauncherConfig(config.kubernetes, `${set} flyt.yaml kubernetes`);
      assert.equal(launcher.namespace, "flyt");
      if (set === "full") {
        // Without the alert Secrets in its environment Flyt refuses the file, naming the variable.
        assert.throws(() => compileConfig(readGivenConfig(dir, { FLYT_CONFIG: join(dir, "flyt.yaml") }, {})), /environment variable FLYT_(SLACK_WEBHOOK_URL|ALERT_WEBHOOK_SECRET) is not set/);
      }
    });
  }

  it("the daemon serves /metrics on daemon.metricsPort: container port, probes and scrape annotations there", () => {
    for (const [set, port] of [["default", 9464], ["full", 9100], ["uis", 9464]] as const) {
      const daemon = find(set, "Deployment", "flyt-daemon");
      const c = daemon.spec.template.spec.containers[0];
      assert.deepEqual(c.ports, [{ name: "metrics", containerPort: port, protocol: "TCP" }], set);
      for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"]) assert.deepEqual(c[probe].httpGet, { path: "/metrics", port: "metrics" }, `${set} ${probe}`);
      const annotations = daemon.spec.template.metadata.annotations;
      assert.equal(annotations["prometheus.io/scrape"], "true");
      assert.equal(annotations["prometheus.io/port"], String(port));
      assert.equal(annotations["prometheus.io/path"], "/metrics");
    }
    const service = find("full", "Service", "flyt-daemon-metrics");
    assert.equal(service.spec.clusterIP, "None");
    assert.deepEqual(service.spec.ports, [{ name: "metrics", port: 9100, targetPort: "metrics", protocol: "TCP" }]);
    assert.equal(find("full", "ServiceMonitor", "flyt-daemon").spec.endpoints[0].port, "metrics");
    assert.ok(!rendered.get("default")!.some((m) => m.metadata.name === "flyt-daemon-metrics"), "no daemon Service without the operator");
  });

  it("daemon.metricsPort null: no endpoint in flyt.yaml, no probes, no scrape annotations on the daemon", async () => {
    const result = await helmTemplate([FULL], ["daemon.metricsPort=null"]);
    assert.equal(result.code, 0, result.stderr);
    const manifests = parseManifests(result.stdout);
    const daemon = manifests.find((m) => m.kind === "Deployment" && m.metadata.name === "flyt-daemon")!;
    const c = daemon.spec.template.spec.containers[0];
    assert.equal(c.ports, undefined);
    assert.equal(c.livenessProbe, undefined);
    assert.equal(daemon.spec.template.metadata.annotations["prometheus.io/scrape"], undefined);
    const config = parseYaml(manifests.find((m) => m.kind === "ConfigMap")!.data["flyt.yaml"]) as Record<string, any>;
    assert.equal(config.daemon.metricsPort, undefined);
    assert.ok(!manifests.some((m) => m.metadata.name === "flyt-daemon-metrics" || m.metadata.name === "flyt-daemon" && m.kind === "ServiceMonitor"));
  });

  it("alert channel secrets reach the webserver and daemon from the existing Secret, never the ConfigMap or other pods", () => {
    for (const deployment of ["flyt-daemon", "flyt-webserver"]) {
      const env = find("full", "Deployment", deployment).spec.template.spec.containers[0].env as any[];
      assert.deepEqual(env.find((e) => e.name === "FLYT_SLACK_WEBHOOK_URL").valueFrom, { secretKeyRef: { name: "flyt-alerts", key: "slack-webhook-url" } }, deployment);
      assert.deepEqual(env.find((e) => e.name === "FLYT_ALERT_WEBHOOK_SECRET").valueFrom, { secretKeyRef: { name: "flyt-alerts", key: "webhook-secret" } }, deployment);
    }
    for (const other of [find("full", "Deployment", "flyt-loc-atlas"), find("full", "Job", "flyt-migrate")]) {
      assert.ok(!JSON.stringify(other).includes("flyt-alerts"), `${other.metadata.name} gets no alert secrets`);
    }
    assert.ok(!JSON.stringify(find("full", "ConfigMap", "flyt-config")).includes("hooks.slack.com"));
  });

  it("a config change rolls the pods (checksum annotation follows the ConfigMap)", async () => {
    const changed = await helmTemplate([], ["config.parallelism=8"]);
    assert.equal(changed.code, 0, changed.stderr);
    const checksum = (manifests: Manifest[]) =>
      manifests.find((m) => m.kind === "Deployment" && m.metadata.name === "flyt-daemon")!.spec.template.metadata.annotations["checksum/config"];
    assert.notEqual(checksum(parseManifests(changed.stdout)), checksum(rendered.get("default")!));
  });
});

describe("helm chart rejects bad values with a message naming the value", () => {
  const location = ["codeLocations[0].name=atlas", "codeLocations[0].image=registry.example.com/atlas"];
  const cases: Array<{ what: string; sets: string[]; message: RegExp }> = [
    { what: "a code location tagged latest", sets: [...location, "codeLocations[0].tag=latest"], message: /codeLocations\/0\/tag/ },
    { what: "the platform image tagged latest", sets: ["image.tag=latest"], message: /image\/tag/ },
    { what: "a code location with neither tag nor digest", sets: location, message: /codeLocations\/0/ },
    { what: "a malformed digest", sets: [...location, "codeLocations[0].digest=sha256:abc"], message: /codeLocations\/0\/digest/ },
    { what: "an image with its tag in the repository field", sets: ["codeLocations[0].name=atlas", "codeLocations[0].image=reg/atlas:1.0", "codeLocations[0].tag=1.0"], message: /codeLocations\/0\/image/ },
    { what: "an unknown key (typo)", sets: ["webservr.replicas=2"], message: /webservr/ },
    { what: "an unknown launcher", sets: ["launcher.type=docker"], message: /launcher\/type/ },
    { what: "an alert secret without its key", sets: ["alerts.envSecrets.FLYT_SLACK.secret=flyt-alerts"], message: /alerts\/envSecrets\/FLYT_SLACK/ },
    { what: "a daemon metrics port out of range", sets: ["daemon.metricsPort=70000"], message: /daemon\/metricsPort/ },
    { what: "a location name that is not a DNS label", sets: ["codeLocations[0].name=Atlas_1", "codeLocations[0].image=reg/atlas", "codeLocations[0].tag=v1"], message: /codeLocations\/0\/name/ },
  ];
  for (const c of cases) {
    it(`values.schema.json rejects ${c.what}`, async () => {
      const result = await helmTemplate([], c.sets);
      assert.notEqual(result.code, 0, `expected a failure, got:\n${result.stdout.slice(0, 500)}`);
      assert.match(result.stderr, c.message);
    });
  }

  it("the templates reject latest too when schema validation is skipped", async () => {
    const result = await helmTemplate([], [...location, "codeLocations[0].tag=latest"], ["--skip-schema-validation"]);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /codeLocations\[atlas\]: tag "latest" is not allowed/);
  });

  it("the templates reject an alert channel whose *Env variable has no Secret", async () => {
    const result = await helmTemplate([], [], ["--set-json", 'alerts.config={"channels":{"slack":{"type":"slack","urlEnv":"FLYT_SLACK_URL"}},"rules":[]}']);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /alerts.config names the environment variable FLYT_SLACK_URL \(urlEnv\): add it to alerts.envSecrets/);
  });

  it("the templates reject a code location listed twice", async () => {
    const twice = [...location, "codeLocations[0].tag=v1", "codeLocations[1].name=atlas", "codeLocations[1].image=reg/b", "codeLocations[1].tag=v2"];
    const result = await helmTemplate([], twice);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /"atlas" is listed twice/);
  });
});
