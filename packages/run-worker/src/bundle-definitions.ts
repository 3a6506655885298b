/**
 * Turns a TypeScript definitions module (and the project files it imports) into one plain ESM
 * file with esbuild, cached on disk, so that loading user code needs no loader hooks.
 *
 * Why not a loader (tsx's `register()`): on Node 20 module hooks run on an extra loader thread
 * with its own V8 isolate (~15 MiB per process) and transform every file on each start; a run
 * worker paid that on every launch. A cached bundle is imported like any JavaScript file: the
 * platform bundles once, and every worker started afterwards imports the cached result.
 *
 * What stays as the user wrote it:
 * - Packages (`@flyt/sdk`, `luxon`, …) are not bundled: bare imports are resolved from the source
 *   file's folder and kept as absolute file URLs, so the very same module instances are used.
 * - `import.meta.url`, `import.meta.filename` and `import.meta.dirname` are replaced per file with
 *   the values of the original source file, so relative paths in user code keep working.
 */
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, extname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Loader, Plugin } from "esbuild";

/** Where bundles are cached; FLYT_DEFINITIONS_CACHE overrides (e.g. a writable volume in a container). */
export function definitionsCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.FLYT_DEFINITIONS_CACHE ? resolve(env.FLYT_DEFINITIONS_CACHE) : join(tmpdir(), "flyt-definitions-cache");
}

interface CacheManifest {
  version: 1;
  /** The entry file this bundle is of (the manifest's name is a hash of it: checked on read). */
  entry: string;
  output: string;
  /** Every project file that went into the bundle, with what identified its content when bundled. */
  inputs: Array<{ path: string; size: number; mtimeMs: number }>;
}

const SOURCE_LOADERS: Record<string, Loader> = {
  ".ts": "ts",
  ".mts": "ts",
  ".cts": "ts",
  ".tsx": "tsx",
  ".js": "js",
  ".mjs": "js",
  ".cjs": "js",
  ".jsx": "jsx",
  ".json": "json",
};

/**
 * Returns the path of an up-to-date ESM bundle of `entry` (absolute path), building it if the
 * cache is missing or any input file changed since. Build errors are thrown as esbuild reports
 * them (file, line, column, message).
 */
export async function bundleDefinitions(entry: string, cacheDir = definitionsCacheDir()): Promise<string> {
  const key = definitionsCacheKey(entry);
  const manifestPath = join(cacheDir, `${key}.json`);
  const cached = await readManifest(manifestPath, entry);
  if (cached && (await inputsUnchanged(cached))) return cached.output;

  // node:crypto only on a rebuild: a worker that finds the bundle cached never loads it (~2 MiB).
  const { createHash } = await import("node:crypto");

  const esbuild = await import("esbuild");
  let result;
  try {
    result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      format: "esm",
      platform: "node",
      target: "node20",
      sourcemap: "inline",
      // Source maps point at the original files, so stack traces name them: paths relative to the
      // root under a root of "/" are absolute whatever the working directory of the process that
      // built the (shared, cached) bundle or of the one that imports it.
      absWorkingDir: "/",
      sourceRoot: "/",
      logLevel: "silent",
      metafile: true,
      plugins: [keepPackagesExternal(), preserveImportMeta()],
    });
  } finally {
    // The esbuild service is a child process; don't keep it (and its memory) around.
    await esbuild.stop();
  }
  const code = result.outputFiles[0]?.contents;
  if (!code) throw new Error(`esbuild produced no output for ${entry}`);

  const inputs: CacheManifest["inputs"] = [];
  for (const input of Object.keys(result.metafile.inputs)) {
    const path = resolve("/", input);
    const info = await stat(path);
    inputs.push({ path, size: info.size, mtimeMs: info.mtimeMs });
  }
  const contentHash = createHash("sha256").update(code).digest("hex").slice(0, 16);
  // The content hash in the name gives a changed bundle a new URL, so a long-running process that
  // reloads definitions imports the new code instead of its module cache's old copy.
  const output = join(cacheDir, `${key}-${contentHash}.mjs`);
  await mkdir(cacheDir, { recursive: true });
  await writeAtomically(output, code);
  await writeAtomically(manifestPath, JSON.stringify({ version: 1, entry, output, inputs } satisfies CacheManifest));
  return output;
}

