/**
 * A Pipes child (the Atlas pattern: a separate TypeScript program using @flyt/pipes-client, run
 * compiled with node): lands the recorded MET forecast and reports its row count and schema.
 */
import { readFileSync } from "node:fs";
import { openDagsterPipes } from "@flyt/pipes-client";

using pipes = openDagsterPipes();
const file = String(pipes.getExtra("forecast_file"));
const forecast = JSON.parse(readFileSync(file, "utf8")) as { properties: { timeseries: Array<{ time: string; data: { instant: { details: Record<string, number> } } }> } };
const steps = forecast.properties.timeseries;
const detailKeys = [...new Set(steps.flatMap((step) => Object.keys(step.data.instant.details)))].sort();
pipes.logger.info(`landed ${steps.length} forecast steps from ${file}`);
pipes.reportAssetMaterialization({
  rows: steps.length,
  schema: { raw_value: { columns: [{ name: "time", type: "TEXT" }, ...detailKeys.map((name) => ({ name, type: "REAL" }))] }, type: "table_schema" },
  first_step: steps[0]?.time ?? null,
  source_file: { raw_value: file, type: "path" },
});
pipes.reportAssetCheck("has_steps", steps.length > 0, "ERROR", { rows: steps.length });
