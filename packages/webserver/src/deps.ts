/** What the routes share: storage, the workspace (absent in ingest-only deployments), a launcher and a logger. */
import type { RunLauncher } from "@flyt/run-worker";
import type { Storage } from "@flyt/storage";
import type { Workspace } from "@flyt/workspace";

export interface ServerDeps {
  storage: Storage;
  workspace: Workspace | null;
  launcher: RunLauncher | null;
  log: (record: Record<string, unknown>) => void;
}
