/**
 * Where the built UI lives (packages/ui/dist, made by `npm run build`): served by `flyt dev` and
 * `flyt webserver` when present.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export function uiDistDir(): string {
  return fileURLToPath(new URL("../../../ui/dist/", import.meta.url));
}

/** The UI folder if it has been built, else null (the API still works without it). */
export function builtUiDir(): string | null {
  const dir = uiDistDir();
  return existsSync(join(dir, "index.html")) ? dir : null;
}
