/** What the routes share: storage, the workspace (absent in ingest-only deployments), how runs are started, a logger and metrics. */
import type { RunController } from "./graphql/context.js";
import type { Storage } from "@flyt/storage";
import type { Workspace } from "@flyt/workspace";
import type { WebserverMetrics } from "./routes/metrics.js";

export interface ServerDeps {
  storage: Storage;
  /** The code locations, read at each request (`flyt dev` has them only once its code servers are up). */
  workspace: () => Workspace | null;
  /** Starts and cancels the runs the REST API creates (the same controller GraphQL uses); null: launching is off. */
  runs: RunController | null;
  log: (record: Record<string, unknown>) => void;
  /** Counts what the routes do (ingested events); absent in route tests without a registry. */
  metrics?: WebserverMetrics | null;
}
