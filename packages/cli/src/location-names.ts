/**
 * The code-location name of a definitions file given with `-f`: the same in every command
 * (`flyt dev`, `flyt daemon`, `flyt materialize`, `flyt schedules …`), so a schedule, its ticks
 * and its runs carry one id whichever command touched them. `examples/atlas/definitions.ts` is
 * `atlas` (a file named definitions or index takes its folder's name), `jobs/nightly.ts` is
 * `nightly`. Several files with the same name get `_2`, `_3`… in the order given.
 */
import { basename, dirname } from "node:path";

/** The name of one file, before collisions: letters, digits, '_', '-', '.' only. */
export function locationNameForFile(file: string): string {
  const dir = basename(dirname(file));
  const stem = basename(file).replace(/\.[^.]+$/, "");
  return (stem === "definitions" || stem === "index" ? dir : stem).replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 100) || "default";
}

/** The location of `file`: the flyt.yaml location that names this file, else its own name. */
export function locationForFile(configured: readonly ({ name: string; file: string } | { name: string; url: string })[], file: string): string {
  const listed = configured.find((l) => "file" in l && l.file === file);
  return listed?.name ?? locationNameForFile(file);
}

/** Names for several files, unique among themselves and the names already `taken`. */
export function locationNamesForFiles(files: readonly string[], taken: ReadonlySet<string> = new Set()): string[] {
  const used = new Set(taken);
  return files.map((file) => {
    const base = locationNameForFile(file);
    let name = base;
    for (let i = 2; used.has(name); i += 1) name = `${base}_${i}`;
    used.add(name);
    return name;
  });
}
