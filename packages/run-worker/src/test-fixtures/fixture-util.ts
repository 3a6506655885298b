/**
 * Helpers for the test definitions modules: a per-test scratch directory (FLYT_FIXTURE_DIR,
 * read at compute time so in-process and subprocess runs behave alike) and an execution log.
 */
import { appendFileSync, existsSync } from "node:fs";
import { join } from "node:path";

export function fixtureDir(): string {
  const dir = process.env.FLYT_FIXTURE_DIR;
  if (!dir) throw new Error("FLYT_FIXTURE_DIR is not set");
  return dir;
}

/** Appends the step key to `<dir>/executions.log`, so tests can count executions across processes. */
export function recordExecution(stepKey: string): void {
  const dir = process.env.FLYT_FIXTURE_DIR;
  if (dir) appendFileSync(join(dir, "executions.log"), `${stepKey}\n`);
}

export function flagExists(name: string): boolean {
  return existsSync(join(fixtureDir(), name));
}

export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
