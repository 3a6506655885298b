/** What the routes share: storage, the workspace (absent in ingest-only deployments), a launcher, a logger and metrics. */
import type { RunLauncher } from "@flyt/run-worker";
import type { Storage } from "@flyt/storage";
import type { Workspace } from "@flyt/workspace";
import type { WebserverMetrics } from "./routes/metrics.js";

export interface ServerDeps {
  storage: Storage;
  workspace: Workspace | null;
  launcher: RunLauncher | null;
  log: (record: Record<string, unknown>) => void;
  /** Counts what the routes do (ingested events); absent in route tests without a registry. */
  metrics?: WebserverMetrics | null;
}
