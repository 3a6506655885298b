/**
 * Declaration-time errors of partitions definitions: the same InvalidDefinitionsError, with the
 * same "(declared at file:line)" suffix, as the SDK's other constructors throw — the first stack
 * frame outside this package is where the user called `dailyPartitions(…)` (through the SDK's
 * re-export, which adds no frame).
 */
import { fileURLToPath } from "node:url";
import { dirname } from "node:path";
import { callerLocation as callerLocationOutside } from "@flyt/core";

export { definitionsError } from "@flyt/core";

const PACKAGE_DIR = dirname(fileURLToPath(import.meta.url));

/** `file:line` of the first stack frame outside this package. */
export function callerLocation(): string | null {
  return callerLocationOutside(PACKAGE_DIR);
}
