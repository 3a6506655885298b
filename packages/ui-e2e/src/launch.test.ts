/**
 * Launching from the catalog in chromium, against a real `flyt dev` with two code locations
 * (launch-fixtures.ts): two assets picked by checkbox become one run carrying the tag typed in the
 * launch dialog (a reserved flyt/ key is refused there first); shift-click picks a range; an
 * expression typed in the selection box is resolved by the API (a typo comes back with its
 * did-you-mean); "+ upstream" and "+ downstream" show their plan, and a plan spanning two
 * locations launches one run per location. The catalog's filters (text, group, owner, kind, tag)
 * live in the URL and survive a reload, Previous / Next page move through 521 assets, and a
 * disabled button looks disabled (computed style) and does nothing when clicked.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { type Browser, closeSession, type DevServer, graphql, openSession, screenshotPath, tempDir } from "./harness.js";
import { BULK_COUNT, writeLaunchFixture, type Fixture } from "./launch-fixtures.js";


interface RunInfo {
  status: string;
  location: string;
  assetKeys: string[];
  tags: Array<{ key: string; value: string }>;
}

async function runInfo(url: string, runId: string): Promise<RunInfo> {
  const { run } = await graphql<{ run: RunInfo }>(url, `query($id: String!) { run(runId: $id) { status location assetKeys tags { key value } } }`, { id: runId });
  return run;
}

/** The rows the catalog shows, in order. */
async function rowKeys(page: Page): Promise<string[]> {
  return page.locator("[data-testid=asset-row]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-key") ?? ""));
}