/**
 * The manifest's file name for `entry`: FNV-1a (64 bits, as two 32-bit lanes) of the path, which
 * needs no crypto module. Not collision-proof, so the manifest names its entry and a manifest of
 * another entry is treated as a miss.
 */
export function definitionsCacheKey(entry: string): string {
  let low = 0x84222325;
  let high = 0xcbf29ce4;
  for (let i = 0; i < entry.length; i++) {
    low = (low ^ entry.charCodeAt(i)) >>> 0;
    // Multiply the 64-bit value (high, low) by the FNV prime 2^40 + 0x1b3, in 32-bit pieces.
    const lowTimes = low * 0x1b3;
    const carry = Math.floor(lowTimes / 0x1_0000_0000);
    high = (high * 0x1b3 + (low << 8) + carry) >>> 0;
    low = lowTimes >>> 0;
  }
  return `v2-${high.toString(16).padStart(8, "0")}${low.toString(16).padStart(8, "0")}`;
}

async function readManifest(path: string, entry: string): Promise<CacheManifest | null> {
  try {
    const parsed = JSON.parse(await readFile(path, "utf8")) as Partial<CacheManifest>;
    if (parsed.version !== 1 || parsed.entry !== entry || typeof parsed.output !== "string" || !Array.isArray(parsed.inputs)) return null;
    await stat(parsed.output);
    return parsed as CacheManifest;
  } catch {
    return null;
  }
}

async function inputsUnchanged(manifest: CacheManifest): Promise<boolean> {
  for (const input of manifest.inputs) {
    try {
      const info = await stat(input.path);
      if (info.size !== input.size || info.mtimeMs !== input.mtimeMs) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** Writes through a temporary file and a rename, so concurrent loaders never see half a file. */
async function writeAtomically(path: string, data: string | Uint8Array): Promise<void> {
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, path);
}

/** Bare imports (packages) stay imports, pinned to the file esbuild resolves them to from the importer. */
function keepPackagesExternal(): Plugin {
  return {
    name: "flyt-keep-packages-external",
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.path.startsWith("node:") || args.kind === "entry-point") return undefined;
        // Our own nested resolve call below comes through here too: let esbuild resolve it.
        if ((args.pluginData as { flytResolving?: boolean } | undefined)?.flytResolving) return undefined;
        const resolved = await build.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          pluginData: { flytResolving: true },
        });
        if (resolved.errors.length > 0 || !resolved.path) return { path: args.path, external: true };
        if (resolved.external) return { path: resolved.path, external: true };
        return { path: pathToFileURL(resolved.path).href, external: true };
      });
    },
  };
}

/** Replaces `import.meta.{url,filename,dirname}` in project files with the original file's values. */
function preserveImportMeta(): Plugin {
  return {
    name: "flyt-preserve-import-meta",
    setup(build) {
      build.onLoad({ filter: /\.(m|c)?(t|j)sx?$/ }, async (args) => {
        if (args.path.includes(`${"/"}node_modules${"/"}`)) return undefined;
        const source = await readFile(args.path, "utf8");
        const loader = SOURCE_LOADERS[extname(args.path)] ?? "ts";
        if (!source.includes("import.meta")) return { contents: source, loader, resolveDir: dirname(args.path) };
        const contents = source
          .replace(/\bimport\.meta\.url\b/g, JSON.stringify(pathToFileURL(args.path).href))
          .replace(/\bimport\.meta\.filename\b/g, JSON.stringify(args.path))
          .replace(/\bimport\.meta\.dirname\b/g, JSON.stringify(dirname(args.path)));
        return { contents, loader, resolveDir: dirname(args.path) };
      });
    },
  };
}
