/**
 * Definitions for the launch and backfill browser tests, written as files for a real `flyt dev`:
 * `shop` (a chain raw → clean → mart, a lone asset, and two partitioned assets that a backfill runs
 * together) and `bulk` (more assets than one catalog page holds — the catalog pages by 500 — with
 * owners, kinds and tags to filter by, and one asset reading shop/mart from the other location, so
 * "+ downstream" spans two code locations). The files go inside the repository so that they
 * resolve @flyt/sdk from its node_modules.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "./harness.js";

/** The static partitions of shop/daily and shop/daily_rollup. */
export const PARTITION_KEYS = ["k1", "k2", "k3", "k4", "k5", "k6"];

/** Assets in group bulk: one page of 500 and a second page. */
export const BULK_COUNT = 520;

/** How long each partition's compute takes: long enough for the backfill page to be seen in progress. */
const PARTITION_MS = 1_200;

const SHOP = `
import { asset, defineDefinitions, staticPartitions } from "@flyt/sdk";
const keys = staticPartitions(${JSON.stringify(PARTITION_KEYS)});
const slow = () => new Promise((resolve) => setTimeout(() => resolve({}), ${PARTITION_MS}));
export default defineDefinitions({ assets: [
  asset({ key: "shop/raw", compute: () => ({}) }),
  asset({ key: "shop/clean", deps: ["shop/raw"], compute: () => ({}) }),
  asset({ key: "shop/mart", deps: ["shop/clean"], compute: () => ({}) }),
  asset({ key: "shop/other", compute: () => ({}) }),
  asset({ key: "shop/daily", group: "parts", partitions: keys, compute: slow }),
  asset({ key: "shop/daily_rollup", group: "parts", deps: ["shop/daily"], partitions: keys, compute: slow }),
] });
`;

const BULK = `
import { asset, defineDefinitions, externalAsset } from "@flyt/sdk";
const mart = externalAsset("shop/mart", { location: "shop" });
const bulk = Array.from({ length: ${BULK_COUNT} }, (_, i) => {
  const n = String(i).padStart(3, "0");
  // The first ten carry an owner, a kind and a tag, for the catalog's filters.
  const marked = i < 10 ? { owners: ["team:bulk"], kinds: ["csv"], tags: { tier: "gold" } } : {};
  return asset({ key: "bulk/a" + n, group: "bulk", ...marked, compute: () => ({}) });
});
export default defineDefinitions({ assets: [
  ...bulk,
  asset({ key: "report/weekly", group: "report", deps: [mart], compute: () => ({}) }),
] });
`;

export interface Fixture {
  /** The definitions files, one code location each (named after the file: shop, bulk). */
  files: string[];
  remove: () => void;
}

/** Writes the fixture's files into a folder of their own inside the repository. */
export function writeLaunchFixture(name: string, options: { bulk: boolean }): Fixture {
  const dir = join(REPO, ".flyt-test", `ui-e2e-${name}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const shop = join(dir, "shop.ts");
  writeFileSync(shop, SHOP);
  const files = [shop];
  if (options.bulk) {
    const bulk = join(dir, "bulk.ts");
    writeFileSync(bulk, BULK);
    files.push(bulk);
  }
  return { files, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
