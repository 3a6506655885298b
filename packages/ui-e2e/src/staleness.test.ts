/**
 * Staleness and automation in the browser, against a real `flyt dev` on a small definitions file
 * the test rewrites: after a run materializes a chain of assets, a new code version of the middle
 * one marks it and its downstream "unsynced" on the catalog (with the causes in the badge's
 * title), the asset page and the lineage; "Materialize unsynced" on the catalog launches one run
 * of exactly those two, and once it succeeded the badges are gone. The daemon's automation loop
 * requests a missing asset that declares `onMissing()`: the Automation page lists the tick, the
 * tick page explains the evaluation, and the asset's Automation tab shows its condition and the
 * evaluation as trees. Screenshots go to test-artifacts/screenshots/.
 */
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { closeSession, type Browser, type DevServer, graphql, openSession, REPO, screenshotPath, tempDir } from "./harness.js";

/** Inside the repository, so that the definitions resolve @flyt/sdk from its node_modules. */
const DEFS_DIR = join(REPO, ".flyt-test", `ui-e2e-staleness-${process.pid}`);
const DEFS = join(DEFS_DIR, "definitions.ts");

const definitions = (modelVersion: string) => `
import { asset, AutomationCondition, defineDefinitions } from "@flyt/sdk";
export default defineDefinitions({ assets: [
  asset({ key: "e2e/source", codeVersion: "1", compute: () => ({}) }),
  asset({ key: "e2e/model", deps: ["e2e/source"], codeVersion: "${modelVersion}", compute: () => ({}) }),
  asset({ key: "e2e/mart", deps: ["e2e/model"], compute: () => ({}) }),
  asset({ key: "e2e/auto", automationCondition: AutomationCondition.onMissing(), compute: () => ({}) }),
] });
`;

