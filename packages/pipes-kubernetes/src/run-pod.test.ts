/**
 * runPipesPod end to end against the fake API server (@flyt/kubernetes/testing, with its kubelet) with the real
 * @kubernetes/client-node: pod creation, the status watch, the followed log (lines arriving in
 * split chunks) and deletion. The fake kubelet runs the pod's command as a real local Pipes
 * child (@flyt/pipes-client), so every message crosses env → process → log → reader. No real
 * Kubernetes cluster runs here; what a cluster adds (scheduling, pulls, kubelet log rotation) is
 * covered by the status classifier's unit tests only.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import type { EventBody, MetadataValue } from "@flyt/core";
import { FakeKubeApi } from "@flyt/kubernetes/testing";
import { CONTEXT_ENV_VAR, decodeParam, MESSAGES_ENV_VAR, PipesProcessError, type PipesHost } from "@flyt/pipes";
import { runPipesPod } from "./run-pod.js";

const CHILD = fileURLToPath(new URL("./test-fixtures/pod-child.js", import.meta.url));
const IMAGE = "registry.example.com/flyt-test/node:1";

function recording(overrides: Partial<PipesHost> = {}) {
  const controller = new AbortController();
  const events: EventBody[] = [];
  const output: string[] = [];
  const materializations: Array<{ assetKey: string; metadata: Record<string, MetadataValue>; dataVersion: string | null }> = [];
  const host: PipesHost = {
    runId: "run-7",
    stepKey: "atlas/ssb/raw",
    assetKeys: ["atlas/ssb/raw"],
    codeVersionByAssetKey: { "atlas/ssb/raw": "3" },
    partitionKey: "2024",
    partitionTimeWindow: null,
    retryNumber: 0,
    signal: controller.signal,
    emit: (body) => events.push(body),
    output: (stream, text) => output.push(`${stream}:${text}`),
    materialize: (assetKey, metadata, dataVersion) => materializations.push({ assetKey, metadata, dataVersion }),
    ...overrides,
  };
  const logs = (level?: string) =>
    events.filter((e): e is Extract<EventBody, { type: "LOG" }> => e.type === "LOG" && (level === undefined || e.level === level)).map((e) => e.message);
  return { host, events, output, materializations, logs, abort: () => controller.abort() };
}

async function withApi(test: (api: FakeKubeApi) => Promise<void>): Promise<void> {
  await using api = await FakeKubeApi.start({ kubelet: true });
  api.images.add(IMAGE);
  await test(api);
}

const deps = (api: FakeKubeApi) => ({ kubeConfig: api.kubeConfig(), reconnectDelayMs: 50, logGraceMs: 2000 });

void describe("ctx.pipes.runPod against a fake Kubernetes API", () => {
  void it("runs the child as a pod: materialization with metadata, a check, a log line, output; the pod is deleted", () =>
    withApi(async (api) => {
      const rec = recording();
      const result = await runPipesPod(
        rec.host,
        { image: IMAGE, command: ["node", CHILD], args: ["materialize"], extras: { year: 2024 }, resources: { limits: { memory: "256Mi" } } },
        deps(api),
      );
      assert.equal(result.exitCode, 0);
      assert.equal(result.opened, true);
      assert.equal(result.closed, true);
      assert.deepEqual(result.reportedAssetKeys, ["atlas/ssb/raw"]);
      assert.deepEqual(result.customMessages, [{ extras: { year: 2024 } }]);
      assert.equal(result.pod?.namespace, "flyt");
      assert.match(result.pod?.name ?? "", /^flyt-pipes-atlas-ssb-raw-[0-9a-f]{8}$/);

      assert.deepEqual(rec.materializations, [
        {
          assetKey: "atlas/ssb/raw",
          dataVersion: "pod-v1",
          metadata: { rows: { type: "int", value: 144 }, schema: { type: "table_schema", value: { columns: [{ name: "year", type: "int" }] } } },
        },
      ]);
      const checks = rec.events.filter((e) => e.type === "ASSET_CHECK_EVALUATION");
      assert.deepEqual(checks, [
        { type: "ASSET_CHECK_EVALUATION", assetKey: "atlas/ssb/raw", checkName: "has_rows", passed: true, severity: "warn", partition: "2024", metadata: { rows: { type: "int", value: 144 } } },
      ]);
      assert.ok(rec.logs("info").includes("pod child for atlas/ssb/raw (run run-7)"), rec.logs().join("\n"));
      assert.deepEqual(rec.logs("warn"), [], "no warnings on a clean run");
      const text = rec.output.join("");
      assert.match(text, /plain stdout line from the pod/);
      assert.match(text, /plain stderr line from the pod/);
      assert.doesNotMatch(text, /__dagster_pipes_version/, "messages are not output");

      // What was sent: the Pod (context inline, stderr channel), a follow log read, a status watch, a delete.
      const create = api.requests.find((r) => r.method === "POST");
      const container = (create?.body as { spec: { containers: Array<{ env: Array<{ name: string; value: string }> }> } }).spec.containers[0]!;
      const env = Object.fromEntries(container.env.map((v) => [v.name, v.value]));
      assert.deepEqual(decodeParam(env[MESSAGES_ENV_VAR]!), { stdio: "stderr" });
      const context = decodeParam(env[CONTEXT_ENV_VAR]!) as { data: { asset_keys: string[]; partition_key: string; run_id: string; extras: unknown } };
      assert.deepEqual(context.data.asset_keys, ["atlas/ssb/raw"]);
      assert.equal(context.data.partition_key, "2024");
      assert.deepEqual(context.data.extras, { year: 2024 });
      const logRead = api.requests.find((r) => r.path.endsWith("/log"));
      assert.equal(logRead?.query.follow, "true");
      assert.equal(logRead?.query.container, "pipes");
      assert.ok(api.requests.some((r) => r.query.watch === "true" && r.query.fieldSelector === `metadata.name=${result.pod?.name}`));
      assert.ok(api.requests.some((r) => r.method === "DELETE" && r.path.endsWith(`/pods/${result.pod?.name}`)));
      assert.deepEqual(api.list("pods"), []);
    }));

  void it("an exception in closed fails the step with the exception, exit code and log tail", () =>
    withApi(async (api) => {
      const rec = recording();
      const error = await runPipesPod(rec.host, { image: IMAGE, command: ["node", CHILD, "throw"] }, deps(api)).then(
        () => assert.fail("expected a rejection"),
        (e: unknown) => e,
      );
      assert.ok(error instanceof PipesProcessError, String(error));
      assert.equal(error.reason, "exit");
      assert.equal(error.details.exitCode, 1);
      assert.equal(error.details.exception?.name, "RangeError");
      assert.match(error.message, /exited with code 1/);
      assert.match(error.message, /Exception sent with `closed`: RangeError: thrown inside the pod/);
      assert.match(error.message, /last 4096 bytes of the pod log[\s\S]*plain stderr line from the pod/);
      assert.equal(error.details.pod?.namespace, "flyt");
      assert.deepEqual(api.list("pods"), [], "the failed pod is deleted");
    }));

  void it("an image pull failure fails at once with the image and Kubernetes' reason; the pod is deleted", () =>
    withApi(async (api) => {
      const rec = recording();
      const started = Date.now();
      const error = await runPipesPod(rec.host, { image: "registry.example.com/missing:9", namespace: "jobs" }, deps(api)).then(
        () => assert.fail("expected a rejection"),
        (e: unknown) => e,
      );
      assert.ok(error instanceof PipesProcessError, String(error));
      assert.equal(error.reason, "pod-failed");
      assert.equal(error.details.pod?.reason, "ErrImagePull");
      assert.equal(error.details.pod?.namespace, "jobs");
      assert.match(error.message, /pod jobs\/flyt-pipes-atlas-ssb-raw-\w+ \(registry\.example\.com\/missing:9\) did not start: image pull failed for registry\.example\.com\/missing:9: ErrImagePull: failed to pull/);
      assert.ok(Date.now() - started < 30_000, "does not wait for the start timeout");
      assert.ok(api.requests.some((r) => r.method === "DELETE"));
      assert.deepEqual(api.list("pods"), []);
      assert.equal(api.requests.filter((r) => r.path.endsWith("/log")).length, 0, "no log read for a container that never ran");
    }));

  void it("cancellation deletes the running pod and rejects as canceled", () =>
    withApi(async (api) => {
      let rec: ReturnType<typeof recording>;
      // eslint-disable-next-line prefer-const -- the emit hook needs the recording before it exists
      rec = recording({
        emit: (body) => {
          rec.events.push(body);
          if (body.type === "LOG" && body.message.startsWith("pod child for")) setTimeout(() => rec.abort(), 50);
        },
      });
      const error = await runPipesPod(rec.host, { image: IMAGE, command: ["node", CHILD, "wait"] }, deps(api)).then(
        () => assert.fail("expected a rejection"),
        (e: unknown) => e,
      );
      assert.ok(error instanceof PipesProcessError, String(error));
      assert.equal(error.reason, "canceled");
      assert.match(error.message, /was stopped: the run was canceled/);
      assert.ok(api.requests.some((r) => r.method === "DELETE"));
      assert.deepEqual(api.list("pods"), []);
      const deadline = Date.now() + 10_000;
      while (api.runningChildren() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(api.runningChildren(), 0, "the container's process is gone");
    }));

  void it("a dropped log connection resumes without losing or repeating lines", () =>
    withApi(async (api) => {
      let dropped = false;
      let rec: ReturnType<typeof recording>;
      // eslint-disable-next-line prefer-const -- the emit hook needs the recording before it exists
      rec = recording({
        emit: (body) => {
          rec.events.push(body);
          const debugs = rec.events.filter((e) => e.type === "LOG" && e.level === "debug").length;
          if (!dropped && debugs === 3) {
            dropped = true;
            api.dropLogConnections();
          }
          if (debugs === 8) rec.abort();
        },
      });
      await runPipesPod(rec.host, { image: IMAGE, command: ["node", CHILD, "wait"] }, deps(api)).catch(() => undefined);
      assert.ok(dropped);
      assert.ok(api.requests.filter((r) => r.path.endsWith("/log")).length >= 2, "the log was read again");
      assert.equal(rec.logs("info").filter((m) => m.startsWith("pod child for")).length, 1, "no line is delivered twice");
      const beats = rec.logs("debug").map((m) => Number(/still working (\d+)/.exec(m)?.[1]));
      assert.ok(beats.length >= 8, "lines after the drop still arrive");
      assert.deepEqual(beats, beats.map((_, i) => i + 1), "every line once, in order, across the reconnect");
    }));

  void it("a dropped status watch resumes: the pod's end still arrives", () =>
    withApi(async (api) => {
      let dropped = false;
      let rec: ReturnType<typeof recording>;
      // eslint-disable-next-line prefer-const -- the emit hook needs the recording before it exists
      rec = recording({
        emit: (body) => {
          rec.events.push(body);
          if (!dropped && body.type === "LOG" && body.message.startsWith("pod child for")) {
            dropped = true;
            api.disconnectWatches();
          }
        },
      });
      const result = await runPipesPod(rec.host, { image: IMAGE, command: ["node", CHILD], args: ["materialize"] }, deps(api));
      assert.ok(dropped);
      assert.equal(result.exitCode, 0);
      assert.ok(api.requests.filter((r) => r.query.watch === "true").length >= 2, "the watch was opened again");
      assert.deepEqual(api.list("pods"), []);
    }));

  void it("rejects bad options before touching the API", () =>
    withApi(async (api) => {
      const rec = recording();
      for (const [options, pattern] of [
        [{ image: "" }, /image must be a non-empty/],
        [{ image: IMAGE, env: { DAGSTER_PIPES_CONTEXT: "x" } }, /set by Flyt/],
        [{ image: IMAGE, resources: { limits: { memory: "lots" } } }, /resources\.limits\.memory must be a Kubernetes quantity/],
        [{ image: IMAGE, namespace: "Not_A_Namespace" }, /namespace must be a DNS-1123 label/],
        [{ image: IMAGE, podSpec: { containers: [] } }, /podSpec\.containers cannot be set/],
      ] as const) {
        await assert.rejects(runPipesPod(rec.host, options, deps(api)), (error: unknown) => {
          assert.ok(error instanceof PipesProcessError);
          assert.equal(error.reason, "invalid-options");
          assert.match(error.message, pattern);
          return true;
        });
      }
      assert.deepEqual(api.requests, []);
    }));
});
