/**
 * Tests of the lazy dependencies: importing this package, declaring static or dynamic partitions
 * and mapping positions between them loads neither luxon nor croner (checked in a fresh process), each loads on first use, and the light
 * time-zone check accepts and rejects exactly what luxon's own check does.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { IANAZone } from "luxon";
import { isValidTimeZone } from "./lazy-deps.js";
import { inFreshProcess } from "./testing.js";

const indexUrl = new URL("./index.js", import.meta.url).href;

void describe("lazy dependencies", () => {
  void it("does not load luxon or croner at import, for static or dynamic partitions, ranges or mappings, and loads each on first use", () => {
    const out = inFreshProcess(indexUrl, `
const p = m;
p.partitionsFromSnapshot(p.staticPartitions(["a", "b"]).snapshot()).keys();
p.partitionKeySpace({ kind: "static", keys: ["a", "b"] }).keyAt(1);
p.dynamicPartitions({ name: "stations" }).has("x");
p.upstreamRangesFor({ kind: "identity" }, p.dynamicPartitionsSpace("s", 3), p.dynamicPartitionsSpace("s", 3), p.decodeRanges("0-2")).encode();
p.previousPartitionMapping();
const before = loaded();
p.nextScheduleTimes({ cron: "0 6 * * *", timezone: "Europe/Oslo" }, new Date(), 1);
const afterCron = loaded();
p.dailyPartitions({ start: "2024-01-01", timezone: "Europe/Oslo" });
console.log(JSON.stringify({ before, afterCron, afterPartitions: loaded() }));`);
    assert.deepEqual(JSON.parse(out), { before: "", afterCron: "croner", afterPartitions: "croner,luxon" });
  });

  void it("agrees with luxon on canonical zones, aliases, other spellings and unknown names", () => {
    for (const zone of ["UTC", "Europe/Oslo", "America/New_York", "US/Eastern", "Asia/Calcutta", "europe/oslo", "Etc/GMT+2", "Europe/Osloo", "Mars/Olympus", "", "utc"]) {
      assert.equal(isValidTimeZone(zone), IANAZone.isValidZone(zone), zone);
    }
  });
});
