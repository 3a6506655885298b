/**
 * Accessibility and layout of every page of the UI on the Atlas example, in chromium against a
 * real `flyt dev`: axe-core (WCAG 2 A/AA rules, contrast included) finds no serious or critical
 * violation on any page in the light or the dark theme; at 800 px no page scrolls sideways and the
 * asset page's right column is inside the window; each page is kept as a screenshot at 1440 and
 * 800 px in both themes under test-artifacts/ui/ for a reviewer.
 *
 * axe-core is read from node_modules (`axe-core/axe.min.js`), or from FLYT_TEST_AXE_JS when set;
 * without it the test fails (it never skips).
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { atlasEnv, type Browser, closeSession, type DevServer, graphql, openSession, REPO, tempDir, uiArtifactPath } from "./harness.js";

const ATLAS = join(REPO, "examples/atlas/definitions.ts");

function axeSource(): string {
  const fromEnv = process.env.FLYT_TEST_AXE_JS;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`FLYT_TEST_AXE_JS=${fromEnv} does not exist`);
    return readFileSync(fromEnv, "utf8");
  }
  try {
    return readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  } catch (error) {
    throw new Error(`axe-core is not installed: it is a devDependency of @flyt/ui-e2e (npm install), or point FLYT_TEST_AXE_JS at an axe.min.js (${(error as Error).message})`, { cause: error });
  }
}

interface Violation {
  page: string;
  theme: string;
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

/** Waits until the page shows its data: no "Loading…" left in main, and a heading or the graph. */
async function settle(page: Page): Promise<void> {
  await page
    .waitForFunction(() => {
      const main = document.querySelector("main");
      return main !== null && !/Loading…/.test(main.textContent ?? "") && main.querySelector("h1, [data-testid='lineage']") !== null;
    })
    .catch(async (error: unknown) => {
      throw new Error(`${page.url()} did not finish loading: ${(error as Error).message}\n${(await page.locator("main").innerText().catch(() => "")).slice(0, 500)}`);
    });
  // Polling pages re-render; give fonts and the first poll a moment.
  await page.waitForTimeout(300);
}

