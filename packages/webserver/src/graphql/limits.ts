/**
 * What one GraphQL request may cost, decided before graphql-js validates or executes anything:
 * selection depth, an estimated cost (each field 1, multiplied by the `first`/`count` of the lists
 * around it), aliases, and the number of fields once fragments are expanded. The analysis visits
 * every fragment once and memoises its figures, so it is linear in the document: a 1.5 KB
 * "fragment bomb" (30 fragments, each spreading the next twice: 2^30 fields expanded) is refused
 * in well under a millisecond instead of being expanded by the validation rules. Only a document
 * within the limits reaches graphql-js's own (spec) rules, whose cost is then bounded too.
 */
import {
  GraphQLError,
  getNamedType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  Kind,
  OperationTypeNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type GraphQLType,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";

export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  /** Field selections after expanding fragments (each spread counted every time it is used). */
  maxFields: number;
  /** Tokens the parser reads before giving up (graphql-js `maxTokens`). */
  maxTokens: number;
}

export const DEFAULT_LIMITS: QueryLimits = { maxDepth: 12, maxCost: 250_000, maxAliases: 30, maxFields: 5_000, maxTokens: 20_000 };

/** Lists without a `first` argument are assumed to hold this many items when estimating cost. */
const DEFAULT_LIST_SIZE = 10;
/** Figures saturate here: a bomb's 2^60 must not become Infinity or lose the comparison. */
const CEILING = 1e15;

interface Figures {
  depth: number;
  cost: number;
  aliases: number;
  fields: number;
}

const ZERO: Figures = { depth: 0, cost: 0, aliases: 0, fields: 0 };

function capped(n: number): number {
  return n > CEILING ? CEILING : n;
}

function add(a: Figures, b: Figures): Figures {
  return { depth: Math.max(a.depth, b.depth), cost: capped(a.cost + b.cost), aliases: capped(a.aliases + b.aliases), fields: capped(a.fields + b.fields) };
}

function intValue(node: ValueNode | undefined, variables: Record<string, unknown>): number | null {
  if (node === undefined) return null;
  if (node.kind === Kind.INT) return Number(node.value);
  if (node.kind === Kind.VARIABLE) {
    const value = variables[node.name.value];
    return typeof value === "number" && Number.isFinite(value) ? value : null;
  }
  return null;
}

