/** Runs: the run list and one run, with the fields derived from its event log (steps, message, events). */
import { isTerminalRunStatus, type EventType, type RunOrigin, type RunStatus, type StoredEvent } from "@flyt/core";
import { summarizeRun } from "@flyt/contracts";
import type { RunFilter } from "@flyt/storage";
import type { RequestContext } from "../context.js";
import type { QueryResolvers, Resolvers, RunsFilter, StepAttempt, StepCheckFailure } from "../generated/resolvers.js";
import { graphOf, lifecycleEvents } from "./loaders.js";
import { afterArg, clampFirst } from "./paging.js";
import { runEventView, tags } from "./views.js";

function runFilter(input: RunsFilter | null | undefined): RunFilter {
  const filter: RunFilter = {};
  if (!input) return filter;
  if (input.statuses) filter.statuses = input.statuses satisfies RunStatus[];
  if (input.location) filter.location = input.location;
  if (input.assetKey) filter.assetKey = input.assetKey;
  // A String in the schema; storage validates the filter and names the origins it knows.
  if (input.origin) filter.origin = input.origin as RunOrigin;
  if (input.rootRunId) filter.rootRunId = input.rootRunId;
  if (typeof input.createdAfter === "number") filter.createdAfter = input.createdAfter;
  if (typeof input.createdBefore === "number") filter.createdBefore = input.createdBefore;
  if (Array.isArray(input.tags)) filter.tags = Object.fromEntries(input.tags.map((t) => [t.key, t.value]));
  return filter;
}

export const runQueries: QueryResolvers = {
  runs: async (_p, args, ctx) => {
    const first = clampFirst(args.first, 50);
    const page = await ctx.options.storage.listRuns(runFilter(args.filter), { limit: first, cursor: afterArg(args.after) });
    return { nodes: page.items, endCursor: page.nextCursor, hasNextPage: page.nextCursor !== null };
  },
  run: (_p, args, ctx) => ctx.options.storage.getRun(args.runId),
};

export const runTypes: Resolvers = {
  Run: {
    partition: (r) => r.partitionKey,
    tags: (r) => tags(r.tags),
    durationMs: (r) => (r.startedAt !== null && r.endedAt !== null ? r.endedAt - r.startedAt : null),
    canCancel: (r) => !isTerminalRunStatus(r.status),
    message: async (r, _args, ctx) => {
      if (r.status !== "FAILURE" && r.status !== "CANCELED") return null;
      return summarizeRun(await lifecycleEvents(ctx, r.runId)).message;
    },
    steps: async (r, _args, ctx) => {
      const events = await lifecycleEvents(ctx, r.runId);
      const attempts = attemptSpans(events);
      const checks = failedChecks(ctx, events);
      return summarizeRun(events).steps.map((s) => ({
        ...s,
        errorMessage: s.error ? `${s.error.name}: ${s.error.message}` : null,
        materializedAssets: [...new Set(s.materializations.map((m) => m.assetKey))],
        attemptSpans: attempts.get(s.stepKey) ?? [],
        failedChecks: checks.get(s.stepKey) ?? [],
      }));
    },
    events: async (r, args, ctx) => {
      const first = clampFirst(args.first, 500, 1000);
      const events = await ctx.options.storage.getEvents(r.runId, {
        limit: first,
        ...(typeof args.after === "number" ? { afterId: args.after } : {}),
        // The schema types these as strings; a name that is no event type matches no event (a bound parameter).
        ...(Array.isArray(args.types) && args.types.length > 0 ? { types: args.types as EventType[] } : {}),
        ...(typeof args.stepKey === "string" ? { stepKey: args.stepKey } : {}),
      });
      return events.map(runEventView);
    },
  },
};

/** Each step's attempts from its STEP_START events, each ended by the retry, success, failure or cancel that follows it. */
function attemptSpans(events: StoredEvent[]): Map<string, StepAttempt[]> {
  const byStep = new Map<string, StepAttempt[]>();
  for (const event of events) {
    if (event.stepKey === null) continue;
    const spans = byStep.get(event.stepKey) ?? [];
    const open = spans.length > 0 && spans[spans.length - 1]!.endedAt === null ? spans[spans.length - 1]! : null;
    const close = (outcome: string) => {
      if (open === null) return;
      open.endedAt = event.timestamp;
      open.outcome = outcome;
    };
    const body = event.body;
    if (body.type === "STEP_START") {
      close("RETRIED");
      spans.push({ attempt: body.attempt, startedAt: event.timestamp, endedAt: null, outcome: "RUNNING" });
      byStep.set(event.stepKey, spans);
    } else if (body.type === "STEP_RETRY") close("RETRIED");
    else if (body.type === "STEP_SUCCESS") close("SUCCESS");
    else if (body.type === "STEP_FAILURE") close("FAILURE");
    else if (body.type === "STEP_CANCELED") close("CANCELED");
    // Other events (materializations, checks) do not bound an attempt.
  }
  return byStep;
}

/** Failed check evaluations per step, with `blocking` from the loaded definitions (the event does not carry it). */
function failedChecks(ctx: RequestContext, events: StoredEvent[]): Map<string, StepCheckFailure[]> {
  const byStep = new Map<string, StepCheckFailure[]>();
  for (const event of events) {
    const body = event.body;
    if (body.type !== "ASSET_CHECK_EVALUATION" || body.passed || event.stepKey === null) continue;
    const declared = graphOf(ctx).assets.get(body.assetKey)?.checks.find((c) => c.name === body.checkName);
    const list = byStep.get(event.stepKey) ?? [];
    list.push({
      assetKey: body.assetKey,
      checkName: body.checkName,
      severity: body.severity,
      blocking: declared?.blocking ?? false,
      description: body.description ?? null,
      partition: body.partition ?? null,
    });
    byStep.set(event.stepKey, list);
  }
  return byStep;
}
