/**
 * Selecting and launching from the lineage graph in chromium, against a real `flyt dev` on a small
 * generated location (raw/a → mid/c → top/e ← mid/d ← raw/b, and a lone asset, in four groups, all
 * drawn as cards): shift- and ctrl-click pick two nodes, "Materialize selected" opens the launch
 * dialog planning exactly those and launching makes one run of exactly those assets; a Shift-drag
 * lasso picks the nodes in its rectangle without panning; "+ upstream" plans their upstream;
 * Escape clears; "Select matches" takes a selection expression's matches and launches it as typed;
 * Space toggles the keyboard's node. Screenshot: lineage-launch-selected.png.
 */
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { type Browser, closeSession, type DevServer, graphql, openSession, REPO, screenshotPath, tempDir } from "./harness.js";

/** Inside the repository, so that the definitions resolve @flyt/sdk from its node_modules. */
const DEFS_DIR = join(REPO, ".flyt-test", `ui-e2e-lineage-launch-${process.pid}`);
const DEFS = join(DEFS_DIR, "definitions.ts");

const definitions = `
import { asset, defineDefinitions } from "@flyt/sdk";
export default defineDefinitions({ assets: [
  asset({ key: "raw/a", group: "raw", compute: () => ({ a: 1 }) }),
  asset({ key: "raw/b", group: "raw", compute: () => ({ b: 1 }) }),
  asset({ key: "mid/c", group: "mid", deps: ["raw/a"], compute: () => ({ c: 1 }) }),
  asset({ key: "mid/d", group: "mid", deps: ["raw/b"], compute: () => ({ d: 1 }) }),
  asset({ key: "top/e", group: "top", deps: ["mid/c", "mid/d"], compute: () => ({ e: 1 }) }),
  asset({ key: "lone/x", group: "lone", compute: () => ({ x: 1 }) }),
] });
`;