function isList(type: GraphQLType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

/** The field a selection names on its parent type, when the schema knows both. */
function fieldOf(parent: GraphQLNamedType | null, name: string): GraphQLField<unknown, unknown> | null {
  if (parent === null || !(isObjectType(parent) || isInterfaceType(parent))) return null;
  return parent.getFields()[name] ?? null;
}

/**
 * The figures of every operation of a document, fragments costed once each. With the schema, a
 * page size not given in the query is the argument's default (`assets` pages of 100), and a list
 * field is known to be one even without a sub-selection.
 */
export function analyzeDocument(document: DocumentNode, variables: Record<string, unknown> = {}, schema: GraphQLSchema | null = null): Map<OperationDefinitionNode, Figures> | GraphQLError {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const memo = new Map<string, Figures>();
  const inProgress = new Set<string>();
  // An object, not a `let`: it is set inside the closures below.
  const found: { cycle: string | null } = { cycle: null };

  const fragmentFigures = (name: string): Figures => {
    const known = memo.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    // Unknown fragments are the spec rules' to report; a cycle is refused here, before they run.
    if (fragment === undefined) return ZERO;
    if (inProgress.has(name)) {
      found.cycle ??= name;
      return ZERO;
    }
    inProgress.add(name);
    const figures = selectionFigures(fragment.selectionSet, schema?.getType(fragment.typeCondition.name.value) ?? null);
    inProgress.delete(name);
    memo.set(name, figures);
    return figures;
  };

  const selectionFigures = (set: SelectionSetNode, parent: GraphQLNamedType | null): Figures => {
    let total = ZERO;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const aliases = selection.alias ? 1 : 0;
        if (selection.name.value.startsWith("__")) {
          total = add(total, { depth: 1, cost: 0, aliases, fields: 1 });
          continue;
        }
        const field = fieldOf(parent, selection.name.value);
        const child = selection.selectionSet ? selectionFigures(selection.selectionSet, field === null ? null : getNamedType(field.type)) : ZERO;
        const firstArg = selection.arguments?.find((a) => a.name.value === "first" || a.name.value === "count");
        const pageArg = field?.args.find((a) => a.name === "first" || a.name === "count");
        const defaultPage = typeof pageArg?.defaultValue === "number" ? pageArg.defaultValue : null;
        const size = firstArg
          ? (intValue(firstArg.value, variables) ?? defaultPage ?? DEFAULT_LIST_SIZE)
          : defaultPage !== null
            ? defaultPage
            : field !== null && isList(field.type)
              ? // A connection's nodes are the page its parent field already counted.
                parent?.name.endsWith("Connection")
                ? 1
                : DEFAULT_LIST_SIZE
              : selection.selectionSet
                ? 1
                : 0;
        total = add(total, {
          depth: 1 + child.depth,
          cost: capped(1 + Math.max(size, 1) * child.cost),
          aliases: capped(aliases + child.aliases),
          fields: capped(1 + child.fields),
        });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const typed = selection.typeCondition ? (schema?.getType(selection.typeCondition.name.value) ?? null) : parent;
        total = add(total, selectionFigures(selection.selectionSet, typed));
      } else {
        total = add(total, fragmentFigures(selection.name.value));
      }
    }
    return total;
  };

  const out = new Map<OperationDefinitionNode, Figures>();
  for (const def of document.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    const root =
      schema === null
        ? null
        : def.operation === OperationTypeNode.MUTATION
          ? (schema.getMutationType() ?? null)
          : def.operation === OperationTypeNode.SUBSCRIPTION
            ? (schema.getSubscriptionType() ?? null)
            : (schema.getQueryType() ?? null);
    out.set(def, selectionFigures(def.selectionSet, root));
  }
  if (found.cycle !== null) return new GraphQLError(`Cannot spread fragment "${found.cycle}" within itself (a fragment cycle).`);
  return out;
}

/** The errors a document earns against the limits (empty: within them). */
export function limitErrors(document: DocumentNode, variables: Record<string, unknown>, limits: QueryLimits = DEFAULT_LIMITS, schema: GraphQLSchema | null = null): GraphQLError[] {
  const analysis = analyzeDocument(document, variables, schema);
  if (analysis instanceof GraphQLError) return [analysis];
  const errors: GraphQLError[] = [];
  for (const [node, { depth, cost, aliases, fields }] of analysis) {
    if (depth > limits.maxDepth) errors.push(new GraphQLError(`Query is too deep: depth ${depth} exceeds the limit of ${limits.maxDepth}.`, { nodes: [node] }));
    if (cost > limits.maxCost) {
      errors.push(
        new GraphQLError(
          `Query is too expensive: estimated cost ${cost >= CEILING ? `over ${CEILING}` : cost} exceeds the limit of ${limits.maxCost}; ask for smaller pages ('first') or fewer nested lists.`,
          { nodes: [node] },
        ),
      );
    }
    if (aliases > limits.maxAliases) errors.push(new GraphQLError(`Query uses ${aliases >= CEILING ? `over ${CEILING}` : aliases} aliases; the limit is ${limits.maxAliases}.`, { nodes: [node] }));
    if (fields > limits.maxFields) {
      errors.push(
        new GraphQLError(
          `Query selects ${fields >= CEILING ? `over ${CEILING}` : fields} fields once its fragments are expanded; the limit is ${limits.maxFields} (a fragment spread counts every time it is used).`,
          { nodes: [node] },
        ),
      );
    }
  }
  return errors;
}
