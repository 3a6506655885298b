/**
 * Unit tests of the pure parts: quantities, Job names, config validation, resource resolution
 * from defaults, location and run tags, and the wording of the Job/Pod status classification.
 * Label values and the pod status rules themselves are tested in @flyt/kubernetes.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { InvalidConfigError } from "@flyt/core";
import { parseKubernetesLauncherConfig, parseKubernetesLocationConfig } from "./config.js";
import { imageReference, resolveResources } from "./job.js";
import { assetKeysHash, runJobName } from "./labels.js";
import { parseQuantity } from "./quantity.js";
import { classifyJob, classifyPod } from "./status.js";
void describe("quantities", () => {
    void it("accepts Kubernetes quantities and computes their value", () => {
        assert.deepEqual(parseQuantity("250m", "cpu"), { value: 0.25 });
        assert.deepEqual(parseQuantity("1.5", "cpu"), { value: 1.5 });
        assert.deepEqual(parseQuantity("512Mi", "memory"), { value: 512 * 2 ** 20 });
        assert.deepEqual(parseQuantity("1e9", "memory"), { value: 1e9 });
    });
    void it("rejects garbage, zero, negative and milli-bytes of memory", () => {
        for (const bad of ["", "abc", "-1", "0", "1.2.3", "10 Mi", "5Zi"])
            assert.ok("problem" in parseQuantity(bad, "cpu"), bad);
        const milli = parseQuantity("512m", "memory");
        assert.ok("problem" in milli && /did you mean "512Mi"/.test(milli.problem));
    });
});
void describe("labels and names", () => {
    void it("names Jobs as DNS labels of at most 63 characters", () => {
        assert.equal(runJobName("0b6f5c9e-3f0a-4d9b-9a4e-2b8e7f1c2d3a"), "flyt-run-0b6f5c9e-3f0a-4d9b-9a4e-2b8e7f1c2d3a");
        for (const id of ["UPPER_case/id", "x".repeat(100), "---", "é"]) {
            const name = runJobName(id);
            assert.ok(name.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name), `${id} → ${name}`);
        }
        assert.notEqual(runJobName("a".repeat(100)), runJobName(`${"a".repeat(99)}b`));
    });
    void it("hashes asset keys independent of order", () => {
        assert.equal(assetKeysHash(["b/x", "a/y"]), assetKeysHash(["a/y", "b/x"]));
        assert.notEqual(assetKeysHash(["a/y"]), assetKeysHash(["a/z"]));
        assert.match(assetKeysHash(["a"]), /^[0-9a-f]{16}$/);
    });
});
void describe("config", () => {
    void it("applies defaults", () => {
        const config = parseKubernetesLauncherConfig({ ingestUrl: "http://flyt:3000" });
        assert.equal(config.ttlSecondsAfterFinished, 3600);
        assert.deepEqual(config.command, ["flyt", "run-worker"]);
        assert.deepEqual(config.resources, { requests: { cpu: "100m", memory: "384Mi" }, limits: { memory: "1Gi" } });
    });
    void it("rejects bad settings with a message naming the field", () => {
        const cases = [
            [{}, /ingestUrl/],
            [{ ingestUrl: "ftp://x" }, /ingestUrl: must be an http\(s\) URL/],
            [{ ingestUrl: "http://x", namespace: "Bad_NS" }, /namespace/],
            [{ ingestUrl: "http://x", resources: { limits: { memory: "2GB" } } }, /resources\.limits\.memory/],
            [{ ingestUrl: "http://x", env: { FLYT_RUN_TOKEN: "x" } }, /set by the launcher/],
            [{ ingestUrl: "http://x", env: { FLYT_DATABASE_URL: "postgres://" } }, /database credentials/],
            [{ ingestUrl: "http://x", surprise: 1 }, /surprise/],
        ];
        for (const [input, message] of cases) {
            assert.throws(() => parseKubernetesLauncherConfig(input, "flyt.yaml kubernetes"), (error) => {
                assert.ok(error instanceof InvalidConfigError);
                assert.match(error.message, /flyt\.yaml kubernetes/);
                assert.match(error.message, message);
                return true;
            });
        }
    });
    void it("requires a pinned image: tag (not latest) or digest, repository without tag", () => {
        assert.throws(() => parseKubernetesLocationConfig({ image: "r/x", tag: "latest" }), /"latest" is not allowed/);
        assert.throws(() => parseKubernetesLocationConfig({ image: "r/x" }), /give a tag \(not latest\) or a digest/);
        assert.throws(() => parseKubernetesLocationConfig({ image: "r/x:1.0", tag: "1.0" }), /without tag or digest/);
        assert.throws(() => parseKubernetesLocationConfig({ image: "r/x", digest: "sha256:abc" }), /digest/);
        assert.equal(imageReference(parseKubernetesLocationConfig({ image: "localhost:5000/x", tag: "1" })), "localhost:5000/x:1");
        const digest = `sha256:${"a".repeat(64)}`;
        assert.equal(imageReference(parseKubernetesLocationConfig({ image: "r/x", digest })), `r/x@${digest}`);
    });
});
void describe("resolveResources", () => {
    const defaults = { requests: { cpu: "100m", memory: "384Mi" }, limits: { memory: "1Gi" } };
    void it("layers defaults, location and run tags", () => {
        assert.deepEqual(resolveResources(defaults, { limits: { memory: "2Gi" } }, { "flyt/k8s-cpu-limit": "2" }), {
            requests: { cpu: "100m", memory: "384Mi" },
            limits: { memory: "2Gi", cpu: "2" },
        });
    });
    void it("names the tag at fault, also for a request above its limit", () => {
        assert.throws(() => resolveResources(defaults, undefined, { "flyt/k8s-cpu-request": "lots" }), /run tag flyt\/k8s-cpu-request/);
        assert.throws(() => resolveResources(defaults, undefined, { "flyt/k8s-memory-request": "4Gi" }), /run tag flyt\/k8s-memory-request.*memory request 4Gi is larger than the memory limit 1Gi/);
    });
});
void describe("status classification", () => {
    const pod = (status, limit) => ({
        spec: { containers: [{ name: "run-worker", image: "r/x:1", ...(limit ? { resources: { limits: { memory: limit } } } : {}) }] },
        status,
    });
    void it("tells pending, running and succeeded apart", () => {
        assert.deepEqual(classifyPod(pod({ phase: "Pending" })), { kind: "pending" });
        assert.deepEqual(classifyPod(pod({ phase: "Running" })), { kind: "running" });
        assert.deepEqual(classifyPod(pod({ phase: "Succeeded" })), { kind: "succeeded" });
    });
    void it("names image, OOM and config problems", () => {
        const waiting = (reason) => pod({ phase: "Pending", containerStatuses: [{ name: "run-worker", state: { waiting: { reason, message: "m" } } }] });
        assert.match(classifyPod(waiting("ImagePullBackOff")).message, /^image pull failed for r\/x:1: ImagePullBackOff: m$/);
        assert.match(classifyPod(waiting("CreateContainerConfigError")).message, /container configuration error/);
        assert.deepEqual(classifyPod(waiting("ContainerCreating")), { kind: "pending" });
        const oom = classifyPod(pod({ phase: "Failed", containerStatuses: [{ name: "run-worker", state: { terminated: { exitCode: 137, reason: "OOMKilled" } } }] }, "1Gi"));
        assert.equal(oom.kind, "failed");
        assert.match(oom.message, /OOM-killed at its 1Gi memory limit/);
    });
    void it("reads Job conditions", () => {
        assert.deepEqual(classifyJob({ status: {} }), { kind: "active" });
        assert.deepEqual(classifyJob({ status: { conditions: [{ type: "Complete", status: "True" }] } }), { kind: "complete" });
        const deadline = classifyJob({ spec: { template: {}, activeDeadlineSeconds: 30 }, status: { conditions: [{ type: "Failed", status: "True", reason: "DeadlineExceeded" }] } });
        assert.match(deadline.message, /deadline of 30 s/);
    });
});
//# sourceMappingURL=units.test.js.map