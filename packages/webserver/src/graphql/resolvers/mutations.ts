/**
 * Every mutation. Each checks the viewer's role first; expected failures come back as union
 * members with `__typename` (the generated types require it), never as thrown errors.
 */
import { isTerminalRunStatus } from "@flyt/core";
import { AUTOMATION_INSTIGATOR_ID } from "@flyt/core";
import { setInstigatorStatus } from "@flyt/storage";
import { automationLocationId } from "../automation.js";
import { cancelBackfill, launchBackfill, retryBackfill } from "../backfills.js";
import type { RequestContext } from "../context.js";
import { changeDynamicPartitions } from "../dynamic-partitions.js";
import type { LaunchBackfillInput, MutationResolvers, UnauthorizedError } from "../generated/resolvers.js";
import { launchSelection, reexecute } from "../launch.js";
import { materializeUnsynced } from "../unsynced.js";
import { automationStatus } from "./automation.js";
import { findInstigator, idOf, latestByAsset } from "./loaders.js";
import { locationView } from "./views.js";

const unauthorized: UnauthorizedError & { __typename: "UnauthorizedError" } = {
  __typename: "UnauthorizedError",
  message:
    "You may look but not change anything: launching, re-executing and canceling runs and backfills, changing dynamic partitions, starting and stopping schedules, sensors and automation and reloading locations need the operator role.",
};

/**
 * The GraphQL input as the request shape @flyt/backfills validates (the one REST takes as JSON):
 * only the fields the partition set's kind uses are carried, and any other one given is passed
 * on too, so validation refuses it by name instead of it being dropped unseen.
 */
function backfillRequestOf(input: LaunchBackfillInput): Record<string, unknown> {
  const given = input.partitions;
  const partitions: Record<string, unknown> = { kind: given.kind.toLowerCase() };
  for (const field of ["from", "to", "keys", "backfillId"] as const) if (given[field] !== null && given[field] !== undefined) partitions[field] = given[field];
  const policy = input.policy
    ? input.policy.kind === "SINGLE_RUN"
      ? { kind: "single-run", ...(input.policy.maxPartitionsPerRun == null ? {} : { maxPartitionsPerRun: input.policy.maxPartitionsPerRun }) }
      : { kind: "multi-run", maxPartitionsPerRun: input.policy.maxPartitionsPerRun ?? 1 }
    : null;
  const tags: Record<string, string> = {};
  for (const t of input.tags ?? []) tags[t.key] = t.value;
  return { selection: input.selection, partitions, policy, tags, maxConcurrentRuns: input.maxConcurrentRuns ?? null };
}

function backfillDeps(ctx: RequestContext) {
  return { storage: ctx.options.storage, graph: () => ctx.options.definitions.graph(), now: () => ctx.now };
}

export const mutationResolvers: MutationResolvers = {
  launchRun: async (_p, args, ctx) => {
    if (!ctx.viewer.canMutate) return unauthorized;
    const tags: Record<string, string> = {};
    for (const t of args.tags ?? []) tags[t.key] = t.value;
    const partition = typeof args.partition === "string" && args.partition !== "" ? args.partition : null;
    const range = args.partitionRange ? { start: args.partitionRange.start, end: args.partitionRange.end } : null;
    return launchSelection(ctx.options, { selection: args.selection, partition, partitionRange: range, tags });
  },
  reexecuteRun: async (_p, args, ctx) => {
    if (!ctx.viewer.canMutate) return unauthorized;
    return reexecute(ctx.options, args.runId, args.fromFailure === true);
  },
  cancelRun: async (_p, args, ctx) => {
    if (!ctx.viewer.canMutate) return unauthorized;
    const run = await ctx.options.storage.getRun(args.runId);
    if (!run) return { __typename: "RunNotFoundError", runId: args.runId, message: `No run ${JSON.stringify(args.runId)}` };
    if (isTerminalRunStatus(run.status)) return { __typename: "RunNotCancelableError", status: run.status, message: `Run ${run.runId} already ended ${run.status}.` };
    await ctx.options.runs.cancel(run, "canceled from the UI");
    return { __typename: "CancelRunSuccess", run: (await ctx.options.storage.getRun(run.runId)) ?? run };
  },
  setInstigatorStatus: async (_p, args, ctx) => {
    if (!ctx.viewer.canMutate) return unauthorized;
    const node = findInstigator(ctx, args.id);
    if (!node) return { __typename: "InstigatorNotFoundError", message: `No schedule or sensor ${JSON.stringify(args.id)}; ids are <location>:<name>.` };
    await setInstigatorStatus(ctx.options.storage, idOf(node), node.kind, args.status, ctx.now);
    ctx.cache.delete("instigators");
    return node.kind === "schedule" ? { ...node, __typename: "Schedule" } : { ...node, __typename: "Sensor" };
  },
  reloadLocation: async (_p, args, ctx) => {
    if (!ctx.viewer.canMutate) return unauthorized;
    if (!ctx.options.definitions.list().some((l) => l.name === args.name)) return { __typename: "LocationNotFoundError", message: `No code location ${JSON.stringify(args.name)}.` };
    return { __typename: "CodeLocation", ...locationView(await ctx.options.definitions.reload(args.name)) };
  },
  launchBackfill: async (_p, args, ctx) => {
    if (!ctx.viewer.canMutate) return unauthorized;
    return launchBackfill(backfillDeps(ctx), backfillRequestOf(args.input), ctx.viewer.name ?? null);
  },
  cancelBackfill: async (_p, args, ctx) => {
    if (!ctx.viewer.canMutate) return unauthorized;
    return cancelBackfill(ctx.options.storage, args.id);
  },
  retryBackfill: async (_p, args, ctx) => {
    if (!ctx.viewer.canMutate) return unauthorized;
    return retryBackfill(backfillDeps(ctx), args.id, ctx.viewer.name ?? null);
  },
  addDynamicPartitions: async (_p, args, ctx) => {
    if (!ctx.viewer.canMutate) return unauthorized;
    return changeDynamicPartitions(ctx.options.storage, ctx.options.definitions.graph(), "add", args.name, args.keys);
  },
  deleteDynamicPartitions: async (_p, args, ctx) => {
    if (!ctx.viewer.canMutate) return unauthorized;
    return changeDynamicPartitions(ctx.options.storage, ctx.options.definitions.graph(), "delete", args.name, args.keys);
  },
  materializeUnsynced: async (_p, args, ctx) => {
    if (!ctx.viewer.canMutate) return unauthorized;
    return materializeUnsynced({ ...ctx.options, now: () => ctx.now }, await latestByAsset(ctx), args.selection, ctx.viewer.name ?? null);
  },
  setAutomationStatus: async (_p, args, ctx) => {
    if (!ctx.viewer.canMutate) return unauthorized;
    const location = args.location ?? null;
    if (location !== null && !ctx.options.definitions.list().some((l) => l.name === location)) {
      return { __typename: "LocationNotFoundError", message: `No code location ${JSON.stringify(location)}; automation is switched per loaded location, or globally without one.` };
    }
    await setInstigatorStatus(ctx.options.storage, location === null ? AUTOMATION_INSTIGATOR_ID : automationLocationId(location), "automation", args.status, ctx.now);
    ctx.cache.delete("instigators");
    return { __typename: "AutomationStatus", ...(await automationStatus(ctx)) };
  },
};
