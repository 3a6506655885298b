/**
 * The run page in chromium against a real `flyt dev` on a small definitions file the test writes:
 * a long step name is shown whole at 1440 px; a step whose blocking check failed is not shown as
 * a plain SUCCESS; a step retried twice draws three attempt bars; log lines carry date, 24-hour
 * time and zone on one line; a re-execution from failure of two steps shows those two steps, not
 * the parent's selection; on a finished successful run, Cancel and "Re-execute from failure" look
 * and act disabled (no pointer cursor, faded) while "Re-execute all" does not. Screenshots go to
 * test-artifacts/ui/.
 */
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { closeSession, type Browser, type DevServer, graphql, openSession, REPO, tempDir, uiArtifactPath } from "./harness.js";

/** Inside the repository, so that the definitions resolve @flyt/sdk from its node_modules. */
const DEFS_DIR = join(REPO, ".flyt-test", `ui-e2e-run-page-${process.pid}`);
const DEFS = join(DEFS_DIR, "definitions.ts");
const FLAG = join(DEFS_DIR, "fixed");
const LONG = "e2e/a_source_asset_with_a_long_descriptive_name_for_the_step_timeline";

const definitions = `
import { existsSync } from "node:fs";
import { asset, check, defineDefinitions } from "@flyt/sdk";
const brokenUntilFixed = () => {
  if (!existsSync(${JSON.stringify(FLAG)})) throw new Error("broken until the flag file exists");
  return {};
};
export default defineDefinitions({
  assets: [
    asset({ key: ${JSON.stringify(LONG)}, compute: () => ({ rows: 3 }) }),
    asset({ key: "e2e/checked", compute: () => ({ rows: 0 }) }),
    asset({ key: "e2e/after_check", deps: ["e2e/checked"], compute: () => ({}) }),
    asset({
      key: "e2e/flaky",
      retryPolicy: { maxRetries: 2, delayMs: 300, backoff: "constant" },
      compute: async (ctx) => {
        await new Promise((r) => setTimeout(r, 150));
        if (ctx.attempt < 3) throw new Error("attempt " + ctx.attempt + " fails");
        return {};
      },
    }),
    asset({ key: "e2e/fine", compute: () => ({}) }),
    asset({ key: "e2e/broken_one", compute: brokenUntilFixed }),
    asset({ key: "e2e/broken_two", compute: brokenUntilFixed }),
  ],
  checks: [check({ asset: "e2e/checked", name: "has_rows", blocking: true, evaluate: () => ({ passed: false, description: "0 rows" }) })],
});
`;

interface RunState {
  status: string;
  steps: Array<{ stepKey: string; status: string; attempts: number }>;
}

async function launch(url: string, selection: string): Promise<string> {
  const { launchRun } = await graphql<{ launchRun: { __typename: string; run?: { runId: string }; message?: string } }>(
    url,
    `mutation($s: String!) { launchRun(selection: $s) { __typename ... on LaunchRunSuccess { run { runId } } ... on Error { message } } }`,
    { s: selection },
  );
  assert.equal(launchRun.__typename, "LaunchRunSuccess", JSON.stringify(launchRun));
  return launchRun.run!.runId;
}

