/**
 * The code-location server's evaluation worker thread (see isolated-evaluation.ts): loads the
 * definitions once, checks they are the ones the server serves, and answers schedule and sensor
 * evaluations with evaluate.ts, exactly as the server did in its own thread before.
 */
import { workerData } from "node:worker_threads";
import { contentHash, type EvaluateScheduleRequest, type EvaluateSensorRequest } from "@flyt/protocol";
import { loadDefinitions, serveEvaluations } from "@flyt/run-worker/remote";
import type { Definitions } from "@flyt/sdk";
import { evaluateSchedule, evaluateSensor } from "./evaluate.js";
import { buildSnapshot } from "./snapshot.js";

export interface EvaluationWorkerData {
  definitionsFile: string;
  location: string;
  /** The snapshot hash the server serves: this thread must evaluate the same definitions. */
  hash: string;
}

export type EvaluationPayload =
  | { kind: "schedule"; name: string; request: EvaluateScheduleRequest; timeoutMs: number }
  | { kind: "sensor"; name: string; request: EvaluateSensorRequest };

const data = workerData as EvaluationWorkerData;
let loading: Promise<Definitions> | null = null;

function definitions(): Promise<Definitions> {
  loading ??= loadDefinitions(data.definitionsFile).then((loaded) => {
    const hash = contentHash(buildSnapshot(loaded, data.location));
    if (hash !== data.hash) {
      // Evaluating other code than the snapshot describes would make ticks disagree with the UI.
      throw new Error(`the definitions file changed since this code server loaded it (served ${data.hash}, the file now gives ${hash}); restart the code server to serve the new definitions`);
    }
    return loaded;
  });
  // A failed load is tried again on the next evaluation rather than kept.
  loading.catch(() => {
    loading = null;
  });
  return loading;
}

serveEvaluations(async (raw) => {
  const payload = raw as EvaluationPayload;
  const defs = await definitions();
  if (payload.kind === "schedule") {
    const schedule = defs.schedules.find((s) => s.name === payload.name);
    if (schedule === undefined) throw new Error(`schedule ${payload.name} is not defined in ${data.definitionsFile}`);
    return evaluateSchedule(schedule, payload.request, payload.timeoutMs);
  }
  const sensor = defs.sensors.find((s) => s.name === payload.name);
  if (sensor === undefined) throw new Error(`sensor ${payload.name} is not defined in ${data.definitionsFile}`);
  return evaluateSensor(sensor, payload.request);
}, { prepare: definitions });
