/**
 * Locations load independently: a file location whose module never finishes importing is killed
 * after its own timeout and is ERROR saying why, while another is LOADED at once; closing the
 * workspace does not wait for the hung import. And the error a code server reports (the user's
 * frame, no Flyt stack) is what the workspace keeps — bounded, even from a server that is not ours.
 */
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { LOCATION_ERROR_LIMITS, PROTOCOL_VERSION, PROTOCOL_VERSION_HEADER } from "@flyt/protocol";
import { Workspace } from "./index.js";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const work = join(repo, ".flyt-test", `workspace-isolation-${process.pid}`);

describe("workspace: locations load independently", () => {
  before(() => {
    mkdirSync(work, { recursive: true });
    writeFileSync(join(work, "good.mjs"), `import { asset, defineDefinitions } from "@flyt/sdk";\nexport default defineDefinitions({ assets: [asset({ key: "good/a", compute: () => ({}) })] });\n`);
    writeFileSync(join(work, "hang.mjs"), `import { defineDefinitions } from "@flyt/sdk";\nwhile (true) {}\nexport default defineDefinitions({ assets: [] });\n`);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it("reports a healthy location while another hangs at import, times the hung one out on its own, and closes without waiting for it", { timeout: 60_000 }, async () => {
    const started = Date.now();
    const workspace = Workspace.open({
      locations: [
        { name: "hang", file: join(work, "hang.mjs") },
        { name: "good", file: join(work, "good.mjs") },
      ],
      pollIntervalMs: 0,
      loadTimeoutMs: 6_000,
    });
    try {
      assert.deepEqual(workspace.list().map((l) => l.status), ["LOADING", "LOADING"]);
      const loaded = new Promise<number>((resolve) => workspace.onChange((state) => state.name === "good" && state.status === "LOADED" && resolve(Date.now())));
      const at = await loaded;
      assert.ok(at - started < 5_000, `good took ${at - started} ms`);
      assert.equal(workspace.get("hang")?.status, "LOADING");
      await workspace.ready;
      const hang = workspace.get("hang")!;
      assert.equal(hang.status, "ERROR");
      assert.match(hang.error?.message ?? "", /did not load within 6 s \(does the module loop or wait forever while it is imported\?\)/);
      assert.equal(hang.error?.stack, undefined, "no platform stack");
      assert.ok(Date.now() - started >= 6_000);
    } finally {
      await workspace.close();
    }

    // Closing while an import hangs: the child is killed, not waited for.
    const again = Workspace.open({ locations: [{ name: "hang", file: join(work, "hang.mjs") }], pollIntervalMs: 0 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const closing = Date.now();
    await again.close();
    assert.ok(Date.now() - closing < 3_000, `close took ${Date.now() - closing} ms`);
  });

  it("keeps a url server's load error as it reported it, within LOCATION_ERROR_LIMITS", async () => {
    const message = `Could not load definitions: ${"y".repeat(LOCATION_ERROR_LIMITS.messageChars * 2)}`;
    const hostile = createServer((_request, response) => {
      response.writeHead(200, { "content-type": "application/json", [PROTOCOL_VERSION_HEADER]: String(PROTOCOL_VERSION) });
      response.end(
        JSON.stringify({
          status: "ERROR", protocolVersion: PROTOCOL_VERSION, location: "far", hash: null, pid: 1, uptimeMs: 1, activeRuns: 0,
          error: { name: "DefinitionsLoadError", message, stack: "DefinitionsLoadError: x\n    at /app/definitions.ts:3:11", cause: { name: "Error", message: "inner" } },
        }),
      );
    });
    await new Promise<void>((resolve) => hostile.listen(0, "127.0.0.1", resolve));
    const workspace = await Workspace.start({ locations: [{ name: "far", url: `http://127.0.0.1:${(hostile.address() as AddressInfo).port}` }], pollIntervalMs: 0 });
    try {
      const far = workspace.get("far")!;
      assert.equal(far.status, "ERROR");
      assert.ok(far.error!.message.length < LOCATION_ERROR_LIMITS.messageChars + 100, `message of ${far.error!.message.length} characters`);
      assert.match(far.error!.message, /^Could not load definitions: y+… \[truncated: \d+ more characters\]$/);
      assert.equal(far.error!.stack, "DefinitionsLoadError: x\n    at /app/definitions.ts:3:11");
      assert.equal(far.error!.cause, undefined);
    } finally {
      await workspace.close();
      hostile.close();
    }
  });
});
