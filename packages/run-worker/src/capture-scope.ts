/**
 * The async scope that attributes output to steps. A step's compute runs inside
 * `stepScope.run(...)`; anything written to stdout/stderr from that async context belongs to
 * the step. Platform work (flushing events, calling `onEvent`) must run outside any step's
 * scope, or timers created during a step would inherit it and feed the platform's own output
 * back into the step.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export interface StepScope {
  stepKey: string;
  /** Receives the step's writes; null once the step has finished (late writes pass through). */
  write(stream: "stdout" | "stderr", text: string): void;
  finished: boolean;
}

export const stepScope = new AsyncLocalStorage<StepScope>();

/** Runs `fn` with no step scope, so its writes and the timers it creates are not attributed to a step. */
export function outsideSteps<T>(fn: () => T): T {
  return stepScope.exit(fn);
}
