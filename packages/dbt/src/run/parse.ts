/**
 * `dbtParse`: runs `dbt parse` to write a project's manifest.json, for `dbtAssets({ parse })`.
 *
 * Synchronous on purpose: definitions are built when a code location's module is imported, and
 * `dbtAssets()` returns its assets directly (no promise to await at the top of a module). Parsing
 * happens once per load, only when asked or when there is no manifest, in the code location's own
 * process (the code server, the run worker) whose event loop has nothing else to serve yet — so a
 * `spawnSync` of a few seconds is the simple and correct tool. Runs read the manifest, they never parse.
 */
import { copyFileSync, mkdirSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { spawnSync } from "node:child_process";
import { DbtExecutableNotFoundError, DbtParseError } from "./errors.js";
import { resolveExecutable } from "./command.js";
import { parseDbtLogLine } from "./log.js";
import { STDERR_TAIL_CHARS } from "./process.js";

export interface DbtParseOptions {
  /** The project directory (holding dbt_project.yml). */
  project: string;
  /** Default `FLYT_DBT_EXECUTABLE`, else `dbt`. */
  executable?: string | undefined;
  profilesDir?: string | undefined;
  target?: string | undefined;
  /** Where the manifest should end up; default `<targetPath or project/target>/manifest.json`. */
  manifestPath?: string | undefined;
  /** dbt's target path when `manifestPath` is not given; default `<project>/target`. */
  targetPath?: string | undefined;
  /** Environment added to the worker's. */
  env?: Record<string, string> | undefined;
  /** Default 10 minutes. */
  timeoutMs?: number;
}

/**
 * Runs `dbt parse` and returns the path of the manifest it wrote. Throws DbtParseError with dbt's
 * error lines when it fails, DbtExecutableNotFoundError when dbt cannot be started.
 */
export function dbtParse(options: DbtParseOptions): string {
  const project = resolve(options.project);
  const manifestPath = options.manifestPath === undefined ? join(resolve(project, options.targetPath ?? "target"), "manifest.json") : resolve(project, options.manifestPath);
  const targetPath = dirname(manifestPath);
  mkdirSync(targetPath, { recursive: true });
  const executable = resolveExecutable(options);
  const args = ["parse", "--log-format", "json", "--project-dir", project, "--target-path", targetPath];
  if (options.profilesDir !== undefined) args.push("--profiles-dir", resolve(options.profilesDir));
  if (options.target !== undefined) args.push("--target", options.target);
  const result = spawnSync(executable, args, {
    cwd: project,
    env: { ...process.env, ...(options.env ?? {}) },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    timeout: options.timeoutMs ?? 600_000,
    killSignal: "SIGKILL",
  });
  if (result.error !== undefined) {
    const code = (result.error as NodeJS.ErrnoException).code ?? "";
    if (code === "ENOENT" || code === "EACCES") throw new DbtExecutableNotFoundError(executable, code, { cause: result.error });
    throw new DbtParseError(`dbt parse of ${project} failed: ${result.error.message}`, null, tail(result.stderr));
  }
  if (result.status !== 0) {
    const errors: string[] = [];
    for (const line of (result.stdout ?? "").split("\n")) {
      const event = parseDbtLogLine(line);
      if (event.kind !== "text" && event.level === "error" && event.message.trim() !== "") errors.push(event.message.trim());
    }
    const how = result.status === null ? `was killed by ${result.signal ?? "a signal"}` : `exited with code ${result.status}`;
    const stderr = tail(result.stderr);
    throw new DbtParseError(
      `dbt parse of ${project} ${how}${errors.length > 0 ? `:\n${errors.join("\n")}` : ""}${stderr.trim() !== "" ? `\n--- stderr ---\n${stderr.trimEnd()}` : ""}`,
      result.status,
      stderr,
    );
  }
  // dbt always names it manifest.json; a manifest option with another name gets a copy.
  if (basename(manifestPath) !== "manifest.json") copyFileSync(join(targetPath, "manifest.json"), manifestPath);
  return manifestPath;
}

function tail(text: string | null | undefined): string {
  const s = text ?? "";
  return s.length > STDERR_TAIL_CHARS ? s.slice(s.length - STDERR_TAIL_CHARS) : s;
}
