/**
 * Pure parts of runPod: the status classifier (OOM at the limit, eviction, image pull, exit
 * codes, unschedulable pods), pod names, and the generated Pod manifest validated with kubeconform
 * against the official Kubernetes JSON schemas (strict), as the launcher's Job manifests are.
 * scripts/test.sh installs kubeconform and the schemas (FLYT_TEST_KUBECONFORM,
 * FLYT_TEST_KUBE_SCHEMAS); without them the manifest test fails, it never skips.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { V1Pod } from "@kubernetes/client-node";
import { bundleKubeSchemas, kubeconform, kubeconformProblems, writeManifests } from "@flyt/kubernetes/testing";
import type { PipesContextData } from "@flyt/pipes";
import { buildPipesPod, podName, resolvePodOptions } from "./pod.js";
import { classifyPipesPod } from "./status.js";

function pod(status: Record<string, unknown>, memoryLimit?: string): V1Pod {
  return {
    spec: { containers: [{ name: "pipes", image: "r/x:1", ...(memoryLimit ? { resources: { limits: { memory: memoryLimit } } } : {}) }] },
    status,
  };
}
const terminated = (exitCode: number, reason: string) => ({ phase: exitCode === 0 ? "Succeeded" : "Failed", containerStatuses: [{ name: "pipes", state: { terminated: { exitCode, reason } } }] });

void describe("classifyPipesPod", () => {
  void it("names OOM at the memory limit, eviction, deadline, image pull and plain exits", () => {
    assert.deepEqual(classifyPipesPod(pod(terminated(137, "OOMKilled"), "512Mi")), {
      kind: "failed",
      reason: "OOMKilled",
      message: "was OOM-killed at its 512Mi memory limit (exit code 137); raise resources.limits.memory",
      exitCode: 137,
    });
    const evicted = classifyPipesPod(pod({ phase: "Failed", reason: "Evicted", message: "The node was low on resource: memory." }));
    assert.equal(evicted.kind === "failed" && evicted.message, "was evicted: The node was low on resource: memory.");
    const deadline = classifyPipesPod(pod({ phase: "Failed", reason: "DeadlineExceeded", message: "Pod was active on the node longer than the specified deadline" }));
    assert.equal(deadline.kind === "failed" && deadline.reason, "DeadlineExceeded");
    const pull = classifyPipesPod(pod({ phase: "Pending", containerStatuses: [{ name: "pipes", state: { waiting: { reason: "ImagePullBackOff", message: "Back-off pulling" } } }] }));
    assert.deepEqual(pull, { kind: "failed", reason: "ImagePullBackOff", message: "did not start: image pull failed for r/x:1: ImagePullBackOff: Back-off pulling", exitCode: null });
    assert.deepEqual(classifyPipesPod(pod(terminated(3, "Error"))), { kind: "failed", reason: "Error", message: "exited with code 3 (Error)", exitCode: 3 });
    assert.deepEqual(classifyPipesPod(pod(terminated(0, "Completed"))), { kind: "succeeded" });
  });

  void it("keeps waiting while the pod is being scheduled or created, with the reason", () => {
    assert.deepEqual(
      classifyPipesPod(pod({ phase: "Pending", conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: "0/3 nodes are available" }] })),
      { kind: "pending", detail: "Unschedulable: 0/3 nodes are available" },
    );
    assert.deepEqual(classifyPipesPod(pod({ phase: "Pending", containerStatuses: [{ name: "pipes", state: { waiting: { reason: "ContainerCreating" } } }] })), {
      kind: "pending",
      detail: "ContainerCreating",
    });
    assert.deepEqual(classifyPipesPod(pod({ phase: "Running", containerStatuses: [{ name: "pipes", state: { running: {} } }] })), { kind: "running" });
  });
});

void describe("pod names", () => {
  void it("are DNS-1123 labels of at most 63 characters, unique per call", () => {
    for (const key of ["atlas/ssb/raw", "A".repeat(200), "///", "Ærø_øy/2024"]) {
      const name = podName(key);
      assert.match(name, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, name);
      assert.ok(name.length <= 63, name);
      assert.notEqual(podName(key), name);
    }
  });
});

const context: PipesContextData = {
  asset_keys: ["atlas/ssb/raw"],
  code_version_by_asset_key: { "atlas/ssb/raw": "3" },
  provenance_by_asset_key: { "atlas/ssb/raw": null },
  partition_key: "2024",
  partition_key_range: { start: "2024", end: "2024" },
  partition_time_window: null,
  run_id: "0b6f5c9e-3f0a-4d9b-9a4e-2b8e7f1c2d3a",
  job_name: null,
  retry_number: 0,
  extras: { year: 2024 },
};

function manifests(): Record<string, unknown> {
  const identity = { name: podName("atlas/ssb/raw"), namespace: "flyt", runId: context.run_id, stepKey: "atlas/ssb/raw" };
  return {
    "pod-minimal": buildPipesPod(identity, resolvePodOptions({ image: "ghcr.io/org/ingest:1.4" }), context),
    "pod-full": buildPipesPod(
      { ...identity, runId: `Run ID with spaces/${"x".repeat(80)}`, stepKey: `source/${"y".repeat(120)}` },
      resolvePodOptions({
        image: "registry.example.com/atlas/ingest@sha256:" + "ab".repeat(32),
        command: ["python3", "-m", "ingest"],
        args: ["--year", "2024"],
        env: { TZ: "Europe/Oslo", LOG_FORMAT: "json" },
        namespace: "jobs",
        resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "2Gi", "nvidia.com/gpu": "1" } },
        imagePullPolicy: "IfNotPresent",
        imagePullSecrets: ["regcred"],
        serviceAccountName: "ingest",
        nodeSelector: { "kubernetes.io/arch": "amd64" },
        labels: { team: "data" },
        annotations: { "example.com/owner": "atlas" },
        podSpec: { tolerations: [{ key: "batch", operator: "Exists", effect: "NoSchedule" }], volumes: [{ name: "scratch", emptyDir: {} }] },
        container: { volumeMounts: [{ name: "scratch", mountPath: "/scratch" }], securityContext: { runAsNonRoot: true, runAsUser: 1000 } },
        activeDeadlineSeconds: 3600,
        extras: { nested: { list: [1, 2, 3] } },
      }),
      context,
    ),
  };
}

void describe("the Pod manifest against the official Kubernetes JSON schemas (kubeconform)", () => {
  let dir: string;
  let schemas: string;
  let versions: string[];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "flyt-pipes-pod-"));
    schemas = join(dir, "schemas");
    versions = bundleKubeSchemas(["pod-v1"], schemas);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  void it("every Pod shape is valid, strictly, on the oldest and newest targeted versions", async () => {
    assert.ok(versions.length >= 2, `expected schemas for ≥ 2 Kubernetes versions, found ${versions.join(", ") || "none"}`);
    const files = writeManifests(dir, manifests());
    assert.deepEqual(await kubeconformProblems(files, versions, schemas), []);
  });

  void it("rejects a broken Pod (the validator is really checking)", async () => {
    const broken = manifests()["pod-minimal"] as { spec: Record<string, unknown> & { containers: Array<Record<string, unknown>> } };
    broken.spec.restartPolicy = 7;
    broken.spec.containers[0]!.unknownField = true;
    const file = join(dir, "broken.json");
    writeFileSync(file, JSON.stringify(broken));
    for (const version of versions) {
      const report = await kubeconform([file], version, schemas);
      assert.equal(report.summary.invalid, 1, `Kubernetes ${version}: ${JSON.stringify(report)}`);
    }
  });
});
