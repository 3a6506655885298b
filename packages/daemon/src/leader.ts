/**
 * Leader election for active/standby daemons: a storage lease (a row with holder, expiry and a
 * fencing token). The holder renews it every `renewMs`; a standby tries to take it on the same
 * beat, and gets it once it expires (`ttlMs` after the leader's last renewal), so after a SIGKILL
 * the standby leads within ttl + renew. Expiry is judged by the database clock; locally the
 * leader steps down as soon as its own deadline (taken before the renewing call) passes without
 * a successful renewal, so two leaders never act at once while clocks run at the same rate.
 *
 * With `takeOverDeadHolders` (SQLite: one host), a lease whose holder is a process of this host
 * that no longer exists is taken at once instead of after its expiry (see `holderProcessGone`).
 */
import { hostname } from "node:os";
import { coerceError } from "@flyt/core";
import type { Fence, Lease, Storage } from "@flyt/storage";

export const DAEMON_LEASE_NAME = "flyt-daemon";
export const DEFAULT_LEASE_TTL_MS = 10_000;
export const DEFAULT_LEASE_RENEW_MS = 2_000;

export interface LeaderOptions {
  holder: string;
  leaseName?: string;
  ttlMs?: number;
  renewMs?: number;
  /** Called when this process becomes leader (true) or stops being leader (false). */
  onChange?: (leader: boolean, lease: Lease | null) => void;
  onError?: (error: Error) => void;
  /**
   * Take a lease at once, before it expires, when its holder is a daemon id (`host:pid:…`) of a
   * process of this host that is gone. Only sound where every contender runs on one host (SQLite).
   */
  takeOverDeadHolders?: boolean;
  /** Called after the lease of a dead holder was taken over (for the log). */
  onTakeOver?: (deadHolder: string) => void;
}

/**
 * Holder ids of electors that live in this process. A holder with this process's pid is gone if
 * it is not one of them: an earlier process that had the same pid (a container restarted as pid 1).
 */
const holdersInThisProcess = new Set<string>();

/**
 * Whether `holder`, a daemon id `host:pid:random` (newDaemonId), names a process of this host that
 * no longer exists. False when unsure — another host, an id of another shape, a live pid (even a
 * reused one), or a pid we may not signal (EPERM: it exists): the caller then waits for expiry.
 */
export function holderProcessGone(holder: string): boolean {
  const match = /^(.+):(\d+):[^:]+$/.exec(holder);
  if (match === null || match[1] !== hostname()) return false;
  const pid = Number(match[2]);
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return !holdersInThisProcess.has(holder);
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

export class LeaderElector {
  readonly holder: string;
  readonly leaseName: string;
  readonly ttlMs: number;
  readonly renewMs: number;
  private lease: Lease | null = null;
  /** Local time until which this process may act as leader. */
  private deadline = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;
  private inFlight: Promise<void> | null = null;

  constructor(
    private readonly storage: Storage,
    private readonly options: LeaderOptions,
  ) {
    this.holder = options.holder;
    this.leaseName = options.leaseName ?? DAEMON_LEASE_NAME;
    this.ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
    this.renewMs = options.renewMs ?? DEFAULT_LEASE_RENEW_MS;
    if (!(this.renewMs > 0 && this.renewMs * 2 <= this.ttlMs)) {
      throw new RangeError(`lease renew interval (${this.renewMs} ms) must be positive and at most half the ttl (${this.ttlMs} ms)`);
    }
    holdersInThisProcess.add(this.holder);
  }

  /** True while this process holds a lease it renewed in time. */
  isLeader(): boolean {
    return this.lease !== null && Date.now() < this.deadline;
  }

  /** The fencing token of the held lease (increases at every change of leader), or null. */
  get fencingToken(): number | null {
    return this.isLeader() ? (this.lease?.fencingToken ?? null) : null;
  }

  /** One attempt to take or renew the lease. */
  async tryAcquire(): Promise<boolean> {
    const startedAt = Date.now();
    let lease: Lease | null;
    try {
      lease = await this.storage.acquireLease(this.leaseName, this.holder, this.ttlMs);
      if (lease === null && this.options.takeOverDeadHolders) lease = await this.takeOverDeadHolder();
    } catch (error) {
      this.options.onError?.(coerceError(error));
      lease = this.isLeader() ? this.lease : null;
      this.update(lease, this.deadline);
      return this.isLeader();
    }
    // Margin: the lease counts from when the database ran the statement, which is after startedAt.
    this.update(lease, lease === null ? 0 : startedAt + this.ttlMs - Math.min(1_000, this.ttlMs / 10));
    return lease !== null;
  }

  /**
   * Expires the lease of a dead holder and tries again. releaseLease is a compare-and-set on the
   * holder, so when two standbys both see the dead holder, the second release changes nothing
   * and exactly one of them gets the lease.
   */
  private async takeOverDeadHolder(): Promise<Lease | null> {
    const current = await this.storage.getLease(this.leaseName);
    if (current === null || current.holder === this.holder || !holderProcessGone(current.holder)) return null;
    await this.storage.releaseLease(this.leaseName, current.holder);
    const lease = await this.storage.acquireLease(this.leaseName, this.holder, this.ttlMs);
    if (lease !== null) this.options.onTakeOver?.(current.holder);
    return lease;
  }

  private update(lease: Lease | null, deadline: number): void {
    const was = this.lease !== null;
    this.lease = lease;
    this.deadline = deadline;
    const is = lease !== null;
    if (was !== is) this.options.onChange?.(is, lease);
  }

  /** Starts the beat; `afterMs` delays the first attempt (the caller just made one). */
  start(afterMs = 0): void {
    if (!this.stopped) return;
    this.stopped = false;
    holdersInThisProcess.add(this.holder);
    const beat = (): void => {
      if (this.stopped) return;
      this.inFlight = this.tryAcquire().then(
        () => undefined,
        () => undefined,
      );
      void this.inFlight.finally(() => {
        if (!this.stopped) this.timer = setTimeout(beat, this.renewMs);
      });
    };
    if (afterMs > 0) this.timer = setTimeout(beat, afterMs);
    else beat();
  }

  /** Stops renewing and releases the lease so a standby takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    await this.inFlight;
    if (this.lease !== null) {
      await this.storage.releaseLease(this.leaseName, this.holder).catch(() => undefined);
      this.update(null, 0);
    }
    holdersInThisProcess.delete(this.holder);
  }

  /** The fence for writes made as leader (storage refuses them once another holder took over), or null when not leading. */
  fence(): Fence | null {
    const token = this.fencingToken;
    return token === null ? null : { leaseName: this.leaseName, holder: this.holder, fencingToken: token };
  }

  /**
   * Storage refused a fenced write: another process holds the lease now. Stop acting at once
   * rather than at the next renewal (which will find the lease taken and stay standby).
   */
  stepDown(): void {
    if (this.lease !== null) this.update(null, 0);
  }

  /** The current leader according to storage (for status output). */
  currentLease(): Promise<Lease | null> {
    return this.storage.getLease(this.leaseName);
  }
}
