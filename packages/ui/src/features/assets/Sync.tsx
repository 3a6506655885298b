/**
 * The "unsynced" badge (docs/staleness.md): shown on catalog rows and the asset page header when
 * the asset's latest materialization is behind its code or its inputs; its title lists why.
 * Synced and never-materialized assets show nothing here (their status badge says enough).
 */
import { graphql } from "../../api.js";
import type { AssetSyncFieldsFragment } from "../../generated/graphql.js";

/** What the badge needs: spread `...AssetSyncFields` into an asset's selection. */
graphql(`fragment AssetSyncFields on AssetSync { state causes { kind message upstream } }`);

export function causesText(sync: AssetSyncFieldsFragment): string {
  return sync.causes.map((c) => c.message).join("\n");
}

export function SyncBadge(props: { sync: AssetSyncFieldsFragment | null | undefined }) {
  const sync = props.sync;
  if (!sync || sync.state !== "UNSYNCED") return null;
  return (
    <span className="badge s-UNSYNCED" data-testid="sync-badge" data-state={sync.state} title={`Unsynced:\n${causesText(sync)}`}>
      unsynced
    </span>
  );
}
