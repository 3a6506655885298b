/**
 * `ctx.pipes.runPod`: creates the Pod, watches its status, follows its log (`follow=true`,
 * with timestamps so a dropped connection resumes without losing or replaying lines), feeds every log line
 * to the same PipesMessageReader that local children use, and deletes the pod when it is done,
 * failed or canceled. `@kubernetes/client-node` is imported on the first call only.
 *
 * A pod's log interleaves the container's stdout and stderr (the log API cannot separate them):
 * JSON Pipes messages become events, every other line is the child's output, reported as stderr.
 */
import { existsSync, readFileSync } from "node:fs";
import type { KubeConfig, V1Pod } from "@kubernetes/client-node";
import { Follower } from "@flyt/kubernetes";
import { buildContextData, formatException, LineSplitter, PipesMessageReader, PipesProcessError, STDERR_TAIL_BYTES, type PipesHost } from "@flyt/pipes";
import type { PipesPodOptions, PipesResult } from "@flyt/sdk";
import { openPodLog } from "./log-stream.js";
import { buildPipesPod, PIPES_CONTAINER, podName, resolvePodOptions, type ResolvedPodOptions } from "./pod.js";
import { classifyPipesPod, type PipesPodVerdict } from "./status.js";

type KubeModule = typeof import("@kubernetes/client-node");

/** Test and embedding hooks; every field is optional. */
export interface PodRunnerDeps {
  /** Use this configuration instead of kubeconfig / in-cluster discovery. */
  kubeConfig?: KubeConfig;
  /** After the container ended, how long to wait for the log stream to finish before reading the rest without follow. */
  logGraceMs?: number;
  /** Delay before a dropped watch or log connection is opened again. */
  reconnectDelayMs?: number;
  /** Grace period given to the pod on cancellation. */
  deleteGraceSeconds?: number;
}

const IN_CLUSTER_NAMESPACE = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
/** Consecutive watch failures (without an event between) before the step fails. */
const MAX_WATCH_FAILURES = 5;
/** Failed log requests, once the container has ended, before the step settles without the rest of the log. */
const MAX_LOG_FAILURES = 5;

let kubeModule: Promise<KubeModule> | null = null;
function loadKube(): Promise<KubeModule> {
  kubeModule ??= import("@kubernetes/client-node");
  return kubeModule;
}

export function describeApiError(kube: KubeModule, error: unknown): string {
  if (error instanceof kube.ApiException) {
    let body: unknown = error.body;
    if (typeof body === "string") {
      try {
        body = JSON.parse(body);
      } catch {
        // not JSON: keep the text
      }
    }
    const message = (body as { message?: unknown } | null)?.message;
    const hint = error.code === 403 ? " (the worker's service account needs pods create/get/list/watch/delete and pods/log get: see docs/launchers/kubernetes.md)" : "";
    return `HTTP ${error.code}${typeof message === "string" ? `: ${message}` : ""}${hint}`;
  }
  return error instanceof Error ? error.message : String(error);
}

function failure(
  message: string,
  reason: PipesProcessError["reason"],
  details: Partial<PipesProcessError["details"]> & { command: string },
  cause?: unknown,
): PipesProcessError {
  return new PipesProcessError(
    message,
    reason,
    { exitCode: null, signal: null, stderrTail: "", exception: null, ...details },
    cause === undefined ? undefined : { cause },
  );
}

export async function runPipesPod(host: PipesHost, options: PipesPodOptions, deps: PodRunnerDeps = {}): Promise<PipesResult> {
  const resolved = resolvePodOptions(options);
  if (host.signal.aborted) throw failure(`Pipes pod for ${resolved.image} was not created: the run was canceled`, "canceled", { command: resolved.image });
  let kube: KubeModule;
  try {
    kube = await loadKube();
  } catch (error) {
    throw failure(`ctx.pipes.runPod needs @kubernetes/client-node, which could not be loaded: ${(error as Error).message}`, "kubernetes-api", { command: resolved.image }, error);
  }
  const kubeConfig = deps.kubeConfig ?? loadKubeConfig(kube, resolved);
  const namespace = resolved.namespace ?? kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace ?? inClusterNamespace() ?? "default";
  return await new PodSession(kube, kubeConfig, host, resolved, namespace, deps).run();
}

