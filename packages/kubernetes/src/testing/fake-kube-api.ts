/**
 * A FAKE Kubernetes API server for the tests of the launcher and of runPod: a real HTTP server on
 * 127.0.0.1 that the real @kubernetes/client-node talks to, speaking only the endpoints those two
 * use. Secrets, Jobs and Pods can be created, read, patched and deleted; Jobs and Pods listed and
 * watched (`?watch=true`, chunked JSON lines with resourceVersions, 410 Expired for compacted
 * versions, forced disconnects); a pod's log read with `follow`, `timestamps` and `sinceTime`
 * (each line sent in two chunks, so readers must join them). Creating a Job creates its Pod
 * (Pending), as the Job controller would, and deleting a Job deletes its pods and owned Secrets.
 *
 * Pods stay Pending for the test to drive their status, unless the server is started with
 * `{ kubelet: true }`: then a fake kubelet runs a pod whose image is in `images` as a real local
 * process with the pod's command, args and env, turns its stdout and stderr into the pod log (as
 * Kubernetes interleaves them) and records its exit; any other image fails to pull.
 *
 * It is not Kubernetes: no scheduler, admission, quotas, RBAC, log rotation or node failures, and
 * its behaviour is what these tests assume of the real API. Neither the launcher nor runPod has
 * been verified against a real cluster with it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";

export type FakeKind = "jobs" | "pods" | "secrets";
type Obj = Record<string, any>;

interface Watcher {
  kind: FakeKind;
  namespace: string;
  matches: (object: Obj) => boolean;
  response: ServerResponse;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

interface LogLine {
  stamp: string;
  text: string;
}

/** What the fake kubelet knows of one pod: its log so far, who follows it, its process. */
interface PodState {
  lines: LogLine[];
  followers: Set<ServerResponse>;
  child: ChildProcess | null;
  ended: boolean;
}

export interface FakeKubeApiOptions {
  /** Run pods whose image is in `images` as local processes; fail any other image's pull. */
  kubelet?: boolean;
}

let stampCounter = 0;
/** RFC3339Nano, trailing zeros trimmed as Go does; strictly increasing within this process. */
function nanoStamp(): string {
  const now = new Date();
  stampCounter = (stampCounter + 1) % 1_000_000;
  const fraction = `${String(now.getUTCMilliseconds()).padStart(3, "0")}${String(stampCounter).padStart(6, "0")}`.replace(/0+$/, "");
  return `${now.toISOString().slice(0, 19)}${fraction === "" ? "" : `.${fraction}`}Z`;
}

export class FakeKubeApi {
  readonly requests: RecordedRequest[] = [];
  /** Images the fake kubelet can "pull": their pods run locally. */
  readonly images = new Set<string>();
  private readonly store = new Map<string, Obj>();
  private readonly podStates = new Map<string, PodState>();
  private readonly history: Array<{ kind: FakeKind; namespace: string; type: string; object: Obj; rv: number }> = [];
  private readonly watchers = new Set<Watcher>();
  private rv = 100;
  private compactedBelow = 0;
  /** Respond with this status to the next requests matching (method, path prefix). */
  private readonly failures: Array<{ method: string; path: string; status: number; message: string }> = [];
  private server: Server | null = null;
  url = "";

  private constructor(private readonly options: FakeKubeApiOptions) {}

  static async start(options: FakeKubeApiOptions = {}): Promise<FakeKubeApi> {
    const api = new FakeKubeApi(options);
    api.server = createServer((request, response) => void api.handle(request, response));
    await new Promise<void>((resolve) => api.server!.listen(0, "127.0.0.1", resolve));
    api.url = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
    return api;
  }

