/**
 * Asset selection syntax (see docs/selection.md): keys, `group:`, `tag:`, `owner:`, `kind:`,
 * `+key` / `key+` with optional depth (`+2key`, `key+1`), `*`, unions with commas.
 */
import type { AssetGraph } from "./asset-graph.js";
import { InvalidSelectionError } from "./errors.js";

/**
 * Resolves a selection expression to the set of printed asset keys it matches.
 * @throws InvalidSelectionError when the expression is malformed, names an unknown key
 *   (with a did-you-mean), or matches nothing.
 */
export function resolveSelection(graph: AssetGraph, expression: string): Set<string> {
  void graph;
  throw new InvalidSelectionError(expression, "selection is not implemented yet");
}
