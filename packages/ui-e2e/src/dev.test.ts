/**
 * `flyt dev` as a user runs it: the daemon evaluates sensors through the location's code server
 * (no second copy of the definitions in the dev process), including a location that finishes
 * loading after the daemon started, and the runs it requests succeed.
 */
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, it } from "node:test";
import { graphql, REPO, startDev, tempDir, waitForLocations } from "./harness.js";

// Inside the repository (git-ignored) so that `@flyt/sdk` resolves from the location's file.
const dir = join(REPO, ".flyt-test", `ui-e2e-dev-${process.pid}`);
const home = tempDir("flyt-dev-test-");
after(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

void it("runs a location's sensor through its code server and launches the runs it asks for", async () => {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "definitions.ts");
  writeFileSync(file, `import { asset, defineDefinitions, sensor } from "@flyt/sdk";
export default defineDefinitions({
  assets: [asset({ key: "s/a", compute: () => ({ ok: 1 }) })],
  sensors: [sensor({ name: "every_second", target: "s/a", minimumIntervalSeconds: 1, defaultStatus: "RUNNING",
    evaluate: ({ cursor }) => ({ runRequests: [{ runKey: "k" + (cursor ?? "0") }], cursor: String(Number(cursor ?? "0") + 1) }) })],
});
`);
  const dev = await startDev({ files: [file], env: { FLYT_HOME: home } });
  try {
    await waitForLocations(dev.url);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const data = await graphql<{ sensors: Array<{ ticks: Array<{ status: string }> }>; runs: { nodes: Array<{ status: string }> } }>(dev.url, "{ sensors { ticks(first: 5) { status } } runs { nodes { status } } }");
      const ticks = data.sensors[0]?.ticks ?? [];
      if (ticks.some((t) => t.status === "SUCCESS") && data.runs.nodes.some((r) => r.status === "SUCCESS")) break;
      assert.ok(Date.now() < deadline, `no successful sensor tick and run within 60 s: ${JSON.stringify(data)}\n${dev.output()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await dev.stop();
  }
  assert.doesNotMatch(dev.output(), /FAILURE|error/i);
});
