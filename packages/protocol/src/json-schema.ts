/**
 * The JSON Schema files of protocol v1, generated from the zod schemas. The committed copies
 * in docs/protocol/v1/ are the language-neutral contract; `protocol.test.ts` fails when they
 * are not what this module produces. A separate entry point (`@flyt/protocol/json-schema`) so that
 * servers do not load zod-to-json-schema at run time.
 */
import { zodToJsonSchema } from "zod-to-json-schema";
import type { z } from "zod";
import * as s from "./schemas.js";

/** File name (without `.schema.json`) → schema, one per message body. */
export const MESSAGES: ReadonlyArray<readonly [string, z.ZodTypeAny, string]> = [
  ["error-response", s.ErrorResponseSchema, "Any error response"],
  ["health-response", s.HealthResponseSchema, "GET /v1/health response"],
  ["snapshot-response", s.SnapshotResponseSchema, "GET /v1/snapshot response"],
  ["evaluate-schedule-request", s.EvaluateScheduleRequestSchema, "POST /v1/schedules/{name}/evaluate request"],
  ["evaluate-schedule-response", s.EvaluateScheduleResponseSchema, "POST /v1/schedules/{name}/evaluate response"],
  ["evaluate-sensor-request", s.EvaluateSensorRequestSchema, "POST /v1/sensors/{name}/evaluate request"],
  ["evaluate-sensor-response", s.EvaluateSensorResponseSchema, "POST /v1/sensors/{name}/evaluate response"],
  ["launch-run-request", s.LaunchRunRequestSchema, "POST /v1/runs request"],
  ["launch-run-response", s.LaunchRunResponseSchema, "POST /v1/runs response"],
  ["cancel-run-request", s.CancelRunRequestSchema, "POST /v1/runs/{id}/cancel request"],
  ["run-process-status", s.RunProcessStatusSchema, "GET /v1/runs/{id} and POST /v1/runs/{id}/cancel response"],
  ["ingest-events-request", s.IngestEventsRequestSchema, "POST /ingest/v1/runs/{runId}/events request"],
  ["ingest-events-response", s.IngestEventsResponseSchema, "POST /ingest/v1/runs/{runId}/events response"],
  ["heartbeat-request", s.HeartbeatRequestSchema, "POST /ingest/v1/runs/{runId}/heartbeat request"],
  ["heartbeat-response", s.HeartbeatResponseSchema, "POST /ingest/v1/runs/{runId}/heartbeat response"],
];

/**
 * Recursive schemas, named under `definitions` of the files that use them: a recursive node
 * would otherwise be referenced by its first occurrence's long path.
 */
const DEFINITIONS: Readonly<Record<string, Record<string, z.ZodTypeAny>>> = {
  "snapshot-response": { AutomationCondition: s.AutomationConditionNodeSchema },
};

/** Every schema file's name and pretty-printed JSON text (with a trailing newline). */
export function jsonSchemaFiles(): Array<{ file: string; text: string }> {
  return MESSAGES.map(([fileName, schema, title]) => {
    const definitions = DEFINITIONS[fileName];
    // pipeStrategy "output": a piped schema (the automation condition's limit check, then the node
    // schema) is described by what it accepts in the end, not by the unconstrained first stage.
    const json = zodToJsonSchema(schema, { $refStrategy: "root", target: "jsonSchema7", pipeStrategy: "output", ...(definitions === undefined ? {} : { definitions }) }) as Record<string, unknown>;
    const out = { $id: `https://flyt.dev/protocol/v1/${fileName}.schema.json`, title: `Flyt protocol v1: ${title}`, ...json };
    return { file: `${fileName}.schema.json`, text: `${JSON.stringify(out, null, 2)}\n` };
  });
}
