/**
 * Loads a user's definitions module. TypeScript files are bundled once with esbuild into a cached
 * ESM file (see bundle-definitions.ts) and imported from there; JavaScript loads directly. Every
 * failure becomes a DefinitionsLoadError naming the file, with the original error as its cause and
 * the user's own file:line where the error was thrown (the bundle's inline source map is read for
 * that). A module that calls `process.exit()` while being imported does not end the importing
 * process (the CLI, a code server): the call is turned into that error.
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
    // Stack traces of user code name its own files and lines (only modules loaded from now on are mapped).
    process.setSourceMapsEnabled(true);
    module = await withExitGuard(async () => (await import(pathToFileURL(importable).href)) as Record<string, unknown>);
  } catch (thrown) {
    const error = coerceError(thrown);
    if (error instanceof InvalidDefinitionsError) {
      throw new DefinitionsLoadError(path, error.message, { cause: error });
    }
    if (error instanceof ExitAtImport) throw new DefinitionsLoadError(path, error.message, { cause: error });
    // A build error (syntax) says where itself; a runtime error thrown at import gets its frame.
    const where = isBuildFailure(error) ? null : userFrame(error);
    throw new DefinitionsLoadError(path, `importing the module failed${where === null ? "" : ` at ${where}`}: ${describeImportError(error)}`, { cause: error });
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

/** `process.exit()` called by a definitions module while it was being imported. */
class ExitAtImport extends Error {
  constructor(readonly exitCode: string | number | null | undefined) {
    super(`the module called process.exit(${exitCode === undefined || exitCode === null ? "" : String(exitCode)}) while being imported; definitions must not end the process (throw an error instead)`);
  }
}

let guarding = 0;
/** Restored as the very same function object (eslint: it is never called unbound here). */
// eslint-disable-next-line @typescript-eslint/unbound-method
const realExit = process.exit;

/** Runs an import with process.exit turned into a thrown ExitAtImport (nested loads share the guard). */
async function withExitGuard<T>(load: () => Promise<T>): Promise<T> {
  if (guarding === 0) {
    process.exit = (code?: string | number | null): never => {
      throw new ExitAtImport(code);
    };
  }
  guarding += 1;
  try {
    return await load();
  } finally {
    guarding -= 1;
    if (guarding === 0) process.exit = realExit;
  }
}

/** Flyt's own compiled modules in a source checkout (an installed Flyt is under node_modules). */
const FLYT_OWN_CODE = /[\\/]packages[\\/](?:core|sdk|protocol|run-worker|pipes|pipes-client|pipes-kubernetes|code-location-server|workspace|storage|daemon|webserver|cli)[\\/]dist[\\/](?:[^.\\/][^\\/]*[\\/])*[^\\/]+\.js$/;

/** The first stack frame in the user's own code (not Node's, not a package's), as `file:line:column`. */
export function userFrame(error: Error): string | null {
  for (const line of (error.stack ?? "").split("\n").slice(1)) {
    // `at fn (/abs/file.ts:4:9)` or `at /abs/file.ts:4:9`; `node:internal/…` frames never match.
    const match = /(?:\(|^at )((?:file:\/\/)?\/[^()\s][^()]*?):(\d+):(\d+)\)?$/.exec(line.trim());
    if (!match) continue;
    const file = match[1]!.replace(/^file:\/\//, "");
    if (/[\\/]node_modules[\\/]|^node:|[\\/]flyt-definitions-cache[\\/]/.test(file) || FLYT_OWN_CODE.test(file)) continue;
    return `${file}:${match[2]}:${match[3]}`;
  }
  return null;
}

interface EsbuildMessage {
  text: string;
  location: { file: string; line: number; column: number; lineText?: string } | null;
}

function isBuildFailure(error: Error): error is Error & { errors: EsbuildMessage[] } {
  return Array.isArray((error as { errors?: unknown }).errors);
}

function describeImportError(error: Error): string {
  if (isBuildFailure(error) && error.errors.length > 0) {
    // esbuild names files relative to its working directory, "/" here: print them absolute.
    return error.errors
      .slice(0, 10)
      .map((m) => (m.location === null ? m.text : `${resolve("/", m.location.file)}:${m.location.line}:${m.location.column + 1}: ${m.text}`))
      .join("\n");
  }
  // esbuild build errors carry the file, line and column in their message already; keep it, drop noise.
  const firstLines = error.message.split("\n").slice(0, 12).join("\n");
  return `${error.name === "Error" ? "" : `${error.name}: `}${firstLines}`;
}
