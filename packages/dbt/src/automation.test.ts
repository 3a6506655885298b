/**
 * Automation on dbt assets: `dbtAssets({ automationCondition })` puts the condition on every asset
 * of the call, a node's `meta.flyt.automation` ("eager", "on_missing", "none", { on_cron,
 * timezone }) overrides it, and a malformed value or a bad cron fails naming the node and its file.
 * The project is a committed manifest in a temporary project directory (no dbt needed: parse "never").
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidDefinitionsError } from "@flyt/core";
import { AutomationCondition } from "@flyt/sdk";
import { dbtAssets } from "./dbt-assets.js";
import { mapProject } from "./mapping.js";
import { parseManifest } from "./manifest.js";
import { fixtureJson } from "./test-fixtures/manifests/fixtures.js";

const JAFFLE = "model.jaffle_shop";
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A project directory holding only dbt_project.yml and the fixture's manifest, with `meta` set on some nodes. */
function project(metaByNode: Record<string, unknown> = {}): string {
  const json = fixtureJson("jaffle_shop_dbt19_build");
  for (const [id, meta] of Object.entries(metaByNode)) json.nodes[id].meta = meta;
  const dir = mkdtempSync(join(tmpdir(), "flyt-dbt-automation-"));
  dirs.push(dir);
  writeFileSync(join(dir, "dbt_project.yml"), "name: jaffle_shop\nversion: '1.0'\nprofile: jaffle_shop\n");
  mkdirSync(join(dir, "target"));
  writeFileSync(join(dir, "target", "manifest.json"), JSON.stringify(json));
  return dir;
}

function conditions(dir: string, condition?: AutomationCondition): Map<string, unknown> {
  const dbt = dbtAssets({ project: dir, parse: "never", select: "package:jaffle_shop", ...(condition === undefined ? {} : { automationCondition: condition }) });
  const nodes = dbt.assets.flatMap((definition) => definition.nodes);
  return new Map(nodes.map((node) => [node.key, node.automationCondition]));
}

describe("dbtAssets: automation conditions", () => {
  it("puts the option's condition on every asset of the call, and none without it", () => {
    const dir = project();
    const eager = conditions(dir, AutomationCondition.eager());
    assert.ok(eager.size >= 9, `the jaffle_shop models and seeds: ${[...eager.keys()].join(", ")}`);
    for (const [key, condition] of eager) assert.deepEqual(condition, AutomationCondition.eager().snapshot(), key);
    for (const [key, condition] of conditions(dir)) assert.equal(condition, undefined, key);
  });

  it("lets meta.flyt.automation override the option per node, or opt a node out", () => {
    const dir = project({
      [`${JAFFLE}.customers`]: { flyt: { automation: { on_cron: "30 6 * * *", timezone: "Europe/Oslo" } } },
      [`${JAFFLE}.orders`]: { flyt: { automation: "on_missing" } },
      [`${JAFFLE}.stg_orders`]: { flyt: { automation: "none" } },
      [`${JAFFLE}.daily_orders`]: { flyt: { automation: { on_cron: "0 7 * * *" } } },
    });
    const byKey = conditions(dir, AutomationCondition.eager());
    const keyOf = (name: string): string => [...byKey.keys()].find((key) => key.endsWith(`/${name}`))!;
    assert.deepEqual(byKey.get(keyOf("customers")), AutomationCondition.onCron("30 6 * * *", "Europe/Oslo").snapshot());
    assert.deepEqual(byKey.get(keyOf("orders")), AutomationCondition.onMissing().snapshot());
    assert.equal(byKey.get(keyOf("stg_orders")), undefined);
    assert.deepEqual(byKey.get(keyOf("daily_orders")), AutomationCondition.onCron("0 7 * * *", "UTC").snapshot());
    assert.deepEqual(byKey.get(keyOf("stg_customers")), AutomationCondition.eager().snapshot());
    // Without the option, only the nodes that name one get one ("eager" by name too).
    const named = conditions(project({ [`${JAFFLE}.customers`]: { flyt: { automation: "eager" } } }));
    assert.deepEqual([...named].filter(([, condition]) => condition !== undefined).map(([key]) => key.split("/").pop()), ["customers"]);
  });

  it("refuses a malformed meta.flyt.automation naming the node and its file", () => {
    const json = fixtureJson("jaffle_shop_dbt19_build");
    json.nodes[`${JAFFLE}.customers`].meta = { flyt: { automation: "sometimes" } };
    json.nodes[`${JAFFLE}.orders`].meta = { flyt: { automation: { on_cron: "0 6 * * *", tz: "UTC" } } };
    assert.throws(
      () => mapProject(parseManifest(json, "target/manifest.json")),
      (error: unknown) => {
        assert.ok(error instanceof InvalidDefinitionsError);
        assert.match(error.message, /dbt model\.jaffle_shop\.customers \(models\/customers\.sql\): meta\.flyt\.automation must be "eager", "on_missing", "none" or \{ on_cron: "<cron>", timezone: "<IANA zone>" \}, not "sometimes"/);
        assert.match(error.message, /dbt model\.jaffle_shop\.orders \(models\/orders\.sql\): meta\.flyt\.automation must be .*, not \{"on_cron":"0 6 \* \* \*","tz":"UTC"\}/);
        return true;
      },
    );
  });

  it("refuses a bad cron or zone in meta.flyt.automation naming the node, and an option that is not a condition", () => {
    const badCron = project({ [`${JAFFLE}.customers`]: { flyt: { automation: { on_cron: "61 * * * *" } } } });
    assert.throws(() => conditions(badCron), /dbtAssets\(.*\): dbt model\.jaffle_shop\.customers \(models\/customers\.sql\): meta\.flyt\.automation: cron "61 \* \* \* \*" is invalid: [^(]*\(declared at .*automation\.test\.js:\d+\)$/m);
    const badZone = project({ [`${JAFFLE}.orders`]: { flyt: { automation: { on_cron: "0 6 * * *", timezone: "Europe/Olso" } } } });
    assert.throws(() => conditions(badZone), /model\.jaffle_shop\.orders .*timezone "Europe\/Olso" is not a known IANA time zone \(did you mean "Europe\/Oslo"\?\)/);
    assert.throws(
      () => dbtAssets({ project: project(), parse: "never", automationCondition: "eager" as unknown as AutomationCondition }),
      /automationCondition must be an AutomationCondition, e\.g\. AutomationCondition\.eager\(\)/,
    );
  });
});
