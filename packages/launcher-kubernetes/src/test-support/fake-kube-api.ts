/**
 * A small fake Kubernetes API server for the launcher's tests: a real HTTP server on 127.0.0.1
 * speaking the few endpoints the launcher uses (create/patch/delete Secret, create/delete Job,
 * list and `?watch=true` of Jobs and Pods as chunked JSON lines, with resourceVersions, 410 for
 * compacted versions, and forced disconnects). Creating a Job creates its Pod (Pending), as the
 * Job controller would; the test then drives the Pod and Job status. It is not Kubernetes: the
 * launcher has not yet been verified against a real cluster.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";

type Kind = "jobs" | "pods" | "secrets";
type Obj = Record<string, any>;

interface Watcher {
  kind: Kind;
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

export class FakeKubeApi {
  readonly requests: RecordedRequest[] = [];
  private readonly store = new Map<string, Obj>();
  private readonly history: Array<{ kind: Kind; namespace: string; type: string; object: Obj; rv: number }> = [];
  private readonly watchers = new Set<Watcher>();
  private rv = 100;
  private compactedBelow = 0;
  /** Respond with this status to the next requests matching (method, path prefix). */
  private readonly failures: Array<{ method: string; path: string; status: number; message: string }> = [];
  private server: Server | null = null;
  url = "";

  static async start(): Promise<FakeKubeApi> {
    const api = new FakeKubeApi();
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
    this.disconnectWatches();
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

  /** Forgets history: watches resuming from an older resourceVersion get 410 Expired. */
  compact(): void {
    this.compactedBelow = this.rv + 1;
  }

  openWatches(kind?: Kind): number {
    return [...this.watchers].filter((watcher) => kind === undefined || watcher.kind === kind).length;
  }

  get(kind: Kind, namespace: string, name: string): Obj | undefined {
    return this.store.get(`${kind}/${namespace}/${name}`);
  }

  list(kind: Kind): Obj[] {
    return [...this.store.entries()].filter(([key]) => key.startsWith(`${kind}/`)).map(([, object]) => object);
  }

  /** The pod of a Job (the fake creates exactly one). */
  podOf(jobName: string): Obj | undefined {
    return this.list("pods").find((pod) => pod.metadata?.labels?.["job-name"] === jobName);
  }

  /** Replaces an object's status and emits MODIFIED; `change` mutates a copy. */
  update(kind: Kind, namespace: string, name: string, change: (object: Obj) => void): Obj {
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

  private put(kind: Kind, namespace: string, object: Obj, type: "ADDED" | "MODIFIED" | "DELETED"): void {
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

    const match = /^\/(?:api\/v1|apis\/batch\/v1)\/namespaces\/([^/]+)\/(jobs|pods|secrets)(?:\/([^/]+))?$/.exec(url.pathname);
    if (match === null) return this.status(response, 404, `fake: no route ${method} ${url.pathname}`);
    const [, namespace = "", kind, name] = match as unknown as [string, string, Kind, string | undefined];

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
      this.put(kind, namespace, object, "ADDED");
      if (kind === "jobs") this.createPodFor(object);
      return this.json(response, 201, this.get(kind, namespace, objectName));
    }
    if (name === undefined) return this.status(response, 405, "fake: method not allowed");
    const current = this.get(kind, namespace, name);
    if (current === undefined) return this.status(response, 404, `${kind} "${name}" not found`);
    if (method === "PATCH") {
      const next = structuredClone(current);
      for (const op of body as Array<{ op: string; path: string; value: unknown }>) applyPatch(next, op);
      this.put(kind, namespace, next, "MODIFIED");
      return this.json(response, 200, next);
    }
    if (method === "DELETE") {
      this.json(response, 200, { kind: "Status", apiVersion: "v1", status: "Success", details: { name, kind } });
      if (kind === "jobs") {
        // Foreground: the Job is marked, its pods go, then the Job itself.
        const marked = structuredClone(current);
        marked.metadata.deletionTimestamp = new Date().toISOString();
        this.put("jobs", namespace, marked, "MODIFIED");
        for (const pod of this.list("pods").filter((p) => p.metadata.labels?.["job-name"] === name)) {
          this.put("pods", namespace, structuredClone(pod), "DELETED");
        }
        this.put("jobs", namespace, structuredClone(marked), "DELETED");
        for (const secret of this.list("secrets")) {
          if ((secret.metadata.ownerReferences ?? []).some((ref: Obj) => ref.uid === current.metadata.uid)) {
            this.put("secrets", namespace, structuredClone(secret), "DELETED");
          }
        }
      } else {
        this.put(kind, namespace, structuredClone(current), "DELETED");
      }
      return;
    }
    return this.status(response, 405, "fake: method not allowed");
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
    this.put("pods", job.metadata.namespace as string, pod, "ADDED");
  }

  private watch(kind: Kind, namespace: string, matches: (object: Obj) => boolean, from: string | undefined, response: ServerResponse): void {
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
