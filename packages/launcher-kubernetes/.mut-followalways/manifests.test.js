/**
 * Every kind of manifest the launcher builds, validated against the official Kubernetes JSON
 * schemas (strict: unknown fields are errors) with kubeconform, for the oldest and newest
 * Kubernetes versions we target. scripts/test.sh installs kubeconform and the schemas
 * (packages/kubernetes/scripts/install-kubeconform.sh); without them this test fails,
 * it never skips. A deliberately broken manifest proves the validator really rejects things.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleKubeSchemas, kubeconform, kubeconformProblems, writeManifests, KUBECONFORM_INSTALL_HINT as INSTALL_HINT, kubeSchemaRoot as schemaRoot } from "@flyt/kubernetes/testing";
import { parseKubernetesLauncherConfig, parseKubernetesLocationConfig } from "./config.js";
import { buildRunJob, buildRunTokenSecret } from "./job.js";
/** The kinds whose schemas the manifests need. */
const KINDS = ["job-batch-v1", "secret-v1"];
const baseRun = {
    runId: "0b6f5c9e-3f0a-4d9b-9a4e-2b8e7f1c2d3a",
    status: "QUEUED",
    selection: "ssb/*",
    assetKeys: ["ssb/table_08764", "ssb/municipalities"],
    stepKeys: null,
    partitionKey: "2023",
    tags: {},
    origin: "manual",
    parentRunId: null,
    rootRunId: null,
    location: "atlas",
    instigator: null,
    runKey: null,
    createdAt: 0,
    updatedAt: 0,
    startedAt: null,
    endedAt: null,
};
const minimalConfig = parseKubernetesLauncherConfig({ ingestUrl: "http://flyt.flyt.svc.cluster.local:3000" });
const fullConfig = parseKubernetesLauncherConfig({
    namespace: "flyt",
    ingestUrl: "https://flyt.example.com/ingest",
    serviceAccount: "flyt-run",
    imagePullSecrets: ["regcred", "other-registry"],
    ttlSecondsAfterFinished: 600,
    activeDeadlineSeconds: 7200,
    scheduleTimeoutSeconds: 120,
    resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "2", memory: "2Gi" } },
    env: { TZ: "Europe/Oslo", LOG_FORMAT: "json" },
    envSecrets: { API_KEY: { secret: "atlas-secrets", key: "api-key" } },
    envFromSecrets: ["urbalurba-secrets"],
    command: ["node", "/app/node_modules/.bin/flyt", "run-worker"],
    runAsUser: 1000,
});
/** Name → manifest: every shape of Job and Secret the launcher can produce. */
function manifests() {
    const tagLocation = parseKubernetesLocationConfig({ image: "registry.example.com/atlas/code", tag: "1.2.3" });
    const digestLocation = parseKubernetesLocationConfig({
        image: "localhost:5000/atlas",
        digest: `sha256:${"ab".repeat(32)}`,
        definitionsFile: "/app/definitions.js",
        resources: { requests: { memory: "1Gi" }, limits: { memory: "3Gi" } },
        env: { EXTRA: "1" },
        envSecrets: { DB_URL: { secret: "atlas-db", key: "DATABASE_URL" } },
        envFromSecrets: ["atlas-env"],
        serviceAccount: "atlas-runner",
        imagePullSecrets: ["atlas-pull"],
        mountServiceAccountToken: true,
    });
    const bothLocation = parseKubernetesLocationConfig({ image: "ghcr.io/org/app", tag: "v2", digest: `sha256:${"0f".repeat(32)}` });
    const oddRun = {
        ...baseRun,
        runId: `Run_ID with spaces/and/slashes-${"x".repeat(80)}`,
        location: "Atlas Location (production) — Norway",
        assetKeys: Array.from({ length: 2000 }, (_, i) => `source_${i}/table_${i}`),
        tags: { "flyt/k8s-cpu-request": "1500m", "flyt/k8s-memory-limit": "4Gi", "flyt/k8s-memory-request": "3Gi", "flyt/k8s-cpu-limit": "4" },
    };
    return {
        "job-minimal": buildRunJob({ run: baseRun, location: tagLocation, config: minimalConfig }),
        "job-full": buildRunJob({ run: baseRun, location: digestLocation, config: fullConfig }),
        "job-tag-and-digest": buildRunJob({ run: baseRun, location: bothLocation, config: fullConfig }),
        "job-odd-run": buildRunJob({ run: oddRun, location: digestLocation, config: fullConfig }),
        "secret-plain": buildRunTokenSecret({ run: baseRun, config: minimalConfig, token: "tok-123" }),
        "secret-owned": buildRunTokenSecret({
            run: oddRun,
            config: fullConfig,
            token: "t".repeat(200),
            owner: { name: "flyt-run-x", uid: "5f1d7a8e-0000-4000-8000-000000000001" },
        }),
    };
}
void describe("the service account token in run pods", () => {
    void it("is not mounted unless the location asks for it (for ctx.pipes.runPod)", () => {
        const spec = (location) => (buildRunJob({ run: baseRun, location: parseKubernetesLocationConfig({ image: "r/x", tag: "1", ...location }), config: minimalConfig }).spec?.template
            .spec ?? {});
        assert.equal(spec({}).automountServiceAccountToken, false);
        const mounted = spec({ mountServiceAccountToken: true, serviceAccount: "atlas-pipes" });
        assert.equal(mounted.automountServiceAccountToken, true);
        assert.equal(mounted.serviceAccountName, "atlas-pipes");
    });
});
void describe("generated manifests against the official Kubernetes JSON schemas (kubeconform)", () => {
    let dir;
    let schemas;
    let versions;
    before(() => {
        dir = mkdtempSync(join(tmpdir(), "flyt-kubeconform-"));
        schemas = join(dir, "schemas");
        versions = bundleKubeSchemas(KINDS, schemas);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));
    void it("finds schemas for at least two Kubernetes versions", () => {
        assert.ok(versions.length >= 2, `expected schemas for ≥ 2 versions in ${schemaRoot()}, found ${versions.join(", ") || "none"}: ${INSTALL_HINT}`);
    });
    void it("every Job and Secret the launcher builds is valid, strictly, on every version", async () => {
        const files = writeManifests(dir, manifests());
        assert.deepEqual(await kubeconformProblems(files, versions, schemas), []);
    });
    void it("rejects a broken Job (the validator is really checking)", async () => {
        const job = buildRunJob({ run: baseRun, location: parseKubernetesLocationConfig({ image: "r/x", tag: "1" }), config: minimalConfig });
        job.spec.backoffLimit = "zero";
        job.spec.template.spec.containers[0].imagePullPolicy = 7;
        job.spec.template.spec.containers[0].unknownField = true;
        const file = join(dir, "broken.json");
        writeFileSync(file, JSON.stringify(job));
        for (const version of versions) {
            const report = await kubeconform([file], version, schemas);
            assert.equal(report.summary.invalid, 1, `Kubernetes ${version}: ${JSON.stringify(report)}`);
            assert.match(report.resources?.[0]?.msg ?? "", /unknownField|backoffLimit|imagePullPolicy/);
        }
    });
});
//# sourceMappingURL=manifests.test.js.map