function loadKubeConfig(kube: KubeModule, resolved: ResolvedPodOptions): KubeConfig {
  const config = new kube.KubeConfig();
  try {
    if (resolved.kubeconfig !== null) config.loadFromFile(resolved.kubeconfig);
    else config.loadFromDefault();
  } catch (error) {
    throw failure(`ctx.pipes.runPod: could not load the Kubernetes configuration${resolved.kubeconfig !== null ? ` from ${resolved.kubeconfig}` : ""}: ${(error as Error).message}`, "kubernetes-api", {
      command: resolved.image,
    }, error);
  }
  if (resolved.kubeContext !== null) {
    if (config.getContextObject(resolved.kubeContext) === null) {
      throw failure(`ctx.pipes.runPod: kubeContext ${JSON.stringify(resolved.kubeContext)} is not in the kubeconfig (contexts: ${config.getContexts().map((c) => c.name).join(", ") || "none"})`, "invalid-options", { command: resolved.image });
    }
    config.setCurrentContext(resolved.kubeContext);
  }
  if (config.getCurrentCluster() === null) {
    throw failure("ctx.pipes.runPod: no Kubernetes cluster configured (set KUBECONFIG, pass kubeconfig, or run inside a cluster)", "kubernetes-api", { command: resolved.image });
  }
  return config;
}

function inClusterNamespace(): string | null {
  try {
    if (!existsSync(IN_CLUSTER_NAMESPACE)) return null;
    return readFileSync(IN_CLUSTER_NAMESPACE, "utf8").trim() || null;
  } catch {
    return null;
  }
}

/** "2024-05-01T10:00:00.12Z" → "2024-05-01T10:00:00.120000000Z": comparable as strings. */
function normalizeTimestamp(stamp: string): string {
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(stamp);
  if (match === null) return stamp;
  return `${match[1]!}.${(match[2] ?? "").padEnd(9, "0").slice(0, 9)}${match[3]!}`;
}

