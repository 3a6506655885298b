/** Code locations: the list the Locations page and the overview show. Reloading is a mutation (mutations.ts). */
import type { QueryResolvers } from "../generated/resolvers.js";
import { locationView } from "./views.js";

export const locationQueries: QueryResolvers = {
  locations: (_p, _a, ctx) => ctx.options.definitions.list().map(locationView),
};
