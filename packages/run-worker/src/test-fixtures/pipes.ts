/**
 * Test definitions whose compute runs Pipes children (the @flyt/pipes test fixtures): a
 * TypeScript client child, a multi-asset where the child reports one of two assets, a failing
 * child, and one that floods stderr past the step's output cap.
 */
import { fileURLToPath } from "node:url";
import { asset, multiAsset } from "@flyt/sdk";
import { defineDefinitions } from "@flyt/sdk";

const pipesFixture = (name: string): string => fileURLToPath(new URL(`../../../pipes/dist/test-fixtures/${name}`, import.meta.url));
const node = process.execPath;

const reported = asset({
  key: "pipes/reported",
  codeVersion: "c1",
  compute: async (ctx) => {
    ctx.addMetadata({ before: 1 });
    const result = await ctx.pipes.run(node, [pipesFixture("client-child.js"), "materialize"], { extras: { from: "fixture" } });
    return { custom: result.customMessages.length };
  },
});

const pair = multiAsset({
  name: "pipes_pair",
  assets: [{ key: "pipes/a" }, { key: "pipes/b" }],
  compute: async (ctx) => {
    // The raw child reports nothing; the client child cannot be used here (two assets, no key), so a shell line does it.
    const line = JSON.stringify({
      __dagster_pipes_version: "0.1",
      method: "report_asset_materialization",
      params: { asset_key: "pipes/a", data_version: "dv-a", metadata: { rows: { raw_value: 5, type: "int" } } },
    });
    await ctx.pipes.run("sh", ["-c", `echo '${line}' >&2; echo '{"__dagster_pipes_version":"0.1","method":"closed","params":{}}' >&2`], { channel: "stdio" });
  },
});

const failing = asset({
  key: "pipes/failing",
  compute: async (ctx) => {
    await ctx.pipes.run(node, [pipesFixture("client-child.js"), "throw"]);
  },
});

const noisy = asset({
  key: "pipes/noisy",
  compute: async (ctx) => {
    await ctx.pipes.run("sh", ["-c", "head -c 3000000 /dev/zero | tr '\\\\0' 'e' >&2; echo done"]);
  },
});

export default defineDefinitions({ assets: [reported, pair, failing, noisy] });
