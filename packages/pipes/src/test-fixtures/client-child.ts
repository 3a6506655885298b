/**
 * A Node child using @flyt/pipes-client, the way Atlas's ingests do. Scenario in argv[2].
 */
import { openDagsterPipes } from "@flyt/pipes-client";

const scenario = process.argv[2] ?? "materialize";
const pipes = openDagsterPipes();
pipes.logger.info(`client child for ${pipes.assetKeys.join(",")}`);
pipes.reportCustomMessage({ extras: pipes.extras, partitionKey: pipes.partitionKey, runId: pipes.runId, retryNumber: pipes.retryNumber });

if (scenario === "materialize") {
  pipes.reportAssetMaterialization(
    {
      rows: 144,
      schema: { raw_value: { columns: [{ name: "year", type: "int" }] }, type: "table_schema" },
    },
    "ts-1",
  );
  pipes.reportAssetCheck("has_rows", true, "WARN", { rows: 144 });
  pipes.logger.warning("client warns");
  pipes.close();
} else if (scenario === "throw") {
  setTimeout(() => {
    throw new RangeError("thrown from the client child");
  }, 1);
} else if (scenario === "exit") {
  // Neither close() nor an error: the exit hook sends `closed`.
  pipes.reportAssetMaterialization({ rows: 1 });
}
