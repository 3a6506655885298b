/**
 * Metadata as data on the asset page, in chromium against a real `flyt dev` on a definitions file
 * the test writes: a table schema is a table of columns, types and descriptions; a table preview is
 * a real table; `forecast_updated: 1694979668` (a timestamp) is a local date-time with its zone and
 * how long ago, not a number; markdown is formatted (and its HTML is not run); url, path, folded
 * json, run ids and asset keys are links or code; the freshness policy is a sentence; a numeric
 * series with one point is a value, not an empty chart, and with two points a small line. The
 * partition strip is reachable by keyboard: Tab reaches it, arrow keys move, Enter picks the
 * partition for Materialize. Screenshots go to test-artifacts/ui/.
 */
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { closeSession, type Browser, type DevServer, graphql, openSession, REPO, tempDir, uiArtifactPath } from "./harness.js";

const DEFS_DIR = join(REPO, ".flyt-test", `ui-e2e-metadata-${process.pid}`);
const DEFS = join(DEFS_DIR, "definitions.ts");
const RUN_REF = "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9";

const definitions = `
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { asset, defineDefinitions, meta, staticPartitions } from "@flyt/sdk";
// Each run is a new process: the count of runs so far lives in a file.
const COUNTER = ${JSON.stringify(join(DEFS_DIR, "count"))};
const nextCount = () => {
  const n = existsSync(COUNTER) ? Number(readFileSync(COUNTER, "utf8")) : 0;
  writeFileSync(COUNTER, String(n + 1));
  return n;
};
export default defineDefinitions({
  assets: [
    asset({ key: "e2e/upstream_table", compute: () => ({}) }),
    asset({
      key: "e2e/forecast",
      deps: ["e2e/upstream_table"],
      freshnessPolicy: { maximumLagMinutes: 1560, warnAfterMinutes: 1440 },
      compute: () => ({
        row_count: meta.int(1234),
        schema: meta.tableSchema([
          { name: "time", type: "TEXT", description: "step start, ISO UTC" },
          { name: "air_temperature", type: "REAL", description: "degrees Celsius" },
        ]),
        preview: meta.table([{ name: "time", type: "TEXT" }, { name: "air_temperature", type: "REAL" }], [
          { time: "2023-09-17T19:00:00Z", air_temperature: 12.5 },
          { time: "2023-09-17T20:00:00Z", air_temperature: 11.9 },
        ]),
        forecast_updated: { type: "timestamp", value: 1694979668 },
        notes: meta.markdown("**Bold** and a [link](https://example.org/doc)\\n\\n- one\\n- two\\n\\n<img src=x onerror=alert(1)>"),
        source_url: meta.url("https://api.met.no/weatherapi/locationforecast/2.0/compact"),
        landing_path: meta.path("/data/landing/forecast.json"),
        raw: meta.json({ properties: { meta: { units: { air_temperature: "celsius", wind_speed: "m/s" } }, timeseries: [1, 2, 3] } }),
        produced_by_run: meta.text(${JSON.stringify(RUN_REF)}),
        read_from: meta.text("e2e/upstream_table"),
      }),
    }),
    asset({ key: "e2e/counted", compute: () => ({ rows: meta.int(10 + 5 * nextCount()) }) }),
    asset({ key: "e2e/by_region", partitions: staticPartitions(["east", "north", "south", "west"]), compute: () => ({}) }),
  ],
});
`;

