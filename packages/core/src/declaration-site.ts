/**
 * Where a definition was declared, for errors a user can act on: `callerLocation(libraryDir)` is
 * the `file:line` of the first stack frame outside a library (the SDK, @flyt/partitions, an
 * integration package), which is the user's call to `asset(…)`, `dailyPartitions(…)`, ….
 * `definitionsError` appends it to each problem. Each library passes its own directory, so frames
 * of one library called through another (the SDK's re-exports add no frame) are skipped alike.
 */
import { fileURLToPath } from "node:url";
import { dirname, isAbsolute, relative, sep } from "node:path";
import { InvalidDefinitionsError, type DefinitionProblem } from "./errors.js";

/** An InvalidDefinitionsError whose problems mention where the culprit was declared. */
export function definitionsError(problems: DefinitionProblem[], definedAt: string | null): InvalidDefinitionsError {
  return new InvalidDefinitionsError(
    problems.map((p) => ({ subject: p.subject, message: definedAt ? `${p.message} (declared at ${definedAt})` : p.message })),
  );
}

/** Core's own frames (this function, called through a library's wrapper) are never the declaration. */
const CORE_DIR = dirname(fileURLToPath(import.meta.url));

/**
 * `file:line` of the first stack frame outside `libraryDir` and core (the library's own tests count as
 * outside), relative to the working directory when inside it; null when no frame qualifies.
 * @example
 * const LIBRARY_DIR = dirname(fileURLToPath(import.meta.url));
 * const definedAt = callerLocation(LIBRARY_DIR); // "definitions.ts:12"
 */
export function callerLocation(libraryDir: string): string | null {
  const stack = new Error().stack;
  if (!stack) return null;
  for (const line of stack.split("\n").slice(1)) {
    const match = /\(?((?:file:\/\/)?[^\s()]+):(\d+):\d+\)?\s*$/.exec(line.trim());
    if (!match) continue;
    let file = match[1]!;
    if (file.startsWith("node:") || file.startsWith("internal/")) continue;
    if (file.startsWith("file://")) {
      try {
        file = fileURLToPath(file);
      } catch {
        continue;
      }
    }
    if ((file.startsWith(libraryDir + sep) || file.startsWith(CORE_DIR + sep)) && !/\.test\.[cm]?js$/.test(file)) continue;
    const rel = relative(process.cwd(), file);
    const shown = rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
    return `${shown}:${match[2]!}`;
  }
  return null;
}
