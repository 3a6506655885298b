/**
 * Automation conditions through a real code-location server: the snapshot carries each asset's
 * condition tree as the SDK built it (a multi-asset's default on members without their own),
 * validates against protocol v1, and leaves assets without one in their old shape; adding a
 * condition changes the hash (the platform reloads). A hand-made snapshot whose tree is over the
 * limits is refused at load naming the asset and the field.
 */
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { contentHash, SnapshotResponseSchema } from "@flyt/protocol";
import { asset, AutomationCondition, defineDefinitions } from "@flyt/sdk";
import { buildSnapshot, snapshotProblems } from "./snapshot.js";
import { startCodeLocationServer, type CodeLocationServer } from "./index.js";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const work = join(repo, ".flyt-test", `code-server-automation-${process.pid}`);

const DEFINITIONS = `
import { asset, multiAsset, defineDefinitions, AutomationCondition } from "@flyt/sdk";
const raw = asset({ key: "atlas/raw", compute: () => undefined });
const models = multiAsset({
  name: "dbt_build",
  automationCondition: AutomationCondition.eager(),
  assets: [{ key: "atlas/dbt/stg", deps: ["atlas/raw"] }, { key: "atlas/dbt/mart", deps: ["atlas/dbt/stg"], automationCondition: AutomationCondition.onMissing() }],
  compute: () => undefined,
});
const serving = asset({
  key: "atlas/serving/overview",
  deps: ["atlas/dbt/mart"],
  automationCondition: AutomationCondition.onCron("30 6 * * *", "Europe/Oslo"),
  compute: () => undefined,
});
export default defineDefinitions({ assets: [raw, models, serving] });
`;

// A Definitions object the SDK never saw, with a condition 40 levels deep.
const HAND_MADE = `
let condition = { kind: "missing" };
for (let i = 0; i < 40; i++) condition = { kind: "not", operand: condition };
const node = (key, extra) => ({ key, deps: [], description: null, group: "default", owners: [], tags: {}, kinds: [], codeVersion: null,
  partitions: null, retryPolicy: null, stepKey: key, metadata: {}, ...extra });
const nodes = new Map([["ok/a", node("ok/a", { automationCondition: { kind: "missing" } })], ["deep/b", node("deep/b", { automationCondition: condition })]]);
export default { kind: "definitions", steps: new Map(), graph: { nodes }, resources: {}, schedules: [], sensors: [], externalAssets: [], checks: [] };
`;

describe("code-location server: automation conditions", () => {
  let server: CodeLocationServer;

  before(async () => {
    mkdirSync(work, { recursive: true });
    writeFileSync(join(work, "defs.ts"), DEFINITIONS);
    writeFileSync(join(work, "hand-made.mjs"), HAND_MADE);
    server = await startCodeLocationServer({ definitionsFile: join(work, "defs.ts"), name: "atlas", port: 0, log: () => undefined });
  });

  after(async () => {
    await server?.close({ killWorkers: true });
    rmSync(work, { recursive: true, force: true });
  });

  it("serves each asset's condition tree, and none for an asset without one", async () => {
    const response = await fetch(`${server.url}/v1/snapshot`);
    const body = (await response.json()) as { snapshot: { assets: Array<Record<string, unknown>> } };
    assert.equal(response.status, 200, JSON.stringify(body));
    const { snapshot, hash } = SnapshotResponseSchema.parse(body);
    assert.equal(hash, contentHash(snapshot));
    const byKey = new Map(snapshot.assets.map((a) => [a.key, a]));
    assert.deepEqual(byKey.get("atlas/dbt/stg")?.automationCondition, AutomationCondition.eager().snapshot());
    assert.deepEqual(byKey.get("atlas/dbt/mart")?.automationCondition, AutomationCondition.onMissing().snapshot());
    assert.deepEqual(byKey.get("atlas/serving/overview")?.automationCondition, AutomationCondition.onCron("30 6 * * *", "Europe/Oslo").snapshot());
    // The wire keeps labels: the evaluator's explanations read them.
    assert.equal(byKey.get("atlas/serving/overview")?.automationCondition?.label, 'on cron 30 6 * * * (Europe/Oslo)');
    const raw = body.snapshot.assets.find((a) => a.key === "atlas/raw")!;
    assert.equal(Object.keys(raw).includes("automationCondition"), false);
  });

  it("keeps the shape and hash of a location without conditions; adding one changes the hash", () => {
    const plain = defineDefinitions({ assets: [asset({ key: "a", compute: () => undefined })] });
    const withCondition = defineDefinitions({ assets: [asset({ key: "a", automationCondition: AutomationCondition.eager(), compute: () => undefined })] });
    const before = buildSnapshot(plain, "x");
    assert.deepEqual(Object.keys(before.assets[0]!).sort(), [
      "checks", "codeVersion", "deps", "description", "freshnessPolicy", "group", "key", "kinds", "metadata", "owners", "partitions", "retryPolicy", "stepKey", "tags",
    ]);
    const after = buildSnapshot(withCondition, "x");
    assert.notEqual(contentHash(after), contentHash(before));
    const { automationCondition, ...rest } = after.assets[0]!;
    assert.deepEqual(automationCondition, AutomationCondition.eager().snapshot());
    assert.equal(contentHash({ ...after, assets: [rest] }), contentHash(before));
    // A plain copy: the SDK's frozen tree is not handed out.
    assert.equal(Object.isFrozen(automationCondition), false);
    assert.equal(snapshotProblems(after), null);
  });

  it("is ERROR at load for a hand-made condition over the limits, naming the asset and the field", async () => {
    const handMade = await startCodeLocationServer({ definitionsFile: join(work, "hand-made.mjs"), port: 0, log: () => undefined });
    try {
      assert.equal(handMade.loadStatus, "ERROR");
      const health = (await (await fetch(`${handMade.url}/v1/health`)).json()) as { error: { message: string } };
      assert.match(health.error.message, /asset "deep\/b": automationCondition is more than 32 levels deep, over the limit/);
      assert.doesNotMatch(health.error.message, /ok\/a/);
    } finally {
      await handMade.close();
    }
  });
});