void describe("selecting and launching from the lineage in chromium", () => {
  let dev: DevServer;
  let browser: Browser;
  let page: Page;
  const work = tempDir("flyt-ui-e2e-lineage-launch-");

  const graph = () => page.getByTestId("lineage");
  const card = (key: string) => page.locator(`[data-testid="lineage-card"][data-key="${key}"]`);
  const count = () => page.getByTestId("lineage-selected-count").innerText();
  /** The picked assets, from the list of nodes kept for screen readers (every node, on screen or not). */
  const picked = () => page.locator('[data-testid="lineage-node"][data-picked="true"]').evaluateAll((els) => els.map((el) => el.getAttribute("data-key")!).sort());
  const dialog = () => page.getByTestId("launch-dialog");

  /** The centre of an asset's card on screen (cards let clicks through to the graph, which hit-tests them). */
  async function centre(key: string): Promise<{ x: number; y: number; w: number; h: number }> {
    await card(key).waitFor();
    const b = (await card(key).boundingBox())!;
    return { x: b.x + b.width / 2, y: b.y + b.height / 2, w: b.width, h: b.height };
  }

  async function clickWith(key: string, modifier: "Shift" | "Control"): Promise<void> {
    const c = await centre(key);
    await page.keyboard.down(modifier);
    await page.mouse.click(c.x, c.y);
    await page.keyboard.up(modifier);
  }

  async function openLineage(): Promise<void> {
    await page.goto(`${dev.url}/lineage`);
    await page.locator('[data-testid="lineage"][data-ready="true"][data-mode="assets"]').waitFor();
    assert.equal(await graph().getAttribute("data-drawn-count"), "6");
    assert.ok(Number(await graph().getAttribute("data-zoom")) >= 0.7, "six assets open at card zoom");
  }

  before(async () => {
    mkdirSync(DEFS_DIR, { recursive: true });
    writeFileSync(DEFS, definitions);
    ({ browser, dev, page } = await openSession({ files: [DEFS], env: { FLYT_HOME: join(work, "home") } }));
  });

  after(async () => {
    rmSync(DEFS_DIR, { recursive: true, force: true });
    await closeSession({ browser, dev }, work);
  });

  void it("shift- and ctrl-click pick two nodes, and Materialize selected launches exactly those", async () => {
    await openLineage();
    assert.equal(await count(), "0 selected");
    for (const id of ["lineage-materialize-selected", "lineage-materialize-upstream", "lineage-materialize-downstream", "lineage-clear-selection"]) {
      assert.equal(await page.getByTestId(id).isDisabled(), true, `${id} is disabled with nothing selected`);
    }
    assert.equal(await page.getByTestId("lineage-materialize-all").isDisabled(), false);

    await clickWith("raw/a", "Shift");
    await clickWith("lone/x", "Control");
    assert.equal(await count(), "2 selected");
    assert.deepEqual(await picked(), ["lone/x", "raw/a"]);
    assert.equal(await card("raw/a").getAttribute("data-picked"), "true");
    assert.match((await card("lone/x").getAttribute("class"))!, /\bpicked\b/);
    assert.equal(await card("raw/b").getAttribute("data-picked"), "false");
    // The mark is visible: a picked card's background differs from an unpicked one's.
    const background = (key: string) => card(key).evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.notEqual(await background("raw/a"), await background("raw/b"));
    // A modifier click does not move the single-node cursor or open its panel.
    assert.equal(await graph().getAttribute("data-current"), "");
    // Shift-click again takes a node out; once more puts it back.
    await clickWith("lone/x", "Shift");
    assert.deepEqual(await picked(), ["raw/a"]);
    await clickWith("lone/x", "Shift");
    assert.deepEqual(await picked(), ["lone/x", "raw/a"]);
    await page.screenshot({ path: screenshotPath("lineage-launch-selected") });

    await page.getByTestId("lineage-materialize-selected").click();
    await dialog().getByTestId("launch-plan").waitFor();
    assert.equal(await dialog().getByTestId("launch-selection").innerText(), "lone/x, raw/a");
    assert.match(await dialog().getByTestId("launch-plan").innerText(), /2 assets in 1 code location → 1 run/);
    assert.deepEqual((await dialog().getByTestId("plan-asset").allInnerTexts()).sort(), ["lone/x", "raw/a"]);
    await dialog().getByTestId("launch-submit").click();

    await page.waitForURL(/\/runs\/[0-9a-f-]+$/);
    const runId = page.url().split("/runs/")[1]!;
    const { run } = await graphql<{ run: { assetKeys: string[] } }>(dev.url, `query($id: String!) { run(runId: $id) { assetKeys } }`, { id: runId });
    assert.deepEqual([...run.assetKeys].sort(), ["lone/x", "raw/a"]);
  });

  void it("lassoes the nodes in a rectangle, plans their upstream, and Escape clears", async () => {
    await openLineage();
    const c = await centre("mid/c");
    const d = await centre("mid/d");
    const before = await centre("top/e");
    // A rectangle a little larger than the two cards of group mid, drawn from its lower right corner.
    const x0 = Math.min(c.x, d.x) - c.w / 2 - 8, y0 = Math.min(c.y, d.y) - c.h / 2 - 8;
    const x1 = Math.max(c.x, d.x) + c.w / 2 + 8, y1 = Math.max(c.y, d.y) + c.h / 2 + 8;
    const start = await page.evaluate(([x, y]) => document.elementFromPoint(x!, y!)?.tagName ?? "", [x1, y1]);
    assert.equal(start, "CANVAS", "the lasso starts on the graph's empty space");
    await page.keyboard.down("Shift");
    await page.mouse.move(x1, y1);
    await page.mouse.down();
    await page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, { steps: 4 });
    assert.equal(await page.getByTestId("lineage-lasso").evaluate((el) => getComputedStyle(el).display), "block", "the lasso's rectangle is drawn while dragging");
    await page.mouse.move(x0, y0, { steps: 4 });
    await page.mouse.up();
    await page.keyboard.up("Shift");
    assert.deepEqual(await picked(), ["mid/c", "mid/d"]);
    assert.equal(await count(), "2 selected");
    assert.equal(await page.getByTestId("lineage-lasso").evaluate((el) => getComputedStyle(el).display), "none");
    const after = await centre("top/e");
    assert.ok(Math.abs(after.x - before.x) < 1 && Math.abs(after.y - before.y) < 1, "a lasso does not pan the graph");

    await page.getByTestId("lineage-materialize-upstream").click();
    await dialog().getByTestId("launch-plan").waitFor();
    assert.equal(await dialog().getByTestId("launch-selection").innerText(), "+mid/c, +mid/d");
    // In dependency order: what they read first.
    assert.deepEqual(await dialog().getByTestId("plan-asset").allInnerTexts(), ["raw/a", "raw/b", "mid/c", "mid/d"]);
    await dialog().getByTestId("launch-close").click();
    await dialog().waitFor({ state: "detached" });
    assert.equal(await count(), "2 selected", "closing the dialog keeps the selection");

    await graph().focus();
    await page.keyboard.press("Escape");
    assert.equal(await count(), "0 selected");
    assert.deepEqual(await picked(), []);
    assert.equal(await card("mid/c").getAttribute("data-picked"), "false");
    assert.equal(await page.getByTestId("lineage-materialize-selected").isDisabled(), true);
  });

  void it("makes a selection expression's matches the selection, launched as typed; Space toggles the keyboard's node", async () => {
    await openLineage();
    assert.equal(await page.getByTestId("lineage-select-matches").isDisabled(), true);
    await page.getByTestId("lineage-search").fill("group:raw");
    await page.waitForFunction(() => document.querySelector('[data-testid="lineage"]')!.getAttribute("data-search-count") === "2");
    await page.getByTestId("lineage-select-matches").click();
    assert.deepEqual(await picked(), ["raw/a", "raw/b"]);
    await page.getByTestId("lineage-materialize-selected").click();
    await dialog().getByTestId("launch-plan").waitFor();
    assert.equal(await dialog().getByTestId("launch-selection").innerText(), "group:raw");
    await dialog().getByTestId("launch-close").click();
    await dialog().waitFor({ state: "detached" });
    // + downstream widens the picked keys (the expression is kept only for the selection as it is).
    await page.getByTestId("lineage-materialize-downstream").click();
    await dialog().getByTestId("launch-plan").waitFor();
    assert.equal(await dialog().getByTestId("launch-selection").innerText(), "raw/a+, raw/b+");
    assert.deepEqual((await dialog().getByTestId("plan-asset").allInnerTexts()).sort(), ["mid/c", "mid/d", "raw/a", "raw/b", "top/e"]);
    await dialog().getByTestId("launch-close").click();
    await dialog().waitFor({ state: "detached" });
    await page.getByTestId("lineage-clear-selection").click();
    assert.equal(await count(), "0 selected");
    await page.getByTestId("lineage-search").fill("");

    // Keyboard: the first arrow key puts the cursor on a node, Space picks it and Space again drops it.
    await graph().focus();
    await page.keyboard.press("ArrowRight");
    await page.waitForFunction(() => document.querySelector('[data-testid="lineage"]')!.getAttribute("data-current") !== "");
    const node = (await graph().getAttribute("data-current"))!;
    await page.keyboard.press("Space");
    assert.deepEqual(await picked(), [node]);
    assert.equal(await graph().getAttribute("data-picked-count"), "1");
    await page.keyboard.press("Space");
    assert.deepEqual(await picked(), []);
  });
});
