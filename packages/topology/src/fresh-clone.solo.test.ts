/**
 * The README's main command on a fresh clone, as a new user runs it: the repository (its committed
 * HEAD) is cloned into an empty temp folder with nothing beside it, and the command of the README's
 * "Run the main job" block — `npm ci && npm run build && bash scripts/install-dbt.sh && npx flyt dev
 * -f examples/atlas/definitions.ts`, read from README.md so the test follows the README — runs
 * there unchanged (only FLYT_WEBSERVER_PORT=0, so it cannot collide with anything). Once `flyt dev`
 * is up, the README's second command (`npx flyt backfill … --select '*' --all`) materializes every
 * asset of the example from the clone; every run must succeed, so nothing the example reads lies
 * outside the clone (it once read its fixtures from `../shared/fixtures`, which only development
 * machines have). Then `flyt dev` stops on SIGINT. Solo (run after the other files, alone): the
 * clone's `npm ci` and build load both cores for minutes. Figures and the output go to
 * test-artifacts/topology/fresh-clone.json and logs/fresh-clone/.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ARTIFACTS, graphql, REPO, waitUntil, writeFigures } from "./harness.js";

/** The fenced `sh` block under the README's "Run the main job". */
export function readmeCommands(readme: string): { mainJob: string; materializeAll: string } {
  const block = (after: string): string => {
    const start = readme.indexOf(after);
    assert.ok(start >= 0, `README.md has no ${JSON.stringify(after)}`);
    const match = /```sh\n([^`]+?)\n```/.exec(readme.slice(start));
    assert.ok(match, `README.md has no sh block after ${JSON.stringify(after)}`);
    return match[1]!.trim();
  };
  return { mainJob: block("**Run the main job**"), materializeAll: block("To materialize everything from the command line") };
}

/** Whether any process of the group led by `pid` is alive (signal 0 checks without sending). */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every output line of a process, kept for the assertion messages and the log file. */
class Recorded {
  text = "";
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcess) {
    child.stdout?.on("data", (chunk: Buffer) => (this.text += chunk.toString("utf8")));
    child.stderr?.on("data", (chunk: Buffer) => (this.text += chunk.toString("utf8")));
    this.exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
  }

  tail(lines = 60): string {
    return this.text.split("\n").slice(-lines).join("\n");
  }
}

void describe("the README's main command on a fresh clone", () => {
  let dir = "";
  let clone = "";
  let dev: Recorded | null = null;
  let url = "";
  let backfill: { status: number | null; output: string } | null = null;
  const figures: Record<string, unknown> = {};
  const commands = readmeCommands(readFileSync(join(REPO, "README.md"), "utf8"));

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "flyt-fresh-clone-"));
    clone = join(dir, "flyt");
    const cloned = spawnSync("git", ["clone", "--quiet", REPO, clone], { encoding: "utf8" });
    assert.equal(cloned.status, 0, `git clone: ${cloned.stderr}`);
    const started = Date.now();
    // The command as the README gives it, in the clone, with an environment of its own: no
    // database URL, no test settings, nothing pointing back into this checkout.
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1", FLYT_WEBSERVER_PORT: "0", npm_config_fund: "false", npm_config_audit: "false" };
    dev = new Recorded(spawn("bash", ["-c", commands.mainJob], { cwd: clone, env, detached: true, stdio: ["ignore", "pipe", "pipe"] }));
    // A loop of its own, not waitUntil (which retries a throwing check): a command that exited fails at once.
    for (const deadline = Date.now() + 12 * 60_000; ; ) {
      const up = /Flyt dev is up at (http:\/\/\S+)/.exec(dev.text)?.[1];
      if (up !== undefined) {
        url = up;
        break;
      }
      if (dev.child.exitCode !== null || dev.child.signalCode !== null) throw new Error(`the main command exited (${dev.child.exitCode ?? dev.child.signalCode}) before flyt dev was up:\n${dev.tail()}`);
      if (Date.now() > deadline) throw new Error(`flyt dev was not up 12 minutes after the main command started:\n${dev.tail()}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    figures.upAfterMs = Date.now() - started;
    await waitUntil(async () => {
      const { locations } = await graphql<{ locations: Array<{ status: string }> }>(url, "{ locations { status } }");
      return locations.length > 0 && locations.every((l) => l.status === "LOADED") ? true : null;
    }, 60_000, "the example's location to load");
    const materializing = Date.now();
    const result = spawnSync("bash", ["-c", commands.materializeAll], { cwd: clone, env, encoding: "utf8", timeout: 5 * 60_000 });
    backfill = { status: result.status, output: `${result.stdout}${result.stderr}` };
    figures.materializeAllMs = Date.now() - materializing;
  }, { timeout: 18 * 60_000 });

  after(async () => {
    if (dev?.child.pid !== undefined && groupAlive(dev.child.pid)) {
      process.kill(-dev.child.pid, "SIGKILL");
      await dev.exited;
    }
    const logs = join(ARTIFACTS, "logs", "fresh-clone");
    mkdirSync(logs, { recursive: true });
    writeFileSync(join(logs, "main-command.log"), dev?.text ?? "");
    writeFileSync(join(logs, "materialize-all.log"), backfill?.output ?? "");
    writeFigures("fresh-clone", figures);
    rmSync(dir, { recursive: true, force: true });
  }, { timeout: 60_000 });

  void it("reads the commands from the README", () => {
    assert.match(commands.mainJob, /npx flyt dev -f examples\/atlas\/definitions\.ts$/);
    assert.match(commands.materializeAll, /^npx flyt backfill -f examples\/atlas\/definitions\.ts/);
  });

  void it("materializes every asset of the example from the clone alone", async () => {
    assert.equal(backfill?.status, 0, `the README's materialize-everything command failed:\n${backfill?.output.split("\n").slice(-40).join("\n")}`);
    const { assets } = await graphql<{ assets: { nodes: Array<{ key: string; latestMaterialization: { runId: string } | null }> } }>(
      url,
      "{ assets(first: 500) { nodes { key latestMaterialization { runId } } } }",
    );
    const never = assets.nodes.filter((a) => a.latestMaterialization === null).map((a) => a.key);
    assert.ok(assets.nodes.length > 5, "the example's assets are listed");
    assert.deepEqual(never, [], "every asset materialized");
    const { failed, succeeded } = await graphql<{ failed: { nodes: Array<{ runId: string; status: string }> }; succeeded: { nodes: unknown[] } }>(
      url,
      "{ failed: runs(filter: { statuses: [FAILURE, CANCELED] }, first: 20) { nodes { runId status } } succeeded: runs(filter: { statuses: [SUCCESS] }, first: 500) { nodes { runId } } }",
    );
    assert.deepEqual(failed.nodes, [], "no run failed");
    figures.assets = assets.nodes.length;
    assert.ok(succeeded.nodes.length > 0, "runs succeeded");
    figures.runsSucceeded = succeeded.nodes.length;
  });

  void it("stops flyt dev and everything it started on Ctrl-C", { timeout: 60_000 }, async () => {
    const group = dev!.child.pid!;
    // Ctrl-C reaches the whole foreground group: bash, npx, flyt dev and its code server.
    process.kill(-group, "SIGINT");
    const started = Date.now();
    while (groupAlive(group) && Date.now() - started < 30_000) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(groupAlive(group), false, `processes of the main command still run 30 s after SIGINT:\n${dev!.tail()}`);
    figures.stopMs = Date.now() - started;
    await assert.rejects(fetch(url), "the webserver no longer answers");
  });
});
