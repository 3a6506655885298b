/** Schedules and sensors: the lists, one by id, and their status, ticks and next tick times. */
import { nextScheduleTimes } from "@flyt/partitions";
import type { RequestContext } from "../context.js";
import type { QueryResolvers, Resolvers, ScheduleResolvers, ScheduleTicksArgs, SensorResolvers } from "../generated/resolvers.js";
import { findInstigator, idOf, instigators, instigatorStates, instigatorStatus } from "./loaders.js";
import { afterArg, clampFirst } from "./paging.js";
import type { InstigatorNode } from "./parents.js";

export const instigatorQueries: QueryResolvers = {
  schedules: (_p, _a, ctx) => instigators(ctx).flatMap((i) => (i.kind === "schedule" ? [i] : [])),
  sensors: (_p, _a, ctx) => instigators(ctx).flatMap((i) => (i.kind === "sensor" ? [i] : [])),
  instigator: (_p, args, ctx) => findInstigator(ctx, args.id) ?? null,
};

/** The fields of the `Instigator` interface, the same for both kinds. */
const shared = {
  id: (i: InstigatorNode) => idOf(i),
  status: (i: InstigatorNode, _args: unknown, ctx: RequestContext) => instigatorStatus(ctx, i),
  ticks: async (i: InstigatorNode, args: ScheduleTicksArgs, ctx: RequestContext) => {
    const first = clampFirst(args.first, 20, 200);
    return (await ctx.options.storage.listTicks(idOf(i), { limit: first, cursor: afterArg(args.after) })).items;
  },
} satisfies ScheduleResolvers & SensorResolvers;

export const instigatorTypes: Resolvers = {
  Instigator: {
    __resolveType: (i) => (i.kind === "schedule" ? "Schedule" : "Sensor"),
  },
  Schedule: {
    ...shared,
    nextTicks: (i, args, ctx) => nextScheduleTimes(i, new Date(ctx.now), clampFirst(args.count, 3, 50)).map((d) => d.getTime()),
  },
  Sensor: {
    ...shared,
    cursor: async (i, _args, ctx) => (await instigatorStates(ctx)).get(idOf(i))?.cursor ?? null,
  },
};