void describe("launching from the catalog, and its filters, in chromium", () => {
  let dev: DevServer;
  let browser: Browser;
  let page: Page;
  let fixture: Fixture;
  const work = tempDir("flyt-ui-e2e-launch-");

  before(async () => {
    fixture = writeLaunchFixture("launch", { bulk: true });
    ({ browser, dev, page } = await openSession({ files: fixture.files, env: { FLYT_HOME: join(work, "home") } }));
  });

  after(async () => {
    fixture?.remove();
    await closeSession({ browser, dev }, work);
  });

  const row = (key: string) => page.locator(`[data-testid=asset-row][data-key="${key}"]`);

  void it("launches two picked assets as one run with a tag, refusing a reserved flyt/ tag first", async () => {
    await page.goto(`${dev.url}/assets?location=shop&group=default`);
    await row("shop/raw").waitFor();
    assert.deepEqual(await rowKeys(page), ["shop/clean", "shop/mart", "shop/other", "shop/raw"]);

    // Shift-click picks the range between the last click and this one, in the order shown.
    await row("shop/clean").getByTestId("asset-select").click();
    await row("shop/other").getByTestId("asset-select").click({ modifiers: ["Shift"] });
    assert.equal(await page.getByTestId("selected-count").innerText(), "3 selected");
    assert.equal(await row("shop/mart").getByTestId("asset-select").isChecked(), true);
    assert.equal(await row("shop/raw").getByTestId("asset-select").isChecked(), false);
    // Shift-click again unpicks the range down to the clicked row.
    await row("shop/clean").getByTestId("asset-select").click({ modifiers: ["Shift"] });
    assert.equal(await page.getByTestId("selected-count").innerText(), "0 selected");

    await row("shop/raw").getByTestId("asset-select").click();
    await row("shop/other").getByTestId("asset-select").click();
    assert.equal(await page.getByTestId("selected-count").innerText(), "2 selected");
    await page.getByTestId("materialize-selected").click();

    const dialog = page.getByTestId("launch-dialog");
    await dialog.getByTestId("launch-plan").waitFor();
    assert.equal(await dialog.getByTestId("launch-selection").innerText(), "shop/other, shop/raw");
    assert.match(await dialog.getByTestId("launch-plan").innerText(), /2 assets in 1 code location → 1 run/);
    assert.deepEqual(await dialog.getByTestId("plan-asset").allInnerTexts(), ["shop/other", "shop/raw"]);

    // A reserved key is refused in the dialog, as the API would refuse it.
    await dialog.getByTestId("tag-key").fill("flyt/backfill");
    await dialog.getByTestId("tag-value").fill("x");
    assert.match(await dialog.getByTestId("tag-error").innerText(), /reserved for the platform/);
    assert.equal(await dialog.getByTestId("launch-submit").isDisabled(), true);
    assert.match(await dialog.getByTestId("launch-blocked").innerText(), /Fix the tags/);
    await dialog.getByTestId("tag-key").fill("team");
    await dialog.getByTestId("tag-value").fill("e2e");
    assert.equal(await dialog.getByTestId("tag-error").count(), 0);
    await page.screenshot({ path: screenshotPath("launch-dialog") });
    await dialog.getByTestId("launch-submit").click();

    // One location, one run: the dialog opens it.
    await page.waitForURL(/\/runs\/[0-9a-f-]+$/);
    const runId = page.url().split("/runs/")[1]!;
    const run = await runInfo(dev.url, runId);
    assert.deepEqual(run.assetKeys, ["shop/other", "shop/raw"]);
    assert.equal(run.location, "shop");
    assert.ok(run.tags.some((t) => t.key === "team" && t.value === "e2e"), JSON.stringify(run.tags));
    await page.getByText("shop/other, shop/raw").first().waitFor();
  });

  void it("selects by expression, widens upstream and downstream, and launches one run per location", async () => {
    // The first page is bulk/a000…a499; the shop's assets are on the second, so filter to them.
    await page.goto(`${dev.url}/assets?location=shop`);
    await row("shop/raw").waitFor();
    const box = page.getByTestId("selection-expression");

    // A typo: the API's InvalidSelectionError, with its did-you-mean.
    await box.fill("shop/claen");
    await page.getByTestId("selection-apply").click();
    assert.match(await page.getByTestId("selection-note").innerText(), /unknown asset key "shop\/claen" \(did you mean "shop\/clean"\?\)/);
    assert.equal(await page.getByTestId("selected-count").innerText(), "0 selected");

    await box.fill("shop/clean");
    await box.press("Enter");
    await page.getByTestId("selection-note").filter({ hasText: "1 asset selected" }).waitFor();
    assert.equal(await row("shop/clean").getByTestId("asset-select").isChecked(), true);

    const dialog = page.getByTestId("launch-dialog");
    await page.getByTestId("materialize-upstream").click();
    await dialog.getByTestId("launch-plan").waitFor();
    assert.equal(await dialog.getByTestId("launch-selection").innerText(), "+shop/clean");
    // In dependency order: what it reads first.
    assert.deepEqual(await dialog.getByTestId("plan-asset").allInnerTexts(), ["shop/raw", "shop/clean"]);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });

    await page.getByTestId("materialize-downstream").click();
    await dialog.getByTestId("launch-plan").waitFor();
    assert.equal(await dialog.getByTestId("launch-selection").innerText(), "shop/clean+");
    assert.match(await dialog.getByTestId("launch-plan").innerText(), /3 assets in 2 code locations → 2 runs \(one per location\)/);
    assert.deepEqual(await dialog.locator("[data-testid=plan-location][data-location=shop] [data-testid=plan-asset]").allInnerTexts(), ["shop/clean", "shop/mart"]);
    assert.deepEqual(await dialog.locator("[data-testid=plan-location][data-location=bulk] [data-testid=plan-asset]").allInnerTexts(), ["report/weekly"]);
    assert.equal(await dialog.getByTestId("launch-submit").innerText(), "Launch 2 runs");
    await page.screenshot({ path: screenshotPath("launch-dialog-two-locations") });
    await dialog.getByTestId("launch-submit").click();

    const launched = dialog.getByTestId("launched-run");
    await launched.nth(1).waitFor();
    const byLocation: Record<string, string[]> = {};
    for (const line of await launched.all()) {
      const location = (await line.getAttribute("data-location")) ?? "";
      const href = (await line.getByRole("link").getAttribute("href")) ?? "";
      byLocation[location] = (await runInfo(dev.url, href.slice("/runs/".length))).assetKeys;
    }
    assert.deepEqual(byLocation, { bulk: ["report/weekly"], shop: ["shop/clean", "shop/mart"] });
    // Launched: the button says why it is off now.
    assert.equal(await dialog.getByTestId("launch-submit").isDisabled(), true);
    await dialog.getByTestId("launch-close").click();

    // "Materialize all" plans every asset of both locations.
    await page.getByTestId("materialize-all").click();
    await dialog.getByTestId("launch-plan").waitFor();
    assert.equal(await dialog.getByTestId("launch-selection").innerText(), "*");
    assert.match(await dialog.getByTestId("launch-plan").innerText(), new RegExp(`${BULK_COUNT + 1 + 6} assets in 2 code locations → one backfill`));
    await dialog.getByRole("button", { name: "Cancel" }).click();
  });

  void it("keeps the catalog's filters in the URL across a reload, and pages back and forth", async () => {
    await page.goto(`${dev.url}/assets`);
    await row("bulk/a000").waitFor();

    // The text filter follows typing into the URL (no Enter needed) and survives a reload.
    await page.getByTestId("filter-q").fill("a01");
    await page.waitForURL(/[?&]q=a01(&|$)/);
    await page.reload();
    assert.equal(await page.getByTestId("filter-q").inputValue(), "a01");
    await row("bulk/a019").waitFor();
    assert.deepEqual(await rowKeys(page), Array.from({ length: 10 }, (_, i) => `bulk/a01${i}`));

    // Owner, kind and tag filters combine with it; each is in the URL.
    await page.goto(`${dev.url}/assets?group=bulk`);
    await row("bulk/a000").waitFor();
    for (const [name, value] of [["owner", "team:bulk"], ["kind", "csv"], ["tag", "tier=gold"]] as const) {
      await page.getByTestId(`filter-${name}`).fill(value);
      await page.getByTestId(`filter-${name}`).press("Enter");
      await page.waitForURL(new RegExp(`[?&]${name}=${encodeURIComponent(value)}(&|$)`));
    }
    await page.getByTestId("filter-q").fill("a00");
    await page.waitForURL(/[?&]q=a00(&|$)/);
    await page.reload();
    await row("bulk/a009").waitFor();
    assert.equal((await rowKeys(page)).length, 10);
    assert.equal(await page.getByTestId("filter-owner").inputValue(), "team:bulk");
    assert.equal(await page.getByTestId("filter-tag").inputValue(), "tier=gold");
    await page.getByTestId("filter-tag").fill("tier=silver");
    await page.getByTestId("filter-tag").press("Enter");
    await page.getByTestId("catalog-empty").waitFor();

    // Paging: group bulk has 520 assets, a page of 500 and one of 20.
    await page.goto(`${dev.url}/assets?group=bulk`);
    await row("bulk/a000").waitFor();
    const previous = page.getByTestId("previous-page");
    const next = page.getByTestId("next-page");
    assert.equal(await previous.isDisabled(), true);
    assert.equal((await rowKeys(page)).length, 500);
    await next.click();
    await row("bulk/a519").waitFor();
    assert.match(page.url(), /[?&]after=bulk%2Fa499(&|$)/);
    assert.deepEqual(await rowKeys(page), Array.from({ length: BULK_COUNT - 500 }, (_, i) => `bulk/a${500 + i}`));
    assert.equal(await next.isDisabled(), true);
    await page.reload();
    await row("bulk/a519").waitFor();
    assert.equal(await page.getByTestId("filter-q").inputValue(), "");
    await previous.click();
    await row("bulk/a000").waitFor();
    const back = await rowKeys(page);
    assert.equal(back.length, 500);
    assert.equal(back[0], "bulk/a000");
    assert.equal(back[499], "bulk/a499");
    assert.equal(await previous.isDisabled(), true);
    await page.screenshot({ path: screenshotPath("catalog-filters-paging") });
  });

  void it("draws a disabled button as disabled, and clicking it does nothing", async () => {
    await page.goto(`${dev.url}/assets?group=bulk`);
    await row("bulk/a000").waitFor();
    const button = page.getByTestId("materialize-selected");
    assert.equal(await button.isDisabled(), true);
    const style = await button.evaluate((b) => {
      const s = getComputedStyle(b);
      return { opacity: Number(s.opacity), cursor: s.cursor };
    });
    assert.ok(style.opacity <= 0.6, `opacity ${style.opacity}`);
    assert.equal(style.cursor, "not-allowed");
    const enabled = await page.getByTestId("materialize-all").evaluate((b) => ({ opacity: Number(getComputedStyle(b).opacity), cursor: getComputedStyle(b).cursor }));
    assert.deepEqual(enabled, { opacity: 1, cursor: "pointer" }, "an enabled button looks enabled");
    await button.click({ force: true });
    await page.waitForTimeout(300);
    assert.equal(await page.getByTestId("launch-dialog").count(), 0, "no dialog opened");
    // Picking an asset enables it.
    await row("bulk/a000").getByTestId("asset-select").click();
    assert.equal(await button.isDisabled(), false);
    assert.equal(await button.evaluate((b) => getComputedStyle(b).cursor), "pointer");
  });
});
