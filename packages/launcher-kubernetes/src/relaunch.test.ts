/**
 * The KubernetesLauncher relaunching a run a killed daemon leader claimed (docs/failover.md, "Runs a
 * killed leader claimed"): with `relaunch: true` it takes over what the earlier launch left — the
 * run-token Secret, the Job — instead of failing on 409 AlreadyExists or starting a second Job;
 * without `relaunch` a 409 fails the run as it always did.
 *
 * The Kubernetes API server here is a FAKE (@flyt/kubernetes/testing, as in launcher.test.ts): a
 * real HTTP server driven by each test, through the real @kubernetes/client-node. It checks the
 * launcher's API calls only; it enforces neither RBAC nor immutable Secrets, so "the Secret is
 * kept, not replaced" is asserted on the requests the launcher sends. Checking this against a real
 * cluster is the real-cluster suite's work (issue 19).
 */
import { afterEach, beforeEach, it } from "node:test";
import assert from "node:assert/strict";
import type { EventBody, EventRecord, RunRecord, StoredEvent } from "@flyt/core";
import type { Storage } from "@flyt/storage";
import { describeEachBackend } from "@flyt/storage/testing";
import { FakeKubeApi, type RecordedRequest } from "@flyt/kubernetes/testing";
import { KubernetesLauncher, type KubernetesRunHandle } from "./launcher.js";
import { buildRunJob, buildRunTokenSecret } from "./job.js";
import { runJobName, runTokenSecretName } from "./labels.js";

const NS = "flyt";
const IMAGE = "registry.example.com/atlas/code:1.2.3";
const JOBS = `/apis/batch/v1/namespaces/${NS}/jobs`;
const SECRETS = `/api/v1/namespaces/${NS}/secrets`;

// Copied from launcher.test.ts (its helpers are private to that file).
function ofType<T extends EventBody["type"]>(list: StoredEvent[], type: T): Array<StoredEvent & { body: Extract<EventBody, { type: T }> }> {
  return list.filter((event): event is StoredEvent & { body: Extract<EventBody, { type: T }> } => event.body.type === type);
}

/** What a run worker would send through the ingest API: events with seq. */
async function workerWrites(storage: Storage, runId: string, bodies: Array<[string | null, EventBody]>, firstSeq = 1): Promise<void> {
  const batch: EventRecord[] = bodies.map(([stepKey, body], index) => ({ runId, seq: firstSeq + index, timestamp: Date.now(), stepKey, body }));
  await storage.appendEvents(batch);
}

function tokenIn(secret: Record<string, any> | undefined): string | undefined {
  const data = secret?.data?.token as string | undefined;
  return data === undefined ? undefined : Buffer.from(data, "base64").toString("utf8");
}

