/**
 * Freshness in the browser on the Atlas example under `flyt dev`: an ingest with a policy shows
 * "not evaluated"/unknown until it has data, FRESH (with "fresh until") on its page and in the
 * catalog once materialized — the daemon's freshness monitor judges it after the materialization —
 * and the Overview lists no stale assets. Also the Alerts page renders. Screenshots go to
 * test-artifacts/screenshots/.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { atlasEnv, type Browser, closeSession, type DevServer, graphql, openSession, REPO, screenshotPath, tempDir } from "./harness.js";

const ATLAS = join(REPO, "examples/atlas/definitions.ts");
const FORECAST = "atlas/met/bergen_forecast";

void describe("freshness badges in chromium (Atlas example)", () => {
  let dev: DevServer;
  let browser: Browser;
  let page: Page;
  const work = tempDir("flyt-ui-e2e-fresh-");

  before(async () => {
    ({ browser, dev, page } = await openSession({ files: [ATLAS], env: atlasEnv(work) }));
  });

  after(async () => {
    await closeSession({ browser, dev }, work);
  });

  void it("shows an ingest as unknown before its first materialization and fresh after it", async () => {
    await page.goto(`${dev.url}/assets/${FORECAST}`);
    const badge = page.locator("h1 [data-testid=freshness-badge]");
    await badge.waitFor();
    assert.match((await badge.getAttribute("data-state")) ?? "", /^UNKNOWN$/, "never materialized: no verdict but UNKNOWN");

    const launched = await graphql<{ launchRun: { __typename: string; run?: { runId: string } } }>(
      dev.url,
      `mutation { launchRun(selection: "${FORECAST}") { __typename ... on LaunchRunSuccess { run { runId } } } }`,
    );
    assert.equal(launched.launchRun.__typename, "LaunchRunSuccess", JSON.stringify(launched));
    const runId = launched.launchRun.run!.runId;
    const deadline = Date.now() + 90_000;
    for (;;) {
      const data = await graphql<{ run: { status: string }; asset: { freshness: { state: string } | null } }>(dev.url, `{ run(runId: "${runId}") { status } asset(key: "${FORECAST}") { freshness { state } } }`);
      assert.notEqual(data.run.status, "FAILURE", `the run failed\n${dev.output()}`);
      if (data.run.status === "SUCCESS" && data.asset.freshness?.state === "FRESH") break;
      assert.ok(Date.now() < deadline, `not FRESH within 90 s: ${JSON.stringify(data)}`);
      await new Promise((r) => setTimeout(r, 250));
    }

    // The page polls: the badge turns FRESH without a reload.
    await page.locator('h1 [data-testid=freshness-badge][data-state="FRESH"]').waitFor();
    const panel = page.getByTestId("freshness-panel");
    await panel.getByText("Fresh until").waitFor();
    // The policy in words, not its JSON (issue 18).
    assert.match(await panel.innerText(), /Policy\tFresh while its newest materialization is at most 2 h 15 min old; warns once it is 75 minutes old\./);
    await page.screenshot({ path: screenshotPath("asset-freshness"), fullPage: true });

    await page.goto(`${dev.url}/assets?q=bergen_forecast`);
    const row = page.locator("[data-testid=asset-row]", { has: page.getByRole("link", { name: FORECAST, exact: true }) });
    await row.locator('[data-testid=freshness-badge][data-state="FRESH"]').waitFor();
    await page.screenshot({ path: screenshotPath("catalog-freshness"), fullPage: true });

    // The lineage graph carries the same freshness (drawn as a bar on the node).
    await page.goto(`${dev.url}/lineage`);
    await page.locator(`[data-testid=lineage-node][data-freshness="FRESH"]`, { hasText: FORECAST }).waitFor({ state: "attached" });
  });

  void it("shows the stale list, failed checks and the alerts page", async () => {
    const { overview } = await graphql<{ overview: { staleCount: number; failedCheckCount: number } }>(dev.url, "{ overview { staleCount failedCheckCount } }");
    await page.goto(`${dev.url}/`);
    const stale = page.getByTestId("card-stale-assets");
    await stale.waitFor();
    assert.equal((await stale.locator(".n").innerText()).trim(), String(overview.staleCount));
    assert.equal((await page.getByTestId("card-failed-checks").locator(".n").innerText()).trim(), String(overview.failedCheckCount));
    await page.getByRole("heading", { name: /^Stale assets/ }).waitFor();
    await page.getByRole("heading", { name: "Failed checks" }).waitFor();

    await page.getByRole("link", { name: "Alerts", exact: true }).click();
    await page.getByRole("heading", { name: "Alerts" }).waitFor();
    await page.getByTestId("alerts-empty").waitFor();
    await page.screenshot({ path: screenshotPath("alerts"), fullPage: true });
  });
});
