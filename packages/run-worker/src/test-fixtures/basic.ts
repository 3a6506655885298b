/**
 * Test definitions: six independent slow assets (parallelism), a chain (ordering), a
 * multi-asset with metadata from addMetadata and the return value, and an environment probe.
 */
import { asset, defineDefinitions, meta, multiAsset } from "@flyt/sdk";
import { delay, recordExecution } from "./fixture-util.js";

const wide = ["1", "2", "3", "4", "5", "6"].map((n) =>
  asset({
    key: `wide/w${n}`,
    group: "wide",
    compute: async (context) => {
      recordExecution(context.stepKey);
      await delay(Number(process.env.FLYT_FIXTURE_STEP_MS ?? "150"));
    },
  }),
);

const x = asset({
  key: "chain/x",
  compute: async (context) => {
    recordExecution(context.stepKey);
    await delay(30);
    return { rows: 1 };
  },
});
const y = asset({
  key: "chain/y",
  deps: [x],
  codeVersion: "v7",
  compute: (context) => {
    recordExecution(context.stepKey);
    context.addMetadata({ rows: 2, source: "first" });
    context.addMetadata({ source: "second", url: meta.url("https://example.org/y") });
    return { rows: 3, ratio: 0.5 };
  },
});
const z = asset({
  key: "chain/z",
  deps: [y],
  compute: (context) => {
    recordExecution(context.stepKey);
    context.log.info("z ran", { upstream: "chain/y", attempt: context.attempt });
  },
});

const pair = multiAsset({
  name: "pair",
  assets: [{ key: "m/one" }, { key: "m/two" }],
  compute: (context) => {
    recordExecution(context.stepKey);
    context.addMetadata({ shared: true });
    context.addMetadata({ only: "one" }, "m/one");
    return { "m/two": { count: 2 } };
  },
});

const badMetadata = asset({
  key: "meta/bad",
  compute: () => ({ weird: { type: "int", value: "not a number" } }),
});

const envProbe = asset({
  key: "probe/env",
  compute: (context) => {
    const names = Object.keys(process.env).filter((name) => name.startsWith("FLYT_")).sort();
    context.log.info("env", { names, pid: process.pid, execArgv: process.execArgv });
  },
});

export default defineDefinitions({ assets: [...wide, x, y, z, pair, badMetadata, envProbe] });
