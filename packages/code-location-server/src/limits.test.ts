/**
 * The code server never reports LOADED with a snapshot it cannot serve: definitions that got past
 * the SDK (hand-made, or from another SDK copy) are checked against protocol v1's schema at load,
 * and the location is ERROR naming each culprit and limit. Definitions at every limit the SDK
 * allows make a snapshot the schema accepts: the SDK and the protocol use the same numbers.
 */
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { DEFINITION_LIMITS as L } from "@flyt/core";
import { SnapshotSchema } from "@flyt/protocol";
import { asset, check, defineDefinitions, schedule, sensor, staticPartitions } from "@flyt/sdk";
import { buildSnapshot, snapshotProblems } from "./snapshot.js";
import { startCodeLocationServer } from "./index.js";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const work = join(repo, ".flyt-test", `code-server-limits-${process.pid}`);

// A Definitions object the SDK never saw: isDefinitions only checks its shape.
const HAND_MADE = `
const node = (key) => ({ key, deps: [], description: null, group: "default", owners: [], tags: {}, kinds: [], codeVersion: null,
  partitions: null, retryPolicy: null, stepKey: key, metadata: {} });
const nodes = new Map([["ok/a", node("ok/a")], ["raw/" + "x".repeat(5000), node("raw/" + "x".repeat(5000))]]);
export default { kind: "definitions", steps: new Map(), graph: { nodes }, resources: {}, schedules: [], sensors: [], externalAssets: [], checks: [] };
`;

describe("code server and definition limits", () => {
  before(() => {
    mkdirSync(work, { recursive: true });
    writeFileSync(join(work, "hand-made.mjs"), HAND_MADE);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it("is ERROR at load, naming the asset and the limit, for a snapshot outside the protocol's limits", async () => {
    const server = await startCodeLocationServer({ definitionsFile: join(work, "hand-made.mjs"), port: 0, log: () => undefined });
    try {
      assert.equal(server.loadStatus, "ERROR");
      const health = (await (await fetch(`${server.url}/v1/health`)).json()) as { status: string; error: { message: string } };
      assert.equal(health.status, "ERROR");
      assert.match(health.error.message, /the snapshot is outside protocol v1's limits/);
      assert.match(health.error.message, /asset "raw\/x{40}…\(5000 chars\)": key is 5004 characters, over the limit of 1024/);
      assert.doesNotMatch(health.error.message, /ok\/a/);
      const snapshot = await fetch(`${server.url}/v1/snapshot`);
      assert.equal(snapshot.status, 503);
    } finally {
      await server.close();
    }
  });

  it("accepts definitions at every limit the SDK allows", () => {
    const key = Array.from({ length: L.keySegments }, (_, i) => `${i}`.padEnd(31, "k")).join("/");
    assert.ok(key.length <= L.keyChars);
    const definitions = defineDefinitions({
      assets: [
        asset({
          key,
          description: "d".repeat(L.descriptionChars),
          group: "g".repeat(L.nameChars),
          owners: Array.from({ length: L.owners }, () => "o".repeat(L.ownerChars)),
          tags: Object.fromEntries(Array.from({ length: L.tags }, (_, i) => [`${i}`.padEnd(L.tagKeyChars, "t"), "v".repeat(L.tagValueChars)])),
          kinds: Array.from({ length: L.kinds }, (_, i) => `${i}`.padEnd(L.kindChars, "k")),
          codeVersion: "c".repeat(L.codeVersionChars),
          metadata: { note: "m".repeat(L.metadataBytes - 100) },
          partitions: staticPartitions(Array.from({ length: 1000 }, (_, i) => `${i}`.padEnd(L.partitionKeyChars, "p"))),
          compute: () => ({}),
        }),
        asset({ key: ["s", "x".repeat(L.keySegmentChars)], compute: () => ({}) }),
      ],
      checks: [check({ asset: key, name: "c".repeat(L.nameChars), description: "d".repeat(L.descriptionChars), evaluate: () => true })],
      schedules: [schedule({ name: "s".repeat(L.nameChars), cron: "0 6 * * *", target: "*", description: "d".repeat(L.descriptionChars) })],
      sensors: [sensor({ name: "n".repeat(L.nameChars), target: "*", evaluate: () => ({}) })],
    });
    const snapshot = buildSnapshot(definitions, "l".repeat(L.nameChars));
    assert.equal(snapshotProblems(snapshot), null);
    assert.equal(SnapshotSchema.safeParse(snapshot).success, true);
  });
});
