/**
 * "Materialize unsynced" (the catalog's and the lineage's launch bars): the server's
 * materializeUnsynced, which runs the unsynced assets of a selection (every loaded asset without
 * one) and backfills only the unsynced partitions of partitioned ones, then says what it launched
 * and what it left out and why. It launches at once rather than through the launch dialog: its
 * plan is the server's to make (which partitions are unsynced), and the result lists it.
 */
import { useState } from "react";
import { gql, graphql } from "../../api.js";
import type { LaunchMaterializeUnsyncedMutation } from "../../generated/graphql.js";
import { Link } from "../../router.js";

const MATERIALIZE_UNSYNCED = graphql(`mutation LaunchMaterializeUnsynced($selection: String) {
  materializeUnsynced(selection: $selection) {
    __typename
    ... on MaterializeUnsyncedSuccess { message launched runs { runId location assetKeys } backfills { id assetKey partitionCount } skipped { key reason } }
    ... on Error { message }
  }
}`);

export type UnsyncedOutcome = LaunchMaterializeUnsyncedMutation["materializeUnsynced"];

/**
 * Launches the unsynced assets of `selection` (null: of every location); a failed request becomes
 * an error result, never silence. `onDone` runs after every attempt (the catalog re-reads its rows).
 */
export function useMaterializeUnsynced(onDone?: () => void): { run: (selection: string | null) => void; pending: boolean; result: UnsyncedOutcome | null; dismiss: () => void } {
  const [pending, setPending] = useState(false);
  const [result, setResult] = useState<UnsyncedOutcome | null>(null);
  const run = (selection: string | null) => {
    setPending(true);
    gql(MATERIALIZE_UNSYNCED, { selection })
      .then((data) => setResult(data.materializeUnsynced))
      .catch((e: unknown) => setResult({ __typename: "InvalidSelectionError", message: String((e as Error).message ?? e) }))
      .finally(() => {
        setPending(false);
        onDone?.();
      });
  };
  return { run, pending, result, dismiss: () => setResult(null) };
}

export function UnsyncedResult(props: { result: UnsyncedOutcome; onClose: () => void }) {
  const r = props.result;
  return (
    <div className="result-panel" data-testid="materialize-unsynced-result" role="status">
      <button type="button" style={{ float: "right" }} onClick={props.onClose} aria-label="Close">✕</button>
      {r.__typename === "MaterializeUnsyncedSuccess" ? (
        <>
          <p>{r.message}</p>
          {r.runs.map((run) => (
            <div key={run.runId} data-testid="materialize-unsynced-run">
              <Link to={`/runs/${run.runId}`}>{run.runId.slice(0, 8)}</Link> <span className="muted">({run.location})</span>: {run.assetKeys.join(", ")}
            </div>
          ))}
          {r.backfills.map((b) => (
            <div key={b.id} data-testid="materialize-unsynced-backfill">
              <Link to={`/backfills/${b.id}`}>Backfill {b.id.slice(0, 8)}</Link>: <Link to={`/assets/${b.assetKey}`}>{b.assetKey}</Link>, {b.partitionCount} unsynced partition{b.partitionCount === 1 ? "" : "s"}
            </div>
          ))}
          {r.skipped.length > 0 && (
            <ul>
              {r.skipped.map((s) => <li key={s.key}><Link to={`/assets/${s.key}`}>{s.key}</Link> <span className="muted">— {s.reason}</span></li>)}
            </ul>
          )}
        </>
      ) : (
        <p className="error">{r.message}</p>
      )}
    </div>
  );
}
