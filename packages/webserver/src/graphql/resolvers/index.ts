/**
 * All resolvers of the schema, one module per domain, checked against the `Resolvers` type that
 * scripts/generate-graphql.mjs generates from schema.graphql: a wrong argument name, a missing
 * union `__typename` or a return value of the wrong shape fails `tsc`. Reads shared across
 * domains are memoised per request in loaders.ts.
 */
import type { ErrorResolvers, Resolvers } from "../generated/resolvers.js";
import { assetQueries, assetTypes } from "./assets.js";
import { automationQueries, automationTypes } from "./automation.js";
import { instigatorQueries, instigatorTypes } from "./instigators.js";
import { backfillQueries, backfillTypes } from "./backfills.js";
import { locationQueries, locationTypes } from "./locations.js";
import { mutationResolvers } from "./mutations.js";
import { observabilityQueries } from "./observability.js";
import { partitionQueries, partitionTypes } from "./partitions.js";
import { runQueries, runTypes } from "./runs.js";
import { viewerQueries } from "./viewer.js";

type ErrorTypeName = NonNullable<Awaited<ReturnType<ErrorResolvers["__resolveType"]>>>;

/** Union results carry their member's name (launch.ts and mutations.ts set it). */
const byTypename = <T extends string>(value: { __typename: T }): T => value.__typename;

export const resolvers: Resolvers = {
  Query: { ...assetQueries, ...runQueries, ...instigatorQueries, ...locationQueries, ...observabilityQueries, ...viewerQueries, ...backfillQueries, ...partitionQueries, ...automationQueries },
  Mutation: mutationResolvers,
  ...assetTypes,
  ...runTypes,
  ...instigatorTypes,
  ...locationTypes,
  ...partitionTypes,
  ...backfillTypes,
  ...automationTypes,
  LaunchRunResult: { __resolveType: byTypename },
  LaunchBackfillResult: { __resolveType: byTypename },
  CancelBackfillResult: { __resolveType: byTypename },
  DynamicPartitionsResult: { __resolveType: byTypename },
  CancelRunResult: { __resolveType: byTypename },
  InstigatorResult: { __resolveType: byTypename },
  ReloadLocationResult: { __resolveType: byTypename },
  MaterializeUnsyncedResult: { __resolveType: byTypename },
  SetAutomationStatusResult: { __resolveType: byTypename },
  // No field returns `Error` itself: its members reach clients inside the unions above, with __typename.
  Error: { __resolveType: (error) => (error as { __typename: ErrorTypeName }).__typename },
};
