/**
 * The global search box in chromium against a real `flyt dev` on the Atlas example: words
 * separated by a space match ("daily overview"), the closest name ranks first (not the alphabet),
 * arrow keys move through the hits and Enter opens the highlighted one, Escape and a click
 * elsewhere close the list, and a run is found by the first characters of its id.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { atlasEnv, type Browser, closeSession, type DevServer, graphql, openSession, REPO, tempDir, uiArtifactPath } from "./harness.js";

const ATLAS = join(REPO, "examples/atlas/definitions.ts");

void describe("search in chromium on the Atlas example", () => {
  let dev: DevServer;
  let browser: Browser;
  let page: Page;
  const work = tempDir("flyt-ui-e2e-search-");

  before(async () => {
    ({ browser, dev, page } = await openSession({ files: [ATLAS], env: atlasEnv(work) }));
  });

  after(async () => {
    await closeSession({ browser, dev }, work);
  });

  const box = () => page.getByRole("combobox", { name: /Search/ });
  const hits = () => page.getByTestId("search-hit");
  const typeAndWait = async (text: string) => {
    await box().fill("");
    await box().fill(text);
    await page.getByTestId("search-hits").waitFor();
    // Wait for the answer to this text (a debounce and a request).
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="search-hit"]').length > 0);
    await page.waitForTimeout(400);
  };

  void it("matches words separated by a space and ranks the closest name first", async () => {
    await page.goto(`${dev.url}/`);
    await typeAndWait("daily overview");
    assert.match(await hits().first().innerText(), /^asset\s+atlas\/serving\/daily_overview$/, "the exact name first, then daily_overview_json");
    await typeAndWait("bergen_forecast");
    // Alphabetically atlas/met/bergen_florida… would come before …/bergen_forecast…; the exact name wins.
    const labels = (await hits().allInnerTexts()).map((t) => t.replace(/^asset\s+/, "").trim());
    assert.equal(labels[0], "atlas/met/bergen_forecast", labels.join(" | "));
    await page.screenshot({ path: uiArtifactPath("search-1440") });
  });

  void it("moves through hits with the arrow keys and opens the highlighted one with Enter", async () => {
    await page.goto(`${dev.url}/`);
    await typeAndWait("bergen");
    const all = await hits().allInnerTexts();
    assert.ok(all.length >= 3, all.join(" | "));
    assert.equal(await hits().nth(0).getAttribute("aria-selected"), "true");
    await box().press("ArrowDown");
    await box().press("ArrowDown");
    assert.equal(await hits().nth(2).getAttribute("aria-selected"), "true");
    assert.equal(await box().getAttribute("aria-activedescendant"), "search-hit-2");
    await box().press("ArrowUp");
    assert.equal(await hits().nth(1).getAttribute("aria-selected"), "true");
    const second = all[1]!.replace(/^asset\s+/, "").trim();
    await box().press("Enter");
    await page.waitForURL(`**/assets/${second}`);
  });

  void it("closes the list on Escape and on a click elsewhere", async () => {
    await page.goto(`${dev.url}/`);
    await typeAndWait("bergen");
    await box().press("Escape");
    assert.equal(await page.getByTestId("search-hits").count(), 0, "Escape closes the list");
    await box().press("ArrowDown");
    await page.getByTestId("search-hits").waitFor();
    await page.locator("h1").click();
    assert.equal(await page.getByTestId("search-hits").count(), 0, "a click elsewhere closes the list");
  });

  void it("finds a run by the first characters of its id", async () => {
    const { launchRun } = await graphql<{ launchRun: { __typename: string; run?: { runId: string } } }>(
      dev.url,
      `mutation { launchRun(selection: "atlas/met/bergen_forecast") { __typename ... on LaunchRunSuccess { run { runId } } ... on Error { message } } }`,
    );
    assert.equal(launchRun.__typename, "LaunchRunSuccess", JSON.stringify(launchRun));
    const runId = launchRun.run!.runId;
    await page.goto(`${dev.url}/`);
    await typeAndWait(runId.slice(0, 8));
    assert.match(await hits().first().innerText(), new RegExp(`^run\\s+${runId.slice(0, 8)} atlas/met/bergen_forecast`));
    await box().press("Enter");
    await page.waitForURL(`**/runs/${runId}`);
  });
});
