/**
 * `flyt materialize` of a definitions file that cannot be loaded says so in one `error:` line that
 * names the file, and exits 1: a module that calls process.exit(1) at import (before, the CLI
 * printed nothing at all), and one that throws at import (the line carries the file:line of the
 * user's frame, as docs/code-locations.md promises).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { FLYT } from "./test-support.js";

const dir = mkdtempSync(join(tmpdir(), "flyt-load-errors-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function materialize(file: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [FLYT, "materialize", "-f", file], {
    env: { ...process.env, FLYT_HOME: join(dir, ".flyt"), FLYT_DATABASE_URL: "", NO_COLOR: "1" },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

void describe("flyt materialize of definitions that cannot be loaded", () => {
  void it("names the file when the module calls process.exit(1) at import", () => {
    const file = join(dir, "exits.mjs");
    writeFileSync(file, "// Ends the process while being imported.\nprocess.exit(1);\n");
    const result = materialize(file);
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.match(result.stderr, new RegExp(`^error: Could not load definitions from ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: the module called process\\.exit\\(1\\) while being imported`, "m"));
  });

  void it("gives the file:line of the throw when the module throws at import", () => {
    const file = join(dir, "throws.mjs");
    writeFileSync(file, "// Throws while being imported.\nthrow new Error(\"boom at import\");\n");
    const result = materialize(file);
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.match(result.stderr, /^error: Could not load definitions from .*throws\.mjs: importing the module failed at .*throws\.mjs:2:\d+: boom at import$/m);
  });
});