class PodSession {
  private readonly name: string;
  private readonly printed: string;
  private readonly reader: PipesMessageReader;
  private readonly core: InstanceType<KubeModule["CoreV1Api"]>;
  private settle!: (outcome: { verdict: PipesPodVerdict | null; error: PipesProcessError | null }) => void;
  private readonly done: Promise<{ verdict: PipesPodVerdict | null; error: PipesProcessError | null }>;
  private finished = false;
  private terminal: PipesPodVerdict | null = null;
  private logState: "idle" | "following" | "ended" = "idle";
  private abortLog: (() => void) | null = null;
  /** Bumped when a log read is replaced or abandoned: its late callbacks are ignored. */
  private logGeneration = 0;
  private follower: Follower<V1Pod> | null = null;
  private logFailures = 0;
  private lastStamp = "";
  private seenAtLastStamp = 0;
  /** While resuming: lines at `lastStamp` still to skip. */
  private skipAtStamp = 0;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly kube: KubeModule,
    private readonly kubeConfig: KubeConfig,
    private readonly host: PipesHost,
    private readonly options: ResolvedPodOptions,
    private readonly namespace: string,
    private readonly deps: PodRunnerDeps,
  ) {
    this.name = podName(host.stepKey);
    this.printed = `pod ${namespace}/${this.name} (${options.image})`;
    this.reader = new PipesMessageReader(host, this.printed, { maxMessageBytes: options.maxMessageBytes, onCustomMessage: options.onCustomMessage });
    this.core = kubeConfig.makeApiClient(kube.CoreV1Api);
    this.done = new Promise((resolve) => (this.settle = resolve));
  }

  private details(extra: Partial<PipesProcessError["details"]> = {}, reason: string | null = null): PipesProcessError["details"] {
    return {
      command: this.printed,
      exitCode: null,
      signal: null,
      stderrTail: this.reader.stderrTail,
      exception: this.reader.exception,
      pod: { namespace: this.namespace, name: this.name, reason },
      ...extra,
    };
  }

  async run(): Promise<PipesResult> {
    const manifest = buildPipesPod(
      { name: this.name, namespace: this.namespace, runId: this.host.runId, stepKey: this.host.stepKey },
      this.options,
      buildContextData(this.host, this.options.extras),
    );
    let created: V1Pod;
    try {
      created = await this.core.createNamespacedPod({ namespace: this.namespace, body: manifest });
    } catch (error) {
      throw new PipesProcessError(
        `Could not create Pipes ${this.printed}: ${describeApiError(this.kube, error)}`,
        "kubernetes-api",
        this.details(),
        { cause: error },
      );
    }
    const onAbort = (): void => this.finish(null, new PipesProcessError(`Pipes ${this.printed} was stopped: the run was canceled`, "canceled", this.details()));
    this.host.signal.addEventListener("abort", onAbort, { once: true });
    const startTimer = setTimeout(() => this.startTimedOut(), this.options.startTimeoutSeconds * 1000);
    this.timers.add(startTimer);
    let outcome: { verdict: PipesPodVerdict | null; error: PipesProcessError | null };
    try {
      this.onPod(created);
      this.watch();
      outcome = await this.done;
    } finally {
      this.host.signal.removeEventListener("abort", onAbort);
      for (const timer of this.timers) clearTimeout(timer);
      this.follower?.stop();
      this.logGeneration += 1;
      this.abortLog?.();
      await this.deletePod();
    }
    this.reader.finishCounters();
    if (outcome.error !== null) {
      // The error was built before the last lines arrived: give it the final tail and exception.
      const { error } = outcome;
      const details = { ...error.details, stderrTail: this.reader.stderrTail, exception: this.reader.exception };
      throw new PipesProcessError(error.message, error.reason, details, { cause: error.cause });
    }
    return this.conclude(outcome.verdict!);
  }

  private conclude(verdict: PipesPodVerdict): PipesResult {
    const { reader } = this;
    if (!reader.closed) {
      reader.warn(
        `Pipes ${this.printed} ended without sending \`closed\`` +
          (reader.opened ? "" : " (nor `opened`: does the image use a Pipes client reading DAGSTER_PIPES_CONTEXT and writing to stderr?)"),
        true,
      );
    }
    if (verdict.kind === "succeeded" && reader.exception === null) return { ...reader.result(0), pod: { namespace: this.namespace, name: this.name } };
    const how = verdict.kind === "failed" ? verdict.message : "exited with code 0 but reported an exception";
    const parts = [`Pipes ${this.printed} ${how}`];
    if (reader.exception !== null) parts.push(`\nException sent with \`closed\`: ${formatException(reader.exception)}`);
    if (reader.stderrTail.trim().length > 0) parts.push(`\n--- last ${STDERR_TAIL_BYTES} bytes of the pod log ---\n${reader.stderrTail.trimEnd()}`);
    if (verdict.kind !== "failed") throw new PipesProcessError(parts.join(""), "exception", this.details({ exitCode: 0 }));
    const plainExit = verdict.exitCode !== null && verdict.reason === "Error";
    throw new PipesProcessError(parts.join(""), plainExit ? "exit" : "pod-failed", this.details({ exitCode: verdict.exitCode }, verdict.reason));
  }

  private finish(verdict: PipesPodVerdict | null, error: PipesProcessError | null): void {
    if (this.finished) return;
    this.finished = true;
    this.settle({ verdict, error });
  }

  private startTimedOut(): void {
    if (this.logState !== "idle" || this.finished) return;
    const detail = this.lastPendingDetail === null ? "" : ` (last status: ${this.lastPendingDetail})`;
    this.finish(
      null,
      new PipesProcessError(
        `Pipes ${this.printed} did not start within ${this.options.startTimeoutSeconds} s (startTimeoutSeconds)${detail}`,
        "start-timeout",
        this.details({}, "StartTimeout"),
      ),
    );
  }

  private lastPendingDetail: string | null = null;

  private onPod(pod: V1Pod): void {
    if (this.finished) return;
    const verdict = classifyPipesPod(pod);
    switch (verdict.kind) {
      case "pending":
        this.lastPendingDetail = verdict.detail;
        return;
      case "running":
        this.followLog();
        return;
      case "succeeded":
      case "failed":
        this.terminal = verdict;
        // A container that never ran has no log; one that ran is read to its end first.
        if (verdict.kind === "failed" && verdict.exitCode === null && this.logState === "idle") {
          this.finish(null, new PipesProcessError(`Pipes ${this.printed} ${verdict.message}`, "pod-failed", this.details({}, verdict.reason)));
          return;
        }
        if (this.logState === "idle") this.followLog();
        else if (this.logState === "ended") this.finish(verdict, null);
        else this.later(() => this.drainLog(), this.deps.logGraceMs ?? 10_000);
        return;
    }
  }

  private later(action: () => void, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.finished) action();
    }, delayMs);
    this.timers.add(timer);
  }

  /** Follows the pod's status with list + watch (resumed after a drop, relisted after a 410). */
  private watch(): void {
    if (this.finished) return;
    const fieldSelector = `metadata.name=${this.name}`;
    this.follower = new Follower<V1Pod>({
      watch: new this.kube.Watch(this.kubeConfig),
      path: `/api/v1/namespaces/${this.namespace}/pods`,
      query: { fieldSelector },
      list: () => this.core.listNamespacedPod({ namespace: this.namespace, fieldSelector }),
      onObject: (type, pod) => {
        if (type === "DELETED") {
          if (!this.finished && this.terminal === null) {
            this.finish(null, new PipesProcessError(`Pipes ${this.printed} was deleted before it finished (by someone else, or its node went away)`, "pod-failed", this.details({}, "Deleted")));
          }
          return;
        }
        this.onPod(pod);
      },
      onList: (pods) => {
        // Deleted while no watch was open, and its DELETED event compacted away.
        if (pods.length === 0 && !this.finished && this.terminal === null) {
          this.finish(null, new PipesProcessError(`Pipes ${this.printed} disappeared before it finished`, "pod-failed", this.details({}, "Deleted")));
        }
      },
      onGiveUp: (error, failures) => {
        if (this.finished) return;
        this.finish(null, new PipesProcessError(`Lost track of Pipes ${this.printed}: watching its status failed ${failures} times: ${describeApiError(this.kube, error)}`, "kubernetes-api", this.details(), { cause: error }));
      },
      retryDelayMs: this.deps.reconnectDelayMs ?? 1000,
      maxFailures: MAX_WATCH_FAILURES,
    });
    this.follower.start();
  }

  private followLog(follow = true): void {
    if (this.finished || this.logState === "following") return;
    this.logState = "following";
    const generation = ++this.logGeneration;
    const current = (): boolean => generation === this.logGeneration && !this.finished;
    const splitter = new LineSplitter(this.options.maxMessageBytes + 64, {
      line: (line) => this.onLogLine(line),
      oversized: (bytes) => this.reader.warn(`Dropped a ${bytes}-byte line of the pod log: over the ${this.options.maxMessageBytes}-byte line limit (maxMessageBytes)`),
    });
    // Resuming: Kubernetes' sinceTime has whole seconds, so lines already seen come again and are skipped.
    this.skipAtStamp = this.seenAtLastStamp;
    const sinceTime = this.lastStamp === "" ? undefined : `${this.lastStamp.slice(0, 19)}Z`;
    const retry = (problem: string): void => {
      this.logState = "idle";
      this.logFailures += 1;
      if (this.terminal !== null && this.logFailures > MAX_LOG_FAILURES) {
        this.reader.warn(`Gave up reading the log of ${this.printed} after ${this.logFailures} attempts (${problem}); messages after that point are lost`, true);
        this.finish(this.terminal, null);
        return;
      }
      this.reader.warn(`Reading the log of ${this.printed} failed (${problem}); retrying`);
      const delay = Math.min((this.deps.reconnectDelayMs ?? 1000) * 2 ** Math.min(this.logFailures - 1, 5), 30_000);
      this.later(() => this.followLog(this.terminal === null), delay);
    };
    openPodLog(
      this.kubeConfig,
      { namespace: this.namespace, name: this.name, container: PIPES_CONTAINER, follow, sinceTime },
      {
        data: (chunk) => {
          if (!current()) return;
          this.logFailures = 0;
          splitter.push(chunk);
        },
        end: (error, streamed) => {
          if (!current()) return;
          if (error === null) {
            splitter.end();
            this.onLogEnd(follow);
          } else if (streamed) {
            // A drop mid-stream (the partial last line is read again on resume).
            this.logState = "idle";
            this.later(() => this.followLog(this.terminal === null), this.deps.reconnectDelayMs ?? 1000);
          } else retry(error.message);
        },
      },
    ).then(
      (abort) => {
        if (generation !== this.logGeneration || this.finished) abort();
        else this.abortLog = abort;
      },
      (error: unknown) => {
        if (current()) retry(error instanceof Error ? error.message : String(error));
      },
    );
  }

  private onLogEnd(followed: boolean): void {
    if (this.finished) return;
    this.logState = "ended";
    if (this.terminal !== null) {
      this.finish(this.terminal, null);
      return;
    }
    // The stream ended but the container has not (a dropped connection): read on from where it stopped.
    if (followed) this.later(() => this.followLog(), this.deps.reconnectDelayMs ?? 1000);
  }

  /** The container ended but the followed stream did not: read the rest without follow. */
  private drainLog(): void {
    if (this.logState !== "following") return;
    this.logGeneration += 1;
    this.abortLog?.();
    this.logState = "idle";
    this.followLog(false);
  }

  private onLogLine(raw: string): void {
    const space = raw.indexOf(" ");
    let line = raw;
    if (space > 0 && /^\d{4}-\d\d-\d\dT/.test(raw)) {
      const stamp = normalizeTimestamp(raw.slice(0, space));
      line = raw.slice(space + 1);
      if (stamp < this.lastStamp) return;
      if (stamp === this.lastStamp) {
        if (this.skipAtStamp > 0) {
          this.skipAtStamp -= 1;
          return;
        }
        this.seenAtLastStamp += 1;
      } else {
        this.lastStamp = stamp;
        this.seenAtLastStamp = 1;
        this.skipAtStamp = 0;
      }
    }
    this.reader.onStdioLine("stderr", line);
  }

  private async deletePod(): Promise<void> {
    try {
      await this.core.deleteNamespacedPod({ name: this.name, namespace: this.namespace, gracePeriodSeconds: this.deps.deleteGraceSeconds });
    } catch (error) {
      if (error instanceof this.kube.ApiException && error.code === 404) return;
      this.reader.warn(`Could not delete ${this.printed}: ${describeApiError(this.kube, error)}; delete it by hand (label app.kubernetes.io/component=pipes)`, true);
    }
  }
}
