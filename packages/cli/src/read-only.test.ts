/**
 * A SQLite database on a read-only file system (a mounted backup, a locked-down volume) can still
 * be read: `flyt runs list` and `runs show` work, and a write says plainly that the database
 * cannot be written. Before, opening it failed ("unable to open database file") because every
 * open took a write lock for migrations already applied. The read-only mount is real: a bind
 * mount remounted read-only in a private mount namespace (`unshare -m`); where the machine does not
 * allow that, the test says so and skips.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { testBackends } from "@flyt/storage/testing";

const FLYT = fileURLToPath(new URL("../bin/flyt.js", import.meta.url));
const FIXTURE = fileURLToPath(new URL("./test-fixtures/side-effect.js", import.meta.url));

/** Whether this machine lets the test remount a folder read-only in a private mount namespace (a container may allow `unshare -m` but not `mount`). */
function canMountReadOnly(): boolean {
  const dir = mkdtempSync(join(tmpdir(), "flyt-read-only-probe-"));
  try {
    const probe = spawnSync("unshare", ["-m", "sh", "-c", `mount --bind "${dir}" "${dir}" && mount -o remount,bind,ro "${dir}" && ! touch "${dir}/x" 2>/dev/null`], { encoding: "utf8" });
    return probe.status === 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs shell `script` in a private mount namespace where `dir` is remounted read-only. */
function readOnlyShell(dir: string, script: string, env: NodeJS.ProcessEnv): { status: number | null; output: string } {
  const result = spawnSync("unshare", ["-m", "sh", "-c", `mount --bind "${dir}" "${dir}" && mount -o remount,bind,ro "${dir}" && ${script}`], {
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

void describe("a SQLite database on a read-only file system", () => {
  if (!testBackends().includes("sqlite")) return;
  void it("is readable by flyt runs list and show; writes say it cannot be written", { skip: canMountReadOnly() ? false : "this machine does not allow a read-only bind mount in a private mount namespace (unshare -m, mount)" }, () => {
    const home = mkdtempSync(join(tmpdir(), "flyt-read-only-"));
    try {
      // NO_COLOR: picocolors colours output whenever CI is set, and the run id is read from it below.
      const env = { FLYT_HOME: home, FLYT_DATABASE_URL: "", FLYT_TEST_EXECUTIONS_FILE: join(tmpdir(), `flyt-ro-${process.pid}.log`), NO_COLOR: "1" };
      const made = spawnSync(process.execPath, [FLYT, "materialize", "-f", FIXTURE], { env: { ...process.env, ...env }, encoding: "utf8" });
      assert.equal(made.status, 0, made.stdout + made.stderr);
      const runId = /Run ([0-9a-f-]{36}) SUCCESS/.exec(made.stdout)?.[1];
      assert.ok(runId, made.stdout);
      const list = readOnlyShell(home, `"${process.execPath}" "${FLYT}" runs list --json`, env);
      assert.equal(list.status, 0, list.output);
      assert.match(list.output, new RegExp(runId));
      const show = readOnlyShell(home, `"${process.execPath}" "${FLYT}" runs show ${runId}`, env);
      assert.equal(show.status, 0, show.output);
      assert.match(show.output, /effects\/counted/);
      const write = readOnlyShell(home, `"${process.execPath}" "${FLYT}" materialize -f "${FIXTURE}"`, env);
      assert.equal(write.status, 1, write.output);
      assert.match(write.output, /cannot be written here \(a read-only file or file system\)/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
