/**
 * Declaration-time validation shared by every SDK constructor: zod issues become one-line
 * problems (`retryPolicy.maxRetries must be an integer ≥ 0`), thrown together as one
 * InvalidDefinitionsError naming the thing being declared and where it was declared.
 */
import { fileURLToPath } from "node:url";
import { dirname } from "node:path";
import { z } from "zod";
import { abbreviate, callerLocation as callerLocationOutside, definitionsError, DEFINITION_LIMITS, didYouMeanSuffix, overLimit } from "@flyt/core";

/** Human wording for zod's type names. */
function describeType(type: string): string {
  switch (type) {
    case "string":
      return "a string";
    case "number":
      return "a number";
    case "boolean":
      return "a boolean";
    case "function":
      return "a function";
    case "array":
      return "an array";
    case "object":
      return "an object";
    case "undefined":
      return "missing";
    case "null":
      return "null";
    case "integer":
      return "an integer";
    default:
      return type;
  }
}

/** zod error map producing "must …" fragments; the path is prefixed by `formatIssues`. */
export const zodErrorMap: z.ZodErrorMap = (issue, context) => {
  if (issue.code === z.ZodIssueCode.invalid_type) {
    if (issue.received === "undefined") return { message: `is required (${describeType(issue.expected)})` };
    return { message: `must be ${describeType(issue.expected)}, got ${describeType(issue.received)}` };
  }
  if (issue.code === z.ZodIssueCode.invalid_enum_value) {
    return { message: `must be one of ${issue.options.map((o) => JSON.stringify(o)).join(", ")}, got ${JSON.stringify(issue.received)}` };
  }
  if (issue.code === z.ZodIssueCode.invalid_literal) return { message: `must be ${JSON.stringify(issue.expected)}` };
  return { message: context.defaultError };
};

function formatPath(path: ReadonlyArray<string | number>): string {
  let out = "";
  for (const part of path) out += typeof part === "number" ? `[${part}]` : out === "" ? part : `.${part}`;
  return out;
}

/** One line per issue. Unknown fields get a did-you-mean against the schema's known fields. */
export function formatIssues(error: z.ZodError, knownFields: readonly string[] = []): string[] {
  const lines: string[] = [];
  for (const issue of error.issues) {
    const path = formatPath(issue.path);
    if (issue.code === z.ZodIssueCode.unrecognized_keys) {
      for (const key of issue.keys) {
        const where = path === "" ? "" : ` in ${path}`;
        lines.push(`unknown field ${JSON.stringify(key)}${where}${path === "" ? didYouMeanSuffix(key, knownFields) : ""}`);
      }
      continue;
    }
    lines.push(path === "" ? issue.message : `${path} ${issue.message}`);
  }
  return lines;
}

/** The InvalidDefinitionsError of core, its problems suffixed with where the culprit was declared. */
export { definitionsError };

/** A non-negative integer with a message that says so (zod's defaults talk about "number"). */
export function nonNegativeInt(): z.ZodNumber {
  return z.number().int("must be an integer ≥ 0").min(0, "must be an integer ≥ 0");
}

export const functionSchema = z.custom<(...args: any[]) => unknown>((v) => typeof v === "function", "must be a function");

/** Names of schedules, sensors, resources, multi-asset steps: printable, no spaces. */
export const NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
export const nameSchema = z
  .string()
  .min(1, "must not be empty")
  .superRefine(withinLimit(DEFINITION_LIMITS.nameChars))
  .refine((name) => NAME_PATTERN.test(name), "may only contain letters, digits, '_', '-' and '.' (and must not start with '-' or '.')");

/**
 * A zod refinement for one of DEFINITION_LIMITS (the protocol refuses a snapshot over them):
 * "is 5000 characters, over the limit of 255" on strings, "… entries …" on arrays and records.
 */
export function withinLimit(limit: number): (value: string | readonly unknown[] | Record<string, unknown>, context: z.RefinementCtx) => void {
  return (value, context) => {
    const size = typeof value === "string" ? value.length : Array.isArray(value) ? value.length : Object.keys(value).length;
    if (size > limit) context.addIssue({ code: z.ZodIssueCode.custom, message: overLimit(size, limit, typeof value === "string" ? "characters" : "entries"), fatal: true });
  };
}

/** A string within `limit` characters. */
export function limitedString(limit: number): z.ZodEffects<z.ZodString, string, string> {
  return z.string().superRefine(withinLimit(limit));
}

/** Why a plain (non-zod-checked) string is over `limit`, as "<field> is N characters, over the limit of M", or null. */
export function lengthProblem(field: string, value: unknown, limit: number): string | null {
  return typeof value === "string" && value.length > limit ? `${field} ${overLimit(value.length, limit)}` : null;
}

/** Problems of a definition's tags against DEFINITION_LIMITS (their shape is checked by the caller). */
export function tagProblems(tags: Record<string, unknown> | undefined, field = "tags"): string[] {
  if (tags === undefined || typeof tags !== "object" || tags === null) return [];
  const problems: string[] = [];
  const entries = Object.entries(tags);
  if (entries.length > DEFINITION_LIMITS.tags) problems.push(`${field} ${overLimit(entries.length, DEFINITION_LIMITS.tags, "entries")}`);
  for (const [key, value] of entries) {
    if (key.length > DEFINITION_LIMITS.tagKeyChars) problems.push(`${field}.${abbreviate(key)} (the key) ${overLimit(key.length, DEFINITION_LIMITS.tagKeyChars)}`);
    const valueProblem = lengthProblem(`${field}.${abbreviate(key)}`, value, DEFINITION_LIMITS.tagValueChars);
    if (valueProblem) problems.push(valueProblem);
  }
  return problems;
}

export const stringRecord = z.record(z.string({ invalid_type_error: "must be a string" }));

const SDK_DIR = dirname(fileURLToPath(import.meta.url));

/** `file:line` of the first stack frame outside the SDK: where the user called `asset(…)`. */
export function callerLocation(): string | null {
  return callerLocationOutside(SDK_DIR);
}
