/**
 * The lineage graph in a real browser at a size where the old view was unreadable: a generated
 * location of 2,000 assets in 20 groups, plus a small group with an asset that always fails, a
 * partitioned one and one with a very long key, under a real `flyt dev`. Checks that the first
 * view is labelled group boxes that fit the window with labels readable on screen, fit/zoom
 * buttons, search and selection that ring and centre a match, focus mode laying out an asset's
 * neighbourhood on its own, full names on cards, a failed run turning the node red without a
 * reload (through the run change stream, and through the fallback poll while that stream is down),
 * partition health updating live, and keyboard navigation. The 10,000-asset figures are
 * in bench/ui-lineage.mjs. Screenshots: lineage-overview.png, lineage-search.png,
 * lineage-focus.png, lineage-live-failed.png.
 */
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Page, Request } from "playwright-core";
import { type Browser, closeSession, type DevServer, graphql, openSession, REPO, screenshotPath, tempDir } from "./harness.js";

/** Inside the repository, so that the definitions resolve @flyt/sdk from its node_modules. */
const DEFS_DIR = join(REPO, ".flyt-test", `ui-e2e-lineage-${process.pid}`);
const DEFS = join(DEFS_DIR, "definitions.ts");
const FAILING = "live/will_fail";
const LONG = "live/a_rather_long_namespace_segment/bergen_forecast_landing_with_an_extra_long_suffix_for_wrapping";

/** 20 groups × 100 assets in 5 layers; each asset reads 1-3 of its group's earlier layers, one in ten another group's first layer. */
const definitions = `
import { asset, defineDefinitions, staticPartitions } from "@flyt/sdk";
let seed = 7;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const keys: string[] = [];
const assets = [];
for (let g = 0; g < 20; g++) {
  const group = "domain_" + String(g).padStart(2, "0");
  for (let j = 0; j < 100; j++) {
    const layer = Math.floor(j / 20);
    const key = group + "/l" + layer + "/asset_" + String(j).padStart(4, "0");
    const deps = new Set<string>();
    if (layer > 0) {
      for (let d = 1 + Math.floor(rand() * 3); d > 0; d--) {
        if (rand() < 0.1 && g > 0) deps.add(keys[Math.floor(rand() * g) * 100 + Math.floor(rand() * 20)]!);
        else deps.add(keys[g * 100 + Math.floor(rand() * layer * 20)]!);
      }
    }
    keys.push(key);
    assets.push(asset({ key: key.split("/"), group, deps: [...deps], kinds: ["typescript"], compute: () => ({ j }) }));
  }
}
assets.push(asset({ key: ["live", "source"], group: "live", compute: () => ({ n: 1 }) }));
assets.push(asset({ key: ${JSON.stringify(FAILING.split("/"))}, group: "live", deps: ["live/source"], compute: () => { throw new Error("fails on purpose (lineage live status test)"); } }));
assets.push(asset({ key: ${JSON.stringify(LONG.split("/"))}, group: "live", deps: ["live/source"], compute: () => ({ n: 2 }) }));
assets.push(asset({ key: ["live", "by_city"], group: "live", partitions: staticPartitions(["oslo", "bergen", "tromso"]), compute: () => ({ n: 3 }) }));
export default defineDefinitions({ assets });
`;

interface Graph {
  nodes: Array<{ key: string; group: string }>;
  edges: Array<{ from: string; to: string }>;
}