async function waitForRun(url: string, runId: string, output: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const { run } = await graphql<{ run: { status: string } }>(url, `{ run(runId: "${runId}") { status } }`);
    assert.notEqual(run.status, "FAILURE", `run ${runId} failed\n${output()}`);
    if (run.status === "SUCCESS") return;
    assert.ok(Date.now() < deadline, `run ${runId} not done within 90 s: ${run.status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function syncStates(url: string): Promise<Record<string, string>> {
  const { assets } = await graphql<{ assets: { nodes: Array<{ key: string; sync: { state: string } }> } }>(url, `{ assets(filter: { search: "e2e/" }) { nodes { key sync { state } } } }`);
  return Object.fromEntries(assets.nodes.map((a) => [a.key, a.sync.state]));
}

void describe("unsynced badges, Materialize unsynced and automation in chromium", () => {
  let dev: DevServer;
  let browser: Browser;
  let page: Page;
  const work = tempDir("flyt-ui-e2e-stale-");

  before(async () => {
    mkdirSync(DEFS_DIR, { recursive: true });
    writeFileSync(DEFS, definitions("1"));
    ({ browser, dev, page } = await openSession({ files: [DEFS], env: { FLYT_HOME: join(work, "home") } }));
  });

  after(async () => {
    await closeSession({ browser, dev }, work);
    rmSync(DEFS_DIR, { recursive: true, force: true });
  });

  void it("shows the unsynced badge after a code version change, and Materialize unsynced clears it", async () => {
    const launched = await graphql<{ launchRun: { __typename: string; run?: { runId: string } } }>(
      dev.url,
      `mutation { launchRun(selection: "e2e/source+") { __typename ... on LaunchRunSuccess { run { runId } } ... on Error { message } } }`,
    );
    assert.equal(launched.launchRun.__typename, "LaunchRunSuccess", JSON.stringify(launched));
    await waitForRun(dev.url, launched.launchRun.run!.runId, dev.output);
    const synced = await syncStates(dev.url);
    assert.deepEqual([synced["e2e/source"], synced["e2e/model"], synced["e2e/mart"]], ["SYNCED", "SYNCED", "SYNCED"], JSON.stringify(synced));

    await page.goto(`${dev.url}/assets?q=e2e`);
    await page.getByTestId("asset-row").first().waitFor();
    assert.equal(await page.getByTestId("sync-badge").count(), 0, "nothing unsynced yet");

    // A new code version of e2e/model: flyt dev sees the file change and reloads the location.
    writeFileSync(DEFS, definitions("2"));
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { asset } = await graphql<{ asset: { codeVersion: string | null } }>(dev.url, `{ asset(key: "e2e/model") { codeVersion } }`);
      if (asset.codeVersion === "2") break;
      assert.ok(Date.now() < deadline, `the new code version was not loaded within 60 s\n${dev.output()}`);
      await new Promise((r) => setTimeout(r, 200));
    }

    // The catalog polls: the badges appear without a reload, with the causes in their title.
    const row = (key: string) => page.locator("[data-testid=asset-row]", { has: page.getByRole("link", { name: key, exact: true }) });
    await row("e2e/model").getByTestId("sync-badge").waitFor();
    assert.match((await row("e2e/model").getByTestId("sync-badge").getAttribute("title")) ?? "", /code version 1 → 2/);
    assert.match((await row("e2e/mart").getByTestId("sync-badge").getAttribute("title")) ?? "", /e2e\/model/);
    assert.equal(await row("e2e/source").getByTestId("sync-badge").count(), 0);
    await page.screenshot({ path: screenshotPath("catalog-unsynced"), fullPage: true });

    await page.goto(`${dev.url}/assets/e2e/model`);
    await page.locator("h1 [data-testid=sync-badge]").waitFor();
    assert.match(await page.getByTestId("sync-causes").innerText(), /code version 1 → 2/);
    await page.screenshot({ path: screenshotPath("asset-unsynced"), fullPage: true });

    await page.goto(`${dev.url}/lineage`);
    await page.locator('[data-testid="lineage"][data-ready="true"]').waitFor();
    const unsyncedNodes = (await page.locator('[data-testid=lineage-node][data-sync="UNSYNCED"]').allTextContents()).map((t) => t.replace(" (unsynced)", "").trim()).sort();
    assert.deepEqual(unsyncedNodes, ["e2e/mart", "e2e/model"]);
    await page.screenshot({ path: screenshotPath("lineage-unsynced") });

    await page.goto(`${dev.url}/assets?q=e2e`);
    const button = page.getByTestId("materialize-unsynced");
    await row("e2e/model").getByTestId("sync-badge").waitFor();
    assert.match(await button.innerText(), /Materialize unsynced \(2\)/);
    await button.click();
    const result = page.getByTestId("materialize-unsynced-result");
    await result.waitFor();
    assert.match(await result.innerText(), /Launched 1 run over 2 unsynced assets/);
    const runLine = result.getByTestId("materialize-unsynced-run");
    assert.match(await runLine.innerText(), /e2e\/mart, e2e\/model/);
    const href = (await runLine.getByRole("link").getAttribute("href")) ?? "";
    const runId = href.slice("/runs/".length);
    const { run } = await graphql<{ run: { assetKeys: string[] } }>(dev.url, `{ run(runId: "${runId}") { assetKeys } }`);
    assert.deepEqual(run.assetKeys, ["e2e/mart", "e2e/model"], "exactly the unsynced assets");
    await page.screenshot({ path: screenshotPath("catalog-materialize-unsynced"), fullPage: true });
    await waitForRun(dev.url, runId, dev.output);

    // Materialized with the new code version: the badges go away on the next poll.
    await row("e2e/model").getByTestId("sync-badge").waitFor({ state: "detached" });
    assert.equal(await page.locator("[data-testid=asset-row] [data-testid=sync-badge]").count(), 0);
    const after = await syncStates(dev.url);
    assert.deepEqual([after["e2e/model"], after["e2e/mart"]], ["SYNCED", "SYNCED"]);
  });

  void it("lists automation ticks and explains an evaluation on the tick page and the asset's Automation tab", async () => {
    // The daemon's automation loop requests e2e/auto (missing, onMissing()).
    const deadline = Date.now() + 120_000;
    let tickId: number | null = null;
    while (tickId === null) {
      const { automationTicks } = await graphql<{ automationTicks: { nodes: Array<{ tickId: number; requestedCount: number }> } }>(dev.url, `{ automationTicks(first: 20) { nodes { tickId requestedCount } } }`);
      tickId = automationTicks.nodes.find((t) => t.requestedCount > 0)?.tickId ?? null;
      assert.ok(tickId !== null || Date.now() < deadline, `no automation tick requested anything within 120 s\n${dev.output()}`);
      if (tickId === null) await new Promise((r) => setTimeout(r, 500));
    }

    await page.goto(`${dev.url}/`);
    await page.getByRole("link", { name: "Automation", exact: true }).click();
    await page.waitForURL(/\/automation$/);
    await page.locator('[data-testid=automation-status]').waitFor();
    await page.locator(`[data-testid=automation-location][data-location="definitions"], [data-testid=automation-location]`).first().waitFor();
    const tickRow = page.locator(`[data-testid=automation-tick][data-tick="${tickId}"]`);
    await tickRow.waitFor();
    await page.screenshot({ path: screenshotPath("automation"), fullPage: true });

    await tickRow.getByRole("link").first().click();
    await page.waitForURL(new RegExp(`/automation/ticks/${tickId}$`));
    const evaluation = page.locator('[data-testid=tick-evaluation][data-asset="e2e/auto"]');
    await evaluation.waitFor();
    assert.match(await evaluation.innerText(), /requested/);
    assert.ok((await evaluation.locator('[data-testid=result-node][data-true="true"]').count()) >= 1, "the tree says which nodes were true");
    await page.screenshot({ path: screenshotPath("automation-tick"), fullPage: true });

    await page.goto(`${dev.url}/assets/e2e/auto?tab=automation`);
    await page.getByTestId("automation-tab").waitFor();
    await page.getByTestId("condition-tree").waitFor();
    assert.ok((await page.getByTestId("condition-tree").locator("li").count()) >= 1);
    await page.getByTestId("evaluation-row").first().waitFor();
    await page.getByTestId("result-tree").waitFor();
    await page.screenshot({ path: screenshotPath("asset-automation"), fullPage: true });
  });
});
