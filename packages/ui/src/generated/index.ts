// GENERATED — DO NOT EDIT. Produced by scripts/generate-graphql.mjs from packages/webserver/schema.graphql.
/* eslint-disable */
export * from "./gql";
