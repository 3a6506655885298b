/**
 * How large events may be: one set of limits that the run worker keeps (it truncates or refuses
 * before sending) and every receiver enforces on its own (the ingest API, the subprocess launcher's
 * IPC), because a worker runs user code and its input is untrusted. docs/protocol/README.md and
 * docs/api.md state them.
 *
 * - Per event: a LOG message and its fields, a STEP_OUTPUT chunk, the metadata of a
 *   materialization, observation or check, an error's text, and the whole event serialized.
 * - Per run: the output (LOG and STEP_OUTPUT) a run may store in all, in bytes and in events;
 *   beyond it output is dropped and one notice says so. Lifecycle, materialization and check
 *   events are never dropped: the plan bounds them.
 * - Sequence numbers run from 1 and stay below MAX_EVENT_SEQ (a run has far fewer events).
 */
import type { EventBody } from "./events.js";

export const EVENT_LIMITS = {
  /** A LOG message (UTF-8 bytes). */
  logMessageBytes: 64 * 1024,
  /** A LOG event's `fields`, serialized. */
  logFieldsBytes: 64 * 1024,
  /** One STEP_OUTPUT chunk (the worker sends chunks of at most 32 KiB). */
  outputChunkBytes: 64 * 1024,
  /** The metadata of one materialization, observation or check, serialized. */
  metadataBytes: 512 * 1024,
  /** An error's message and stack together (STEP_FAILURE, STEP_RETRY, RUN_FAILURE). */
  errorBytes: 256 * 1024,
  /** Any one event, serialized. */
  eventBytes: 1024 * 1024,
  /** Nesting of a LOG event's `fields` and of metadata (arrays and objects inside each other). */
  jsonDepth: 100,
  /** LOG and STEP_OUTPUT bytes one run may store. */
  runOutputBytes: 64 * 1024 * 1024,
  /** LOG and STEP_OUTPUT events one run may store. */
  runOutputEvents: 200_000,
} as const;

/** Highest sequence number a run's events may carry (exclusive). */
export const MAX_EVENT_SEQ = 10_000_000;

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

/** Output that counts against a run's output budget (and may be dropped beyond it). */
export function isRunOutput(body: EventBody): body is Extract<EventBody, { type: "LOG" | "STEP_OUTPUT" }> {
  return body.type === "LOG" || body.type === "STEP_OUTPUT";
}

/** The bytes an event costs against its run's output budget (0 for events that are not output). */
export function outputBytes(body: EventBody): number {
  if (body.type === "LOG") return utf8Bytes(body.message) + (body.fields === undefined ? 0 : utf8Bytes(JSON.stringify(body.fields)));
  if (body.type === "STEP_OUTPUT") return utf8Bytes(body.text);
  return 0;
}

/**
 * Whether `value` nests arrays and objects more than `max` levels deep, walked without recursion:
 * a few hundred thousand `[` fit in a request body and would overflow the stack of
 * JSON.stringify (a RangeError, which the ingest API answered with 500).
 */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (typeof item !== "object" || item === null) continue;
    if (depth + 1 > max) return true;
    for (const child of Array.isArray(item) ? item : Object.values(item)) {
      if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

function errorSize(error: { message: string; stack?: string | undefined } | undefined): number {
  return error === undefined ? 0 : utf8Bytes(error.message) + utf8Bytes(error.stack ?? "");
}

/**
 * Why an event is over a per-event limit — naming the field and the limit — or null when it is
 * within them. `serialized` may be passed when the caller already has the event's JSON.
 */
export function eventLimitProblem(body: EventBody, serialized?: string): string | null {
  const kib = (n: number) => `${Math.round(n / 1024)} KiB`;
  switch (body.type) {
    case "LOG": {
      const message = utf8Bytes(body.message);
      if (message > EVENT_LIMITS.logMessageBytes) return `body.message: a log message of ${message} bytes is over the limit of ${kib(EVENT_LIMITS.logMessageBytes)}`;
      if (nestedDeeperThan(body.fields, EVENT_LIMITS.jsonDepth)) return `body.fields: log fields nested more than ${EVENT_LIMITS.jsonDepth} levels deep`;
      const fields = body.fields === undefined ? 0 : utf8Bytes(JSON.stringify(body.fields));
      if (fields > EVENT_LIMITS.logFieldsBytes) return `body.fields: log fields of ${fields} bytes are over the limit of ${kib(EVENT_LIMITS.logFieldsBytes)}`;
      break;
    }
    case "STEP_OUTPUT": {
      const text = utf8Bytes(body.text);
      if (text > EVENT_LIMITS.outputChunkBytes) return `body.text: an output chunk of ${text} bytes is over the limit of ${kib(EVENT_LIMITS.outputChunkBytes)}`;
      break;
    }
    case "ASSET_MATERIALIZATION":
    case "ASSET_OBSERVATION":
    case "ASSET_CHECK_EVALUATION": {
      if (nestedDeeperThan(body.metadata, EVENT_LIMITS.jsonDepth)) return `body.metadata: metadata for ${body.assetKey} nested more than ${EVENT_LIMITS.jsonDepth} levels deep`;
      const metadata = utf8Bytes(JSON.stringify(body.metadata));
      if (metadata > EVENT_LIMITS.metadataBytes) {
        return `body.metadata: metadata of ${metadata} bytes for ${body.assetKey} is over the limit of ${kib(EVENT_LIMITS.metadataBytes)}; store large data elsewhere and attach its path or URL`;
      }
      break;
    }
    case "STEP_FAILURE":
    case "STEP_RETRY":
    case "RUN_FAILURE": {
      const size = errorSize(body.error);
      if (size > EVENT_LIMITS.errorBytes) return `body.error: an error of ${size} bytes is over the limit of ${kib(EVENT_LIMITS.errorBytes)}`;
      break;
    }
    case "RUN_QUEUED":
    case "RUN_STARTING":
    case "RUN_STARTED":
    case "RUN_PLANNED":
    case "RUN_SUCCESS":
    case "RUN_CANCELING":
    case "RUN_CANCELED":
    case "STEP_START":
    case "STEP_SUCCESS":
    case "STEP_SKIPPED":
    case "STEP_CANCELED":
    case "DYNAMIC_PARTITIONS_CHANGED":
      break;
  }
  const total = utf8Bytes(serialized ?? JSON.stringify(body));
  if (total > EVENT_LIMITS.eventBytes) return `an event of ${total} bytes is over the limit of ${kib(EVENT_LIMITS.eventBytes)}`;
  return null;
}

const TRUNCATION_MARK = "… [truncated]";

/** `text` cut to at most `maxBytes` UTF-8 bytes (on a character boundary), with a marker when cut. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (utf8Bytes(text) <= maxBytes) return text;
  const budget = Math.max(0, maxBytes - utf8Bytes(TRUNCATION_MARK));
  const buffer = Buffer.from(text, "utf8").subarray(0, budget);
  // A cut inside a multi-byte character decodes to U+FFFD: drop that last partial character.
  return `${buffer.toString("utf8").replace(/\uFFFD$/, "")}${TRUNCATION_MARK}`;
}
