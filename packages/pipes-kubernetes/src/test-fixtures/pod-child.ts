/**
 * The program the fake kubelet runs as a pod's container: a Pipes child using @flyt/pipes-client
 * with the context inline in DAGSTER_PIPES_CONTEXT and messages on stderr, as in a real pod.
 * Scenario in argv[2].
 */
import { openDagsterPipes } from "@flyt/pipes-client";

const scenario = process.argv[2] ?? "materialize";
const pipes = openDagsterPipes();
pipes.logger.info(`pod child for ${pipes.assetKeys.join(",")} (run ${pipes.runId})`);
console.log("plain stdout line from the pod");
console.error("plain stderr line from the pod");

if (scenario === "materialize") {
  pipes.reportCustomMessage({ extras: pipes.extras });
  pipes.reportAssetMaterialization(
    { rows: 144, schema: { raw_value: { columns: [{ name: "year", type: "int" }] }, type: "table_schema" } },
    "pod-v1",
  );
  pipes.reportAssetCheck("has_rows", true, "WARN", { rows: 144 });
  pipes.close();
} else if (scenario === "throw") {
  setTimeout(() => {
    throw new RangeError("thrown inside the pod");
  }, 1);
} else if (scenario === "wait") {
  // Until the pod is deleted: cancellation must remove it.
  let beat = 0;
  setInterval(() => pipes.logger.debug(`still working ${++beat}`), 40);
}
