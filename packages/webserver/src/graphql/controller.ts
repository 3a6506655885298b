/**
 * `RunController`s: how a run the API created gets started and canceled.
 * - `launcherRunController`: claims the QUEUED run and starts it with a `RunLauncher` now
 *   (tests, and setups without a daemon); keeps the handles so cancel reaches the worker.
 * - `queueRunController`: leaves QUEUED runs to the daemon's run queue (it claims them), and
 *   cancels by writing RUN_CANCELING (the daemon's monitor and the launcher act on it).
 * Either way a QUEUED run is canceled at once by writing RUN_CANCELED.
 */
import { isTerminalRunStatus, type EventBody, type RunRecord } from "@flyt/core";
import type { RunHandle, RunLauncher } from "@flyt/contracts";
import type { Storage } from "@flyt/storage";
import type { RunController } from "./context.js";

function platformEvent(storage: Storage, runId: string, body: EventBody): Promise<number> {
  return storage.appendEvents([{ runId, seq: null, timestamp: Date.now(), stepKey: null, body }]);
}

async function cancelWithoutHandle(storage: Storage, run: RunRecord, reason: string): Promise<void> {
  const current = (await storage.getRun(run.runId)) ?? run;
  if (isTerminalRunStatus(current.status)) return;
  if (current.status === "QUEUED") {
    // Nobody has claimed it: it ends here. A racing claim loses (claimQueuedRun needs QUEUED).
    await platformEvent(storage, run.runId, { type: "RUN_CANCELED", message: reason });
    return;
  }
  if (current.status !== "CANCELING") await platformEvent(storage, run.runId, { type: "RUN_CANCELING", message: reason });
}

export interface LauncherRunControllerOptions {
  storage: Storage;
  launcher: RunLauncher;
  /** The definitions file of a run's location (launchers that run user code in-process need it). */
  definitionsFile: (run: RunRecord) => string;
  parallelism?: number;
}

export function launcherRunController(options: LauncherRunControllerOptions): RunController & { handles: ReadonlyMap<string, RunHandle> } {
  const handles = new Map<string, RunHandle>();
  return {
    handles,
    async submit(run) {
      const claimed = await options.storage.claimQueuedRun(run.runId);
      if (claimed === null) return;
      const handle = options.launcher.launch({
        run: claimed,
        storage: options.storage,
        definitionsFile: options.definitionsFile(claimed),
        ...(options.parallelism ? { parallelism: options.parallelism } : {}),
      });
      handles.set(run.runId, handle);
      void handle.done.finally(() => handles.delete(run.runId)).catch(() => undefined);
    },
    async cancel(run, reason) {
      const handle = handles.get(run.runId);
      if (handle) await handle.cancel(reason);
      else await cancelWithoutHandle(options.storage, run, reason);
    },
  };
}

export function queueRunController(storage: Storage): RunController {
  return {
    async submit() {
      // The daemon's run queue claims QUEUED runs (storage.watchRuns wakes it at once).
    },
    cancel: (run, reason) => cancelWithoutHandle(storage, run, reason),
  };
}
