/**
 * Helpers for this package's tests: catching the definitions error a call throws and reading its problems.
 */
import assert from "node:assert/strict";
import { InvalidDefinitionsError, type DefinitionProblem } from "@flyt/core";

/** Runs `fn`, expects an InvalidDefinitionsError, and returns its problems. */
export function problemsOf(fn: () => unknown): DefinitionProblem[] {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof InvalidDefinitionsError, `expected InvalidDefinitionsError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail("expected the call to throw InvalidDefinitionsError");
}

/** The one problem whose subject and message match; fails listing all problems otherwise. */
export function findProblem(problems: DefinitionProblem[], subject: string, message: RegExp): DefinitionProblem {
  const hit = problems.find((p) => p.subject === subject && message.test(p.message));
  assert.ok(hit, `no problem for ${subject} matching ${String(message)} in:\n${problems.map((p) => `${p.subject}: ${p.message}`).join("\n")}`);
  return hit;
}
