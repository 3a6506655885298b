/**
 * callerLocation names the user's frame: not core's own (it is called through a library's
 * wrapper), not the library's, but the first frame outside both.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { callerLocation, definitionsError } from "./declaration-site.js";

describe("callerLocation", () => {
  it("skips core's own frames and the library's, and names the caller's file:line", () => {
    // This test file stands in for the user's code; no library directory matches it.
    const site = callerLocation("/no/such/library");
    assert.match(site ?? "", /declaration-site\.test\.js:\d+$/);
  });

  it("appends the site to every problem of a definitions error", () => {
    const error = definitionsError([{ subject: "asset \"a\"", message: "is broken" }], "defs.ts:3");
    assert.deepEqual(error.problems, [{ subject: "asset \"a\"", message: "is broken (declared at defs.ts:3)" }]);
  });
});
