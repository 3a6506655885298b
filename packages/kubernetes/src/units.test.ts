/**
 * The shared rules on their own: how a pod's status is judged (which cause wins when several
 * show at once, which waiting reasons are fatal, which container counts), Kubernetes' quantity
 * grammar, and label values. The wording each package puts around them is tested in the launcher's
 * and pipes-kubernetes' units tests.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { V1Pod } from "@kubernetes/client-node";
import { isDnsLabel, isValidLabelValue, toLabelValue } from "./labels.js";
import { readPodStatus } from "./pod-status.js";
import { readQuantity } from "./quantity.js";

const pod = (status: Record<string, unknown>, containers: Array<Record<string, unknown>> = [{ name: "main", image: "r/x:1", resources: { limits: { memory: "1Gi" } } }]): V1Pod =>
  ({ spec: { containers }, status }) as unknown as V1Pod;

void describe("readPodStatus", () => {
  void it("names eviction and deadline before the exit code they caused", () => {
    const killed = { state: { terminated: { exitCode: 137, reason: "Error" } }, name: "main" };
    const evicted = readPodStatus(pod({ phase: "Failed", reason: "Evicted", message: "low on memory", containerStatuses: [killed] }), "main");
    assert.deepEqual(evicted, { kind: "failed", failure: { cause: "evicted", reason: "Evicted", exitCode: 137, description: "was evicted: low on memory", statusMessage: "low on memory" } });
    const deadline = readPodStatus(pod({ phase: "Failed", reason: "DeadlineExceeded", containerStatuses: [killed] }), "main");
    assert.equal(deadline.kind === "failed" && deadline.failure.cause, "deadline");
  });

  void it("judges the named container, not a sidecar listed first", () => {
    const status = {
      phase: "Running",
      containerStatuses: [
        { name: "sidecar", state: { running: {} } },
        { name: "main", state: { terminated: { exitCode: 137, reason: "OOMKilled" } } },
      ],
    };
    const verdict = readPodStatus(pod(status, [{ name: "sidecar", image: "proxy:1" }, { name: "main", image: "r/x:1", resources: { limits: { memory: "2Gi" } } }]), "main");
    assert.equal(verdict.kind === "failed" && verdict.failure.description, "was OOM-killed at its 2Gi memory limit (exit code 137)");
  });

  void it("fails at once on a waiting reason that will not fix itself, and keeps waiting on others", () => {
    const waiting = (reason: string) => readPodStatus(pod({ phase: "Pending", containerStatuses: [{ name: "main", state: { waiting: { reason, message: "m" } } }] }), "main");
    assert.deepEqual(waiting("InvalidImageName"), {
      kind: "failed",
      failure: { cause: "not-started", reason: "InvalidImageName", exitCode: null, description: "invalid image name for r/x:1: InvalidImageName: m", statusMessage: undefined },
    });
    assert.equal(waiting("CreateContainerConfigError").kind, "failed");
    assert.deepEqual(waiting("ContainerCreating"), { kind: "pending", notScheduled: null, waiting: { reason: "ContainerCreating", message: "m" } });
  });

  void it("reports a pod that no node fits as pending, with the scheduler's reason", () => {
    const status = { phase: "Pending", conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: "0/3 nodes" }] };
    assert.deepEqual(readPodStatus(pod(status), "main"), { kind: "pending", notScheduled: { reason: "Unschedulable", message: "0/3 nodes" }, waiting: null });
  });

  void it("counts the container running while the pod is still Pending (a slow sidecar) as running", () => {
    const status = { phase: "Pending", containerStatuses: [{ name: "main", state: { running: {} } }, { name: "sidecar", state: { waiting: { reason: "ContainerCreating" } } }] };
    assert.deepEqual(readPodStatus(pod(status), "main"), { kind: "running" });
  });

  void it("exit 0 succeeds; other exits carry code, signal and Kubernetes' words", () => {
    const ended = (terminated: Record<string, unknown>) => readPodStatus(pod({ phase: "Failed", containerStatuses: [{ name: "main", state: { terminated } }] }), "main");
    assert.deepEqual(ended({ exitCode: 0, reason: "Completed" }), { kind: "succeeded" });
    const failed = ended({ exitCode: 143, signal: 15, reason: "Error", message: "terminated" });
    assert.equal(failed.kind === "failed" && failed.failure.description, "exited with code 143 (signal 15) (Error: terminated)");
  });
});

void describe("readQuantity", () => {
  void it("reads Kubernetes' grammar: sign, decimal, binary and decimal SI, exponent", () => {
    assert.deepEqual(readQuantity("250m"), { sign: "", digits: "250", suffix: "m", value: 0.25 });
    assert.equal(readQuantity("512Mi")?.value, 512 * 2 ** 20);
    assert.equal(readQuantity("1e3")?.value, 1000);
    assert.equal(readQuantity("-1")?.value, -1);
    assert.equal(readQuantity("+.5")?.value, 0.5);
  });
  void it("rejects what the API server rejects", () => {
    for (const bad of ["", "lots", "1K", "1.2.3", "10 Mi", "5Zi", "1mi", undefined, 5]) assert.equal(readQuantity(bad), null, String(bad));
  });
});

void describe("labels", () => {
  void it("keeps valid values and shortens others with a hash, never colliding", () => {
    assert.equal(toLabelValue("atlas"), "atlas");
    const a = toLabelValue("Atlas (prod) — Norway");
    const b = toLabelValue("Atlas (prod) - Norway");
    assert.ok(isValidLabelValue(a) && isValidLabelValue(b));
    assert.notEqual(a, b);
    const long = toLabelValue("x".repeat(200));
    assert.ok(long.length <= 63 && isValidLabelValue(long));
    assert.ok(isValidLabelValue(toLabelValue("-".repeat(100))), "nothing left to keep: the hash alone");
  });
  void it("DNS labels are lower-case, at most 63 characters", () => {
    assert.ok(isDnsLabel("flyt-run-1"));
    for (const bad of ["Flyt", "-a", "a-", "a_b", "a".repeat(64), ""]) assert.equal(isDnsLabel(bad), false, bad);
  });
});
