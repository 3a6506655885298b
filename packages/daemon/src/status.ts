/**
 * What `flyt daemon status` shows: the current leader (from the lease) and each daemon's loops
 * with their last heartbeat.
 */
import type { DaemonHeartbeat, Lease, Storage } from "@flyt/storage";
import { DAEMON_LEASE_NAME } from "./leader.js";

export interface DaemonStatus {
  leader: Lease | null;
  /** Heartbeats from the last `windowMs`, newest first. */
  heartbeats: DaemonHeartbeat[];
}

export async function readDaemonStatus(storage: Storage, windowMs = 10 * 60_000, now = Date.now()): Promise<DaemonStatus> {
  const [leader, heartbeats] = await Promise.all([storage.getLease(DAEMON_LEASE_NAME), storage.listDaemonHeartbeats(Math.max(0, now - windowMs))]);
  return { leader, heartbeats };
}
