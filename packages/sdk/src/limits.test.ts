/**
 * Definitions over protocol v1's limits (DEFINITION_LIMITS) fail where they are declared, naming
 * the asset, schedule, sensor or check, the field and the limit; and a definition at each limit
 * builds a snapshot the protocol's schema accepts, so the SDK and the schema agree on the numbers.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DEFINITION_LIMITS as L } from "@flyt/core";
import { asset } from "./asset.js";
import { multiAsset } from "./multi-asset.js";
import { check } from "./checks.js";
import { schedule } from "./schedules.js";
import { assetSensor, runStatusSensor, sensor } from "./sensors.js";
import { staticPartitions } from "@flyt/partitions";
import { findProblem, problemsOf } from "@flyt/partitions/testing";

const noop = (): void => undefined;
const long = (n: number, c = "x"): string => c.repeat(n);

void describe("definition limits", () => {
  void it("names the asset and the limit for an over-long key segment, without printing the whole key", () => {
    const problems = problemsOf(() => asset({ key: ["raw", long(5000)], compute: noop }));
    assert.equal(problems.length, 1);
    const [problem] = problems;
    assert.match(problem!.subject, /^asset "raw\/x{40}…\(5000 chars\)"$/);
    assert.match(problem!.message, /^key segment 2 is 5000 characters, over the limit of 255 \(declared at .*limits\.test\.js:\d+\)$/);
    // A segment at the limit is fine.
    assert.equal(asset({ key: ["raw", long(L.keySegmentChars)], compute: noop }).nodes[0]!.key.length, 4 + L.keySegmentChars);
  });

  void it("bounds the segment count and the printed length of keys, deps included", () => {
    const segments = Array.from({ length: L.keySegments + 1 }, (_, i) => `s${i}`);
    findProblem(problemsOf(() => asset({ key: segments, compute: noop })), `asset "${segments.join("/")}"`, /^key has 33 segments, over the limit of 32/);
    const printed = Array.from({ length: 5 }, () => long(250)).join("/");
    findProblem(problemsOf(() => asset({ key: printed, compute: noop })), `asset "${printed.split("/").map((s) => `${s.slice(0, 40)}…(250 chars)`).join("/")}"`, /^key in all is 1254 characters, over the limit of 1024/);
    findProblem(problemsOf(() => asset({ key: "a", deps: [long(300, "d")], compute: noop })), 'asset "a"', /^deps\[0\] "d{40}…\(300 chars\)" is not a valid asset key: segment 1 is 300 characters, over the limit of 255/);
  });

  void it("bounds an asset's description, group, owners, tags, kinds, code version and metadata", () => {
    const problems = problemsOf(() =>
      asset({
        key: "a",
        description: long(L.descriptionChars + 1),
        group: long(L.nameChars + 1, "g"),
        owners: [long(L.ownerChars + 1, "o")],
        tags: { team: long(L.tagValueChars + 1) },
        kinds: [long(L.kindChars + 1, "k")],
        codeVersion: long(L.codeVersionChars + 1, "v"),
        compute: noop,
      }),
    );
    findProblem(problems, 'asset "a"', /^description is 65537 characters, over the limit of 65536/);
    findProblem(problems, 'asset "a"', /^group is 201 characters, over the limit of 200/);
    findProblem(problems, 'asset "a"', /^owners\[0\] is 201 characters, over the limit of 200/);
    findProblem(problems, 'asset "a"', /^tags\.team is 1025 characters, over the limit of 1024/);
    findProblem(problems, 'asset "a"', /^kinds\[0\] is 101 characters, over the limit of 100/);
    findProblem(problems, 'asset "a"', /^codeVersion is 256 characters, over the limit of 255/);
    const many = Object.fromEntries(Array.from({ length: L.tags + 1 }, (_, i) => [`t${i}`, "v"]));
    findProblem(problemsOf(() => asset({ key: "a", tags: many, compute: noop })), 'asset "a"', /^tags is 101 entries, over the limit of 100/);
    findProblem(problemsOf(() => asset({ key: "a", owners: Array.from({ length: L.owners + 1 }, (_, i) => `o${i}`), compute: noop })), 'asset "a"', /^owners is 51 entries, over the limit of 50/);
    findProblem(problemsOf(() => asset({ key: "a", metadata: { schema: long(L.metadataBytes) }, compute: noop })), 'asset "a"', /^metadata is \d+ bytes, over the limit of 65536 serialized/);
  });

  void it("bounds multi-asset names and members, checks, schedules, sensors and static partitions", () => {
    findProblem(
      problemsOf(() => multiAsset({ name: "m", assets: [{ key: ["m", long(256)] }], compute: noop })),
      'multi-asset "m"',
      /^assets\[0\]\.key "m\/x{40}…\(256 chars\)" is not a valid asset key: segment 2 is 256 characters, over the limit of 255/,
    );
    findProblem(problemsOf(() => multiAsset({ name: long(L.keyChars + 1, "n"), assets: [{ key: "a" }], compute: noop })), `multi-asset "${"n".repeat(40)}…(1025 chars)"`, /^name segment 1 is 1025 characters, over the limit of 255/);
    findProblem(problemsOf(() => check({ asset: "a", name: long(201, "c"), evaluate: () => true })), `check "a:${"c".repeat(40)}…(201 chars)"`, /^name is 201 characters, over the limit of 200/);
    findProblem(problemsOf(() => check({ asset: "a", name: "c", description: long(L.descriptionChars + 1), evaluate: () => true })), 'check "a:c"', /^description is 65537 characters/);
    findProblem(problemsOf(() => schedule({ name: long(201, "s"), cron: "0 6 * * *", target: "*" })), `schedule "${"s".repeat(40)}…(201 chars)"`, /^name is 201 characters, over the limit of 200/);
    const schedulePs = problemsOf(() => schedule({ name: "s", cron: "0 6 * * *", target: "*", tags: { k: long(L.tagValueChars + 1) }, description: long(L.descriptionChars + 1) }));
    findProblem(schedulePs, 'schedule "s"', /^tags\.k is 1025 characters, over the limit of 1024/);
    findProblem(schedulePs, 'schedule "s"', /^description is 65537 characters/);
    findProblem(problemsOf(() => sensor({ name: "s", target: "*", description: long(L.descriptionChars + 1), evaluate: () => ({}) })), 'sensor "s"', /^description is 65537 characters/);
    findProblem(problemsOf(() => assetSensor({ name: "s", target: "*", assets: [long(300)] })), 'asset sensor "s"', /^assets\[0\] "x{40}…\(300 chars\)" is not a valid asset key: segment 1 is 300 characters/);
    findProblem(problemsOf(() => runStatusSensor({ name: "s", target: "*", tags: { [long(L.tagKeyChars + 1, "k")]: "v" } })), 'run-status sensor "s"', /\(the key\) is 256 characters, over the limit of 255/);
    findProblem(problemsOf(() => staticPartitions(Array.from({ length: L.partitionKeys + 1 }, (_, i) => `p${i}`))), "staticPartitions", /^keys is 200001 entries, over the limit of 200000/);
  });
});
