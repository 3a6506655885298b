/**
 * Automation conditions and evaluation results as trees. The API sends them flattened in preorder
 * with a depth per node (GraphQL cannot ask for a tree of unknown depth), so a tree is drawn as an
 * indented list: each node under its parent, a result node with ✓ where it was true (and for how
 * many partitions) or ✗ where it was false, and the detail that says why.
 */
import { graphql } from "../../api.js";
import type { AutomationConditionNodeFieldsFragment, AutomationResultNodeFieldsFragment } from "../../generated/graphql.js";

graphql(`fragment AutomationConditionNodeFields on AutomationConditionNode { id parentId depth kind description }`);
graphql(`fragment AutomationResultNodeFields on AutomationResultNode { id parentId depth kind description trueCount detail }`);

const indent = (depth: number) => ({ paddingLeft: `${depth * 18}px` });

export function ConditionTree(props: { nodes: AutomationConditionNodeFieldsFragment[] }) {
  return (
    <ul className="tree" data-testid="condition-tree">
      {props.nodes.map((n) => (
        <li key={n.id} style={indent(n.depth)} data-kind={n.kind}>
          {n.description} <span className="muted">({n.kind})</span>
        </li>
      ))}
    </ul>
  );
}

/** `partitioned`: say "true for N" instead of a bare ✓ (an unpartitioned asset's count is 0 or 1). */
export function ResultTree(props: { nodes: AutomationResultNodeFieldsFragment[]; partitioned: boolean }) {
  return (
    <ul className="tree" data-testid="result-tree">
      {props.nodes.map((n) => {
        const yes = n.trueCount > 0;
        return (
          <li key={n.id} style={indent(n.depth)} data-testid="result-node" data-kind={n.kind} data-true={yes ? "true" : "false"}>
            <span className={`t ${yes ? "yes" : "no"}`} aria-label={yes ? "true" : "false"}>{yes ? "✓" : "✗"}</span>
            {n.description}
            {props.partitioned ? <span className="muted"> · true for {n.trueCount}</span> : null}
            {n.detail ? <span className="detail">{n.detail}</span> : null}
          </li>
        );
      })}
    </ul>
  );
}