async function materialize(url: string, selection: string, partition: string | null = null): Promise<string> {
  const { launchRun } = await graphql<{ launchRun: { __typename: string; run?: { runId: string }; message?: string } }>(
    url,
    `mutation($s: String!, $p: String) { launchRun(selection: $s, partition: $p) { __typename ... on LaunchRunSuccess { run { runId } } ... on Error { message } } }`,
    { s: selection, p: partition },
  );
  assert.equal(launchRun.__typename, "LaunchRunSuccess", JSON.stringify(launchRun));
  const runId = launchRun.run!.runId;
  const deadline = Date.now() + 90_000;
  for (;;) {
    const { run } = await graphql<{ run: { status: string } }>(url, `query($id: String!) { run(runId: $id) { status } }`, { id: runId });
    if (run.status === "SUCCESS") return runId;
    assert.ok(!["FAILURE", "CANCELED"].includes(run.status) && Date.now() < deadline, `run ${runId} of ${selection}: ${run.status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

void describe("metadata as data on the asset page, in chromium", () => {
  let dev: DevServer;
  let browser: Browser;
  let page: Page;
  const work = tempDir("flyt-ui-e2e-meta-");

  before(async () => {
    mkdirSync(DEFS_DIR, { recursive: true });
    writeFileSync(DEFS, definitions);
    ({ browser, dev, page } = await openSession({ files: [DEFS], env: { FLYT_HOME: join(work, "home"), TZ: "Europe/Oslo" } }));
    await page.setViewportSize({ width: 1440, height: 900 });
    await materialize(dev.url, "e2e/upstream_table, e2e/forecast");
  });

  after(async () => {
    await closeSession({ browser, dev }, work);
    rmSync(DEFS_DIR, { recursive: true, force: true });
  });

  void it("renders each metadata type as data", async () => {
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${dev.url}/assets/e2e/forecast`);
    const latest = page.getByTestId("latest-materialization");
    await latest.waitFor();
    const row = (label: string) => latest.locator(`[data-label="${label}"]`);

    // Table schema: one row per column with its type and description.
    const schema = row("schema").getByTestId("metadata-schema");
    assert.deepEqual(await schema.locator("tbody tr").evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll("td"), (td) => td.textContent))), [
      ["time", "TEXT", "step start, ISO UTC"],
      ["air_temperature", "REAL", "degrees Celsius"],
    ]);
    // Table preview: a real table with a header and rows.
    const preview = row("preview").getByTestId("metadata-preview");
    assert.deepEqual(await preview.locator("thead th").allInnerTexts(), ["time", "air_temperature"]);
    assert.deepEqual(await preview.locator("tbody tr").first().locator("td").allInnerTexts(), ["2023-09-17T19:00:00Z", "12.5"]);
    // Timestamp: local date-time with zone and relative time; the exact instant in the markup.
    const time = row("forecast_updated").getByTestId("metadata-timestamp");
    assert.equal(await time.getAttribute("datetime"), new Date(1694979668 * 1000).toISOString());
    const shown = await time.innerText();
    assert.doesNotMatch(shown, /1694979668/);
    assert.match(shown, /2023/);
    assert.match(shown, /(UTC|GMT|[A-Z]{3,4})/, `a zone is named: ${shown}`);
    assert.match(shown, /ago\)/, `and how long ago: ${shown}`);
    // Markdown: formatted, its raw HTML shown as text and never run.
    const markdown = row("notes").getByTestId("metadata-markdown");
    assert.equal(await markdown.locator("strong").innerText(), "Bold");
    assert.equal(await markdown.locator("a").getAttribute("href"), "https://example.org/doc");
    assert.equal(await markdown.locator("li").count(), 2);
    assert.equal(await markdown.locator("img").count(), 0);
    // url, path, json, references.
    assert.equal(await row("source_url").getByTestId("metadata-url").getAttribute("href"), "https://api.met.no/weatherapi/locationforecast/2.0/compact");
    assert.equal(await row("landing_path").getByTestId("metadata-path").innerText(), "/data/landing/forecast.json");
    const json = row("raw").getByTestId("metadata-json");
    assert.equal(await json.evaluate((el) => (el as HTMLDetailsElement).open), false, "long json starts folded");
    await json.locator("summary").click();
    assert.match(await json.locator("pre").innerText(), /"air_temperature": "celsius"/);
    assert.equal(await row("produced_by_run").getByTestId("metadata-run-link").getAttribute("href"), `/runs/${RUN_REF}`);
    await row("read_from").getByTestId("metadata-asset-link").waitFor();
    assert.equal(await row("read_from").getByTestId("metadata-asset-link").getAttribute("href"), "/assets/e2e/upstream_table");
    // The freshness policy in words, not JSON.
    const policy = await page.getByTestId("freshness-policy").innerText();
    assert.doesNotMatch(policy, /[{}"]/);
    assert.match(policy, /at most 26 hours old; warns once it is 1 day old/);
    assert.deepEqual(dialogs, []);
    await page.screenshot({ path: uiArtifactPath("asset-metadata-1440"), fullPage: true });

    // The history table keeps wide values folded, with what they hold.
    const historyCell = page.locator("table").filter({ has: page.locator("th", { hasText: "Metadata" }) }).locator('[data-label="preview"] summary');
    assert.equal(await historyCell.innerText(), "preview: 2 rows");
  });

  void it("plots numeric metadata: one point is a value without an empty chart, two points a small line", async () => {
    await materialize(dev.url, "e2e/counted");
    await page.goto(`${dev.url}/assets/e2e/counted`);
    const single = page.getByTestId("metadata-plot-single");
    await single.waitFor();
    assert.match(await single.innerText(), /rows: 10 — one materialization so far/);
    assert.equal(await page.getByTestId("metadata-plot").count(), 0, "no chart box for one point");

    await materialize(dev.url, "e2e/counted");
    await page.goto(`${dev.url}/assets/e2e/counted`);
    const plot = page.locator('[data-testid="metadata-plot"][data-points="2"]');
    await plot.waitFor();
    const box = await plot.boundingBox();
    assert.ok(box !== null && box.height <= 100, `a short chart for few points (${box?.height} px high)`);
    assert.equal(await plot.locator("circle").count(), 2);
    assert.match((await plot.getAttribute("aria-label")) ?? "", /2 points from 10 to 15/);
  });

  void it("reaches partition cells by keyboard: Tab, arrows, Enter picks the partition", async () => {
    await materialize(dev.url, "e2e/by_region", "north");
    await page.goto(`${dev.url}/assets/e2e/by_region`);
    const strip = page.getByTestId("partition-strip");
    await strip.waitFor();
    const select = page.getByRole("combobox", { name: "Partition" });
    const initial = await select.inputValue();
    // Exactly one cell is a tab stop.
    assert.equal(await strip.locator('button[tabindex="0"]').count(), 1);
    await page.getByRole("button", { name: "Materialize", exact: true }).focus();
    let focused = "";
    for (let i = 0; i < 20 && !focused.startsWith("cell"); i++) {
      await page.keyboard.press("Tab");
      focused = await page.evaluate(() => document.activeElement?.className ?? "");
    }
    assert.match(focused, /^cell /, "Tab reaches the partition strip");
    await page.keyboard.press("Home");
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-key")), "east");
    await page.keyboard.press("ArrowRight");
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "north: materialized");
    await page.keyboard.press("Enter");
    assert.equal(await select.inputValue(), "north");
    assert.notEqual(initial, "north", "the pick changed the partition");
    assert.equal(await strip.locator('[data-key="north"]').getAttribute("aria-pressed"), "true");
  });
});
