/**
 * The KubernetesLauncher against a fake Kubernetes API server (@flyt/kubernetes/testing: a
 * real HTTP server on 127.0.0.1, driven by each test) through the real @kubernetes/client-node,
 * with real storage on every backend. No Kubernetes API server can run here, so these tests
 * check the launcher's API calls and watch handling, not a real cluster's behaviour: the launcher
 * has not yet been verified against a real cluster.
 */
import { after, before, it } from "node:test";
import assert from "node:assert/strict";
import { describeEachBackend } from "@flyt/storage/testing";
import { KubernetesLauncher } from "./launcher.js";
import { runJobName, runTokenSecretName } from "./labels.js";
import { FakeKubeApi } from "@flyt/kubernetes/testing";
const NS = "flyt";
const IMAGE = "registry.example.com/atlas/code:1.2.3";
async function waitFor(what, probe, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = probe();
        if (value !== undefined && value !== false)
            return value;
        if (Date.now() > deadline)
            throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
}
async function events(storage, runId) {
    return storage.getEvents(runId, { limit: 1000 });
}
function ofType(list, type) {
    return list.filter((event) => event.body.type === type);
}
/** What a run worker would send through the ingest API: events with seq. */
async function workerWrites(storage, runId, bodies, firstSeq = 1) {
    const batch = bodies.map(([stepKey, body], index) => ({ runId, seq: firstSeq + index, timestamp: Date.now(), stepKey, body }));
    await storage.appendEvents(batch);
}
describeEachBackend((backend) => `KubernetesLauncher against a fake API server, storage on ${backend}`, ({ storage }) => {
    let api;
    before(async () => {
        api = await FakeKubeApi.start();
    });
    after(async () => {
        await api[Symbol.asyncDispose]();
    });
    function launcher(overrides = {}, config = {}) {
        return new KubernetesLauncher({
            config: { namespace: NS, ingestUrl: "http://flyt.flyt.svc:3000", scheduleTimeoutSeconds: 1, ...config },
            locations: { atlas: { image: "registry.example.com/atlas/code", tag: "1.2.3" } },
            runToken: (run) => `token-for-${run.runId}`,
            kubeConfig: api.kubeConfig(),
            watchRetryDelayMs: 50,
            terminalGraceMs: 300,
            ...overrides,
        });
    }
    async function launch(tags = {}, l = launcher()) {
        const { run } = await storage.createRun({ selection: "ssb/*", assetKeys: ["ssb/a", "ssb/b"], location: "atlas", tags });
        const handle = l.launch({ run, storage, definitionsFile: "/unused/on/kubernetes.js" });
        const job = runJobName(run.runId);
        return { run, handle, job };
    }
    /** Waits until the Job's pod exists and both watches are open, so changes arrive by watch. */
    async function running(job) {
        await waitFor("the Job's pod", () => api.podOf(job));
        await waitFor("open watches", () => api.openWatches("pods") > 0 && api.openWatches("jobs") > 0);
    }
    function terminate(job, terminated, phase = "Failed") {
        api.updatePodOf(job, (pod) => {
            pod.status = { phase, containerStatuses: [{ name: "run-worker", image: IMAGE, imageID: "", ready: false, restartCount: 0, state: { terminated } }] };
        });
    }
    void it("creates the token Secret and the Job, and succeeds when the worker reports success", async () => {
        const { run, handle, job } = await launch();
        await running(job);
        const secret = api.get("secrets", NS, runTokenSecretName(run.runId));
        assert.ok(secret, "token Secret created");
        assert.equal(Buffer.from(secret.data.token, "base64").toString(), `token-for-${run.runId}`);
        await waitFor("owner reference on the Secret", () => api.get("secrets", NS, runTokenSecretName(run.runId))?.metadata.ownerReferences?.[0]?.name === job);
        const created = api.get("jobs", NS, job);
        assert.equal(created.metadata.labels["flyt.dev/run-id"], run.runId);
        assert.equal(created.spec.backoffLimit, 0);
        const env = created.spec.template.spec.containers[0].env;
        assert.ok(!JSON.stringify(created).includes(`token-for-${run.runId}`), "the token is not in the Job manifest");
        assert.deepEqual(env.find((e) => e.name === "FLYT_RUN_TOKEN")?.valueFrom, { secretKeyRef: { name: runTokenSecretName(run.runId), key: "token" } });
        await workerWrites(storage, run.runId, [
            [null, { type: "RUN_STARTED" }],
            ["ssb/a", { type: "STEP_START", attempt: 1, assetKeys: ["ssb/a"] }],
            ["ssb/a", { type: "STEP_SUCCESS", durationMs: 5 }],
            [null, { type: "RUN_SUCCESS" }],
        ]);
        terminate(job, { exitCode: 0, reason: "Completed" }, "Succeeded");
        api.update("jobs", NS, job, (j) => {
            j.status = { succeeded: 1, conditions: [{ type: "Complete", status: "True" }] };
        });
        const final = await handle.done;
        assert.equal(final.status, "SUCCESS");
        const all = await events(storage, run.runId);
        assert.deepEqual(all.map((e) => e.body.type), ["RUN_QUEUED", "RUN_STARTING", "RUN_STARTED", "STEP_START", "STEP_SUCCESS", "RUN_SUCCESS"]);
        assert.equal(all[1].seq, null, "the launcher's own events carry seq null");
        await waitFor("the watches to close after the run", () => api.openWatches() === 0, 5000);
    });
    void it("fails an unschedulable run after scheduleTimeoutSeconds, with the scheduler's reason, and deletes the Job", async () => {
        const { run, handle, job } = await launch();
        await running(job);
        api.updatePodOf(job, (pod) => {
            pod.status = {
                phase: "Pending",
                conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: "0/3 nodes are available: 3 Insufficient memory." }],
            };
        });
        const started = Date.now();
        const final = await handle.done;
        assert.equal(final.status, "FAILURE");
        assert.ok(Date.now() - started >= 900, "waited for the schedule timeout");
        const failure = ofType(await events(storage, run.runId), "RUN_FAILURE");
        assert.equal(failure.length, 1);
        assert.match(failure[0].body.message, /could not be scheduled within 1 s: 0\/3 nodes are available: 3 Insufficient memory\./);
        assert.ok(api.requests.some((r) => r.method === "DELETE" && r.path.endsWith(`/jobs/${job}`)), "the stuck Job was deleted");
    });
    void it("turns an image pull error into a failure naming the image", async () => {
        const { run, handle, job } = await launch();
        await running(job);
        api.updatePodOf(job, (pod) => {
            pod.status = {
                phase: "Pending",
                containerStatuses: [
                    {
                        name: "run-worker",
                        image: IMAGE,
                        imageID: "",
                        ready: false,
                        restartCount: 0,
                        state: { waiting: { reason: "ErrImagePull", message: 'failed to pull "registry.example.com/atlas/code:1.2.3": not found' } },
                    },
                ],
            };
        });
        const final = await handle.done;
        assert.equal(final.status, "FAILURE");
        const [failure] = ofType(await events(storage, run.runId), "RUN_FAILURE");
        assert.match(failure.body.message, /^Image pull failed for registry\.example\.com\/atlas\/code:1\.2\.3: ErrImagePull: failed to pull .*not found/);
    });
    void it("reports an OOM kill with the memory limit and fails the step that was running", async () => {
        const { run, handle, job } = await launch({ "flyt/k8s-memory-limit": "512Mi", "flyt/k8s-memory-request": "256Mi" });
        await running(job);
        assert.equal(api.get("jobs", NS, job).spec.template.spec.containers[0].resources.limits.memory, "512Mi", "run tag override applied");
        await workerWrites(storage, run.runId, [
            [null, { type: "RUN_STARTED" }],
            ["ssb/a", { type: "STEP_START", attempt: 1, assetKeys: ["ssb/a"] }],
        ]);
        terminate(job, { exitCode: 137, reason: "OOMKilled" });
        const final = await handle.done;
        assert.equal(final.status, "FAILURE");
        const all = await events(storage, run.runId);
        const [failure] = ofType(all, "RUN_FAILURE");
        assert.match(failure.body.message, /OOM-killed at its 512Mi memory limit \(exit code 137\)/);
        const [step] = ofType(all, "STEP_FAILURE");
        assert.equal(step?.stepKey, "ssb/a");
        assert.deepEqual(step?.body.assetKeys, ["ssb/a"]);
    });
    void it("reports an eviction", async () => {
        const { run, handle, job } = await launch();
        await running(job);
        api.updatePodOf(job, (pod) => {
            pod.status = { phase: "Failed", reason: "Evicted", message: "The node was low on resource: memory." };
        });
        assert.equal((await handle.done).status, "FAILURE");
        const [failure] = ofType(await events(storage, run.runId), "RUN_FAILURE");
        assert.match(failure.body.message, /evicted: The node was low on resource: memory\./);
    });
    void it("reports a Job deadline (activeDeadlineSeconds)", async () => {
        const { run, handle, job } = await launch({}, launcher({}, { activeDeadlineSeconds: 60 }));
        await running(job);
        api.update("jobs", NS, job, (j) => {
            j.status = { failed: 1, conditions: [{ type: "Failed", status: "True", reason: "DeadlineExceeded", message: "Job was active longer than specified deadline" }] };
        });
        assert.equal((await handle.done).status, "FAILURE");
        const [failure] = ofType(await events(storage, run.runId), "RUN_FAILURE");
        assert.match(failure.body.message, /exceeded its deadline of 60 s \(activeDeadlineSeconds\)/);
    });
    void it("reports the exit code of a worker that died without reporting", async () => {
        const { run, handle, job } = await launch();
        await running(job);
        terminate(job, { exitCode: 3, reason: "Error" });
        assert.equal((await handle.done).status, "FAILURE");
        const [failure] = ofType(await events(storage, run.runId), "RUN_FAILURE");
        assert.match(failure.body.message, /exited with code 3/);
    });
    void it("keeps the worker's own failure and adds none when the worker reported the outcome", async () => {
        const { run, handle, job } = await launch();
        await running(job);
        await workerWrites(storage, run.runId, [
            [null, { type: "RUN_STARTED" }],
            [null, { type: "RUN_FAILURE", message: "step ssb/a failed: boom" }],
        ]);
        terminate(job, { exitCode: 1, reason: "Error" });
        assert.equal((await handle.done).status, "FAILURE");
        const failures = ofType(await events(storage, run.runId), "RUN_FAILURE");
        assert.deepEqual(failures.map((f) => f.body.message), ["step ssb/a failed: boom"]);
    });
    void it("resumes a dropped watch from its resourceVersion and sees changes made while disconnected", async () => {
        const { run, handle, job } = await launch();
        await running(job);
        const before = handle.watchConnections;
        api.disconnectWatches();
        await workerWrites(storage, run.runId, [[null, { type: "RUN_STARTED" }], [null, { type: "RUN_SUCCESS" }]]);
        terminate(job, { exitCode: 0, reason: "Completed" }, "Succeeded");
        assert.equal((await handle.done).status, "SUCCESS");
        assert.ok(handle.watchConnections > before, "reconnected");
        const resumed = api.requests.filter((r) => r.query.watch === "true" && r.path.endsWith("/pods")).at(-1);
        assert.ok(resumed && Number(resumed.query.resourceVersion) > 0, "resumed from a resourceVersion");
    });
    void it("lists again when the resourceVersion expired (410) while disconnected", async () => {
        const { run, handle, job } = await launch();
        await running(job);
        api.disconnectWatches();
        terminate(job, { exitCode: 2, reason: "Error" });
        api.compact();
        assert.equal((await handle.done).status, "FAILURE");
        const [failure] = ofType(await events(storage, run.runId), "RUN_FAILURE");
        assert.match(failure.body.message, /exited with code 2/);
    });
    void it("cancels by deleting the Job with foreground propagation", async () => {
        const { run, handle, job } = await launch();
        await running(job);
        await handle.cancel("operator asked");
        const final = await handle.done;
        assert.equal(final.status, "CANCELED");
        const deletion = api.requests.find((r) => r.method === "DELETE" && r.path.endsWith(`/jobs/${job}`));
        assert.equal(deletion?.query.propagationPolicy, "Foreground");
        const types = (await events(storage, run.runId)).map((e) => e.body.type);
        assert.deepEqual(types, ["RUN_QUEUED", "RUN_STARTING", "RUN_CANCELING", "RUN_CANCELED"]);
        assert.equal(api.get("jobs", NS, job), undefined);
        assert.equal(api.get("secrets", NS, runTokenSecretName(run.runId)), undefined, "token Secret gone with the Job");
    });
    void it("fails clearly when the API refuses the Job, and removes the token Secret", async () => {
        api.failNext("POST", `/apis/batch/v1/namespaces/${NS}/jobs`, 403, 'jobs.batch is forbidden: User "system:serviceaccount:flyt:flyt" cannot create resource "jobs"');
        const { run, handle } = await launch();
        assert.equal((await handle.done).status, "FAILURE");
        const [failure] = ofType(await events(storage, run.runId), "RUN_FAILURE");
        assert.match(failure.body.message, /Could not create the Job flyt-run-.* in namespace flyt: HTTP 403: jobs\.batch is forbidden/);
        assert.equal(api.get("secrets", NS, runTokenSecretName(run.runId)), undefined);
    });
    void it("fails a run with an invalid resource tag before creating anything", async () => {
        const count = api.requests.length;
        const { run, handle } = await launch({ "flyt/k8s-memory-limit": "512m" });
        assert.equal((await handle.done).status, "FAILURE");
        const [failure] = ofType(await events(storage, run.runId), "RUN_FAILURE");
        assert.match(failure.body.message, /run tag flyt\/k8s-memory-limit.*milli-bytes; did you mean "512Mi"/);
        assert.equal(api.requests.length, count, "no API call");
    });
});
//# sourceMappingURL=launcher.test.js.map