/**
 * Where the built UI lives: served by `flyt dev` and `flyt webserver` when present. In this
 * repository it is packages/ui/dist (made by `npm run build`); the published @flyt/cli carries a
 * copy in its own dist/ui (scripts/bundle-ui.mjs, run by `npm pack`), because @flyt/ui is not
 * published (docs/decisions/0023).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const WORKSPACE_UI = fileURLToPath(new URL("../../../ui/dist/", import.meta.url));
const PACKAGED_UI = fileURLToPath(new URL("../ui/", import.meta.url));

export function uiDistDir(): string {
  // The workspace's build first: it is the one `npm run build` refreshes.
  if (existsSync(join(WORKSPACE_UI, "index.html"))) return WORKSPACE_UI;
  if (existsSync(join(PACKAGED_UI, "index.html"))) return PACKAGED_UI;
  return WORKSPACE_UI;
}

/** The UI folder if it has been built, else null (the API still works without it). */
export function builtUiDir(): string | null {
  const dir = uiDistDir();
  return existsSync(join(dir, "index.html")) ? dir : null;
}
