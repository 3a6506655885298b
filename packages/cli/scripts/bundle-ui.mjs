// `prepack` / `postpack` of @flyt/cli. The operator UI is static files built by Vite into
// packages/ui/dist; @flyt/ui is not published (docs/decisions/0023), so the published CLI carries a
// copy in dist/ui, where src/commands/ui-dir.ts looks when the workspace's build is not beside it.
// Usage: node scripts/bundle-ui.mjs copy | remove
import { cpSync, existsSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const source = fileURLToPath(new URL("../../ui/dist/", import.meta.url));
const target = fileURLToPath(new URL("../dist/ui/", import.meta.url));
const mode = process.argv[2];

if (mode === "copy") {
  if (!existsSync(`${source}index.html`)) {
    console.error(`@flyt/cli prepack: the UI is not built (${source}index.html is missing); run \`npm run build\` at the repository root first`);
    process.exit(1);
  }
  if (!existsSync(fileURLToPath(new URL("../dist/main.js", import.meta.url)))) {
    console.error("@flyt/cli prepack: packages/cli is not built (dist/main.js is missing); run `npm run build` at the repository root first");
    process.exit(1);
  }
  rmSync(target, { recursive: true, force: true });
  // Source maps stay behind, as for every published package (files excludes *.map).
  cpSync(source, target, { recursive: true, filter: (path) => !path.endsWith(".map") });
} else if (mode === "remove") {
  // After packing: a copy left behind would only go stale (ui-dir.ts prefers the workspace build anyway).
  rmSync(target, { recursive: true, force: true });
} else {
  console.error(`usage: node scripts/bundle-ui.mjs copy | remove (got ${mode ?? "nothing"})`);
  process.exit(2);
}
