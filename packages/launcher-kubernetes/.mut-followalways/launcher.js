/**
 * KubernetesLauncher: each run becomes a Kubernetes Job from its code location's image. The
 * launcher creates the run-token Secret and the Job, follows the Job and its Pod with list +
 * watch, and turns what goes wrong outside user code (unschedulable, image pull errors, OOM
 * kills, evictions, deadlines, exit codes) into a RUN_FAILURE with a clear reason — unless the
 * worker already reported the run's outcome through the ingest API. Cancel deletes the Job with
 * foreground propagation. Platform events are written with `seq: null`, like the other launchers.
 */
import { readFileSync } from "node:fs";
import { ApiException, BatchV1Api, CoreV1Api, KubeConfig, Watch } from "@kubernetes/client-node";
import { abandonedRunEvents, InvalidConfigError, STEP_LEDGER_EVENT_TYPES, coerceError, isTerminalRunStatus, } from "@flyt/core";
import { Follower } from "@flyt/kubernetes";
import { claimForLaunch } from "@flyt/contracts";
import { parseKubernetesLauncherConfig, parseKubernetesLocationConfig, } from "./config.js";
import { buildRunJob, buildRunTokenSecret } from "./job.js";
import { LABEL_RUN_ID, runJobName, runTokenSecretName, toLabelValue } from "./labels.js";
import { classifyJob, classifyPod } from "./status.js";
const IN_CLUSTER_NAMESPACE_FILE = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
/** Loads the KubeConfig the config asks for. Throws InvalidConfigError when none can be loaded. */
export function loadKubeConfig(config) {
    const kubeConfig = new KubeConfig();
    try {
        if (config.kubeconfig !== undefined)
            kubeConfig.loadFromFile(config.kubeconfig);
        else
            kubeConfig.loadFromDefault();
        if (config.context !== undefined)
            kubeConfig.setCurrentContext(config.context);
    }
    catch (error) {
        throw new InvalidConfigError("kubernetes.kubeconfig", `could not load a Kubernetes configuration: ${coerceError(error).message}`, { cause: error });
    }
    if (kubeConfig.getCurrentCluster() === null) {
        throw new InvalidConfigError("kubernetes.kubeconfig", "no Kubernetes cluster configured (not running in a pod, and no kubeconfig in $KUBECONFIG or ~/.kube/config)");
    }
    return kubeConfig;
}
function defaultNamespace(kubeConfig) {
    try {
        const inCluster = readFileSync(IN_CLUSTER_NAMESPACE_FILE, "utf8").trim();
        if (inCluster !== "")
            return inCluster;
    }
    catch {
        // Not in a pod.
    }
    const context = kubeConfig.getContextObject(kubeConfig.getCurrentContext());
    return context?.namespace ?? "default";
}
/** A Kubernetes API error as one line: status code and the server's message. */
function isAlreadyExists(error) {
    return error instanceof ApiException && error.code === 409;
}
export function describeApiError(error) {
    if (error instanceof ApiException) {
        const body = typeof error.body === "string" ? safeJson(error.body) : error.body;
        const message = body?.message;
        return `HTTP ${error.code}${typeof message === "string" ? `: ${message}` : ""}`;
    }
    return coerceError(error).message;
}
function safeJson(text) {
    try {
        return JSON.parse(text);
    }
    catch {
        return { message: text.slice(0, 500) };
    }
}
function isNotFound(error) {
    return error instanceof ApiException && error.code === 404;
}
export class KubernetesLauncher {
    options;
    name = "kubernetes";
    config;
    kubeConfig;
    namespace;
    batch;
    core;
    constructor(options) {
        this.options = options;
        this.config = parseKubernetesLauncherConfig(options.config, "flyt.yaml kubernetes");
        if (typeof options.runToken !== "function")
            throw new TypeError("KubernetesLauncher needs a runToken(run) function");
        this.kubeConfig = options.kubeConfig ?? loadKubeConfig(this.config);
        this.namespace = this.config.namespace ?? defaultNamespace(this.kubeConfig);
        this.batch = this.kubeConfig.makeApiClient(BatchV1Api);
        this.core = this.kubeConfig.makeApiClient(CoreV1Api);
    }
    /** The validated Kubernetes settings of a location; throws InvalidConfigError naming it. */
    locationConfig(location) {
        const { locations } = this.options;
        const raw = typeof locations === "function" ? locations(location) : Object.hasOwn(locations, location) ? locations[location] : undefined;
        if (raw === undefined) {
            throw new InvalidConfigError(`code location ${JSON.stringify(location)}`, "it has no kubernetes settings (image and tag or digest)");
        }
        return parseKubernetesLocationConfig(raw, `code location ${JSON.stringify(location)} kubernetes settings`);
    }
    launch(request) {
        if (request === null || typeof request !== "object" || typeof request.run?.runId !== "string") {
            throw new TypeError("launch() needs a LaunchRequest with a stored run");
        }
        if (!request.storage || typeof request.storage.appendEvents !== "function")
            throw new TypeError("LaunchRequest.storage must be a Storage");
        return new KubernetesRunHandle(this, request);
    }
}
export class KubernetesRunHandle {
    launcher;
    request;
    runId;
    done;
    jobName;
    secretName;
    /** The Job as created (null before, or when creation failed). */
    job = null;
    /** Watch connections opened for the Job and the Pods (tests check resumption). */
    get watchConnections() {
        return (this.jobFollower?.connections ?? 0) + (this.podFollower?.connections ?? 0);
    }
    storage;
    cancelReason = null;
    settle = null;
    settled = false;
    jobFollower = null;
    podFollower = null;
    unschedulableTimer = null;
    jobDeletion = null;
    constructor(launcher, request) {
        this.launcher = launcher;
        this.request = request;
        this.runId = request.run.runId;
        this.storage = request.storage;
        this.jobName = runJobName(this.runId);
        this.secretName = runTokenSecretName(this.runId);
        this.done = this.start();
    }
    async cancel(reason, options = {}) {
        if (this.cancelReason !== null || this.settled)
            return;
        this.cancelReason = reason ?? "Run canceled";
        if (options.recorded !== true)
            await this.write({ type: "RUN_CANCELING", message: this.cancelReason });
        // Before the Job exists, start() sees cancelReason and does not create it (or deletes it).
        if (this.job !== null)
            await this.deleteJob();
    }
    async start() {
        let ours = true;
        try {
            const outcome = await this.run();
            ours = outcome.kind !== "not-ours";
            await this.finish(outcome);
        }
        catch (error) {
            // Storage trouble or a bug: record what we can, never reject `done` for a run failure.
            await this.finish({ kind: "failed", message: `The Kubernetes launcher failed: ${coerceError(error).message}`, workerRan: false }).catch(() => undefined);
        }
        finally {
            this.stopFollowing();
        }
        const run = await this.storage.getRun(this.runId);
        if (run === null)
            throw new Error(`run ${this.runId} disappeared from storage`);
        // Another party's run: its tokens and cleanup are theirs.
        if (!ours)
            return run;
        try {
            await this.launcher.options.onRunEnded?.(run);
        }
        catch {
            // Cleanup trouble (tokens also expire) must not change the run's outcome.
        }
        return run;
    }
    async run() {
        const { launcher, request } = this;
        if ((await claimForLaunch(this.storage, request.run)) === null)
            return { kind: "not-ours" };
        const namespace = launcher.namespace;
        let job;
        let token;
        try {
            const location = launcher.locationConfig(request.run.location);
            job = buildRunJob({ run: request.run, location, config: launcher.config, namespace });
            token = await launcher.options.runToken(request.run);
        }
        catch (error) {
            return { kind: "failed", message: `Could not prepare the run's Kubernetes Job: ${coerceError(error).message}`, workerRan: false };
        }
        if (this.cancelReason !== null)
            return { kind: "canceled" };
        const secret = buildRunTokenSecret({ run: request.run, config: launcher.config, token, namespace });
        const relaunch = request.relaunch === true;
        try {
            await launcher.core.createNamespacedSecret({ namespace, body: secret });
        }
        catch (error) {
            // A relaunch after a leader died mid-launch: the earlier launch made the Secret, and it is kept as it is. It cannot
            // be replaced (it is immutable: Kubernetes refuses any change to its data, and the chart's Role grants no `update`
            // on Secrets), and it need not be: its token stays valid until the run ends (createKubernetesLauncher's onRunEnded revokes all the run's tokens).
            if (!(relaunch && isAlreadyExists(error))) {
                return {
                    kind: "failed",
                    message: `Could not create the run-token Secret ${this.secretName} in namespace ${namespace}: ${describeApiError(error)}`,
                    workerRan: false,
                };
            }
        }
        let created;
        try {
            created = await launcher.batch.createNamespacedJob({ namespace, body: job });
        }
        catch (error) {
            // The earlier launch created the Job: follow it, never a second Job (its name is the run's).
            const existing = isAlreadyExists(error) ? await launcher.batch.readNamespacedJob({ name: this.jobName, namespace }).catch(() => null) : null;
            if (existing === null) {
                await launcher.core.deleteNamespacedSecret({ name: this.secretName, namespace }).catch(() => undefined);
                return { kind: "failed", message: `Could not create the Job ${this.jobName} in namespace ${namespace}: ${describeApiError(error)}`, workerRan: false };
            }
            created = existing;
        }
        this.job = created;
        const uid = created.metadata?.uid;
        if (uid !== undefined) {
            // The Secret goes with the Job (TTL, cancel); the token never outlives its run's objects.
            await launcher.core
                .patchNamespacedSecret({
                name: this.secretName,
                namespace,
                body: [{ op: "add", path: "/metadata/ownerReferences", value: buildRunTokenSecret({ run: request.run, config: launcher.config, token, namespace, owner: { name: this.jobName, uid } }).metadata?.ownerReferences }],
            })
                .catch(() => undefined);
        }
        const outcome = new Promise((resolve) => {
            this.settle = (value) => {
                if (this.settled)
                    return;
                this.settled = true;
                resolve(value);
            };
        });
        if (this.cancelReason !== null)
            void this.deleteJob();
        this.follow(namespace);
        return outcome;
    }
    follow(namespace) {
        const { launcher } = this;
        const retryDelayMs = launcher.options.watchRetryDelayMs ?? 1000;
        const maxFailures = launcher.options.watchMaxFailures ?? 20;
        const giveUp = (error) => this.settle?.({ kind: "failed", message: `Lost contact with the Kubernetes API while following Job ${this.jobName}: ${error.message}`, workerRan: true });
        const watch = new Watch(launcher.kubeConfig);
        const fieldSelector = `metadata.name=${this.jobName}`;
        const labelSelector = `${LABEL_RUN_ID}=${toLabelValue(this.runId)}`;
        this.jobFollower = new Follower({
            watch,
            path: `/apis/batch/v1/namespaces/${namespace}/jobs`,
            query: { fieldSelector },
            list: () => launcher.batch.listNamespacedJob({ namespace, fieldSelector }),
            onObject: (type, job) => this.onJob(type, job),
            onGiveUp: giveUp,
            retryDelayMs,
            maxFailures,
        });
        this.podFollower = new Follower({
            watch,
            path: `/api/v1/namespaces/${namespace}/pods`,
            query: { labelSelector },
            list: () => launcher.core.listNamespacedPod({ namespace, labelSelector }),
            onObject: (type, pod) => this.onPod(type, pod),
            onGiveUp: giveUp,
            retryDelayMs,
            maxFailures,
        });
        this.jobFollower.start();
        this.podFollower.start();
    }
    onJob(type, job) {
        if (job.metadata?.name !== this.jobName)
            return;
        if (type === "DELETED") {
            if (this.cancelReason !== null)
                this.settle?.({ kind: "canceled" });
            else
                this.settle?.({ kind: "failed", message: `The run's Job ${this.jobName} was deleted outside Flyt before the run finished`, workerRan: true });
            return;
        }
        const verdict = classifyJob(job);
        if (verdict.kind === "complete")
            this.settle?.({ kind: "finished" });
        else if (verdict.kind === "failed") {
            if (this.cancelReason !== null)
                return;
            // A pod verdict (OOM, exit code) names the cause better than BackoffLimitExceeded: give it a moment.
            if (verdict.reason === "DeadlineExceeded")
                this.settle?.({ kind: "failed", message: `The ${verdict.message}`, workerRan: true });
            else
                setTimeout(() => this.settle?.({ kind: "failed", message: capitalize(verdict.message), workerRan: true }), 500).unref();
        }
    }
    onPod(type, pod) {
        if (type === "DELETED") {
            if (this.cancelReason !== null)
                this.settle?.({ kind: "canceled" });
            return;
        }
        const verdict = classifyPod(pod);
        if (verdict.kind !== "unschedulable")
            this.clearUnschedulableTimer();
        switch (verdict.kind) {
            case "pending":
            case "running":
                return;
            case "succeeded":
                this.settle?.({ kind: "finished" });
                return;
            case "unschedulable": {
                const seconds = this.launcher.config.scheduleTimeoutSeconds;
                const fail = () => this.settle?.({
                    kind: "failed",
                    message: `The run's pod could not be scheduled${seconds > 0 ? ` within ${seconds} s` : ""}: ${verdict.message}`,
                    workerRan: false,
                });
                if (seconds === 0)
                    fail();
                else
                    this.unschedulableTimer ??= setTimeout(fail, seconds * 1000);
                return;
            }
            case "failed": {
                if (this.cancelReason !== null)
                    return;
                const workerRan = pod.status?.containerStatuses?.some((status) => status.state?.terminated !== undefined) ?? false;
                this.settle?.({ kind: "failed", message: capitalize(verdict.message), workerRan });
                return;
            }
        }
    }
    clearUnschedulableTimer() {
        if (this.unschedulableTimer !== null)
            clearTimeout(this.unschedulableTimer);
        this.unschedulableTimer = null;
    }
    stopFollowing() {
        this.clearUnschedulableTimer();
        this.jobFollower?.stop();
        this.podFollower?.stop();
    }
    /** Deletes the Job with foreground propagation (its pods go first); a missing Job is fine. */
    deleteJob() {
        this.jobDeletion ??= (async () => {
            const namespace = this.launcher.namespace;
            try {
                await this.launcher.batch.deleteNamespacedJob({ name: this.jobName, namespace, propagationPolicy: "Foreground" });
            }
            catch (error) {
                if (!isNotFound(error)) {
                    this.jobDeletion = null;
                    throw new Error(`Could not delete the Job ${this.jobName} in namespace ${namespace}: ${describeApiError(error)}`, { cause: error });
                }
            }
            await this.launcher.core.deleteNamespacedSecret({ name: this.secretName, namespace }).catch(() => undefined);
        })();
        return this.jobDeletion;
    }
    /** Writes the outcome unless the worker already reported one. */
    async finish(outcome) {
        this.stopFollowing();
        if (outcome.kind === "not-ours")
            return;
        const workerRan = outcome.kind !== "failed" || outcome.workerRan;
        if (await this.workerFinished(workerRan ? (this.launcher.options.terminalGraceMs ?? 10_000) : 0))
            return;
        if (outcome.kind === "failed" && this.job !== null && this.cancelReason === null) {
            // A stuck pod (image pull back-off, unschedulable) would linger: remove it.
            await this.deleteJob().catch(() => undefined);
        }
        switch (outcome.kind) {
            case "finished":
                await this.endRun("FAILURE", "The run worker's pod ended without the worker reporting the run's outcome (no RUN_SUCCESS or RUN_FAILURE arrived through the ingest API)");
                return;
            case "failed":
                await this.endRun(this.cancelReason !== null ? "CANCELED" : "FAILURE", this.cancelReason ?? outcome.message);
                return;
            case "canceled":
                await this.endRun("CANCELED", this.cancelReason ?? "Run canceled");
                return;
        }
    }
    /** Polls storage for a terminal run status written by the worker, for up to `graceMs`. */
    async workerFinished(graceMs) {
        const deadline = Date.now() + graceMs;
        for (;;) {
            const run = await this.storage.getRun(this.runId);
            if (run !== null && isTerminalRunStatus(run.status))
                return true;
            if (Date.now() >= deadline)
                return false;
            await new Promise((resolve) => setTimeout(resolve, Math.min(200, Math.max(1, deadline - Date.now()))));
        }
    }
    /** Ends the steps left unfinished (core's StepLedger rule: running fail, never started skipped), then the run. */
    async endRun(outcome, message) {
        const events = await this.storage.getEvents(this.runId, { types: [...STEP_LEDGER_EVENT_TYPES] });
        const image = this.job?.spec?.template.spec?.containers[0]?.image;
        const endings = abandonedRunEvents(this.runId, events, outcome, message).map((event) => event.body.type === "RUN_FAILURE" && image !== undefined
            ? { ...event, body: { ...event.body, error: { name: "KubernetesRunFailure", message: `${message} (Job ${this.launcher.namespace}/${this.jobName}, image ${image})` } } }
            : event);
        await this.writeAll(endings);
    }
    async writeAll(events) {
        if (events.length === 0)
            return;
        await this.storage.appendEvents(events);
        for (const event of events) {
            try {
                this.request.onEvent?.(event);
            }
            catch {
                // A failing progress callback must not break the run's record.
            }
        }
    }
    async write(body, stepKey = null) {
        const event = { runId: this.runId, seq: null, timestamp: Date.now(), stepKey, body };
        await this.storage.appendEvents([event]);
        try {
            this.request.onEvent?.(event);
        }
        catch {
            // A failing progress callback must not break the run's record.
        }
    }
}
function capitalize(text) {
    return text.charAt(0).toUpperCase() + text.slice(1);
}
//# sourceMappingURL=launcher.js.map