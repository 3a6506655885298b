/**
 * An asset whose side effect can be counted: every execution appends "<run id> <pid>" to the file
 * named by FLYT_TEST_EXECUTIONS_FILE. Tests compare the lines with the runs to prove each run was
 * executed exactly once, by one process.
 */
import { appendFileSync } from "node:fs";
import { asset, defineDefinitions } from "@flyt/sdk";

const counted = asset({
  key: "effects/counted",
  compute: async (ctx) => {
    const file = process.env.FLYT_TEST_EXECUTIONS_FILE;
    if (!file) throw new Error("FLYT_TEST_EXECUTIONS_FILE is not set");
    appendFileSync(file, `${ctx.runId} ${process.pid}\n`);
    // Long enough for a second launcher, if there were one, to start its own worker meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { ok: 1 };
  },
});

export default defineDefinitions({ assets: [counted] });
