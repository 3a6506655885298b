/**
 * A fake Kubernetes API server with a fake kubelet, for runPod's tests: a real HTTP server on
 * 127.0.0.1 that the real @kubernetes/client-node talks to. It serves create / get / delete of
 * Pods, `?watch=true` on Pods (chunked JSON lines with resourceVersions) and the pod log with
 * `follow=true`, `timestamps=true` and `sinceTime` (each line sent in two chunks, so readers must
 * join them). Its "kubelet" runs a Pod whose image is in `images` as a real local process with
 * the Pod's command, args and env, and turns the process's stdout and stderr into the log,
 * as Kubernetes interleaves them; any other image fails to pull. It is not Kubernetes: runPod
 * has not been verified against a real cluster here.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";

type Obj = Record<string, any>;

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

interface PodState {
  lines: LogLine[];
  followers: Set<ServerResponse>;
  child: ChildProcess | null;
  ended: boolean;
}

let stampCounter = 0;
/** RFC3339Nano, trailing zeros trimmed as Go does; strictly increasing within this process. */
function nanoStamp(): string {
  const now = new Date();
  stampCounter = (stampCounter + 1) % 1_000_000;
  const fraction = `${String(now.getUTCMilliseconds()).padStart(3, "0")}${String(stampCounter).padStart(6, "0")}`.replace(/0+$/, "");
  return `${now.toISOString().slice(0, 19)}${fraction === "" ? "" : `.${fraction}`}Z`;
}

export class FakePodApi {
  readonly requests: RecordedRequest[] = [];
  /** Images the kubelet can "pull": their pods run locally. */
  readonly images = new Set<string>();
  private readonly pods = new Map<string, Obj>();
  private readonly states = new Map<string, PodState>();
  private readonly history: Array<{ type: string; object: Obj; rv: number }> = [];
  private readonly watchers = new Set<{ namespace: string; name: string | null; response: ServerResponse }>();
  private rv = 100;
  private server: Server | null = null;
  url = "";

  static async start(): Promise<FakePodApi> {
    const api = new FakePodApi();
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
    for (const state of this.states.values()) state.child?.kill("SIGKILL");
    for (const watcher of this.watchers) watcher.response.destroy();
    for (const state of this.states.values()) for (const follower of state.followers) follower.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Pods currently stored (deleted ones are gone). */
  listPods(): Obj[] {
    return [...this.pods.values()];
  }

  /** Whether the local process of any pod is still running. */
  runningChildren(): number {
    return [...this.states.values()].filter((state) => state.child !== null && state.child.exitCode === null && state.child.signalCode === null).length;
  }

  /** Cuts every open log stream without ending the pod (a dropped connection). */
  dropLogConnections(): void {
    for (const state of this.states.values()) {
      for (const follower of state.followers) follower.destroy();
      state.followers.clear();
    }
  }

  /** Replaces a pod's status and emits MODIFIED. */
  updatePod(namespace: string, name: string, change: (pod: Obj) => void): void {
    const current = this.pods.get(`${namespace}/${name}`);
    if (current === undefined) return;
    const next = structuredClone(current);
    change(next);
    this.put(namespace, next, "MODIFIED");
  }

  private put(namespace: string, object: Obj, type: "ADDED" | "MODIFIED" | "DELETED"): void {
    this.rv += 1;
    object.metadata.resourceVersion = String(this.rv);
    const key = `${namespace}/${object.metadata.name as string}`;
    if (type === "DELETED") this.pods.delete(key);
    else this.pods.set(key, object);
    this.history.push({ type, object: structuredClone(object), rv: this.rv });
    for (const watcher of this.watchers) {
      if (watcher.namespace === namespace && (watcher.name === null || watcher.name === object.metadata.name)) {
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

    const match = /^\/api\/v1\/namespaces\/([^/]+)\/pods(?:\/([^/]+))?(\/log)?$/.exec(url.pathname);
    if (match === null) return this.status(response, 404, `fake: no route ${method} ${url.pathname}`);
    const [, namespace = "", name, log] = match;

    if (method === "GET" && name === undefined) {
      const selected = /^metadata\.name=(.+)$/.exec(query.fieldSelector ?? "")?.[1] ?? null;
      if (query.watch === "true") return this.watch(namespace, selected, query.resourceVersion, response);
      const items = this.listPods().filter((pod) => pod.metadata.namespace === namespace && (selected === null || pod.metadata.name === selected));
      return this.json(response, 200, { kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: String(this.rv) }, items });
    }
    if (method === "POST" && name === undefined) {
      const pod = structuredClone(body) as Obj;
      const podName = pod.metadata?.name as string;
      if (this.pods.has(`${namespace}/${podName}`)) return this.status(response, 409, `pods "${podName}" already exists`);
      pod.metadata = { ...pod.metadata, namespace, uid: randomUUID(), creationTimestamp: new Date().toISOString() };
      pod.status = { phase: "Pending" };
      this.put(namespace, pod, "ADDED");
      this.states.set(`${namespace}/${podName}`, { lines: [], followers: new Set(), child: null, ended: false });
      this.json(response, 201, this.pods.get(`${namespace}/${podName}`));
      setTimeout(() => this.kubelet(namespace, podName), 20);
      return;
    }
    if (name === undefined) return this.status(response, 405, "fake: method not allowed");
    const pod = this.pods.get(`${namespace}/${name}`);
    if (pod === undefined) return this.status(response, 404, `pods "${name}" not found`);
    const state = this.states.get(`${namespace}/${name}`)!;
    if (method === "GET" && log !== undefined) return this.log(pod, state, query, response);
    if (method === "GET") return this.json(response, 200, pod);
    if (method === "DELETE") {
      this.json(response, 200, pod);
      state.child?.kill("SIGTERM");
      this.endLogs(state);
      this.put(namespace, structuredClone(pod), "DELETED");
      return;
    }
    return this.status(response, 405, "fake: method not allowed");
  }

  /** The kubelet: pull (or fail to), run the container as a local process, record its end. */
  private kubelet(namespace: string, name: string): void {
    const pod = this.pods.get(`${namespace}/${name}`);
    const state = this.states.get(`${namespace}/${name}`);
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
      if (!this.pods.has(`${namespace}/${name}`)) return;
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
    const containerState = (pod.status.containerStatuses?.[0]?.state ?? {}) as Obj;
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

  private watch(namespace: string, name: string | null, from: string | undefined, response: ServerResponse): void {
    response.writeHead(200, { "content-type": "application/json", "transfer-encoding": "chunked" });
    const since = from === undefined || from === "" || from === "0" ? this.rv : Number(from);
    for (const entry of this.history) {
      if (entry.rv > since && entry.object.metadata.namespace === namespace && (name === null || entry.object.metadata.name === name)) {
        response.write(`${JSON.stringify({ type: entry.type, object: entry.object })}\n`);
      }
    }
    const watcher = { namespace, name, response };
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
