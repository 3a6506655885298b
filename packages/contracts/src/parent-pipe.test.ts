/**
 * The parent pipe with real processes: a middle process starts a leaf with `withParentPipe`; when
 * the middle is SIGKILLed (no chance to clean up) or exits normally, the leaf's
 * `watchParentPipe` fires and it exits. A leaf started without the pipe (a container's main
 * process) watches nothing and stays; the variable is not passed on to the leaf's own children.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

const PARENT_PIPE = fileURLToPath(new URL("./parent-pipe.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "flyt-parent-pipe-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The leaf: reports whether it watches, and on its parent's death writes a marker and exits. */
const LEAF = `
import { writeFileSync } from "node:fs";
import { watchParentPipe } from ${JSON.stringify(PARENT_PIPE)};
const marker = process.argv[1];
const watching = watchParentPipe(() => { writeFileSync(marker, "parent gone"); process.exit(0); });
writeFileSync(marker + ".started", JSON.stringify({ watching, inherited: process.env.FLYT_PARENT_PIPE_FD ?? null }));
setInterval(() => undefined, 1000);
`;

/** The middle: starts the leaf (with or without a pipe), prints its pid, then idles or exits. */
const MIDDLE = `
import { spawn } from "node:child_process";
import { withParentPipe } from ${JSON.stringify(PARENT_PIPE)};
const [marker, mode, exitSoon] = process.argv.slice(1);
const args = ["--input-type=module", "-e", ${JSON.stringify(LEAF)}, marker];
const options = mode === "pipe" ? { detached: true, ...withParentPipe(["ignore", "ignore", "inherit"], process.env) } : { detached: true, stdio: "ignore" };
const leaf = spawn(process.execPath, args, options);
process.stdout.write(String(leaf.pid) + "\\n");
if (exitSoon === "exit") setTimeout(() => process.exit(0), 300);
else setInterval(() => undefined, 1000);
`;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function startMiddle(name: string, mode: "pipe" | "none", exitSoon = false): Promise<{ middle: ReturnType<typeof spawn>; leafPid: number; marker: string }> {
  const marker = join(dir, name);
  const middle = spawn(process.execPath, ["--input-type=module", "-e", MIDDLE, marker, mode, exitSoon ? "exit" : "stay"], { stdio: ["ignore", "pipe", "inherit"] });
  const leafPid = await new Promise<number>((resolve, reject) => {
    let text = "";
    middle.stdout.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes("\n")) resolve(Number(text.trim()));
    });
    middle.once("exit", (code) => (text.includes("\n") ? undefined : reject(new Error(`middle exited ${String(code)}`))));
  });
  for (let i = 0; i < 100 && !existsSync(`${marker}.started`); i++) await sleep(50);
  return { middle, leafPid, marker };
}

async function gone(pid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(20);
  }
  return !isAlive(pid);
}

void describe("parent pipe", () => {
  void it("a child with a parent pipe exits when its parent is SIGKILLed", async () => {
    const { middle, leafPid, marker } = await startMiddle("killed", "pipe");
    assert.deepEqual(JSON.parse(readFileSync(`${marker}.started`, "utf8")), { watching: true, inherited: null }, "watching, and the variable is not left for the leaf's own children");
    middle.kill("SIGKILL");
    assert.ok(await gone(leafPid, 3_000), "the leaf exits after its parent's SIGKILL");
    assert.equal(readFileSync(marker, "utf8"), "parent gone");
  });

  void it("also when the parent exits normally", async () => {
    const { leafPid, marker } = await startMiddle("exited", "pipe", true);
    assert.ok(await gone(leafPid, 3_000), "the leaf exits after its parent's exit");
    assert.equal(readFileSync(marker, "utf8"), "parent gone");
  });

  void it("a child started without the pipe watches nothing and outlives its parent", async () => {
    const { middle, leafPid, marker } = await startMiddle("no-pipe", "none");
    try {
      assert.deepEqual(JSON.parse(readFileSync(`${marker}.started`, "utf8")), { watching: false, inherited: null });
      middle.kill("SIGKILL");
      await sleep(1_000);
      assert.ok(isAlive(leafPid), "without a parent pipe the process stays (a container's main process)");
      assert.equal(existsSync(marker), false);
    } finally {
      if (isAlive(leafPid)) process.kill(leafPid, "SIGKILL");
    }
  });
});