void describe("lineage at 2,000 assets in chromium", () => {
  let dev: DevServer;
  let browser: Browser;
  let page: Page;
  let graph: Graph;
  const work = tempDir("flyt-ui-e2e-lineage-");

  const ready = (extra = "") => page.locator(`[data-testid="lineage"][data-ready="true"]${extra}`).waitFor({ timeout: 30_000 });
  const data = (name: string) => page.getByTestId("lineage").getAttribute(`data-${name}`);
  const zoom = async () => Number(await data("zoom"));

  before(async () => {
    mkdirSync(DEFS_DIR, { recursive: true });
    writeFileSync(DEFS, definitions);
    ({ browser, dev, page } = await openSession({ files: [DEFS], env: { FLYT_HOME: join(work, "home") }, timeoutMs: 60_000, locationsTimeoutMs: 120_000 }));
    graph = (await graphql<{ assetGraph: Graph }>(dev.url, "{ assetGraph { nodes { key group } edges { from to } } }")).assetGraph;
    assert.equal(graph.nodes.length, 2004);
  });

  after(async () => {
    rmSync(DEFS_DIR, { recursive: true, force: true });
    await closeSession({ browser, dev }, work);
  });

  void it("opens on labelled group boxes that fit the window, labels readable on screen", async () => {
    await page.goto(`${dev.url}/lineage`);
    await ready('[data-mode="groups"]');
    // 20 big groups collapsed, the small "live" group open with its 4 assets.
    assert.equal(await data("drawn-count"), String(20 + 4));
    const wrap = (await page.getByTestId("lineage").boundingBox())!;
    const labels = await page.getByTestId("lineage-group-label").evaluateAll((els) =>
      els.map((el) => {
        const r = el.getBoundingClientRect();
        const name = el.querySelector(".name")!;
        return { group: el.getAttribute("data-group"), text: name.textContent, font: parseFloat(getComputedStyle(name).fontSize), x: r.x, y: r.y, w: r.width, h: r.height, shown: getComputedStyle(el).display !== "none" };
      }),
    );
    assert.equal(labels.length, 21);
    for (const l of labels) {
      assert.ok(l.shown, `${l.group}'s label is shown`);
      assert.ok(l.font >= 10, `${l.group}'s label is ${l.font}px on screen`);
      assert.ok(l.x >= wrap.x - 1 && l.y >= wrap.y - 1 && l.x + l.w <= wrap.x + wrap.width + 1 && l.y + l.h <= wrap.y + wrap.height + 1, `${l.group}'s label ${JSON.stringify(l)} lies inside the graph ${JSON.stringify(wrap)}`);
      assert.match(l.text ?? "", new RegExp(l.group ?? ""));
    }
    // No two labels overlap (a readable overview, not a pile).
    for (const a of labels) for (const b of labels) if (a !== b) assert.ok(a.x + a.w <= b.x + 1 || b.x + b.w <= a.x + 1 || a.y + a.h <= b.y + 1 || b.y + b.h <= a.y + 1, `${a.group} and ${b.group} overlap`);
    // And the graph element itself is inside the window (no page scroll needed to see it).
    const viewport = page.viewportSize()!;
    assert.ok(wrap.y + wrap.height <= viewport.height + 1, `the graph ends at ${wrap.y + wrap.height}, the window at ${viewport.height}`);
    await page.screenshot({ path: screenshotPath("lineage-overview") });
  });

  void it("zooms in, out and back to fit with the buttons", async () => {
    // The first view may round a near fit up to card zoom; Fit fits exactly.
    const first = await zoom();
    await page.getByTestId("lineage-fit").click();
    await page.waitForFunction((z) => Number(document.querySelector('[data-testid="lineage"]')!.getAttribute("data-zoom")) <= z, first);
    const fitted = await zoom();
    await page.getByTestId("lineage-zoom-in").click();
    await page.waitForFunction((z) => Number(document.querySelector('[data-testid="lineage"]')!.getAttribute("data-zoom")) > z * 1.4, fitted);
    await page.getByTestId("lineage-zoom-out").click();
    await page.getByTestId("lineage-zoom-out").click();
    await page.waitForFunction((z) => Number(document.querySelector('[data-testid="lineage"]')!.getAttribute("data-zoom")) < z * 0.7, fitted);
    await page.getByTestId("lineage-fit").click();
    await page.waitForFunction((z) => Math.abs(Number(document.querySelector('[data-testid="lineage"]')!.getAttribute("data-zoom")) - z) < 0.01, fitted);
  });

  void it("search rings a match and centres it, expanding its group on Enter", async () => {
    const wanted = "domain_07/l3/asset_0065";
    await page.getByTestId("lineage-search").fill("asset_0065 domain_07");
    await page.waitForFunction(() => document.querySelector('[data-testid="lineage"]')!.getAttribute("data-search-count") === "1");
    assert.equal(await data("search-hit"), wanted);
    await page.getByTestId("lineage-search").press("Enter");
    await page.waitForURL(/expand=domain_07/);
    await ready();
    await page.waitForFunction((k) => document.querySelector('[data-testid="lineage"]')!.getAttribute("data-current") === k, wanted);
    const card = page.locator(`[data-testid="lineage-card"][data-key="${wanted}"]`);
    await card.waitFor();
    assert.match((await card.getAttribute("class"))!, /\bmatch\b/);
    const wrap = (await page.getByTestId("lineage").boundingBox())!;
    const box = (await card.boundingBox())!;
    const dx = box.x + box.width / 2 - (wrap.x + wrap.width / 2), dy = box.y + box.height / 2 - (wrap.y + wrap.height / 2);
    assert.ok(Math.abs(dx) < 30 && Math.abs(dy) < 30, `the match is centred (off by ${dx}, ${dy})`);
    assert.ok(await zoom() >= 0.7, "zoomed in to cards");
    await page.screenshot({ path: screenshotPath("lineage-search") });

    // A selection expression goes through the server's resolver: group:live selects its four assets.
    await page.getByTestId("lineage-search").fill("group:live");
    await page.waitForFunction(() => document.querySelector('[data-testid="lineage"]')!.getAttribute("data-search-count") === "4");
    await page.getByTestId("lineage-search").fill("group:nosuchgroup");
    await page.getByTestId("lineage-search-error").waitFor();
    assert.match(await page.getByTestId("lineage-search-error").innerText(), /nosuchgroup/);
    await page.getByTestId("lineage-search").fill("");
  });

  void it("focus mode lays out the asset with N levels up and down on their own", async () => {
    const key = "domain_03/l2/asset_0047";
    const up = graph.edges.filter((e) => e.to === key).map((e) => e.from);
    const down = graph.edges.filter((e) => e.from === key).map((e) => e.to);
    assert.ok(up.length > 0 && down.length > 0, "the chosen asset has both up- and downstream");
    const expected = [...new Set([key, ...up, ...down])].sort();
    await page.goto(`${dev.url}/lineage?focus=${key}&depth=1`);
    await ready('[data-mode="focus"]');
    assert.equal(await data("drawn-count"), String(expected.length), "only the neighbourhood is drawn, nothing dimmed around it");
    assert.equal(await page.getByTestId("lineage-group-label").count(), 0, "no group boxes in focus mode");
    const shown = (await page.getByTestId("lineage-card").evaluateAll((els) => els.map((el) => el.getAttribute("data-key")!))).sort();
    assert.deepEqual(shown, expected);
    // Upstream left of the asset, downstream right of it.
    const x = async (k: string) => (await page.locator(`[data-testid="lineage-card"][data-key="${k}"]`).boundingBox())!.x;
    const at = await x(key);
    for (const u of up) assert.ok((await x(u)) < at, `${u} is left of ${key}`);
    for (const d of down) assert.ok((await x(d)) > at, `${d} is right of ${key}`);
    await page.screenshot({ path: screenshotPath("lineage-focus") });
    // Two levels: more assets, still on their own.
    await page.getByTestId("lineage-depth").selectOption("2");
    await ready('[data-mode="focus"]');
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="lineage"]')!.getAttribute("data-drawn-count")) > n, expected.length);
  });

  void it("shows full names on cards, wrapped and never cut", async () => {
    await page.goto(`${dev.url}/lineage?focus=${LONG}&depth=1`);
    await ready('[data-mode="focus"]');
    const card = page.locator(`[data-testid="lineage-card"][data-key="${LONG}"]`);
    await card.waitFor();
    const lines = await card.locator(".name .line").evaluateAll((els) => els.map((el) => ({ text: el.textContent, scroll: el.scrollWidth, client: el.clientWidth })));
    assert.ok(lines.length >= 3, `the long key wraps onto several lines (${lines.length})`);
    assert.equal(lines.map((l) => l.text).join(""), LONG);
    for (const l of lines) assert.ok(l.scroll <= l.client + 1, `line "${l.text}" fits its card (${l.scroll} > ${l.client})`);
    const fits = await card.evaluate((el) => el.scrollHeight <= el.clientHeight + 1);
    assert.ok(fits, "the card is tall enough for its name and details");
  });

  void it("turns a node red when its run fails, without a reload", async () => {
    // Live through the all-runs change stream (/api/runs/events), not the fallback poll of the
    // newest runs (the LineageRuns query), which runs only while the stream is down.
    const streams: string[] = [];
    const polls: string[] = [];
    const watch = (request: Request) => {
      const url = new URL(request.url());
      if (url.pathname === "/api/runs/events") streams.push(request.resourceType());
      if (url.pathname === "/graphql" && (request.postData() ?? "").includes("query LineageRuns")) polls.push(request.url());
    };
    page.on("request", watch);
    await page.goto(`${dev.url}/lineage?focus=${FAILING}&depth=1`);
    await ready('[data-mode="focus"]');
    const card = page.locator(`[data-testid="lineage-card"][data-key="${FAILING}"]`);
    assert.equal(await card.getAttribute("data-status"), "NEVER_MATERIALIZED");
    assert.deepEqual(streams, ["eventsource"], "the page opened the run change stream once");
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    const launched = await graphql<{ launchRun: { __typename: string } }>(dev.url, `mutation { launchRun(selection: "${FAILING}") { __typename } }`);
    assert.equal(launched.launchRun.__typename, "LaunchRunSuccess", JSON.stringify(launched));
    await page.locator(`[data-testid="lineage-card"][data-key="${FAILING}"][data-status="FAILED"]`).waitFor({ timeout: 90_000 });
    page.off("request", watch);
    assert.deepEqual(polls, [], "the status came through the stream: the fallback poll never ran");
    assert.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 42, "the page was not reloaded");
    const colors = await card.evaluate((el) => ({ border: getComputedStyle(el).borderLeftColor, bad: getComputedStyle(document.documentElement).getPropertyValue("--bad").trim() }));
    const probe = await page.evaluate((c) => {
      const d = document.createElement("div");
      d.style.color = c;
      document.body.append(d);
      const rgb = getComputedStyle(d).color;
      d.remove();
      return rgb;
    }, colors.bad);
    assert.equal(colors.border, probe, "the failed card's status edge is the failure colour");
    await page.screenshot({ path: screenshotPath("lineage-live-failed") });
  });

  void it("shows a partitioned asset's partition health on its card, updated live", async () => {
    await page.goto(`${dev.url}/lineage?focus=live/by_city&depth=1`);
    await ready('[data-mode="focus"]');
    const card = page.locator(`[data-testid="lineage-card"][data-key="live/by_city"]`);
    await card.filter({ hasText: "0/3 partitions" }).waitFor();
    const launched = await graphql<{ launchRun: { __typename: string } }>(dev.url, `mutation { launchRun(selection: "live/by_city", partition: "oslo") { __typename } }`);
    assert.equal(launched.launchRun.__typename, "LaunchRunSuccess", JSON.stringify(launched));
    await card.filter({ hasText: "1/3 partitions" }).waitFor({ timeout: 90_000 });
    await card.filter({ hasText: /Materialized \d+ s ago/ }).waitFor();
    assert.match(await card.innerText(), /no checks/);
  });

  void it("moves between nodes with the keyboard and opens one with Enter", async () => {
    await page.goto(`${dev.url}/lineage?focus=domain_03/l2/asset_0047&depth=1`);
    await ready('[data-mode="focus"]');
    // Tab from the search box reaches the graph.
    await page.getByTestId("lineage-search").focus();
    for (let i = 0; i < 12 && !(await page.evaluate(() => document.activeElement?.getAttribute("data-testid") === "lineage")); i++) await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-testid")), "lineage", "Tab reaches the graph");
    const start = await data("current");
    assert.equal(start, "domain_03/l2/asset_0047", "focus mode starts on the focused asset");
    await page.keyboard.press("ArrowLeft");
    await page.waitForFunction((s) => document.querySelector('[data-testid="lineage"]')!.getAttribute("data-current") !== s, start);
    const left = (await data("current"))!;
    assert.ok(graph.edges.some((e) => e.to === start && e.from === left), `ArrowLeft moved to an upstream asset (${left})`);
    assert.match(await page.getByTestId("lineage-announce").innerText(), new RegExp(left));
    await page.keyboard.press("ArrowRight");
    await page.waitForFunction((s) => document.querySelector('[data-testid="lineage"]')!.getAttribute("data-current") === s, start);
    await page.keyboard.press("Enter");
    await page.waitForURL((url) => decodeURIComponent(url.pathname) === `/assets/${start}`);
  });

  void it("stays live by polling the newest runs while the run change stream is down", async () => {
    // The stream refused at the network (a proxy that does not pass it): the fallback poll of the
    // newest runs (LineageRuns) takes over and still turns the card green without a reload.
    await page.route("**/api/runs/events", (route) => route.abort());
    const polls: string[] = [];
    const watch = (request: Request) => {
      if (new URL(request.url()).pathname === "/graphql" && (request.postData() ?? "").includes("query LineageRuns")) polls.push(request.url());
    };
    page.on("request", watch);
    try {
      await page.goto(`${dev.url}/lineage?focus=${LONG}&depth=1`);
      await ready('[data-mode="focus"]');
      const card = page.locator(`[data-testid="lineage-card"][data-key="${LONG}"]`);
      assert.equal(await card.getAttribute("data-status"), "NEVER_MATERIALIZED");
      await page.evaluate(() => ((window as unknown as { marker: number }).marker = 7));
      const launched = await graphql<{ launchRun: { __typename: string } }>(dev.url, `mutation { launchRun(selection: "${LONG}") { __typename } }`);
      assert.equal(launched.launchRun.__typename, "LaunchRunSuccess", JSON.stringify(launched));
      await page.locator(`[data-testid="lineage-card"][data-key="${LONG}"][data-status="MATERIALIZED"]`).waitFor({ timeout: 90_000 });
      assert.ok(polls.length > 0, "the fallback poll ran");
      assert.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 7, "the page was not reloaded");
    } finally {
      page.off("request", watch);
      await page.unroute("**/api/runs/events");
    }
  });
});
