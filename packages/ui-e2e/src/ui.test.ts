/**
 * The operator UI end to end in a real browser: a real `flyt dev` on the Atlas example (temp
 * FLYT_HOME and ATLAS_DATA_DIR, recorded fixtures) and Debian's chromium through playwright-core.
 * Covers the overview, the lineage graph showing every example asset, materializing an asset from
 * its page with the run's logs streaming into the run page, and a schedule stopped from the UI
 * staying stopped after a reload, and collapsing the lineage by group. Screenshots of the main
 * views go to test-artifacts/screenshots/.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { atlasEnv, type Browser, closeSession, type DevServer, graphql, openSession, REPO, screenshotPath, tempDir } from "./harness.js";

const ATLAS = join(REPO, "examples/atlas/definitions.ts");

void describe("operator UI in chromium against flyt dev on the Atlas example", () => {
  let dev: DevServer;
  let browser: Browser;
  let page: Page;
  const work = tempDir("flyt-ui-e2e-");

  before(async () => {
    ({ browser, dev, page } = await openSession({ files: [ATLAS], env: atlasEnv(work) }));
  });

  after(async () => {
    await closeSession({ browser, dev }, work);
  });

  void it("loads the overview for the example", async () => {
    await page.goto(`${dev.url}/`);
    const verdict = page.getByTestId("verdict");
    await verdict.waitFor();
    assert.match(await verdict.innerText(), /Everything is OK|need attention/);
    const { assetGraph } = await graphql<{ assetGraph: { nodes: unknown[] } }>(dev.url, "{ assetGraph { nodes { key } } }");
    const assetsCard = page.locator(".card", { hasText: /^\s*\d+\s*assets\s*$/ });
    assert.equal((await assetsCard.locator(".n").innerText()).trim(), String(assetGraph.nodes.length));
    assert.ok(assetGraph.nodes.length >= 8, `the Atlas example has at least 8 assets, the API lists ${assetGraph.nodes.length}`);
    await page.screenshot({ path: screenshotPath("overview"), fullPage: true });

    await page.goto(`${dev.url}/assets`);
    await page.getByText("atlas/met/bergen_forecast", { exact: true }).first().waitFor();
    await page.screenshot({ path: screenshotPath("catalog"), fullPage: true });
  });

  void it("shows every example asset in the lineage graph", async () => {
    const { assetGraph } = await graphql<{ assetGraph: { nodes: Array<{ key: string }> } }>(dev.url, "{ assetGraph { nodes { key } } }");
    const expected = assetGraph.nodes.map((n) => n.key).sort();
    await page.goto(`${dev.url}/lineage`);
    const graph = page.locator('[data-testid="lineage"][data-ready="true"]');
    await graph.waitFor();
    assert.equal(await graph.getAttribute("data-node-count"), String(expected.length));
    const shown = (await page.getByTestId("lineage-node").allTextContents()).map((t) => t.trim()).sort();
    assert.deepEqual(shown, expected);
    for (const key of ["atlas/ssb/house_price_index_raw", "atlas/met/bergen_forecast", "atlas/serving/daily_overview_json"]) assert.ok(shown.includes(key), `${key} is in the graph`);
    await page.screenshot({ path: screenshotPath("lineage") });
  });

  void it("shows an upstream's partition mapping and the missing partitions on the asset page", async () => {
    await page.goto(`${dev.url}/assets/atlas/met/bergen_florida_observations_monthly`);
    const upstream = page.getByTestId("upstream-dependency");
    await upstream.first().waitFor();
    assert.match(await upstream.first().innerText(), /atlas\/met\/bergen_florida_observations_daily · daily → monthly: the month's days/);
    assert.match(await page.getByTestId("missing-ranges").innerText(), /1 missing: 2022-04/);
  });

  void it("materializes an asset from its page; the run succeeds and its logs stream into the run page", async () => {
    await page.goto(`${dev.url}/assets/atlas/met/bergen_forecast`);
    await page.getByRole("button", { name: "Materialize" }).click();
    await page.waitForURL(/\/runs\/[^/]+$/);
    const runId = decodeURIComponent(new URL(page.url()).pathname.slice("/runs/".length));
    // No reload from here on: the status and the log lines arrive over the live event stream.
    await page.locator('[data-testid="run-status"]', { hasText: /SUCCESS|FAILURE|CANCELED/ }).waitFor({ timeout: 90_000 });
    const status = (await page.getByTestId("run-status").innerText()).trim();
    const { run } = await graphql<{ run: { status: string } }>(dev.url, "query($id: String!) { run(runId: $id) { status } }", { id: runId });
    assert.equal(status, "SUCCESS", `run ${runId} ended ${status} (API: ${run.status})\n${dev.output().slice(-3000)}`);
    assert.equal(run.status, "SUCCESS");
    const logs = page.getByTestId("logs");
    await logs.locator("tr", { hasText: "RUN_SUCCESS" }).first().waitFor();
    const text = await logs.innerText();
    assert.match(text, /STEP_START/);
    assert.match(text, /ASSET_MATERIALIZATION/);
    assert.match(text, /atlas\/met\/bergen_forecast/);
    await page.screenshot({ path: screenshotPath("run"), fullPage: true });

    await page.goto(`${dev.url}/assets/atlas/met/bergen_forecast`);
    await page.locator("h1 .badge", { hasText: "materialized" }).waitFor();
    await page.screenshot({ path: screenshotPath("asset"), fullPage: true });
    await page.goto(`${dev.url}/runs`);
    await page.getByText(runId.slice(0, 8)).first().waitFor();
    await page.screenshot({ path: screenshotPath("runs"), fullPage: true });
  });

  void it("collapses the lineage by group, one node per group with its count and aggregated status, and expands a group", async () => {
    const { assetGraph } = await graphql<{ assetGraph: { nodes: Array<{ key: string; group: string; status: string }>; edges: Array<{ from: string; to: string }> } }>(
      dev.url,
      "{ assetGraph { nodes { key group status } edges { from to } } }",
    );
    const groupOf = new Map(assetGraph.nodes.map((n) => [n.key, n.group]));
    const groups = [...new Set(assetGraph.nodes.map((n) => n.group))].sort();
    for (const g of ["ssb", "met", "serving", "pipes"]) assert.ok(groups.includes(g), `the Atlas example has group ${g} (got ${groups.join(", ")})`);
    const severity = ["FAILED", "IN_PROGRESS", "NEVER_MATERIALIZED", "MATERIALIZED"];
    const expectedStatus = (g: string) => severity.find((s) => assetGraph.nodes.some((n) => n.group === g && n.status === s));
    const groupEdges = (expandedGroup: string | null) => {
      const id = (key: string) => (groupOf.get(key) === expandedGroup ? key : `group:${groupOf.get(key)}`);
      return new Set(assetGraph.edges.map((e) => `${id(e.from)} -> ${id(e.to)}`).filter((e) => e.split(" -> ")[0] !== e.split(" -> ")[1]));
    };

    await page.goto(`${dev.url}/lineage`);
    await page.locator('[data-testid="lineage"][data-ready="true"][data-mode="assets"]').waitFor();
    await page.getByTestId("collapse-groups").click();
    const graph = page.locator('[data-testid="lineage"][data-ready="true"][data-mode="groups"]');
    await graph.waitFor();
    assert.match(page.url(), /collapse=groups/);
    assert.equal(await graph.getAttribute("data-node-count"), String(assetGraph.nodes.length));
    assert.equal(await graph.getAttribute("data-drawn-count"), String(groups.length));
    assert.equal(await graph.getAttribute("data-drawn-edges"), String(groupEdges(null).size));
    assert.ok(groupEdges(null).size > 0, "Atlas has edges between groups (e.g. met → serving)");
    assert.equal(await page.getByTestId("lineage-node").count(), 0, "no single asset is drawn while every group is collapsed");
    const shown = await page.getByTestId("lineage-group").evaluateAll((els) => els.map((el) => ({ group: el.getAttribute("data-group"), count: Number(el.getAttribute("data-count")), status: el.getAttribute("data-status") })));
    assert.deepEqual(
      shown.sort((a, b) => (a.group! < b.group! ? -1 : 1)),
      groups.map((g) => ({ group: g, count: assetGraph.nodes.filter((n) => n.group === g).length, status: expectedStatus(g) })),
    );
    await page.screenshot({ path: screenshotPath("lineage-groups") });

    // Expand one group: its assets are drawn one by one, every other group stays one node; the URL keeps it.
    await page.getByTestId("group-toggle-met").click();
    await page.waitForURL(/expand=met/);
    const metKeys = assetGraph.nodes.filter((n) => n.group === "met").map((n) => n.key).sort();
    await page.locator(`[data-testid="lineage"][data-ready="true"][data-drawn-count="${groups.length - 1 + metKeys.length}"]`).waitFor();
    assert.equal(await graph.getAttribute("data-drawn-edges"), String(groupEdges("met").size));
    assert.deepEqual((await page.getByTestId("lineage-node").allTextContents()).map((t) => t.trim()).sort(), metKeys);
    assert.deepEqual((await page.getByTestId("lineage-group").evaluateAll((els) => els.map((el) => el.getAttribute("data-group")))).sort(), groups.filter((g) => g !== "met"));
    await page.reload();
    await page.locator(`[data-testid="lineage"][data-ready="true"][data-mode="groups"][data-drawn-count="${groups.length - 1 + metKeys.length}"]`).waitFor();
    await page.screenshot({ path: screenshotPath("lineage-groups-met") });

    // Back to every asset.
    await page.getByTestId("collapse-groups").click();
    await page.locator(`[data-testid="lineage"][data-ready="true"][data-mode="assets"][data-drawn-count="${assetGraph.nodes.length}"]`).waitFor();
    assert.doesNotMatch(page.url(), /collapse=/);
  });

  void it("stops a schedule from the UI and shows it stopped after a reload", async () => {
    const { schedules } = await graphql<{ schedules: Array<{ id: string; name: string; status: string }> }>(dev.url, "{ schedules { id name status } }");
    const schedule = schedules.find((s) => s.name === "atlas_weather_hourly");
    assert.ok(schedule, `the example defines atlas_weather_hourly (got ${schedules.map((s) => s.name).join(", ")})`);
    await page.goto(`${dev.url}/schedules`);
    const status = page.getByTestId(`status-${schedule.id}`);
    const toggle = page.getByTestId(`toggle-${schedule.id}`);
    const setTo = async (want: "RUNNING" | "STOPPED") => {
      if ((await status.innerText()).trim() !== want) await toggle.click();
      await page.locator(`[data-testid="status-${schedule.id}"]`, { hasText: want }).waitFor();
    };
    await status.waitFor();
    await setTo("RUNNING");
    await page.reload();
    await page.locator(`[data-testid="status-${schedule.id}"]`, { hasText: "RUNNING" }).waitFor();
    await setTo("STOPPED");
    await page.reload();
    await status.waitFor();
    assert.equal((await status.innerText()).trim(), "STOPPED");
    assert.equal((await toggle.innerText()).trim(), "Start");
    const after = await graphql<{ instigator: { status: string } }>(dev.url, "query($id: String!) { instigator(id: $id) { status } }", { id: schedule.id });
    assert.equal(after.instigator.status, "STOPPED");
    await page.screenshot({ path: screenshotPath("schedules"), fullPage: true });
    await page.goto(`${dev.url}/locations`);
    await page.getByText("LOADED").first().waitFor();
    await page.screenshot({ path: screenshotPath("locations"), fullPage: true });
  });
});
