/**
 * Definitions of the CLI's automation tests: a source asset without a condition and an eager
 * chain below it (`auto/clean` then `auto/report`), and an asset materialized only when missing.
 */
import { asset, AutomationCondition, defineDefinitions } from "@flyt/sdk";

const source = asset({ key: "auto/source", group: "auto", compute: () => ({ rows: 1 }) });

const clean = asset({
  key: "auto/clean",
  group: "auto",
  deps: [source],
  automationCondition: AutomationCondition.eager(),
  compute: () => ({ rows: 1 }),
});

const report = asset({
  key: "auto/report",
  group: "auto",
  deps: [clean],
  automationCondition: AutomationCondition.eager(),
  compute: () => ({ rows: 1 }),
});

const lookup = asset({ key: "auto/lookup", group: "auto", automationCondition: AutomationCondition.onMissing(), compute: () => ({ rows: 1 }) });

export default defineDefinitions({ assets: [source, clean, report, lookup] });