describeEachBackend((backend) => `KubernetesLauncher relaunch against a fake API server, storage on ${backend}`, ({ storage }) => {
  // A server per test: request logs, watch counts and leftover objects never carry over.
  let api: FakeKubeApi;
  beforeEach(async () => {
    api = await FakeKubeApi.start();
  });
  afterEach(async () => {
    await api[Symbol.asyncDispose]();
  });

  function launcher(): KubernetesLauncher {
    return new KubernetesLauncher({
      config: { namespace: NS, ingestUrl: "http://flyt.flyt.svc:3000", scheduleTimeoutSeconds: 1 },
      locations: { atlas: { image: "registry.example.com/atlas/code", tag: "1.2.3" } },
      runToken: (run) => `new-leader-token-for-${run.runId}`,
      kubeConfig: api.kubeConfig(),
      watchRetryDelayMs: 50,
      terminalGraceMs: 300,
    });
  }

  /** A run the killed leader claimed (QUEUED → STARTING), as reclaimStartingRuns hands it to the new leader. */
  async function claimedRun(): Promise<RunRecord> {
    const { run } = await storage.createRun({ selection: "ssb/*", assetKeys: ["ssb/a"], location: "atlas", tags: {} });
    const claimed = await storage.claimQueuedRun(run.runId);
    assert.equal(claimed?.status, "STARTING");
    return claimed;
  }

  /**
   * What the killed leader's launch got through before it died, made with the launcher's own
   * builders: the Secret with its token, and the Job (with its pod, as the Job controller makes it)
   * when `job`. Returns the Job's uid.
   */
  async function earlierLaunch(run: RunRecord, made: { secret: boolean; job: boolean }): Promise<string | undefined> {
    const l = launcher();
    if (made.secret) {
      await l.core.createNamespacedSecret({ namespace: NS, body: buildRunTokenSecret({ run, config: l.config, token: `old-leader-token-for-${run.runId}`, namespace: NS }) });
    }
    if (!made.job) return undefined;
    const job = await l.batch.createNamespacedJob({ namespace: NS, body: buildRunJob({ run, location: l.locationConfig("atlas"), config: l.config, namespace: NS }) });
    assert.ok(job.metadata?.uid);
    return job.metadata.uid;
  }

  /** The requests sent since `from` matching method and path (exact, or `prefix*`). */
  function sent(from: number, method: string, path: string): RecordedRequest[] {
    const matches = (p: string): boolean => (path.endsWith("*") ? p.startsWith(path.slice(0, -1)) : p === path);
    return api.requests.slice(from).filter((r) => r.method === method && matches(r.path));
  }

  /**
   * Waits until the handle watches the Job and its pods, so later changes arrive by watch. Fails at
   * once, with the launcher's reason, if the run ends first (the launcher refused to follow).
   */
  async function following(handle: KubernetesRunHandle): Promise<void> {
    const state: { ended: RunRecord | null } = { ended: null };
    void handle.done.then((run) => (state.ended = run));
    const deadline = Date.now() + 10_000;
    while (!(api.openWatches("jobs") > 0 && api.openWatches("pods") > 0)) {
      if (state.ended !== null) {
        const [failure] = ofType(await storage.getEvents(handle.runId, { limit: 1000 }), "RUN_FAILURE");
        assert.fail(`the run ended ${state.ended.status} instead of following its Job: ${failure?.body.message ?? "(no RUN_FAILURE)"}`);
      }
      if (Date.now() > deadline) throw new Error("timed out waiting for the launcher to watch the Job and its pods");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /**
   * The run's end, or a failure after `ms` rather than a test that hangs (a launcher following a Job
   * it should have refused never ends on its own); the run is then canceled so nothing keeps watching.
   */
  async function endsWithin(handle: KubernetesRunHandle, ms = 10_000): Promise<RunRecord> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        void handle.cancel("the test gave up waiting").catch(() => undefined);
        reject(new Error(`the run did not end within ${ms} ms`));
      }, ms);
    });
    try {
      return await Promise.race([handle.done, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The worker reports success, its pod ends 0 and the Job completes (as in launcher.test.ts). */
  async function succeed(run: RunRecord, job: string): Promise<void> {
    await workerWrites(storage, run.runId, [
      [null, { type: "RUN_STARTED" }],
      [null, { type: "RUN_SUCCESS" }],
    ]);
    api.updatePodOf(job, (pod) => {
      pod.status = { phase: "Succeeded", containerStatuses: [{ name: "run-worker", image: IMAGE, imageID: "", ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: "Completed" } } }] };
    });
    api.update("jobs", NS, job, (j) => {
      j.status = { succeeded: 1, conditions: [{ type: "Complete", status: "True" }] };
    });
  }

  void it("relaunch with the Job already there: follows that Job, creates no second one, keeps the Secret, ends SUCCESS", async () => {
    const run = await claimedRun();
    const job = runJobName(run.runId);
    const secretName = runTokenSecretName(run.runId);
    const earlierUid = await earlierLaunch(run, { secret: true, job: true });
    const from = api.requests.length;

    const handle = launcher().launch({ run, storage, relaunch: true });
    await following(handle);
    assert.equal(handle.job?.metadata?.uid, earlierUid, "the handle follows the earlier launch's Job");
    assert.equal(sent(from, "POST", JOBS).length, 1, "one attempt to create the Job (answered 409), no retry under another name");
    assert.equal(sent(from, "GET", `${JOBS}/${job}`).length, 1, "the existing Job was read");
    const runJobs = api.list("jobs").filter((j) => j.metadata.labels?.["flyt.dev/run-id"] === run.runId);
    assert.deepEqual(runJobs.map((j) => j.metadata.uid), [earlierUid], "still exactly the earlier Job");
    assert.equal(api.list("pods").filter((p) => p.metadata.labels?.["job-name"] === job).length, 1, "still exactly one pod");

    // The Secret is immutable: kept with the earlier token (still valid), never replaced or deleted,
    // and now owned by the followed Job so that it goes with it.
    assert.deepEqual(sent(from, "PUT", `${SECRETS}*`), []);
    assert.deepEqual(sent(from, "DELETE", `${SECRETS}*`), []);
    assert.equal(tokenIn(api.get("secrets", NS, secretName)), `old-leader-token-for-${run.runId}`);
    assert.equal(api.get("secrets", NS, secretName)?.metadata.ownerReferences?.[0]?.uid, earlierUid);

    await succeed(run, job);
    const final = await endsWithin(handle);
    assert.equal(final.status, "SUCCESS");
    const types = (await storage.getEvents(run.runId, { limit: 1000 })).map((e) => e.body.type);
    assert.deepEqual(types, ["RUN_QUEUED", "RUN_STARTING", "RUN_STARTED", "RUN_SUCCESS"]);
    assert.deepEqual(sent(from, "DELETE", `${JOBS}*`), [], "the followed Job was not deleted");
  });

  void it("relaunch following the earlier Job takes the run's outcome from it: its pod's exit code fails the run", async () => {
    const run = await claimedRun();
    const job = runJobName(run.runId);
    await earlierLaunch(run, { secret: true, job: true });

    const handle = launcher().launch({ run, storage, relaunch: true });
    await following(handle);
    api.updatePodOf(job, (pod) => {
      pod.status = { phase: "Failed", containerStatuses: [{ name: "run-worker", image: IMAGE, imageID: "", ready: false, restartCount: 0, state: { terminated: { exitCode: 3, reason: "Error" } } }] };
    });
    assert.equal((await endsWithin(handle)).status, "FAILURE");
    const failures = ofType(await storage.getEvents(run.runId, { limit: 1000 }), "RUN_FAILURE");
    assert.equal(failures.length, 1);
    assert.match(failures[0]!.body.message, /exited with code 3/);
  });

  void it("relaunch with only the Secret there: keeps it, creates the Job once, follows it to SUCCESS", async () => {
    const run = await claimedRun();
    const job = runJobName(run.runId);
    const secretName = runTokenSecretName(run.runId);
    await earlierLaunch(run, { secret: true, job: false });
    const from = api.requests.length;

    const handle = launcher().launch({ run, storage, relaunch: true });
    await following(handle);
    const posts = sent(from, "POST", JOBS);
    assert.equal(posts.length, 1, "the Job was created once");
    assert.equal(sent(from, "GET", `${JOBS}/${job}`).length, 0, "a created Job needs no read");
    const created = api.get("jobs", NS, job);
    assert.ok(created, "the Job exists");
    assert.equal(handle.job?.metadata?.uid, created.metadata.uid);

    assert.equal(sent(from, "POST", SECRETS).length, 1, "the Secret was attempted (answered 409)");
    assert.deepEqual(sent(from, "PUT", `${SECRETS}*`), []);
    assert.deepEqual(sent(from, "DELETE", `${SECRETS}*`), []);
    assert.equal(tokenIn(api.get("secrets", NS, secretName)), `old-leader-token-for-${run.runId}`);
    assert.equal(api.get("secrets", NS, secretName)?.metadata.ownerReferences?.[0]?.uid, created.metadata.uid, "the Secret goes with the new Job");

    await succeed(run, job);
    assert.equal((await endsWithin(handle)).status, "SUCCESS");
    assert.deepEqual(ofType(await storage.getEvents(run.runId, { limit: 1000 }), "RUN_FAILURE"), []);
  });

  void it("without relaunch, a Job that already exists fails the run as before, and the existing Job is left alone", async () => {
    const run = await claimedRun();
    const job = runJobName(run.runId);
    const earlierUid = await earlierLaunch(run, { secret: false, job: true });
    const from = api.requests.length;

    const handle = launcher().launch({ run, storage });
    assert.equal((await endsWithin(handle, 5_000)).status, "FAILURE");
    const failures = ofType(await storage.getEvents(run.runId, { limit: 1000 }), "RUN_FAILURE");
    assert.equal(failures.length, 1);
    assert.match(failures[0]!.body.message, new RegExp(`^Could not create the Job ${job} in namespace ${NS}: HTTP 409: jobs "${job}" already exists$`));
    assert.equal(sent(from, "GET", `${JOBS}/${job}`).length, 0, "the existing Job was not read to be followed");
    assert.deepEqual(sent(from, "DELETE", `${JOBS}*`), [], "nor deleted");
    assert.equal(api.get("jobs", NS, job)?.metadata.uid, earlierUid);
    assert.equal(api.get("secrets", NS, runTokenSecretName(run.runId)), undefined, "the Secret this launch made was removed");
  });

  void it("without relaunch, a Secret that already exists fails the run as before, and no Job is created", async () => {
    const run = await claimedRun();
    await earlierLaunch(run, { secret: true, job: false });
    const from = api.requests.length;

    const handle = launcher().launch({ run, storage });
    assert.equal((await endsWithin(handle, 5_000)).status, "FAILURE");
    const [failure] = ofType(await storage.getEvents(run.runId, { limit: 1000 }), "RUN_FAILURE");
    assert.match(failure!.body.message, new RegExp(`^Could not create the run-token Secret ${runTokenSecretName(run.runId)} in namespace ${NS}: HTTP 409: `));
    assert.deepEqual(sent(from, "POST", JOBS), []);
  });
});
