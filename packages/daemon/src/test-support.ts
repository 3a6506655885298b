/**
 * Test helpers for the daemon: a launcher that completes runs by writing real lifecycle events
 * to real storage (the queue and monitor are under test, not the launcher), and small waits.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { RunRecord } from "@flyt/core";
import type { LaunchRequest, RunHandle, RunLauncher } from "@flyt/contracts";

export interface FakeLauncherOptions {
  /** How long a run "works" before succeeding, ms (a function for variety). */
  durationMs?: () => number;
  /** Called at launch with the run; throw to simulate a launcher that cannot start it. */
  onLaunch?: (run: RunRecord) => void;
  /** Never write a terminal event (a worker that hangs or vanished). */
  hang?: boolean;
  /** Called just before the run's end is written: from then on the queue may see it as ended. */
  onFinishing?: (run: RunRecord) => void;
}

export class FakeLauncher implements RunLauncher {
  readonly name = "fake";
  readonly launched: string[] = [];
  /** Runs launched with `relaunch` (an earlier leader claimed them). */
  readonly relaunched: string[] = [];

  constructor(private readonly options: FakeLauncherOptions = {}) {}

  launch(request: LaunchRequest): RunHandle {
    this.options.onLaunch?.(request.run);
    this.launched.push(request.run.runId);
    if (request.relaunch === true) this.relaunched.push(request.run.runId);
    const { storage, run } = request;
    const event = (body: { type: "RUN_STARTED" } | { type: "RUN_SUCCESS" }) => ({
      runId: run.runId,
      seq: null,
      timestamp: Date.now(),
      stepKey: null,
      body,
    });
    const done = (async () => {
      await storage.appendEvents([event({ type: "RUN_STARTED" })]);
      if (this.options.hang) return new Promise<RunRecord>(() => undefined);
      await sleep(this.options.durationMs?.() ?? 1);
      this.options.onFinishing?.(run);
      await storage.appendEvents([event({ type: "RUN_SUCCESS" })]);
      return (await storage.getRun(run.runId))!;
    })();
    return { runId: run.runId, done, cancel: () => Promise.resolve() };
  }
}

/** Polls `check` until it returns true or `timeoutMs` passes. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
