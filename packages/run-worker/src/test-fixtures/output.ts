/**
 * Test definitions for output capture: `o/flood` writes FLYT_FIXTURE_FLOOD_MB MiB to stdout,
 * `o/chatty` prints many small lines on both streams (coalescing).
 */
import { asset, defineDefinitions } from "@flyt/sdk";

const flood = asset({
  key: "o/flood",
  compute: async () => {
    const megabytes = Number(process.env.FLYT_FIXTURE_FLOOD_MB ?? "50");
    const chunk = "x".repeat(64 * 1024 - 1) + "\n";
    const chunks = megabytes * 16;
    for (let i = 0; i < chunks; i++) {
      process.stdout.write(chunk);
      if (i % 64 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    return { chunks };
  },
});
const chatty = asset({
  key: "o/chatty",
  compute: () => {
    for (let i = 0; i < 1000; i++) console.log(`line ${i}`);
    console.error("an error line");
    process.stdout.write(Buffer.from("bytes too\n"));
  },
});

export default defineDefinitions({ assets: [flood, chatty] });
