/**
 * The file `flyt materialize -f` runs in the CLI drill: one asset that records its execution (with
 * the pid of the process that ran it), so N materializations with a daemon watching the same
 * database must leave exactly N lines.
 */
import { asset, defineDefinitions } from "@flyt/sdk";
import { recordExecution } from "./record.js";

export default defineDefinitions({
  assets: [
    asset({
      key: "cli/pid",
      compute: (ctx) => {
        recordExecution(ctx);
        return { pid: process.pid };
      },
    }),
  ],
});
