/**
 * The daemon's run queue launching QUEUED runs through the Kubernetes launcher built by
 * `createKubernetesLauncher`, with real storage (every backend), the real webserver's ingest API,
 * and the real `flyt run-worker` started the way the Job's container would start it (its command,
 * args and env taken from the Job manifest, the token read from the Secret). The Kubernetes API is
 * a FAKE (@flyt/kubernetes/testing) because no API server can run here: the fake creates the
 * Job's Pod and the test drives its status. Not verified against a real cluster.
 */
import { after, before, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { MetricRegistry, RunQueue, StaticLaunchResolver, systemClock } from "@flyt/daemon";
import { describeEachBackend } from "@flyt/storage/testing";
import { startWebserver } from "@flyt/webserver";
import { createKubernetesLauncher } from "./factory.js";
import { runJobName, runTokenSecretName } from "./labels.js";
import { FakeKubeApi } from "@flyt/kubernetes/testing";
const repo = fileURLToPath(new URL("../../../", import.meta.url));
const NS = "flyt";
const WEATHER_ASSETS = ["weather/daily_brief", "weather/umbrella_index"];
async function waitFor(what, probe, timeoutMs = 15_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = await probe();
        if (value !== undefined && value !== false)
            return value;
        if (Date.now() > deadline)
            throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
    }
}
/** A launcher for locations without an image; it must never be asked for the image locations' runs. */
class RefusingLauncher {
    name = "refusing";
    launched = [];
    launch(request) {
        this.launched.push(request.run.runId);
        throw new Error("this location has no image: not for this test");
    }
}
describeEachBackend((backend) => `daemon run queue → Kubernetes launcher (fake API server) → real ingest API, storage on ${backend}`, ({ storage }) => {
    let api;
    let web;
    let queue;
    let resolver;
    let kubernetes;
    const fallback = new RefusingLauncher();
    const errors = [];
    before(async () => {
        api = await FakeKubeApi.start();
        web = await startWebserver({ storage, port: 0, log: () => undefined });
        kubernetes = createKubernetesLauncher({
            storage,
            // The webserver's URL as pods would reach it; the launcher appends /ingest/v1.
            config: { namespace: NS, ingestUrl: web.url, scheduleTimeoutSeconds: 30 },
            locations: {
                weather: { image: "registry.example.com/weather/flyt-code", tag: "2.0.1", definitionsFile: join(repo, "examples/weather/definitions.ts") },
            },
            kubeConfig: api.kubeConfig(),
            tuning: { watchRetryDelayMs: 50, terminalGraceMs: 2_000 },
        });
        resolver = new StaticLaunchResolver(fallback, {}, { weather: { launcher: kubernetes, definitionsFile: join(repo, "examples/weather/definitions.ts") } });
        queue = new RunQueue({
            storage,
            resolver,
            limits: { maxConcurrentRuns: null },
            metrics: new MetricRegistry(),
            clock: systemClock,
            onError: (error) => errors.push(error),
        });
    });
    after(async () => {
        await web.close();
        await api[Symbol.asyncDispose]();
    });
    /** Queues a run of `weather` and lets the queue dispatch it; returns the run and its Job name. */
    async function dispatch() {
        const { run } = await storage.createRun({ selection: "*", assetKeys: WEATHER_ASSETS, location: "weather" });
        assert.equal(run.status, "QUEUED");
        const launched = await queue.pass();
        assert.deepEqual(launched.map((r) => r.runId), [run.runId]);
        const handle = queue.handles.get(run.runId);
        assert.ok(handle, "the queue holds the run's handle");
        const job = runJobName(run.runId);
        await waitFor("the Job's pod", () => api.podOf(job));
        return { run, job, handle };
    }
    /** The token the Job's pod would get: from the Secret its FLYT_RUN_TOKEN refers to. */
    function tokenOf(runId) {
        const secret = api.get("secrets", NS, runTokenSecretName(runId));
        assert.ok(secret, "the run-token Secret exists");
        return Buffer.from(secret.data.token, "base64").toString("utf8");
    }
    async function post(url, token, events) {
        const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ events }) });
        return { status: response.status, body: (await response.json()) };
    }
    void it("a QUEUED run becomes a Job from the location's image, and its pod's worker reports through the ingest API with a token for that run only", async () => {
        const { run, job, handle } = await dispatch();
        // Another run of the same location, created after the dispatch and ended at once so that no later pass launches it.
        const other = await storage.createRun({ selection: "*", assetKeys: ["weather/umbrella_index"], location: "weather" });
        await storage.appendEvents([{ runId: other.run.runId, seq: null, timestamp: Date.now(), stepKey: null, body: { type: "RUN_CANCELED", message: "not part of this test" } }]);
        const manifest = api.get("jobs", NS, job);
        const container = manifest.spec.template.spec.containers[0];
        assert.equal(container.image, "registry.example.com/weather/flyt-code:2.0.1");
        assert.deepEqual(container.command, ["flyt", "run-worker"]);
        const ingestUrl = container.env.find((e) => e.name === "FLYT_INGEST_URL")?.value;
        assert.equal(ingestUrl, `${web.url}/ingest/v1`);
        const token = tokenOf(run.runId);
        assert.ok(!JSON.stringify(manifest).includes(token), "the token is only in the Secret, not in the Job");
        // The token is scoped: not another run, not an asset outside the run.
        const foreign = await post(`${ingestUrl}/runs/${other.run.runId}/events`, token, [{ runId: other.run.runId, seq: 1, timestamp: Date.now(), stepKey: null, body: { type: "RUN_STARTED" } }]);
        assert.equal(foreign.status, 403, JSON.stringify(foreign.body));
        assert.match(foreign.body.error?.message ?? "", /token is for run .* cannot write to run/);
        const outside = await post(`${ingestUrl}/runs/${run.runId}/events`, token, [
            { runId: run.runId, seq: 1, timestamp: Date.now(), stepKey: "x", body: { type: "ASSET_MATERIALIZATION", assetKey: "atlas/population", partition: null, metadata: {}, dataVersion: null } },
        ]);
        assert.equal(outside.status, 403, JSON.stringify(outside.body));
        assert.match(outside.body.error?.message ?? "", /not an asset of run/);
        // Start the pod's container here: its command (flyt → the repo's CLI), args and env from the manifest.
        api.updatePodOf(job, (pod) => {
            pod.status = { phase: "Running", containerStatuses: [{ name: "run-worker", image: container.image, imageID: "", ready: true, restartCount: 0, state: { running: {} } }] };
        });
        const env = { PATH: process.env.PATH };
        for (const entry of container.env) {
            if (entry.value !== undefined)
                env[entry.name] = entry.value;
            else if (entry.valueFrom?.secretKeyRef.name === runTokenSecretName(run.runId))
                env[entry.name] = token;
        }
        const child = spawn(process.execPath, [join(repo, "packages/cli/bin/flyt.js"), ...container.command.slice(1), ...container.args], { env, stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (chunk) => (stderr += chunk.toString()));
        const code = await new Promise((resolve) => child.once("exit", resolve));
        assert.equal(code, 0, stderr);
        api.updatePodOf(job, (pod) => {
            pod.status = { phase: "Succeeded", containerStatuses: [{ name: "run-worker", image: container.image, imageID: "", ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: "Completed" } } }] };
        });
        api.update("jobs", NS, job, (j) => {
            j.status = { succeeded: 1, conditions: [{ type: "Complete", status: "True" }] };
        });
        const final = await handle.done;
        assert.equal(final.status, "SUCCESS");
        const materialized = await storage.getLatestMaterializations(WEATHER_ASSETS);
        assert.deepEqual(materialized.map((m) => m.assetKey).sort(), [...WEATHER_ASSETS].sort());
        const events = await storage.getEvents(run.runId);
        assert.equal(events.filter((e) => e.body.type === "RUN_SUCCESS").length, 1);
        assert.ok(!events.some((e) => e.body.type === "RUN_FAILURE"));
        // The run has ended: its token is revoked.
        const late = await post(`${ingestUrl}/runs/${run.runId}/events`, token, [{ runId: run.runId, seq: 999, timestamp: Date.now(), stepKey: null, body: { type: "RUN_STARTED" } }]);
        assert.equal(late.status, 401);
        assert.match(late.body.error?.message ?? "", /revoked/);
        assert.deepEqual(fallback.launched, [], "runs of an image location never reach the default launcher");
        assert.deepEqual(errors, []);
    });
    void it("an image pull error ends the run FAILURE with the reason, deletes the Job and revokes the token", async () => {
        const { run, job, handle } = await dispatch();
        const token = tokenOf(run.runId);
        api.updatePodOf(job, (pod) => {
            pod.status = {
                phase: "Pending",
                containerStatuses: [
                    {
                        name: "run-worker",
                        image: "registry.example.com/weather/flyt-code:2.0.1",
                        imageID: "",
                        ready: false,
                        restartCount: 0,
                        state: { waiting: { reason: "ImagePullBackOff", message: 'Back-off pulling image "registry.example.com/weather/flyt-code:2.0.1"' } },
                    },
                ],
            };
        });
        const final = await handle.done;
        assert.equal(final.status, "FAILURE");
        const failures = (await storage.getEvents(run.runId)).filter((e) => e.body.type === "RUN_FAILURE");
        assert.equal(failures.length, 1);
        const failure = failures[0].body;
        assert.match(failure.message, /^Image pull failed for registry\.example\.com\/weather\/flyt-code:2\.0\.1: ImagePullBackOff: Back-off pulling image/);
        assert.ok(api.requests.some((r) => r.method === "DELETE" && r.path.endsWith(`/jobs/${job}`)), "the stuck Job was deleted");
        const late = await post(`${web.url}/ingest/v1/runs/${run.runId}/events`, token, [{ runId: run.runId, seq: 1, timestamp: Date.now(), stepKey: null, body: { type: "RUN_STARTED" } }]);
        assert.equal(late.status, 401, "the failed run's token no longer works");
    });
    void it("the resolver sends runs of locations without an image to the default launcher", async () => {
        const { run } = await storage.createRun({ selection: "*", assetKeys: ["local/a"], location: "local", tags: { "flyt/definitions_file": "/defs/local.ts" } });
        const target = resolver.resolve(run);
        assert.equal(target.launcher, fallback);
        assert.equal(target.definitionsFile, "/defs/local.ts");
        await storage.appendEvents([{ runId: run.runId, seq: null, timestamp: Date.now(), stepKey: null, body: { type: "RUN_CANCELED", message: "resolver check only" } }]);
        const weather = await storage.createRun({ selection: "*", assetKeys: WEATHER_ASSETS, location: "weather" });
        assert.equal(resolver.resolve(weather.run).launcher, kubernetes);
        await storage.appendEvents([{ runId: weather.run.runId, seq: null, timestamp: Date.now(), stepKey: null, body: { type: "RUN_CANCELED", message: "resolver check only" } }]);
    });
});
//# sourceMappingURL=daemon.test.js.map