async function finished(url: string, runId: string): Promise<RunState> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const { run } = await graphql<{ run: RunState }>(url, `query($id: String!) { run(runId: $id) { status steps { stepKey status attempts } } }`, { id: runId });
    if (["SUCCESS", "FAILURE", "CANCELED"].includes(run.status)) return run;
    assert.ok(Date.now() < deadline, `run ${runId} not finished within 90 s: ${run.status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function openRun(page: Page, url: string, runId: string): Promise<void> {
  await page.goto(`${url}/runs/${runId}`);
  await page.locator('[data-testid="run-status"]', { hasText: /SUCCESS|FAILURE|CANCELED/ }).waitFor({ timeout: 60_000 });
  await page.getByTestId("timeline").waitFor();
}

void describe("run page in chromium", () => {
  let dev: DevServer;
  let browser: Browser;
  let page: Page;
  const work = tempDir("flyt-ui-e2e-run-");

  before(async () => {
    mkdirSync(DEFS_DIR, { recursive: true });
    writeFileSync(DEFS, definitions);
    ({ browser, dev, page } = await openSession({ files: [DEFS], env: { FLYT_HOME: join(work, "home") } }));
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  after(async () => {
    await closeSession({ browser, dev }, work);
    rmSync(DEFS_DIR, { recursive: true, force: true });
  });

  void it("shows long step names whole at 1440 px, and disabled buttons that look disabled on a successful run", async () => {
    const runId = await launch(dev.url, LONG);
    assert.equal((await finished(dev.url, runId)).status, "SUCCESS");
    await openRun(page, dev.url, runId);
    const label = page.locator(`[data-testid="step-row"][data-step="${LONG}"] .label`);
    assert.ok((await label.innerText()).includes(LONG), `the label shows the whole key: ${await label.innerText()}`);
    const clipped = await label.evaluate((el) => el.scrollWidth > el.clientWidth + 1 || getComputedStyle(el).textOverflow === "ellipsis");
    assert.equal(clipped, false, "the step name is not cut");

    const style = (name: string) =>
      page.getByRole("button", { name, exact: true }).evaluate((el) => ({ disabled: (el as HTMLButtonElement).disabled, cursor: getComputedStyle(el).cursor, opacity: Number(getComputedStyle(el).opacity) }));
    const cancel = await style("Cancel");
    const fromFailure = await style("Re-execute from failure");
    const all = await style("Re-execute all");
    for (const [name, s] of [["Cancel", cancel], ["Re-execute from failure", fromFailure]] as const) {
      assert.equal(s.disabled, true, `${name} is disabled on a successful run`);
      assert.notEqual(s.cursor, "pointer", `${name} has no pointer cursor`);
      assert.ok(s.opacity < 0.8, `${name} looks faded (opacity ${s.opacity})`);
    }
    assert.deepEqual(all, { disabled: false, cursor: "pointer", opacity: 1 }, "Re-execute all stays enabled and looks it");
    assert.match((await page.getByRole("button", { name: "Cancel", exact: true }).getAttribute("title")) ?? "", /finished/);
    await page.screenshot({ path: uiArtifactPath("run-success-1440"), fullPage: true });
  });

  void it("shows a step whose blocking check failed as failed by its check, with the check named", async () => {
    const runId = await launch(dev.url, "e2e/checked+");
    const run = await finished(dev.url, runId);
    assert.equal(run.status, "FAILURE", JSON.stringify(run));
    assert.equal(run.steps.find((s) => s.stepKey === "e2e/checked")?.status, "SUCCESS", "the API's step status itself: the step did materialize");
    await openRun(page, dev.url, runId);
    const row = page.locator('[data-testid="step-row"][data-step="e2e/checked"]');
    assert.equal(await row.getAttribute("data-state"), "CHECK_FAILED");
    const badge = (await row.getByTestId("step-status").innerText()).trim();
    assert.notEqual(badge, "SUCCESS");
    assert.match(badge, /BLOCKING CHECK FAILED/);
    assert.equal(await page.locator('[data-testid="step-row"][data-step="e2e/after_check"]').getAttribute("data-state"), "SKIPPED");
    assert.match(await page.getByTestId("failed-check").first().innerText(), /e2e\/checked: blocking check has_rows on e2e\/checked failed \(error\): 0 rows/);
    await page.screenshot({ path: uiArtifactPath("run-blocking-check-1440"), fullPage: true });
  });

  void it("draws a step retried twice as three attempt bars", async () => {
    const runId = await launch(dev.url, "e2e/flaky");
    const run = await finished(dev.url, runId);
    assert.equal(run.status, "SUCCESS", JSON.stringify(run));
    assert.equal(run.steps[0]?.attempts, 3);
    await openRun(page, dev.url, runId);
    const bars = page.locator('[data-testid="step-row"][data-step="e2e/flaky"] [data-testid="attempt-bar"]');
    assert.equal(await bars.count(), 3);
    const boxes = await bars.evaluateAll((els) => els.map((el) => ({ cls: el.className, ...(({ left, width }) => ({ left, width }))(el.getBoundingClientRect()) })));
    assert.deepEqual(boxes.map((b) => b.cls), ["bar s-RETRIED", "bar s-RETRIED", "bar s-SUCCESS"]);
    for (let i = 1; i < boxes.length; i++) assert.ok(boxes[i]!.left >= boxes[i - 1]!.left + boxes[i - 1]!.width - 1, `attempt ${i + 1} starts after attempt ${i} ended (the retry wait between them)`);
    await page.screenshot({ path: uiArtifactPath("run-retries-1440"), fullPage: true });
  });

  void it("prints log times with date, 24-hour time and zone, on one line", async () => {
    const runId = await launch(dev.url, "e2e/fine");
    await finished(dev.url, runId);
    await openRun(page, dev.url, runId);
    await page.getByTestId("logs").locator("tr", { hasText: "RUN_SUCCESS" }).first().waitFor();
    const cells = page.getByTestId("log-time");
    const texts = await cells.allInnerTexts();
    assert.ok(texts.length > 3);
    for (const t of texts) {
      assert.match(t, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} \S+$/, `a dated, zoned time: ${JSON.stringify(t)}`);
      assert.doesNotMatch(t, /AM|PM/);
    }
    // One line each, also at 800 px.
    await page.setViewportSize({ width: 800, height: 900 });
    const lines = await cells.evaluateAll((els) => els.map((el) => Math.round(el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight === "normal" ? "15" : getComputedStyle(el).lineHeight))));
    await page.setViewportSize({ width: 1440, height: 900 });
    assert.ok(lines.every((n) => n <= 1), `each time on one line: ${lines.join(",")}`);
  });

  void it("shows a re-execution's own steps, not the parent's selection", async () => {
    const parent = await launch(dev.url, "e2e/fine, e2e/broken_one, e2e/broken_two");
    assert.equal((await finished(dev.url, parent)).status, "FAILURE");
    writeFileSync(FLAG, "");
    await openRun(page, dev.url, parent);
    await page.getByRole("button", { name: "Re-execute from failure", exact: true }).click();
    await page.waitForURL((u) => u.pathname.startsWith("/runs/") && !u.pathname.endsWith(parent));
    const childId = decodeURIComponent(new URL(page.url()).pathname.slice("/runs/".length));
    const selection = page.getByTestId("run-selection");
    await selection.locator(".run-steps").waitFor();
    const text = await selection.innerText();
    assert.match(text, /^2 steps: e2e\/broken_one, e2e\/broken_two/, text);
    assert.match(text, new RegExp(`re-execution of ${parent.slice(0, 8)}`));
    await page.locator('[data-testid="run-status"]', { hasText: /SUCCESS|FAILURE/ }).waitFor({ timeout: 60_000 });
    assert.equal((await finished(dev.url, childId)).status, "SUCCESS");
    await page.getByTestId("timeline").waitFor();
    const steps = await page.getByTestId("step-row").evaluateAll((els) => els.map((el) => el.getAttribute("data-step")));
    assert.deepEqual(steps.sort(), ["e2e/broken_one", "e2e/broken_two"]);
    await page.screenshot({ path: uiArtifactPath("run-reexecution-1440"), fullPage: true });
  });
});
