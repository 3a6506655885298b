/**
 * Test definitions for what a step reports while it runs (how the dbt integration builds many
 * assets in one step): `built` is a multi-asset of `built/a` → `built/b` → `built/c` that reports
 * each materialization and its checks as it goes, waiting between them on FLYT_FIXTURE_GATE_DIR
 * files so a test can look at the log in between; FLYT_FIXTURE_FAIL_AT names the asset whose
 * build fails (the later ones are then never built). `report/downstream` depends on `built/c`,
 * and `report/after_a` on `built/a`. `built/a` also has an evaluated check, which runs after it.
 * FLYT_FIXTURE_MISREPORT makes the step report what it may not: an asset it does not build
 * ("asset"), a check nobody declared ("check"), or one materialization twice ("twice").
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { asset, check, defineDefinitions, multiAsset } from "@flyt/sdk";
import { recordExecution } from "./fixture-util.js";

async function gate(name: string, signal: AbortSignal): Promise<void> {
  const dir = process.env.FLYT_FIXTURE_GATE_DIR;
  if (!dir) return;
  while (!existsSync(join(dir, name))) await sleep(10, undefined, { signal });
}

const built = multiAsset({
  name: "built",
  assets: [{ key: "built/a" }, { key: "built/b", deps: ["built/a"] }, { key: "built/c", deps: ["built/b"] }],
  compute: async (ctx) => {
    recordExecution(ctx.stepKey);
    const misreport = process.env.FLYT_FIXTURE_MISREPORT;
    if (misreport === "asset") ctx.reportMaterialization("report/downstream");
    if (misreport === "check") ctx.reportCheck({ assetKey: "built/a", checkName: "unique", passed: true });
    if (misreport === "twice") {
      ctx.reportMaterialization("built/a");
      ctx.reportMaterialization("built/a");
    }
    for (const key of ["built/a", "built/b", "built/c"]) {
      if (!ctx.assetKeys.includes(key)) continue;
      await gate(key.replace("/", "_"), ctx.signal);
      if (process.env.FLYT_FIXTURE_FAIL_AT === key) throw new Error(`building ${key} failed`);
      ctx.reportMaterialization(key, { rows: key.length }, { description: `built ${key}` });
      const block = key === "built/b" ? process.env.FLYT_FIXTURE_BLOCK : undefined;
      // "fail": built/b's blocking check fails; "warn": it fails as a warning (its result's own severity).
      ctx.reportCheck({ assetKey: key, checkName: "not_null", passed: block === undefined, metadata: { failures: 0 }, ...(block === "warn" ? { severity: "warn" as const } : {}) });
    }
  },
});
const downstream = asset({
  key: "report/downstream",
  deps: ["built/c"],
  compute: (ctx) => recordExecution(ctx.stepKey),
});
const afterA = asset({
  key: "report/after_a",
  deps: ["built/a"],
  compute: (ctx) => recordExecution(ctx.stepKey),
});

export default defineDefinitions({
  assets: [built, downstream, afterA],
  checks: [
    check({ asset: "built/a", name: "not_null" }),
    check({ asset: "built/b", name: "not_null", blocking: true, description: "no nulls in b" }),
    check({ asset: "built/c", name: "not_null", severity: "warn" }),
    check({ asset: "built/a", name: "evaluated", evaluate: ({ materializationMetadata }) => ({ passed: "rows" in materializationMetadata }) }),
  ],
});
