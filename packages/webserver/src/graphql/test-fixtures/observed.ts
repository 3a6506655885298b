/**
 * Definitions for the observability API tests: assets with freshness policies (one time window,
 * one cron deadline), one without, and checks of both severities on them.
 */
import { asset, check, defineDefinitions } from "@flyt/sdk";

const daily = asset({ key: "obs/daily", group: "ingest", freshnessPolicy: { maximumLagMinutes: 26 * 60, warnAfterMinutes: 24 * 60 }, compute: () => ({ row_count: 1 }) });
const morning = asset({ key: "obs/morning", group: "ingest", freshnessPolicy: { cron: "0 9 * * *", timezone: "Europe/Oslo", maximumLagMinutes: 24 * 60 }, compute: () => ({ row_count: 2 }) });
const plain = asset({ key: "obs/plain", group: "transform", deps: [daily], compute: () => ({ row_count: 3 }) });

export default defineDefinitions({
  assets: [daily, morning, plain],
  checks: [
    check({ asset: "obs/daily", name: "row_count", severity: "error", blocking: true, evaluate: () => true }),
    check({ asset: "obs/daily", name: "not_null", severity: "warn", evaluate: () => true }),
    check({ asset: "obs/plain", name: "never_run", severity: "warn", description: "declared, never evaluated", evaluate: () => true }),
  ],
});
