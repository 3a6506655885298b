/**
 * Secret redaction for everything a run emits. The worker learns secret values when it
 * resolves resources; from then on every string in every event (log lines and fields, captured
 * output, error messages and stacks) is scrubbed before it leaves the worker. The matching
 * rules (and the `[REDACTED]` marker) are the SDK's `redactor`; this class adds secrets as
 * they become known and walks whole event bodies.
 */
import { redactor, REDACTED } from "@flyt/sdk";

export { REDACTED };

export class Redactor {
  private readonly secrets = new Set<string>();
  private redactText: ((text: string) => string) | null = null;

  constructor(secrets: Iterable<string> = []) {
    this.add(secrets);
  }

  /** Adds secret values (the SDK ignores values too short to redact safely). */
  add(secrets: Iterable<string>): void {
    const before = this.secrets.size;
    for (const secret of secrets) if (typeof secret === "string" && secret !== "") this.secrets.add(secret);
    if (this.secrets.size !== before) this.redactText = redactor([...this.secrets]);
  }

  redact(text: string): string {
    return this.redactText === null ? text : this.redactText(text);
  }

  /** Returns a copy of `value` with every string (and object key) redacted; non-plain objects pass through. */
  redactDeep<T>(value: T): T {
    if (this.redactText === null) return value;
    return this.walk(value, 0) as T;
  }

  private walk(value: unknown, depth: number): unknown {
    if (typeof value === "string") return this.redact(value);
    if (value === null || typeof value !== "object" || depth > 64) return value;
    if (Array.isArray(value)) return value.map((item) => this.walk(item, depth + 1));
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) return value;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[this.redact(key)] = this.walk(item, depth + 1);
    return out;
  }
}
