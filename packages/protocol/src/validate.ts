/**
 * Validation at the protocol's edges: a failed parse becomes a message naming the field at
 * fault, so a 400 says what to fix.
 */
import type { z } from "zod";

export type ParseResult<T> = { ok: true; value: T } | { ok: false; field: string | null; message: string };

/** Parses `input` with `schema`; on failure names the first offending field (dotted path). */
export function parseWith<S extends z.ZodTypeAny>(schema: S, input: unknown, what: string): ParseResult<z.output<S>> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data as z.output<S> };
  const issue = parsed.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join(".") : null;
  const details = parsed.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length > 0 ? i.path.join(".") : "(body)"}: ${i.message}`)
    .join("; ");
  return { ok: false, field, message: `Invalid ${what}: ${details}` };
}

/** Checks a protocol version header value: null when acceptable (absent or our major), else a message. */
export function versionProblem(header: string | string[] | undefined | null, ours: number): string | null {
  if (header === undefined || header === null) return null;
  const text = Array.isArray(header) ? header[0] : header;
  if (text === undefined || text === "") return null;
  const major = Number(String(text).split(".")[0]);
  if (major === ours) return null;
  return `protocol version ${JSON.stringify(text)} is not supported; this side speaks protocol v${ours} (upgrade the older side, or run matching Flyt versions)`;
}
