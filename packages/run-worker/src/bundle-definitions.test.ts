/**
 * The cache of bundled TypeScript definitions: a second load reuses the bundle, a changed input
 * rebuilds it, and a manifest that belongs to another entry (the cache key is a 64-bit hash of
 * the path, so a collision is possible) is never used for this one.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleDefinitions, definitionsCacheKey } from "./bundle-definitions.js";

function scratchDir(): { dir: string; [Symbol.dispose](): void } {
  const dir = mkdtempSync(join(tmpdir(), "flyt-bundle-test-"));
  return { dir, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

void describe("bundleDefinitions cache", () => {
  void it("reuses a cached bundle and rebuilds when an input changes", async () => {
    using scratch = scratchDir();
    const entry = join(scratch.dir, "defs.ts");
    writeFileSync(entry, "export const answer: number = 41;\n");
    const cache = join(scratch.dir, "cache");
    const first = await bundleDefinitions(entry, cache);
    assert.equal(await bundleDefinitions(entry, cache), first);
    const manifest = JSON.parse(readFileSync(join(cache, `${definitionsCacheKey(entry)}.json`), "utf8")) as { entry: string; output: string };
    assert.equal(manifest.entry, entry);
    assert.equal(manifest.output, first);

    writeFileSync(entry, "export const answer: number = 42;\n");
    utimesSync(entry, new Date(), new Date(Date.now() + 5_000));
    const second = await bundleDefinitions(entry, cache);
    assert.notEqual(second, first);
    assert.match(readFileSync(second, "utf8"), /answer = 42/);
  });

  void it("ignores a manifest of another entry stored under the same key", async () => {
    using scratch = scratchDir();
    const entry = join(scratch.dir, "mine.ts");
    writeFileSync(entry, "export const mine = 1;\n");
    const other = join(scratch.dir, "other.mjs");
    writeFileSync(other, "export const other = 2;\n");
    const cache = join(scratch.dir, "cache");
    const manifestPath = join(cache, `${definitionsCacheKey(entry)}.json`);
    // What a hash collision would leave: a valid, up-to-date manifest naming a different entry.
    mkdirSync(cache, { recursive: true });
    const info = statSync(other);
    writeFileSync(manifestPath, JSON.stringify({ version: 1, entry: join(scratch.dir, "other.ts"), output: other, inputs: [{ path: other, size: info.size, mtimeMs: info.mtimeMs }] }));
    const output = await bundleDefinitions(entry, cache);
    assert.notEqual(output, other);
    assert.match(readFileSync(output, "utf8"), /mine = 1/);
  });

  void it("keys are stable, distinct per path and safe as file names", () => {
    const a = definitionsCacheKey("/srv/app/definitions.ts");
    assert.equal(definitionsCacheKey("/srv/app/definitions.ts"), a);
    assert.notEqual(definitionsCacheKey("/srv/app/definitions2.ts"), a);
    assert.match(a, /^v2-[0-9a-f]{16}$/);
  });
});
