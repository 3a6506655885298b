/**
 * Builds the executable schema: the SDL of type-defs.ts with the resolvers of resolvers.ts
 * attached to its fields, and abstract types resolved from `__typename` (union results) or
 * from the instigator kind.
 */
import { buildSchema, isAbstractType, isObjectType, printSchema, type GraphQLSchema } from "graphql";
import { resolvers, resolveTypeName } from "./resolvers.js";
import { typeDefs } from "./type-defs.js";

let cached: GraphQLSchema | null = null;

export function flytSchema(): GraphQLSchema {
  if (cached !== null) return cached;
  const schema = buildSchema(typeDefs);
  for (const [typeName, fields] of Object.entries(resolvers)) {
    const type = schema.getType(typeName);
    if (type === undefined || type === null) throw new Error(`Resolvers for unknown GraphQL type ${typeName}`);
    if (!isObjectType(type)) {
      if (isAbstractType(type) && Object.keys(fields).length === 0) continue;
      throw new Error(`Resolvers given for ${typeName}, which has no fields to resolve`);
    }
    const defined = type.getFields();
    for (const [fieldName, resolve] of Object.entries(fields)) {
      const field = defined[fieldName];
      if (field === undefined) throw new Error(`Resolver for unknown field ${typeName}.${fieldName}`);
      field.resolve = (parent, args, ctx) => resolve(parent, args, ctx);
    }
  }
  for (const type of Object.values(schema.getTypeMap())) {
    if (isAbstractType(type)) type.resolveType = (value) => resolveTypeName(value);
  }
  cached = schema;
  return schema;
}

/** The schema as committed in packages/webserver/schema.graphql. */
export function printFlytSchema(): string {
  return printSchema(flytSchema()) + "\n";
}
