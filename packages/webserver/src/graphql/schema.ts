/**
 * Builds the executable schema: the SDL of type-defs.ts with the resolvers of resolvers/ attached
 * to its fields and abstract types. Every Query and Mutation field must have a resolver (the
 * generated `Resolvers` type cannot require one), so a field added to the SDL alone fails here,
 * at startup and in every test, instead of answering null.
 */
import { buildSchema, isAbstractType, isObjectType, printSchema, type GraphQLFieldResolver, type GraphQLSchema, type GraphQLTypeResolver } from "graphql";
import { resolvers } from "./resolvers/index.js";
import { typeDefs } from "./type-defs.js";

let cached: GraphQLSchema | null = null;

type AnyResolver = GraphQLFieldResolver<unknown, unknown> | { resolve: GraphQLFieldResolver<unknown, unknown> };

export function flytSchema(): GraphQLSchema {
  if (cached !== null) return cached;
  const schema = buildSchema(typeDefs);
  for (const [typeName, fields] of Object.entries(resolvers as Record<string, Record<string, unknown>>)) {
    const type = schema.getType(typeName);
    if (type === undefined || type === null) throw new Error(`Resolvers for unknown GraphQL type ${typeName}`);
    if (isAbstractType(type)) {
      const { __resolveType, ...rest } = fields;
      if (Object.keys(rest).length > 0 || typeof __resolveType !== "function") throw new Error(`${typeName} is abstract: give it only __resolveType`);
      type.resolveType = __resolveType as GraphQLTypeResolver<unknown, unknown>;
      continue;
    }
    if (!isObjectType(type)) throw new Error(`Resolvers given for ${typeName}, which has no fields to resolve`);
    const defined = type.getFields();
    for (const [fieldName, resolver] of Object.entries(fields as Record<string, AnyResolver>)) {
      const field = defined[fieldName];
      if (field === undefined) throw new Error(`Resolver for unknown field ${typeName}.${fieldName}`);
      field.resolve = typeof resolver === "function" ? resolver : resolver.resolve;
    }
  }
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      if (field.resolve === undefined) throw new Error(`${root!.name}.${field.name} has no resolver: add it to a module of graphql/resolvers/`);
    }
  }
  for (const type of Object.values(schema.getTypeMap())) {
    if (isAbstractType(type) && type.resolveType === undefined && !type.name.startsWith("__")) {
      throw new Error(`${type.name} is abstract and has no __resolveType in graphql/resolvers/`);
    }
  }
  cached = schema;
  return schema;
}

/** The schema as committed in packages/webserver/schema.graphql. */
export function printFlytSchema(): string {
  return printSchema(flytSchema()) + "\n";
}