  kubeConfig(): KubeConfig {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [{ name: "fake", server: this.url, skipTLSVerify: true }],
      users: [{ name: "tester", token: "fake-token" }],
      contexts: [{ name: "fake", cluster: "fake", user: "tester", namespace: "flyt" }],
      currentContext: "fake",
    });
    return kubeConfig;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    for (const state of this.podStates.values()) state.child?.kill("SIGKILL");
    this.disconnectWatches();
    this.dropLogConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  failNext(method: string, path: string, status: number, message: string): void {
    this.failures.push({ method, path, status, message });
  }

  /** Closes every open watch connection (as an API server restart or a load balancer would). */
  disconnectWatches(): void {
    for (const watcher of this.watchers) watcher.response.destroy();
    this.watchers.clear();
  }

  /** Cuts every open log stream without ending the pod (a dropped connection). */
  dropLogConnections(): void {
    for (const state of this.podStates.values()) {
      for (const follower of state.followers) follower.destroy();
      state.followers.clear();
    }
  }

  /** Forgets history: watches resuming from an older resourceVersion get 410 Expired. */
  compact(): void {
    this.compactedBelow = this.rv + 1;
  }

  openWatches(kind?: FakeKind): number {
    return [...this.watchers].filter((watcher) => kind === undefined || watcher.kind === kind).length;
  }

  get(kind: FakeKind, namespace: string, name: string): Obj | undefined {
    return this.store.get(`${kind}/${namespace}/${name}`);
  }

  /** Objects of `kind` currently stored (deleted ones are gone). */
  list(kind: FakeKind): Obj[] {
    return [...this.store.entries()].filter(([key]) => key.startsWith(`${kind}/`)).map(([, object]) => object);
  }

  /** The pod of a Job (the fake creates exactly one). */
  podOf(jobName: string): Obj | undefined {
    return this.list("pods").find((pod) => pod.metadata?.labels?.["job-name"] === jobName);
  }

  /** How many pods' local processes are still running. */
  runningChildren(): number {
    return [...this.podStates.values()].filter((state) => state.child !== null && state.child.exitCode === null && state.child.signalCode === null).length;
  }

  /** Replaces an object's status and emits MODIFIED; `change` mutates a copy. */
  update(kind: FakeKind, namespace: string, name: string, change: (object: Obj) => void): Obj {
    const current = this.get(kind, namespace, name);
    if (current === undefined) throw new Error(`fake: no ${kind} ${namespace}/${name}`);
    const next = structuredClone(current);
    change(next);
    this.put(kind, namespace, next, "MODIFIED");
    return next;
  }

  updatePodOf(jobName: string, change: (pod: Obj) => void): Obj {
    const pod = this.podOf(jobName);
    if (pod === undefined) throw new Error(`fake: no pod for Job ${jobName}`);
    return this.update("pods", pod.metadata.namespace, pod.metadata.name, change);
  }

  private put(kind: FakeKind, namespace: string, object: Obj, type: "ADDED" | "MODIFIED" | "DELETED"): void {
    this.rv += 1;
    object.metadata.resourceVersion = String(this.rv);
    const key = `${kind}/${namespace}/${object.metadata.name as string}`;
    if (type === "DELETED") this.store.delete(key);
    else this.store.set(key, object);
    this.history.push({ kind, namespace, type, object: structuredClone(object), rv: this.rv });
    for (const watcher of this.watchers) {
      if (watcher.kind === kind && watcher.namespace === namespace && watcher.matches(object)) {
        watcher.response.write(`${JSON.stringify({ type, object })}\n`);
      }
    }
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", this.url);
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const body: unknown = text === "" ? undefined : JSON.parse(text);
    const query = Object.fromEntries(url.searchParams);
    const method = request.method ?? "GET";
    this.requests.push({ method, path: url.pathname, query, body });

    const failure = this.failures.findIndex((f) => f.method === method && url.pathname.startsWith(f.path));
    if (failure !== -1) {
      const [f] = this.failures.splice(failure, 1);
      return this.status(response, f!.status, f!.message);
    }

    const match = /^\/(?:api\/v1|apis\/batch\/v1)\/namespaces\/([^/]+)\/(jobs|pods|secrets)(?:\/([^/]+))?(\/log)?$/.exec(url.pathname);
    if (match === null || (match[4] !== undefined && match[2] !== "pods")) return this.status(response, 404, `fake: no route ${method} ${url.pathname}`);
    const [, namespace = "", kind, name, log] = match as unknown as [string, string, FakeKind, string | undefined, string | undefined];

    if (method === "GET" && name === undefined) {
      const matches = selectorMatcher(query);
      if (query.watch === "true") return this.watch(kind, namespace, matches, query.resourceVersion, response);
      const items = this.list(kind).filter((object) => object.metadata.namespace === namespace && matches(object));
      return this.json(response, 200, { kind: "List", apiVersion: "v1", metadata: { resourceVersion: String(this.rv) }, items });
    }
    if (method === "POST" && name === undefined) {
      const object = structuredClone(body) as Obj;
      const objectName = object.metadata?.name as string;
      if (this.get(kind, namespace, objectName) !== undefined) return this.status(response, 409, `${kind} "${objectName}" already exists`);
      object.metadata = { ...object.metadata, namespace, uid: randomUUID(), creationTimestamp: new Date().toISOString() };
      if (kind === "jobs") object.status = {};
      if (kind === "pods") object.status = { phase: "Pending" };
      const created = this.add(kind, namespace, object);
      if (kind === "jobs") this.createPodFor(object);
      return this.json(response, 201, created);
    }
    if (name === undefined) return this.status(response, 405, "fake: method not allowed");
    const current = this.get(kind, namespace, name);
    if (current === undefined) return this.status(response, 404, `${kind} "${name}" not found`);
    if (method === "GET" && log !== undefined) return this.log(current, this.podStates.get(`${namespace}/${name}`)!, query, response);
    if (method === "GET") return this.json(response, 200, current);
    if (method === "PATCH") {
      const next = structuredClone(current);
      for (const op of body as Array<{ op: string; path: string; value: unknown }>) applyPatch(next, op);
      this.put(kind, namespace, next, "MODIFIED");
      return this.json(response, 200, next);
    }
    if (method === "DELETE") {
      // A pod delete answers with the pod (it has a grace period); the others with a Status.
      if (kind === "pods") this.json(response, 200, current);
      else this.json(response, 200, { kind: "Status", apiVersion: "v1", status: "Success", details: { name, kind } });
      if (kind === "jobs") {
        // Foreground: the Job is marked, its pods go, then the Job itself.
        const marked = structuredClone(current);
        marked.metadata.deletionTimestamp = new Date().toISOString();
        this.put("jobs", namespace, marked, "MODIFIED");
        for (const pod of this.list("pods").filter((p) => p.metadata.labels?.["job-name"] === name)) this.deletePod(namespace, pod);
        this.put("jobs", namespace, structuredClone(marked), "DELETED");
        for (const secret of this.list("secrets")) {
          if ((secret.metadata.ownerReferences ?? []).some((ref: Obj) => ref.uid === current.metadata.uid)) {
            this.put("secrets", namespace, structuredClone(secret), "DELETED");
          }
        }
      } else if (kind === "pods") {
        this.deletePod(namespace, current);
      } else {
        this.put(kind, namespace, structuredClone(current), "DELETED");
      }
      return;
    }
    return this.status(response, 405, "fake: method not allowed");
  }

  /** Stores a new object; a pod also gets its log state, and the kubelet (when on) starts it. */
  private add(kind: FakeKind, namespace: string, object: Obj): Obj {
    this.put(kind, namespace, object, "ADDED");
    if (kind === "pods") {
      const name = object.metadata.name as string;
      this.podStates.set(`${namespace}/${name}`, { lines: [], followers: new Set(), child: null, ended: false });
      if (this.options.kubelet === true) setTimeout(() => this.kubelet(namespace, name), 20);
    }
    return this.get(kind, namespace, object.metadata.name as string)!;
  }

  private deletePod(namespace: string, pod: Obj): void {
    const state = this.podStates.get(`${namespace}/${pod.metadata.name as string}`);
    state?.child?.kill("SIGTERM");
    if (state !== undefined) this.endLogs(state);
    this.put("pods", namespace, structuredClone(pod), "DELETED");
  }

  private createPodFor(job: Obj): void {
    const template = job.spec.template as Obj;
    const pod: Obj = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: `${job.metadata.name as string}-${randomUUID().slice(0, 5)}`,
        namespace: job.metadata.namespace,
        labels: { ...template.metadata?.labels, "job-name": job.metadata.name, "controller-uid": job.metadata.uid },
        uid: randomUUID(),
      },
      spec: structuredClone(template.spec),
      status: { phase: "Pending" },
    };
    this.add("pods", job.metadata.namespace as string, pod);
  }

  /** Like `update` for the kubelet, whose pod may have been deleted in the meantime. */
  private updatePod(namespace: string, name: string, change: (pod: Obj) => void): void {
    if (this.get("pods", namespace, name) !== undefined) this.update("pods", namespace, name, change);
  }

  /** The kubelet: pull (or fail to), run the container as a local process, record its end. */
  private kubelet(namespace: string, name: string): void {
    const pod = this.get("pods", namespace, name);
    const state = this.podStates.get(`${namespace}/${name}`);
    if (pod === undefined || state === undefined) return;
    const container = pod.spec.containers[0] as Obj;
    const image = container.image as string;
    const containerStatus = (state: Obj): Obj => ({ name: container.name, image, imageID: "", ready: false, restartCount: 0, state });
    if (!this.images.has(image)) {
      const message = `failed to pull and unpack image "${image}": not found`;
      this.updatePod(namespace, name, (p) => (p.status.containerStatuses = [containerStatus({ waiting: { reason: "ErrImagePull", message } })]));
      setTimeout(() => {
        this.updatePod(namespace, name, (p) => (p.status.containerStatuses = [containerStatus({ waiting: { reason: "ImagePullBackOff", message: `Back-off pulling image "${image}"` } })]));
      }, 50);
      return;
    }
    const command = [...((container.command as string[] | undefined) ?? []), ...((container.args as string[] | undefined) ?? [])];
    const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin" };
    for (const variable of (container.env as Array<{ name: string; value: string }> | undefined) ?? []) env[variable.name] = variable.value;
    const child = spawn(command[0] === "node" ? process.execPath : command[0]!, command.slice(1), { env, stdio: ["ignore", "pipe", "pipe"] });
    state.child = child;
    const startedAt = new Date().toISOString();
    this.updatePod(namespace, name, (p) => {
      p.status.phase = "Running";
      p.status.containerStatuses = [{ ...containerStatus({ running: { startedAt } }), ready: true, started: true }];
    });
    for (const stream of [child.stdout, child.stderr]) {
      let pending = "";
      stream.setEncoding("utf8");
      stream.on("data", (text: string) => {
        pending += text;
        let newline: number;
        while ((newline = pending.indexOf("\n")) !== -1) {
          this.append(state, pending.slice(0, newline));
          pending = pending.slice(newline + 1);
        }
      });
      stream.on("end", () => {
        if (pending !== "") this.append(state, pending);
      });
    }
    child.on("close", (code, signal) => {
      const exitCode = code ?? 128 + 15;
      if (this.get("pods", namespace, name) === undefined) return;
      this.endLogs(state);
      setTimeout(() => {
        this.updatePod(namespace, name, (p) => {
          p.status.phase = exitCode === 0 ? "Succeeded" : "Failed";
          p.status.containerStatuses = [
            containerStatus({ terminated: { exitCode, reason: exitCode === 0 ? "Completed" : "Error", startedAt, finishedAt: new Date().toISOString(), ...(signal ? { signal: 15 } : {}) } }),
          ];
        });
      }, 30);
    });
  }

  private append(state: PodState, text: string): void {
    const line = { stamp: nanoStamp(), text };
    state.lines.push(line);
    for (const follower of state.followers) this.sendLine(follower, line);
  }

  /** Per follower, the writes in flight: a line's two chunks stay in order with the next line's. */
  private readonly sending = new WeakMap<ServerResponse, Promise<void>>();

  private enqueue(response: ServerResponse, action: () => Promise<void> | void): void {
    const next = (this.sending.get(response) ?? Promise.resolve()).then(action);
    this.sending.set(response, next);
  }

  private sendLine(response: ServerResponse, line: LogLine): void {
    const full = `${line.stamp} ${line.text}\n`;
    const cut = Math.max(1, Math.floor(full.length / 2));
    this.enqueue(response, async () => {
      if (response.destroyed) return;
      response.write(full.slice(0, cut));
      await new Promise((resolve) => setImmediate(resolve));
      if (!response.destroyed) response.write(full.slice(cut));
    });
  }

  private endLogs(state: PodState): void {
    state.ended = true;
    for (const follower of state.followers) this.enqueue(follower, () => void follower.end());
    state.followers.clear();
  }

  private log(pod: Obj, state: PodState, query: Record<string, string>, response: ServerResponse): void {
    const containerState = (pod.status?.containerStatuses?.[0]?.state ?? {}) as Obj;
    if (containerState.running === undefined && containerState.terminated === undefined) {
      return this.status(response, 400, `container "${query.container ?? ""}" in pod "${pod.metadata.name as string}" is waiting to start: ContainerCreating`);
    }
    response.writeHead(200, { "content-type": "text/plain", "transfer-encoding": "chunked" });
    const since = query.sinceTime ?? "";
    const timestamps = query.timestamps === "true";
    for (const line of state.lines) {
      if (since !== "" && line.stamp.slice(0, 19) < since.slice(0, 19)) continue;
      response.write(timestamps ? `${line.stamp} ${line.text}\n` : `${line.text}\n`);
    }
    if (query.follow !== "true" || state.ended) {
      response.end();
      return;
    }
    state.followers.add(response);
    response.on("close", () => state.followers.delete(response));
  }

  private watch(kind: FakeKind, namespace: string, matches: (object: Obj) => boolean, from: string | undefined, response: ServerResponse): void {
    response.writeHead(200, { "content-type": "application/json", "transfer-encoding": "chunked" });
    const since = from === undefined || from === "" || from === "0" ? this.rv : Number(from);
    if (since < this.compactedBelow) {
      response.end(`${JSON.stringify({ type: "ERROR", object: { kind: "Status", apiVersion: "v1", status: "Failure", reason: "Expired", code: 410, message: `too old resource version: ${since}` } })}\n`);
      return;
    }
    for (const entry of this.history) {
      if (entry.rv > since && entry.kind === kind && entry.namespace === namespace && matches(entry.object)) {
        response.write(`${JSON.stringify({ type: entry.type, object: entry.object })}\n`);
      }
    }
    const watcher: Watcher = { kind, namespace, matches, response };
    this.watchers.add(watcher);
    response.on("close", () => this.watchers.delete(watcher));
  }

  private json(response: ServerResponse, status: number, body: unknown): void {
    response.writeHead(status, { "content-type": "application/json" });
    response.end(JSON.stringify(body));
  }

  private status(response: ServerResponse, code: number, message: string): void {
    this.json(response, code, { kind: "Status", apiVersion: "v1", status: "Failure", message, code });
  }
}

function selectorMatcher(query: Record<string, string>): (object: Obj) => boolean {
  const fields = (query.fieldSelector ?? "").split(",").filter(Boolean).map((pair) => pair.split("="));
  const labels = (query.labelSelector ?? "").split(",").filter(Boolean).map((pair) => pair.split("="));
  return (object) =>
    fields.every(([path, value]) => (path === "metadata.name" ? object.metadata?.name === value : false)) &&
    labels.every(([label, value]) => object.metadata?.labels?.[label ?? ""] === value);
}

function applyPatch(target: Obj, op: { op: string; path: string; value: unknown }): void {
  if (op.op !== "add" && op.op !== "replace") throw new Error(`fake: unsupported patch op ${op.op}`);
  const parts = op.path.split("/").slice(1);
  let cursor: Obj = target;
  for (const part of parts.slice(0, -1)) cursor = (cursor[part] ??= {}) as Obj;
  cursor[parts.at(-1)!] = op.value;
}