void describe("accessibility (axe-core) and layout of every page, light and dark, 1440 and 800 px", () => {
  let dev: DevServer;
  let browser: Browser;
  let page: Page;
  let pages: Array<{ name: string; path: string }> = [];
  const work = tempDir("flyt-ui-e2e-a11y-");
  const axe = axeSource();

  before(async () => {
    ({ browser, dev, page } = await openSession({ files: [ATLAS], env: atlasEnv(work) }));
    // Through the protocol, not a <script> tag: the UI's Content-Security-Policy (script-src 'self') rightly refuses inline scripts.
    await page.addInitScript({ content: axe });

    // A finished run, so that the runs list, the run page and an asset's history have content.
    const { launchRun } = await graphql<{ launchRun: { __typename: string; run?: { runId: string } } }>(
      dev.url,
      `mutation { launchRun(selection: "atlas/met/bergen_forecast") { __typename ... on LaunchRunSuccess { run { runId } } ... on Error { message } } }`,
    );
    assert.equal(launchRun.__typename, "LaunchRunSuccess", JSON.stringify(launchRun));
    const runId = launchRun.run!.runId;
    for (const deadline = Date.now() + 90_000; ; ) {
      const { run } = await graphql<{ run: { status: string } }>(dev.url, `query($id: String!) { run(runId: $id) { status } }`, { id: runId });
      if (!["QUEUED", "STARTING", "STARTED"].includes(run.status)) break;
      assert.ok(Date.now() < deadline, "the run finishes within 90 s");
      await new Promise((r) => setTimeout(r, 200));
    }
    const { schedules, sensors, assets } = await graphql<{ schedules: Array<{ id: string }>; sensors: Array<{ id: string }>; assets: { nodes: Array<{ key: string; partitions: { kind: string } | null }> } }>(
      dev.url,
      "{ schedules { id } sensors { id } assets(first: 500) { nodes { key partitions { kind } } } }",
    );
    const partitioned = assets.nodes.find((a) => a.partitions !== null);
    pages = [
      { name: "overview", path: "/" },
      { name: "catalog", path: "/assets" },
      { name: "asset", path: "/assets/atlas/met/bergen_forecast" },
      { name: "asset-automation", path: "/assets/atlas/met/bergen_forecast?tab=automation" },
      ...(partitioned ? [{ name: "asset-partitioned", path: `/assets/${partitioned.key}` }] : []),
      { name: "lineage", path: "/lineage" },
      { name: "runs", path: "/runs" },
      { name: "run", path: `/runs/${runId}` },
      { name: "schedules", path: "/schedules" },
      ...(schedules[0] ? [{ name: "schedule", path: `/schedules/${encodeURIComponent(schedules[0].id)}` }] : []),
      { name: "sensors", path: "/sensors" },
      ...(sensors[0] ? [{ name: "sensor", path: `/sensors/${encodeURIComponent(sensors[0].id)}` }] : []),
      { name: "automation", path: "/automation" },
      { name: "locations", path: "/locations" },
      { name: "alerts", path: "/alerts" },
    ];
    // Pages added to the navigation later (e.g. Backfills) are checked too.
    await page.goto(`${dev.url}/`);
    await settle(page);
    const nav = await page.locator("header nav a").evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
    for (const href of nav) if (!pages.some((p) => p.path === href)) pages.push({ name: href.replace(/^\//, "").replace(/[^a-z0-9]+/gi, "-") || "root", path: href });
  });

  after(async () => {
    await closeSession({ browser, dev }, work);
  });

  void it("has no serious or critical axe violation on any page, in the light and the dark theme (screenshots at 1440 px)", async () => {
    const violations: Violation[] = [];
    await page.setViewportSize({ width: 1440, height: 900 });
    for (const theme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: theme });
      for (const p of pages) {
        await page.goto(`${dev.url}${p.path}`);
        await settle(page);
        const result = await page.evaluate(async () => {
          const run = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[]; failureSummary?: string }> }> }> } }).axe.run;
          const r = await run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] }, resultTypes: ["violations"] });
          return r.violations.map((v) => ({ id: v.id, impact: v.impact ?? "", help: v.help, nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(" ")}: ${(n.failureSummary ?? "").split("\n").slice(1, 2).join("")}`) }));
        });
        for (const v of result) if (v.impact === "serious" || v.impact === "critical") violations.push({ page: p.path, theme, ...v });
        await page.screenshot({ path: uiArtifactPath(`${p.name}-1440-${theme}`), fullPage: true });
      }
    }
    await page.emulateMedia({ colorScheme: "light" });
    assert.deepEqual(
      violations.map((v) => `${v.theme} ${v.page}: ${v.impact} ${v.id} (${v.help})\n    ${v.nodes.join("\n    ")}`),
      [],
    );
  });

  void it("does not scroll sideways at 800 px on any page; the asset page's right column is inside the window (screenshots at 800 px)", async () => {
    const wide: string[] = [];
    await page.setViewportSize({ width: 800, height: 900 });
    for (const theme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: theme });
      for (const p of pages) {
        await page.goto(`${dev.url}${p.path}`);
        await settle(page);
        const { scrollWidth, clientWidth, widest } = await page.evaluate(() => {
          // The element reaching furthest right, to name the culprit in the failure.
          let widest = "";
          let right = 0;
          for (const el of Array.from(document.querySelectorAll("body *"))) {
            const r = el.getBoundingClientRect().right;
            if (r > right + 0.5) {
              right = r;
              widest = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${el.className && typeof el.className === "string" ? `.${el.className.split(" ").join(".")}` : ""} (right edge ${Math.round(r)} px)`;
            }
          }
          return { scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth, widest };
        });
        if (theme === "light" && scrollWidth > clientWidth) wide.push(`${p.path}: ${scrollWidth} px wide in a ${clientWidth} px window; widest: ${widest}`);
        await page.screenshot({ path: uiArtifactPath(`${p.name}-800-${theme}`), fullPage: true });
      }
    }
    await page.emulateMedia({ colorScheme: "light" });
    assert.deepEqual(wide, []);

    // The asset page's right-hand sections (freshness, checks, partitions, plot) sit inside the window, uncut.
    await page.goto(`${dev.url}/assets/atlas/met/bergen_forecast`);
    await settle(page);
    const sections = await page.locator("main .grid2 > section").evaluateAll((els) => els.map((el) => ({ right: el.getBoundingClientRect().right, scroll: el.scrollWidth, client: el.clientWidth })));
    assert.ok(sections.length >= 2);
    for (const s of sections) {
      assert.ok(s.right <= 800, `a section ends at ${s.right} px, past the 800 px window`);
      assert.ok(s.scroll <= s.client + 1, `a section's content is cut (${s.scroll} px in ${s.client} px)`);
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  });
});
