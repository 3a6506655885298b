/**
 * `flyt init <dir>`: scaffolds a code-location application in a new (or empty) directory —
 * package.json depending on the Flyt packages at this CLI's version, tsconfig, definitions with an
 * asset, a check and a schedule, a test that materializes them in process, a Dockerfile for the
 * code-location image, .gitignore and a README (docs/applications.md). It never overwrites a file.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { InvalidInputError } from "@flyt/core";
import type { Command } from "commander";
import { scaffoldFiles, scaffoldKeys } from "../init-templates.js";

export interface InitOptions {
  /** The npm package name; default: the directory's name. */
  name?: string;
}

/** npm's rules for a new package name: lowercase, URL-safe, optionally scoped; the slug starts with a letter or digit. */
const PACKAGE_NAME = /^(?:@([a-z0-9][a-z0-9._-]*)\/)?([a-z0-9][a-z0-9._-]*)$/;
/** npm's limit for a whole name. */
const MAX_PACKAGE_NAME = 214;
/** The slug becomes a location name, an asset key segment, a group and a schedule name: keep it short. */
const MAX_SLUG = 64;

/**
 * The package name and its slug, or throws saying what is wrong with `name`.
 * @throws InvalidInputError naming the name and the rule it breaks.
 */
export function validateAppName(name: string, from: string): { packageName: string; slug: string } {
  const subject = `${from} ${JSON.stringify(name)}`;
  if (name.length === 0) throw new InvalidInputError(subject, "is empty; give an npm package name such as weather-ingest");
  if (name.length > MAX_PACKAGE_NAME) throw new InvalidInputError(subject, `is ${name.length} characters long; npm allows at most ${MAX_PACKAGE_NAME}`);
  const match = PACKAGE_NAME.exec(name);
  if (!match) {
    const hint = name.toLowerCase() !== name ? " (npm package names are lowercase)" : "";
    throw new InvalidInputError(
      subject,
      `is not a valid npm package name${hint}: use lowercase letters, digits, '-', '_' and '.', starting with a letter or digit, optionally scoped as @scope/name (--name sets it apart from the directory)`,
    );
  }
  const slug = match[2]!;
  if (slug.length > MAX_SLUG) throw new InvalidInputError(subject, `names a location of ${slug.length} characters; keep it to ${MAX_SLUG} (it prefixes every asset key)`);
  return { packageName: name, slug };
}

/** The version of this CLI (its package.json, beside dist/ in the repository and in the published package). */
export function cliVersion(): string {
  const path = fileURLToPath(new URL("../../package.json", import.meta.url));
  const manifest = JSON.parse(readFileSync(path, "utf8")) as { name?: unknown; version?: unknown };
  if (manifest.name !== "@flyt/cli" || typeof manifest.version !== "string") throw new Error(`${path} is not @flyt/cli's package.json`);
  return manifest.version;
}

/**
 * Refuses a target that exists and is not an empty directory.
 * @throws InvalidInputError naming the directory and a few of its entries.
 */
function checkTarget(dir: string, given: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new InvalidInputError(`directory ${JSON.stringify(given)}`, `is a file (${dir}); give a new or empty directory`);
  const entries = readdirSync(dir);
  if (entries.length > 0) {
    const shown = entries.slice(0, 5).join(", ") + (entries.length > 5 ? `, … (${entries.length} entries)` : "");
    throw new InvalidInputError(
      `directory ${JSON.stringify(given)}`,
      `is not empty (${dir} holds ${shown}); flyt init never overwrites files: give a new or empty directory`,
    );
  }
}

export function init(io: { out: (line: string) => void }, given: string, options: InitOptions, version: string = cliVersion()): number {
  if (given.trim() === "") throw new InvalidInputError("directory \"\"", "is empty; give the directory to create, e.g. flyt init weather-ingest");
  const dir = resolve(given);
  const { packageName, slug } = validateAppName(options.name ?? basename(dir), options.name === undefined ? "the directory name (the default package name)" : "--name");
  checkTarget(dir, given);

  const files = scaffoldFiles({ packageName, slug, flytVersion: version });
  mkdirSync(dir, { recursive: true });
  for (const [path, content] of files) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    // "wx": a file that appeared since the check is never overwritten.
    writeFileSync(target, content, { flag: "wx" });
  }

  const shown = relative(process.cwd(), dir) || ".";
  const keys = scaffoldKeys(slug);
  io.out(`Created ${packageName} in ${dir} (Flyt ${version}):`);
  for (const path of files.keys()) io.out(`  ${path}`);
  io.out("");
  io.out("Next:");
  io.out(`  cd ${shown.includes(" ") ? JSON.stringify(shown) : shown}`);
  io.out("  npm install && npm run dev     # Flyt with the UI at http://127.0.0.1:3000");
  io.out("  npm test                       # materializes the location in a test");
  io.out(`The asset ${keys.asset}, its check ${keys.check} and the schedule ${keys.schedule} are in definitions.ts.`);
  return 0;
}

export function registerInitCommand(program: Command, io: { out: (line: string) => void }, setExitCode: (code: number) => void): void {
  program
    .command("init")
    .description("scaffold a code-location application in a new or empty directory (docs/applications.md)")
    .argument("<dir>", "the directory to create")
    .option("--name <name>", "npm package name (default: the directory's name)")
    .action((dir: string, options: InitOptions) => {
      setExitCode(init(io, dir, options));
    });
}
