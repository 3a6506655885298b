/**
 * Messages between the subprocess launcher (parent) and its worker (child) over Node's IPC
 * channel. Everything the child sends is validated by the parent: it runs user code, so its
 * messages are untrusted input.
 */
import { eventLimitProblem, EventRecordSchema, MAX_EVENT_SEQ, type EventRecord, type RunRecord } from "@flyt/core";

/** Parent → worker. */
export type ParentMessage =
  | {
      type: "start";
      run: RunRecord;
      definitionsFile: string;
      parallelism: number;
      outputCapBytes?: number;
      /** How often the worker sends a heartbeat. */
      heartbeatIntervalMs?: number;
    }
  | { type: "cancel"; reason: string };

/** Worker → parent. */
export type WorkerMessage =
  | { type: "events"; events: EventRecord[] }
  | { type: "heartbeat"; at: number };

export type ParsedWorkerMessage = WorkerMessage | { type: "invalid"; problem: string };

/** Validates a message from a worker; events must belong to `runId` and carry a seq. */
export function parseWorkerMessage(raw: unknown, runId: string): ParsedWorkerMessage {
  if (typeof raw !== "object" || raw === null) return { type: "invalid", problem: "message is not an object" };
  const message = raw as { type?: unknown; events?: unknown; steps?: unknown; at?: unknown };
  switch (message.type) {
    case "events": {
      if (!Array.isArray(message.events)) return { type: "invalid", problem: "events message without an events array" };
      const events: EventRecord[] = [];
      for (const item of message.events) {
        const parsed = EventRecordSchema.safeParse(item);
        if (!parsed.success) {
          return { type: "invalid", problem: `malformed event: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}` };
        }
        if (parsed.data.runId !== runId) return { type: "invalid", problem: `event for another run (${parsed.data.runId})` };
        if (parsed.data.seq === null) return { type: "invalid", problem: "worker event without a seq" };
        if (parsed.data.seq < 1 || parsed.data.seq >= MAX_EVENT_SEQ) return { type: "invalid", problem: `seq ${parsed.data.seq} out of range` };
        // The worker's writer keeps these limits; a worker that does not is refused here as by the ingest API.
        const tooLarge = eventLimitProblem(parsed.data.body);
        if (tooLarge !== null) return { type: "invalid", problem: `event seq ${parsed.data.seq}: ${tooLarge}` };
        events.push(parsed.data);
      }
      return { type: "events", events };
    }
    case "heartbeat":
      return { type: "heartbeat", at: typeof message.at === "number" ? message.at : Date.now() };
    default:
      return { type: "invalid", problem: `unknown message type ${JSON.stringify(message.type)}` };
  }
}
