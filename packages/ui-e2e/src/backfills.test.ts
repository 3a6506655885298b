/**
 * Backfills in chromium, against a real `flyt dev` (launch-fixtures.ts: two assets over six static
 * partitions, each partition taking about a second): picking the partitioned assets in the catalog
 * and giving a partition range in the launch dialog launches a backfill — not a run — and opens its
 * page, which follows the backfill live (server-sent events, no reload) from in progress to
 * COMPLETED_SUCCESS with every target of the range materialized, per asset and per partition. A
 * range the API refuses (it starts after its end) is reported in the dialog. The Backfills page
 * lists the backfill with its progress, and the finished backfill's Cancel button looks disabled.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { type Browser, closeSession, type DevServer, graphql, openSession, screenshotPath, tempDir } from "./harness.js";
import { writeLaunchFixture, type Fixture } from "./launch-fixtures.js";

void describe("backfills from the launch dialog, and their pages, in chromium", () => {
  let dev: DevServer;
  let browser: Browser;
  let page: Page;
  let fixture: Fixture;
  const work = tempDir("flyt-ui-e2e-backfills-");

  before(async () => {
    fixture = writeLaunchFixture("backfills", { bulk: false });
    ({ browser, dev, page } = await openSession({ files: fixture.files, env: { FLYT_HOME: join(work, "home") } }));
  });

  after(async () => {
    fixture?.remove();
    await closeSession({ browser, dev }, work);
  });

  /** Opens the launch dialog over the partitioned assets, picked by an expression. */
  async function openDialog(): Promise<void> {
    await page.goto(`${dev.url}/assets?group=parts`);
    await page.locator('[data-testid=asset-row][data-key="shop/daily"]').waitFor();
    await page.getByTestId("selection-expression").fill("group:parts");
    await page.getByTestId("selection-apply").click();
    await page.getByTestId("selection-note").filter({ hasText: "2 assets selected" }).waitFor();
    await page.getByTestId("materialize-selected").click();
    await page.getByTestId("launch-dialog").getByTestId("launch-partitions").waitFor();
  }

  void it("reports a range the API refuses in the dialog", async () => {
    await openDialog();
    const dialog = page.getByTestId("launch-dialog");
    assert.equal(await dialog.getByTestId("launch-submit").innerText(), "Launch backfill");
    // Without a range the button is off, and says why.
    assert.equal(await dialog.getByTestId("launch-submit").isDisabled(), true);
    assert.match(await dialog.getByTestId("launch-blocked").innerText(), /first and last partition/);
    await dialog.getByTestId("partition-from").fill("k5");
    await dialog.getByTestId("partition-to").fill("k2");
    await dialog.getByTestId("launch-submit").click();
    const error = dialog.getByTestId("launch-error");
    await error.waitFor();
    assert.match(await error.innerText(), /k5/);
    assert.equal(page.url().includes("/backfills/"), false, "nothing launched");
    await dialog.getByTestId("launch-close").click();
  });

  void it("launches a partition range as a backfill whose page shows its progress live until it completes", async () => {
    await openDialog();
    const dialog = page.getByTestId("launch-dialog");
    assert.match(await dialog.getByTestId("launch-plan").innerText(), /2 assets in 1 code location → one backfill/);
    // In dependency order, marked partitioned.
    assert.deepEqual(await dialog.getByTestId("plan-asset").allInnerTexts(), ["shop/daily · partitioned", "shop/daily_rollup · partitioned"]);
    await dialog.getByTestId("partition-from").fill("k2");
    await dialog.getByTestId("partition-to").fill("k5");
    await dialog.getByTestId("tag-key").fill("reason");
    await dialog.getByTestId("tag-value").fill("e2e");
    await page.screenshot({ path: screenshotPath("launch-dialog-backfill") });
    await dialog.getByTestId("launch-submit").click();

    await page.waitForURL(/\/backfills\/[^/?]+$/);
    const id = decodeURIComponent(page.url().split("/backfills/")[1]!);
    const view = page.getByTestId("backfill-page");
    await view.waitFor();
    const firstStatus = await view.getAttribute("data-status");
    assert.notEqual(firstStatus, "COMPLETED_SUCCESS", "the page is opened before the backfill is done (each partition takes over a second)");
    assert.match(await page.getByTestId("backfill-tags").innerText(), /reason=e2e/);

    // Live: no reload; the page moves through its states to the end.
    const seen = new Set<string>([firstStatus ?? ""]);
    const materializedSeen = new Set<string>();
    const deadline = Date.now() + 120_000;
    for (;;) {
      const status = (await view.getAttribute("data-status")) ?? "";
      seen.add(status);
      const cell = page.locator('[data-testid=backfill-asset][data-asset="shop/daily"] [data-testid=asset-materialized]');
      if ((await cell.count()) > 0) materializedSeen.add(await cell.innerText());
      if (status === "COMPLETED_SUCCESS" || status === "COMPLETED_FAILED" || status === "FAILED") break;
      assert.ok(Date.now() < deadline, `backfill ${id} not done within 120 s (seen ${[...seen].join(", ")})\n${dev.output()}`);
      await page.waitForTimeout(150);
    }
    assert.equal(await view.getAttribute("data-status"), "COMPLETED_SUCCESS", `seen ${[...seen].join(", ")}\n${dev.output()}`);
    assert.ok(seen.has("IN_PROGRESS"), `the page showed it in progress (seen ${[...seen].join(", ")})`);
    assert.ok(materializedSeen.size >= 2, `progress moved on the page: ${[...materializedSeen].join(", ")}`);

    // Per partition: exactly the range, every target materialized, for both assets.
    for (const asset of ["shop/daily", "shop/daily_rollup"]) {
      const targets = page.locator(`[data-testid=backfill-targets][data-asset="${asset}"] [data-testid=backfill-target]`);
      const cells = await targets.evaluateAll((spans) => spans.map((s) => `${s.getAttribute("data-key")}:${s.getAttribute("data-status")}`));
      assert.deepEqual(cells, ["k2:MATERIALIZED", "k3:MATERIALIZED", "k4:MATERIALIZED", "k5:MATERIALIZED"], asset);
    }
    assert.match(await page.getByTestId("backfill-progress").first().innerText(), /8\/8 materialized/);
    // Its badge is green like a successful run's, not the grey of a badge without a status colour.
    const colour = (selector: string) => page.locator(selector).first().evaluate((e) => getComputedStyle(e).backgroundColor);
    assert.equal(await colour("[data-testid=backfill-status]"), await colour("[data-testid=backfill-run] .badge"));
    assert.ok((await page.getByTestId("backfill-run").count()) >= 1, "its runs are listed");
    await page.screenshot({ path: screenshotPath("backfill"), fullPage: true });

    // The API agrees.
    const { backfill } = await graphql<{ backfill: { status: string; counts: { materialized: number; total: number } } }>(dev.url, `query($id: String!) { backfill(id: $id) { status counts { materialized total } } }`, { id });
    assert.deepEqual(backfill, { status: "COMPLETED_SUCCESS", counts: { materialized: 8, total: 8 } });

    // Finished: Cancel is disabled, and looks it.
    const cancel = page.getByTestId("backfill-cancel");
    assert.equal(await cancel.isDisabled(), true);
    const style = await cancel.evaluate((b) => ({ opacity: Number(getComputedStyle(b).opacity), cursor: getComputedStyle(b).cursor }));
    assert.ok(style.opacity <= 0.6 && style.cursor === "not-allowed", JSON.stringify(style));
    // Nothing failed: Retry is disabled too.
    assert.equal(await page.getByTestId("backfill-retry").isDisabled(), true);

    // A filter to one target state, in the URL.
    await page.getByTestId("backfill-target-filter").selectOption("FAILED");
    await page.waitForURL(/\?targets=FAILED$/);
    // Nothing failed: once the filtered query answered, no target is left in any strip.
    await page.getByTestId("backfill-target").first().waitFor({ state: "detached" });
    assert.equal(await page.locator('[data-testid=backfill-targets][data-asset="shop/daily"]').count(), 1, "the asset stays listed");

    // The list: this backfill, completed, with its progress.
    await page.getByRole("link", { name: "Backfills", exact: true }).first().click();
    await page.waitForURL(/\/backfills$/);
    const row = page.locator(`[data-testid=backfill-row][data-id="${id}"]`);
    await row.waitFor();
    assert.equal(await row.getAttribute("data-status"), "COMPLETED_SUCCESS");
    assert.match(await row.innerText(), /k2 … k5/);
    assert.match(await row.getByTestId("backfill-progress").innerText(), /8\/8 materialized/);
    await page.screenshot({ path: screenshotPath("backfills"), fullPage: true });
    await page.getByTestId("backfill-status-filter").selectOption("FAILED");
    await page.waitForURL(/\/backfills\?status=FAILED$/);
    await row.waitFor({ state: "detached" });
  });
});
