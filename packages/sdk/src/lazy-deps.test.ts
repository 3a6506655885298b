/**
 * Tests of the SDK's lazy dependencies: importing the SDK and declaring plain assets loads
 * neither luxon nor croner (checked in a fresh process), and they load on first use. They are
 * loaded by @flyt/partitions (its own tests check the time-zone check against luxon's).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const sdkUrl = new URL("./index.js", import.meta.url).href;

/**
 * Runs `body` as an ES module in a fresh node after importing the SDK; returns its stdout.
 * `loaded()` there names luxon/croner modules loaded so far, through `require` (the CommonJS
 * cache) or through `import` (a module loader hook logs every imported URL to a file).
 */
function inFreshProcess(body: string): string {
  const dir = mkdtempSync(join(tmpdir(), "flyt-lazy-deps-"));
  try {
    const log = join(dir, "imports.log");
    writeFileSync(join(dir, "hooks.mjs"), `import { appendFileSync } from "node:fs";
export async function load(url, context, next) { appendFileSync(${JSON.stringify(log)}, url + "\\n"); return next(url, context); }\n`);
    writeFileSync(join(dir, "register.mjs"), `import { register } from "node:module"; register(${JSON.stringify(pathToFileURL(join(dir, "hooks.mjs")).href)});\n`);
    const script = `import { createRequire } from "node:module";
import { existsSync, readFileSync } from "node:fs";
const sdk = await import(${JSON.stringify(sdkUrl)});
const loaded = () => {
  const paths = [...Object.keys(createRequire(${JSON.stringify(sdkUrl)}).cache), ...(existsSync(${JSON.stringify(log)}) ? readFileSync(${JSON.stringify(log)}, "utf8").split("\\n") : [])];
  return [...new Set(paths.filter((p) => /node_modules\\/(luxon|croner)\\//.test(p)).map((p) => (p.includes("luxon") ? "luxon" : "croner")))].sort().join(",");
};
${body}`;
    const result = spawnSync(process.execPath, ["--import", pathToFileURL(join(dir, "register.mjs")).href, "--input-type=module", "-e", script], { encoding: "utf8" });
    assert.equal(result.status, 0, result.stderr);
    return result.stdout.trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void describe("lazy dependencies", () => {
  void it("does not load luxon or croner for plain assets, and loads them on first use", () => {
    const out = inFreshProcess(`
const a = sdk.asset({ key: "a", compute: () => undefined });
sdk.defineDefinitions({ assets: [a, sdk.asset({ key: "b", deps: ["a"], partitions: sdk.staticPartitions(["x"]), compute: () => undefined })] });
const before = loaded();
sdk.schedule({ name: "s", cron: "0 6 * * *", timezone: "Europe/Oslo", target: "*" });
const afterSchedule = loaded();
sdk.dailyPartitions({ start: "2024-01-01", timezone: "Europe/Oslo" });
console.log(JSON.stringify({ before, afterSchedule, afterPartitions: loaded() }));`);
    assert.deepEqual(JSON.parse(out), { before: "", afterSchedule: "croner", afterPartitions: "croner,luxon" });
  });
});
