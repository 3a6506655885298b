/** Code locations: the list the Locations page and the overview show, with the problems the merged graph finds in each. Reloading is a mutation (mutations.ts). */
import type { QueryResolvers, Resolvers } from "../generated/resolvers.js";
import { graphOf } from "./loaders.js";
import { locationView } from "./views.js";

export const locationQueries: QueryResolvers = {
  locations: (_p, _a, ctx) => ctx.options.definitions.list().map(locationView),
};

export const locationTypes: Resolvers = {
  CodeLocation: {
    warnings: (l, _args, ctx) => {
      const merged = graphOf(ctx);
      const out: string[] = [];
      for (const u of merged.unresolved) if (u.location === l.name) out.push(`${u.asset} depends on ${u.dep}: ${u.reason}.`);
      for (const c of merged.conflicts ?? []) {
        if (c.locations.includes(l.name) && c.locations[0] !== l.name) out.push(`${c.key} is defined by ${c.locations[0]} too; that definition is used and this one is ignored.`);
      }
      for (const p of merged.partitionMappingProblems ?? []) if (p.location === l.name) out.push(`${p.asset} depends on ${p.dep}: ${p.reason}`);
      return out;
    },
  },
};
