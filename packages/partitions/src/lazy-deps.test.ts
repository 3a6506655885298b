/**
 * Tests of the lazy dependencies: importing this package and declaring static partitions loads
 * neither luxon nor croner (checked in a fresh process), each loads on first use, and the light
 * time-zone check accepts and rejects exactly what luxon's own check does.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { IANAZone } from "luxon";
import { isValidTimeZone } from "./lazy-deps.js";

const indexUrl = new URL("./index.js", import.meta.url).href;

/**
 * Runs `body` as an ES module in a fresh node after importing this package as `p`; returns its
 * stdout. `loaded()` there names the luxon/croner modules loaded so far, through `require` (the
 * CommonJS cache) or through `import` (a module loader hook logs every imported URL to a file).
 */
function inFreshProcess(body: string): string {
  const dir = mkdtempSync(join(tmpdir(), "flyt-partitions-lazy-"));
  try {
    const log = join(dir, "imports.log");
    writeFileSync(join(dir, "hooks.mjs"), `import { appendFileSync } from "node:fs";
export async function load(url, context, next) { appendFileSync(${JSON.stringify(log)}, url + "\\n"); return next(url, context); }\n`);
    writeFileSync(join(dir, "register.mjs"), `import { register } from "node:module"; register(${JSON.stringify(pathToFileURL(join(dir, "hooks.mjs")).href)});\n`);
    const script = `import { createRequire } from "node:module";
import { existsSync, readFileSync } from "node:fs";
const p = await import(${JSON.stringify(indexUrl)});
const loaded = () => {
  const paths = [...Object.keys(createRequire(${JSON.stringify(indexUrl)}).cache), ...(existsSync(${JSON.stringify(log)}) ? readFileSync(${JSON.stringify(log)}, "utf8").split("\\n") : [])];
  return [...new Set(paths.flatMap((f) => /node_modules\\/(luxon|croner)\\//.exec(f)?.slice(1) ?? []))].sort().join(",");
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
  void it("does not load luxon or croner at import or for static partitions, and loads each on first use", () => {
    const out = inFreshProcess(`
p.partitionsFromSnapshot(p.staticPartitions(["a", "b"]).snapshot()).keys();
const before = loaded();
p.nextScheduleTimes({ cron: "0 6 * * *", timezone: "Europe/Oslo" }, new Date(), 1);
const afterCron = loaded();
p.dailyPartitions({ start: "2024-01-01", timezone: "Europe/Oslo" });
console.log(JSON.stringify({ before, afterCron, afterPartitions: loaded() }));`);
    assert.deepEqual(JSON.parse(out), { before: "", afterCron: "croner", afterPartitions: "croner,luxon" });
  });

  void it("agrees with luxon on canonical zones, aliases, other spellings and unknown names", () => {
    for (const zone of ["UTC", "Europe/Oslo", "America/New_York", "US/Eastern", "Asia/Calcutta", "europe/oslo", "Etc/GMT+2", "Europe/Osloo", "Mars/Olympus", "", "utc"]) {
      assert.equal(isValidTimeZone(zone), IANAZone.isValidZone(zone), zone);
    }
  });
});
