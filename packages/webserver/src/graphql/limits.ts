/**
 * Validation rules that bound what one GraphQL request may cost: selection depth, an estimated
 * cost (each field 1, multiplied by the `first`/`count` of the lists around it) and the number of
 * aliases. They run before execution, so an expensive query is refused without touching storage.
 */
import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FieldNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValueNode,
} from "graphql";

export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
}

export const DEFAULT_LIMITS: QueryLimits = { maxDepth: 12, maxCost: 250_000, maxAliases: 30 };

/** Lists without a `first` argument are assumed to hold this many items when estimating cost. */
const DEFAULT_LIST_SIZE = 10;

function intValue(node: ValueNode | undefined, variables: Record<string, unknown>): number | null {
  if (node === undefined) return null;
  if (node.kind === Kind.INT) return Number(node.value);
  if (node.kind === Kind.VARIABLE) {
    const value = variables[node.name.value];
    return typeof value === "number" ? value : null;
  }
  return null;
}

export function limitRules(limits: QueryLimits = DEFAULT_LIMITS, variables: Record<string, unknown> = {}) {
  return [
    (context: ValidationContext): ASTVisitor => {
      const fragments = new Map<string, FragmentDefinitionNode>();
      for (const def of context.getDocument().definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);

      // Walks a selection set, returning [depth, cost, aliases], following fragments (cycles are refused by the spec rules).
      const walk = (set: SelectionSetNode, seen: Set<string>): [number, number, number] => {
        let depth = 0;
        let cost = 0;
        let aliases = 0;
        for (const selection of set.selections) {
          if (selection.kind === Kind.FIELD) {
            const field: FieldNode = selection;
            if (field.alias) aliases++;
            if (field.name.value.startsWith("__")) continue;
            let childDepth = 0;
            let childCost = 0;
            if (field.selectionSet) {
              const [d, c, a] = walk(field.selectionSet, seen);
              childDepth = d;
              childCost = c;
              aliases += a;
            }
            const firstArg = field.arguments?.find((a) => a.name.value === "first" || a.name.value === "count");
            const size = firstArg ? (intValue(firstArg.value, variables) ?? DEFAULT_LIST_SIZE) : field.selectionSet ? 1 : 0;
            cost += 1 + Math.max(size, 1) * childCost;
            depth = Math.max(depth, 1 + childDepth);
          } else if (selection.kind === Kind.INLINE_FRAGMENT) {
            const [d, c, a] = walk(selection.selectionSet, seen);
            depth = Math.max(depth, d);
            cost += c;
            aliases += a;
          } else {
            const name = selection.name.value;
            const fragment = fragments.get(name);
            if (fragment === undefined || seen.has(name)) continue;
            const [d, c, a] = walk(fragment.selectionSet, new Set([...seen, name]));
            depth = Math.max(depth, d);
            cost += c;
            aliases += a;
          }
        }
        return [depth, cost, aliases];
      };

      return {
        OperationDefinition(node) {
          const [depth, cost, aliases] = walk(node.selectionSet, new Set());
          if (depth > limits.maxDepth) {
            context.reportError(new GraphQLError(`Query is too deep: depth ${depth} exceeds the limit of ${limits.maxDepth}.`, { nodes: [node] }));
          }
          if (cost > limits.maxCost) {
            context.reportError(new GraphQLError(`Query is too expensive: estimated cost ${cost} exceeds the limit of ${limits.maxCost}; ask for smaller pages ('first') or fewer nested lists.`, { nodes: [node] }));
          }
          if (aliases > limits.maxAliases) {
            context.reportError(new GraphQLError(`Query uses ${aliases} aliases; the limit is ${limits.maxAliases}.`, { nodes: [node] }));
          }
        },
      };
    },
  ];
}
