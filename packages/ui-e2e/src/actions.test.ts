/**
 * Sensors and the errors of actions, in chromium against a real `flyt dev` on a definitions file
 * the test writes: a sensor's page shows its cursor and each tick's cursor (docs/ui.md promises
 * it); when a toggle, a location reload or a re-execution is refused or cannot reach the server,
 * the page says so and why instead of swallowing it (the failures are made by intercepting the
 * GraphQL request in the browser: a 403 from the auth layer, a refusal as a union result, a
 * dropped connection).
 */
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Page, Route } from "playwright-core";
import { closeSession, type Browser, type DevServer, graphql, openSession, REPO, tempDir, uiArtifactPath } from "./harness.js";

const DEFS_DIR = join(REPO, ".flyt-test", `ui-e2e-actions-${process.pid}`);
const DEFS = join(DEFS_DIR, "definitions.ts");

const definitions = `
import { asset, defineDefinitions, sensor } from "@flyt/sdk";
export default defineDefinitions({
  assets: [asset({ key: "e2e/thing", compute: () => ({}) })],
  sensors: [
    sensor({
      name: "e2e_cursor_sensor",
      target: "e2e/thing",
      minimumIntervalSeconds: 1,
      defaultStatus: "RUNNING",
      evaluate: ({ cursor }) => ({ skipReason: "nothing new", cursor: "release-" + (Number((cursor ?? "release-0").slice(8)) + 1) }),
    }),
  ],
});
`;

/** Answers the GraphQL operation named `operation` with `answer`; every other request goes through. */
async function intercept(page: Page, operation: string, answer: (route: Route) => Promise<void>): Promise<() => Promise<void>> {
  const handler = async (route: Route) => {
    const body = route.request().postData() ?? "";
    if (body.includes(`${operation}(`) || body.includes(`${operation} `)) await answer(route);
    else await route.continue();
  };
  await page.route("**/graphql", handler);
  return () => page.unroute("**/graphql", handler);
}

void describe("sensor cursor and action errors in chromium", () => {
  let dev: DevServer;
  let browser: Browser;
  let page: Page;
  const work = tempDir("flyt-ui-e2e-actions-");

  before(async () => {
    mkdirSync(DEFS_DIR, { recursive: true });
    writeFileSync(DEFS, definitions);
    ({ browser, dev, page } = await openSession({ files: [DEFS], env: { FLYT_HOME: join(work, "home") } }));
  });

  after(async () => {
    await closeSession({ browser, dev }, work);
    rmSync(DEFS_DIR, { recursive: true, force: true });
  });

  void it("shows a sensor's cursor and the cursor of each tick", async () => {
    const { sensors } = await graphql<{ sensors: Array<{ id: string; name: string }> }>(dev.url, "{ sensors { id name } }");
    const id = sensors.find((s) => s.name === "e2e_cursor_sensor")!.id;
    let cursor: string | null = null;
    for (const deadline = Date.now() + 60_000; cursor === null; ) {
      const { instigator } = await graphql<{ instigator: { cursor: string | null } }>(dev.url, "query($id: String!) { instigator(id: $id) { ... on Sensor { cursor } } }", { id });
      cursor = instigator.cursor;
      assert.ok(cursor !== null || Date.now() < deadline, `the sensor set no cursor within 60 s\n${dev.output().slice(-2000)}`);
      if (cursor === null) await new Promise((r) => setTimeout(r, 250));
    }
    assert.match(cursor, /^release-\d+$/);
    await page.goto(`${dev.url}/sensors/${encodeURIComponent(id)}`);
    const shown = page.getByTestId("sensor-cursor");
    await shown.locator("code").waitFor();
    assert.match(await shown.innerText(), /^release-\d+$/);
    const tickCursors = await page.getByTestId("tick-cursor").allInnerTexts();
    assert.ok(tickCursors.some((c) => /^release-\d+$/.test(c.trim())), `ticks show their cursor: ${tickCursors.join(", ")}`);
    await page.screenshot({ path: uiArtifactPath("sensor-cursor-1440"), fullPage: true });
  });

  void it("shows why a toggle failed: refused by the auth layer, or the server unreachable", async () => {
    const { sensors } = await graphql<{ sensors: Array<{ id: string; name: string }> }>(dev.url, "{ sensors { id name } }");
    const id = sensors.find((s) => s.name === "e2e_cursor_sensor")!.id;
    await page.goto(`${dev.url}/sensors`);
    const toggle = page.getByTestId(`toggle-${id}`);
    await toggle.waitFor();
    let restore = await intercept(page, "SetStatus", (route) => route.fulfill({ status: 403, contentType: "application/json", body: JSON.stringify({ error: { code: "FORBIDDEN", message: "Role viewer may not change sensors." } }) }));
    await toggle.click();
    assert.equal((await page.getByTestId("toggle-error").innerText()).trim(), "Could not stop it: Role viewer may not change sensors.");
    await restore();
    restore = await intercept(page, "SetStatus", (route) => route.abort("connectionrefused"));
    await toggle.click();
    await page.getByTestId("toggle-error").filter({ hasText: /Could not stop it: .*(fetch|network)/i }).waitFor();
    await restore();
    const { instigator } = await graphql<{ instigator: { status: string } }>(dev.url, "query($id: String!) { instigator(id: $id) { status } }", { id });
    assert.equal(instigator.status, "RUNNING", "nothing changed");
  });

  void it("shows why a location reload failed", async () => {
    await page.goto(`${dev.url}/locations`);
    const reload = page.getByRole("button", { name: "Reload" });
    await reload.waitFor();
    let restore = await intercept(page, "Reload", (route) => route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify({ data: { reloadLocation: { __typename: "UnauthorizedError", message: "Your role cannot do this: it needs operator." } } }) }));
    await reload.click();
    assert.equal((await page.getByTestId("reload-error").innerText()).trim(), "Reload failed: Your role cannot do this: it needs operator.");
    await restore();
    restore = await intercept(page, "Reload", (route) => route.abort("connectionreset"));
    await reload.click();
    await page.getByTestId("reload-error").filter({ hasText: /Reload failed: .*(fetch|network)/i }).waitFor();
    await restore();
  });

  void it("shows why a re-execution failed", async () => {
    const { launchRun } = await graphql<{ launchRun: { __typename: string; run?: { runId: string } } }>(dev.url, `mutation { launchRun(selection: "e2e/thing") { __typename ... on LaunchRunSuccess { run { runId } } ... on Error { message } } }`);
    assert.equal(launchRun.__typename, "LaunchRunSuccess", JSON.stringify(launchRun));
    const runId = launchRun.run!.runId;
    await page.goto(`${dev.url}/runs/${runId}`);
    await page.locator('[data-testid="run-status"]', { hasText: /SUCCESS|FAILURE/ }).waitFor({ timeout: 60_000 });
    const restore = await intercept(page, "Reexecute", (route) => route.abort("connectionreset"));
    await page.getByRole("button", { name: "Re-execute all", exact: true }).click();
    const notice = page.getByTestId("run-notice");
    await notice.filter({ hasText: /Re-execution failed: .*(fetch|network)/i }).waitFor();
    assert.equal(await notice.getAttribute("class"), "error");
    await restore();
    assert.match(page.url(), new RegExp(`/runs/${runId}$`), "stayed on the run");
  });
});
