/**
 * Process groups of Pipes children. Each child is spawned `detached`, so it leads its own group
 * and `kill(-pid)` reaches everything it started. Because a detached group is outside the run
 * worker's own group, live groups are remembered and killed when the worker process exits.
 */
const live = new Set<number>();
let hooked = false;

export function trackGroup(pid: number): void {
  live.add(pid);
  if (!hooked) {
    hooked = true;
    process.on("exit", () => {
      for (const group of live) killGroup(group, "SIGKILL");
    });
  }
}

export function untrackGroup(pid: number): void {
  live.delete(pid);
}

/** Signals the whole group; false when it no longer exists. */
export function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}
