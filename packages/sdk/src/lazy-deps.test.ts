/**
 * Tests of the SDK's lazy dependencies: importing the SDK and declaring plain assets loads
 * neither luxon nor croner (checked in a fresh process), and they load on first use. They are
 * loaded by @flyt/partitions (its own tests check the time-zone check against luxon's).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inFreshProcess } from "@flyt/partitions/testing";

const sdkUrl = new URL("./index.js", import.meta.url).href;

void describe("lazy dependencies", () => {
  void it("does not load luxon or croner for plain assets, and loads them on first use", () => {
    const out = inFreshProcess(sdkUrl, `
const sdk = m;
const a = sdk.asset({ key: "a", compute: () => undefined });
sdk.defineDefinitions({ assets: [a, sdk.asset({ key: "b", deps: ["a"], partitions: sdk.staticPartitions(["x"]), compute: () => undefined })] });
const before = loaded();
sdk.schedule({ name: "s", cron: "0 6 * * *", timezone: "Europe/Oslo", target: "*" });
const afterSchedule = loaded();
sdk.dailyPartitions({ start: "2024-01-01", timezone: "Europe/Oslo" });
console.log(JSON.stringify({ before, afterSchedule, afterPartitions: loaded() }));`);
    assert.deepEqual(JSON.parse(out), { before: "", afterSchedule: "croner", afterPartitions: "croner,luxon" });
  });
});
