/**
 * Loads a user's definitions module. TypeScript files are bundled once with esbuild into a cached
 * ESM file (see bundle-definitions.ts) and imported from there; JavaScript loads directly. Every
 * failure becomes a DefinitionsLoadError naming the file, with the original error as its cause.
 */
import { stat } from "node:fs/promises";
import { extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { coerceError, DefinitionsLoadError, InvalidDefinitionsError } from "@flyt/core";
import { isDefinitions, type Definitions } from "@flyt/sdk";
import { bundleDefinitions } from "./bundle-definitions.js";

const TYPESCRIPT_EXTENSIONS = new Set([".ts", ".mts", ".cts", ".tsx"]);
const JAVASCRIPT_EXTENSIONS = new Set([".js", ".mjs", ".cjs"]);

/**
 * Imports `file` (absolute or relative to the working directory) and returns its definitions:
 * the default export, else the export named `definitions`, else the only Definitions export.
 */
export async function loadDefinitions(file: string): Promise<Definitions> {
  if (typeof file !== "string" || file.trim() === "") {
    throw new DefinitionsLoadError(String(file), "no definitions file given");
  }
  const path = resolve(file);
  const extension = extname(path).toLowerCase();

  try {
    const info = await stat(path);
    if (!info.isFile()) throw new DefinitionsLoadError(path, "not a file");
  } catch (error) {
    if (error instanceof DefinitionsLoadError) throw error;
    throw new DefinitionsLoadError(path, "the file does not exist (check the path, relative to the current directory)", {
      cause: error,
    });
  }
  if (!TYPESCRIPT_EXTENSIONS.has(extension) && !JAVASCRIPT_EXTENSIONS.has(extension)) {
    throw new DefinitionsLoadError(path, `unsupported file type ${JSON.stringify(extension)}; use a .ts, .mts, .js or .mjs module`);
  }

  let module: Record<string, unknown>;
  try {
    const importable = TYPESCRIPT_EXTENSIONS.has(extension) ? await bundleDefinitions(path) : path;
    module = (await import(pathToFileURL(importable).href)) as Record<string, unknown>;
  } catch (thrown) {
    const error = coerceError(thrown);
    if (error instanceof InvalidDefinitionsError) {
      throw new DefinitionsLoadError(path, error.message, { cause: error });
    }
    throw new DefinitionsLoadError(path, `importing the module failed: ${describeImportError(error)}`, { cause: error });
  }

  return pickDefinitions(path, module);
}

function pickDefinitions(path: string, module: Record<string, unknown>): Definitions {
  if (isDefinitions(module.default)) return module.default;
  if (isDefinitions(module.definitions)) return module.definitions;
  const found = Object.entries(module).filter(([, value]) => isDefinitions(value));
  if (found.length === 1) return found[0]![1] as Definitions;
  if (found.length > 1) {
    throw new DefinitionsLoadError(
      path,
      `it exports several definitions (${found.map(([name]) => name).join(", ")}); export the one to use as default or as \`definitions\``,
    );
  }
  const names = Object.keys(module);
  throw new DefinitionsLoadError(
    path,
    "it exports no definitions: `export default defineDefinitions({ assets: [...] })`" +
      (names.length > 0 ? ` (found exports: ${names.join(", ")})` : " (the module has no exports)"),
  );
}

function describeImportError(error: Error): string {
  // esbuild build errors carry the file, line and column in their message already; keep it, drop noise.
  const firstLines = error.message.split("\n").slice(0, 12).join("\n");
  return `${error.name === "Error" ? "" : `${error.name}: `}${firstLines}`;
}
