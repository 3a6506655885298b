/**
 * kubernetesLaunchTargets: the daemon's per-location targets from flyt.yaml. The launcher is built
 * from a kubeconfig file (nothing is contacted here; launching is tested in
 * packages/launcher-kubernetes/src/daemon.test.ts against a fake API server).
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { KubernetesLauncher } from "@flyt/launcher-kubernetes";
import { createTestStorage } from "@flyt/storage/testing";
import { loadConfig } from "../config.js";
import { kubernetesLaunchTargets } from "./kubernetes.js";

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "https://127.0.0.1:6443" } }]
users: [{ name: u, user: { token: t } }]
contexts: [{ name: x, context: { cluster: c, user: u, namespace: from-context } }]
current-context: x
`;

void describe("kubernetesLaunchTargets", () => {
  void it("targets the locations with an image only when the launcher is kubernetes", async () => {
    await using test = await createTestStorage("sqlite");
    const cwd = mkdtempSync(join(tmpdir(), "flyt-k8s-targets-"));
    writeFileSync(join(cwd, "kubeconfig"), KUBECONFIG);
    const yaml = (launcher: string) =>
      [
        "execution:",
        `  launcher: ${launcher}`,
        "kubernetes:",
        `  kubeconfig: ${join(cwd, "kubeconfig")}`,
        "  ingestUrl: http://flyt:3000",
        "locations:",
        "  - name: atlas",
        "    url: http://atlas:4000",
        "    kubernetes: { image: registry.example.com/atlas, tag: '1.0.0', definitionsFile: /app/dist/definitions.js }",
        "  - name: local",
        "    file: defs.ts",
      ].join("\n");
    writeFileSync(join(cwd, "flyt.yaml"), yaml("kubernetes"));
    const targets = await kubernetesLaunchTargets(loadConfig({ cwd, env: {} }), test.storage);
    assert.deepEqual(Object.keys(targets), ["atlas"]);
    assert.ok(targets.atlas?.launcher instanceof KubernetesLauncher);
    assert.equal(targets.atlas.launcher.namespace, "from-context");
    // The request names no file: the worker in the pod loads the location's own definitionsFile (the Job builder reads it).
    assert.equal(targets.atlas.definitionsFile, undefined);

    writeFileSync(join(cwd, "flyt.yaml"), yaml("subprocess"));
    assert.deepEqual(await kubernetesLaunchTargets(loadConfig({ cwd, env: {} }), test.storage), {});
  });
});
