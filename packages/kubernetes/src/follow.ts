/**
 * Following Kubernetes objects with list + watch: one list for the current state and its
 * resourceVersion, then a watch from there; on disconnect the watch resumes from the last
 * resourceVersion seen, and when the server says that version is gone (410 Expired) it lists
 * again. Repeated failures back off and, past a limit, are reported through `onGiveUp`. The
 * launcher follows a run's Job and Pod with it, runPod its Pipes pod.
 *
 * The caller passes the client's `Watch`: runPod loads @kubernetes/client-node only on its first
 * pod, and a static import here would load it with this module.
 */
import type { Watch } from "@kubernetes/client-node";
import { coerceError } from "@flyt/core";

export interface KubeObject {
  metadata?: { name?: string; resourceVersion?: string; uid?: string; deletionTimestamp?: Date | string };
}

export interface FollowOptions<T extends KubeObject> {
  /** `new Watch(kubeConfig)` of the caller's client. */
  watch: Pick<Watch, "watch">;
  /** API path of the collection, e.g. /apis/batch/v1/namespaces/flyt/jobs. */
  path: string;
  /** fieldSelector / labelSelector. */
  query: Record<string, string>;
  list: () => Promise<{ items: T[]; metadata?: { resourceVersion?: string } }>;
  onObject: (type: "ADDED" | "MODIFIED" | "DELETED" | "LISTED", object: T) => void;
  /**
   * After every list, with all it returned: an object missing from a relist was deleted while no
   * watch was open (its DELETED event is not replayed after a 410).
   */
  onList?: (items: T[]) => void;
  /** Called once when consecutive failures exceed `maxFailures`, with their number. */
  onGiveUp: (error: Error, failures: number) => void;
  retryDelayMs: number;
  maxFailures: number;
}

export class Follower<T extends KubeObject> {
  private resourceVersion: string | null = null;
  private stopped = false;
  private failures = 0;
  private controller: AbortController | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Watch connections opened (tests assert resumption). */
  connections = 0;

  constructor(private readonly options: FollowOptions<T>) {}

  start(): void {
    void this.cycle();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.controller?.abort();
  }

  private async cycle(): Promise<void> {
    if (this.stopped) return;
    try {
      if (this.resourceVersion === null) {
        const list = await this.options.list();
        if (this.stopped) return;
        for (const item of list.items) this.options.onObject("LISTED", item);
        if (!this.stopped) this.options.onList?.(list.items);
        this.resourceVersion = list.metadata?.resourceVersion ?? "";
      }
      await this.watch();
    } catch (error) {
      this.failed(coerceError(error));
    }
  }

  private async watch(): Promise<void> {
    const query: Record<string, string | boolean> = { ...this.options.query, allowWatchBookmarks: true };
    if (this.resourceVersion) query.resourceVersion = this.resourceVersion;
    this.connections += 1;
    let receivedAny = false;
    const controller = await this.options.watch.watch(
      this.options.path,
      query,
      (type: string, object: unknown) => {
        if (this.stopped) return;
        if (!receivedAny) {
          receivedAny = true;
          this.failures = 0;
        }
        if (type === "ERROR") {
          const status = object as { code?: number; message?: string } | undefined;
          // 410: our resourceVersion was compacted away; start over from a fresh list.
          if (status?.code === 410) this.resourceVersion = null;
          return;
        }
        const item = object as T;
        const version = item.metadata?.resourceVersion;
        if (version) this.resourceVersion = version;
        if (type === "ADDED" || type === "MODIFIED" || type === "DELETED") this.options.onObject(type, item);
      },
      (error: unknown) => {
        if (this.stopped) return;
        const statusCode = (error as { statusCode?: number } | null)?.statusCode;
        if (statusCode === 410) this.resourceVersion = null;
        if (error !== null && error !== undefined && !receivedAny) this.failed(coerceError(error));
        else this.schedule(this.options.retryDelayMs);
      },
    );
    this.controller = controller;
    if (this.stopped) controller.abort();
  }

  private failed(error: Error): void {
    if (this.stopped) return;
    this.failures += 1;
    if (this.failures > this.options.maxFailures) {
      this.stopped = true;
      this.options.onGiveUp(error, this.failures);
      return;
    }
    this.schedule(Math.min(this.options.retryDelayMs * 2 ** Math.min(this.failures - 1, 5), 30_000));
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.cycle();
    }, delayMs);
  }
}
