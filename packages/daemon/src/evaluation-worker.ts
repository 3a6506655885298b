/**
 * LocalEvaluator's evaluation worker thread: loads one location's definitions once and runs its
 * schedule and sensor code, answering with what the code returned (plain data) for the daemon's
 * thread to check and resolve, as LocalEvaluator did in its own thread before. Sensor log lines
 * go back as notices.
 */
import { workerData } from "node:worker_threads";
import { loadDefinitions, serveEvaluations } from "@flyt/run-worker/remote";
import type { AssetLogger, Definitions } from "@flyt/sdk";

export interface LocalEvaluationWorkerData {
  definitionsFile: string;
}

export type LocalEvaluationPayload =
  | { kind: "schedule"; name: string; scheduledAt: number }
  | { kind: "sensor"; name: string; cursor: string | null; lastTickTime: number | null };

export interface LocalScheduleAnswer {
  partitionKey: string | null;
  /** null: the schedule has no evaluate function (its partition alone needed code). */
  result: unknown;
}

export interface LogNotice {
  level: keyof AssetLogger;
  message: string;
}

const data = workerData as LocalEvaluationWorkerData;
let loading: Promise<Definitions> | null = null;

function definitions(): Promise<Definitions> {
  loading ??= loadDefinitions(data.definitionsFile);
  loading.catch(() => {
    loading = null;
  });
  return loading;
}

serveEvaluations(async (raw, notify) => {
  const payload = raw as LocalEvaluationPayload;
  const defs = await definitions();
  // The thread is terminated at the deadline; nothing here aborts the signal before that.
  const signal = new AbortController().signal;
  if (payload.kind === "schedule") {
    const def = defs.schedules.find((d) => d.name === payload.name);
    if (def === undefined) throw new Error(`schedule ${JSON.stringify(payload.name)} is not defined in ${data.definitionsFile} any more`);
    const at = new Date(payload.scheduledAt);
    const partitionKey = typeof def.partition === "function" ? def.partition(at) : def.partition;
    const result = def.evaluate === null ? null : await def.evaluate({ scheduledAt: at, partitionKey, signal });
    return { partitionKey, result } satisfies LocalScheduleAnswer;
  }
  const def = defs.sensors.find((d) => d.name === payload.name);
  if (def === undefined) throw new Error(`sensor ${JSON.stringify(payload.name)} is not defined in ${data.definitionsFile} any more`);
  const logAt = (level: keyof AssetLogger) => (message: string) => notify({ level, message: String(message) } satisfies LogNotice);
  return await def.evaluate({
    cursor: payload.cursor,
    lastTickTime: payload.lastTickTime === null ? null : new Date(payload.lastTickTime),
    log: { debug: logAt("debug"), info: logAt("info"), warn: logAt("warn"), error: logAt("error") },
    signal,
  });
}, { prepare: definitions });
