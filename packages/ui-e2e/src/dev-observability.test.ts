/**
 * `flyt dev` with an `alerts:` section in flyt.yaml: a failing run reaches a local webhook
 * receiver through the in-process daemon and is listed by the `alertDeliveries` query; the dev
 * server answers `/metrics` (component "dev", its locations' load status) and `/readyz`.
 */
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, it } from "node:test";
import { startWebhookReceiver } from "@flyt/observability/testing";
import { graphql, REPO, startDev, tempDir, waitForLocations } from "./harness.js";

const dir = join(REPO, ".flyt-test", `ui-e2e-dev-obs-${process.pid}`);
const home = tempDir("flyt-dev-obs-");
after(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

void it("flyt dev sends alerts from flyt.yaml and serves /metrics and /readyz", async () => {
  const receiver = await startWebhookReceiver();
  const received = (): Array<Record<string, unknown>> => receiver.received.map((r) => JSON.parse(r.body) as Record<string, unknown>);
  const hook = `${receiver.url}/hook`;

  mkdirSync(dir, { recursive: true });
  const file = join(dir, "definitions.ts");
  writeFileSync(file, `import { asset, defineDefinitions } from "@flyt/sdk";
export default defineDefinitions({
  assets: [asset({ key: "obs/broken", compute: () => { throw new Error("broken on purpose"); } })],
});
`);
  const config = join(dir, "flyt.yaml");
  writeFileSync(config, `alerts:
  groupWindowSeconds: 0
  channels:
    hook: { type: webhook, url: ${hook} }
  rules:
    - { name: dev-failures, on: run_failure, channels: [hook] }
`);
  const dev = await startDev({ files: [file], env: { FLYT_HOME: home, FLYT_CONFIG: config } });
  try {
    await waitForLocations(dev.url);
    const launched = await graphql<{ launchRun: { __typename: string; run?: { runId: string } } }>(
      dev.url,
      `mutation { launchRun(selection: "obs/broken") { __typename ... on LaunchRunSuccess { run { runId } } } }`,
    );
    assert.equal(launched.launchRun.__typename, "LaunchRunSuccess", JSON.stringify(launched));
    const deadline = Date.now() + 60_000;
    while (!received().some((b) => b.kind === "run_failure")) {
      assert.ok(Date.now() < deadline, `no run_failure alert within 60 s\n${dev.output()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const alert = received().find((b) => b.kind === "run_failure")!;
    assert.equal(alert.rule, "dev-failures");
    assert.match(JSON.stringify(alert), new RegExp(launched.launchRun.run!.runId));

    const deliveries = await graphql<{ alertDeliveries: { nodes: Array<{ rule: string; outcome: string; channel: string }> } }>(
      dev.url,
      "{ alertDeliveries(first: 10) { nodes { rule outcome channel } } }",
    );
    assert.ok(deliveries.alertDeliveries.nodes.some((d) => d.rule === "dev-failures" && d.outcome === "sent" && d.channel === "hook"), JSON.stringify(deliveries));

    const metrics = await (await fetch(`${dev.url}/metrics`)).text();
    assert.match(metrics, /^flyt_code_location_loaded\{location="[^"]+",component="dev"\} 1$/m);
    assert.match(metrics, /^flyt_runs_ended_24h\{status="FAILURE",location="[^"]+",component="dev"\} 1$/m);
    const ready = await fetch(`${dev.url}/readyz`);
    assert.equal(ready.status, 200);
    const readyBody = (await ready.json()) as { storage: { schemaCurrent: boolean }; locations: Array<{ status: string }> };
    assert.equal(readyBody.storage.schemaCurrent, true);
    assert.deepEqual(readyBody.locations.map((l) => l.status), ["LOADED"]);
  } finally {
    await dev.stop();
    await receiver.close();
  }
});
