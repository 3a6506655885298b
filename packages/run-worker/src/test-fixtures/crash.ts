/**
 * Test definitions for crash isolation under the subprocess launcher: an asset that calls
 * process.exit(1), one that throws from a timer, one that aborts the process.
 */
import { asset, defineDefinitions } from "@flyt/sdk";

const exits = asset({
  key: "x/exit",
  compute: () => {
    process.stderr.write("about to exit\n");
    process.exit(1);
  },
});
const timer = asset({
  key: "x/timer",
  compute: async () => {
    setTimeout(() => {
      throw new Error("boom from a timer");
    }, 10);
    await new Promise((resolve) => setTimeout(resolve, 5_000));
  },
});
const aborts = asset({
  key: "x/abort",
  compute: () => {
    process.abort();
  },
});
const fine = asset({ key: "x/fine", compute: () => ({ ok: true }) });

export default defineDefinitions({ assets: [exits, timer, aborts, fine] });
