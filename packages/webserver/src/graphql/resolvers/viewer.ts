/** The `viewer` query: who is asking and what their role allows (docs/auth.md). */
import type { QueryResolvers } from "../generated/resolvers.js";

export const viewerQueries: QueryResolvers = {
  viewer: (_p, _args, ctx) => ({
    name: ctx.viewer.name ?? null,
    email: ctx.viewer.email ?? null,
    role: ctx.viewer.role ?? null,
    canOperate: ctx.viewer.canMutate,
    // Without a role (auth mode none) whoever may mutate may also administer.
    canAdminister: ctx.viewer.role === "admin" || (ctx.viewer.role === undefined && ctx.viewer.canMutate),
  }),
};
