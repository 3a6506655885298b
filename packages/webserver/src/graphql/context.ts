/**
 * What the GraphQL API needs from the rest of the platform, as small structural interfaces:
 * storage, the code locations (a `Workspace` from @flyt/workspace fits `DefinitionsProvider`
 * as it is; `flyt dev` may pass an in-process stand-in), and a `RunController` that starts or
 * cancels runs. Keeping these narrow lets the API run against any of them in tests.
 */
import { FlytError, type AssetGraph, type RunRecord, type SerializedError } from "@flyt/core";
import type { AssetSnapshot, Snapshot } from "@flyt/protocol";
import type { Storage } from "@flyt/storage";

/** One code location as the API shows it. */
export interface LocationEntry {
  name: string;
  status: "LOADING" | "LOADED" | "ERROR";
  /** The definitions file or the code server address. */
  source: string;
  error: SerializedError | null;
  /** The current snapshot, or the last good one while in ERROR. */
  snapshot: Snapshot | null;
  loadedAt: number | null;
  updatedAt: number;
}

/** The merged asset graph across every location (what `Workspace.graph()` returns). */
export interface MergedGraphView {
  graph: AssetGraph;
  locationOf: ReadonlyMap<string, string>;
  assets: ReadonlyMap<string, AssetSnapshot & { location: string }>;
  unresolved: Array<{ location: string; asset: string; dep: string; reason: string }>;
  /** Keys defined by more than one location (the first by name wins). Absent: none known. */
  conflicts?: Array<{ key: string; locations: string[] }>;
  /** Dependencies on another location's asset whose partition mapping does not fit the pair. Absent: none known. */
  partitionMappingProblems?: Array<{ location: string; asset: string; dep: string; reason: string }>;
}

export interface DefinitionsProvider {
  list(): LocationEntry[];
  graph(): MergedGraphView;
  /** Reloads one location; rejects for an unknown name. */
  reload(name: string): Promise<LocationEntry>;
}

/** A run the controller could not start: its location is not available. */
export class LocationUnavailable extends FlytError {
  constructor(
    readonly location: string,
    message: string,
  ) {
    super("LOCATION_UNAVAILABLE", message);
  }
}

export interface RunController {
  /**
   * Called right after the API created a QUEUED run: starts it now (dev), hands it to a code
   * location, or leaves it to the daemon's queue. @throws LocationUnavailable
   */
  submit(run: RunRecord): Promise<void>;
  /** Asks the run's worker to stop; the controller writes RUN_CANCELING / RUN_CANCELED. */
  cancel(run: RunRecord, reason: string): Promise<void>;
}

/**
 * Who is asking: every mutation checks `canMutate` (operator or admin; the webserver's auth
 * layer maps the request's role onto it). The identity fields feed the `viewer` query.
 */
export interface Viewer {
  canMutate: boolean;
  name?: string | null;
  email?: string | null;
  role?: "viewer" | "operator" | "admin" | null;
}

export interface ApiOptions {
  storage: Storage;
  definitions: DefinitionsProvider;
  runs: RunController;
  /**
   * Maps a request to its viewer (default: the principal the webserver's auth layer attached —
   * see src/auth — or, when the handler is mounted without it, anyone may mutate).
   */
  viewer?: (request: { headers: Record<string, string | string[] | undefined> }) => Viewer;
  /** Structured log sink for errors hidden from clients. */
  log?: (record: Record<string, unknown>) => void;
  now?: () => number;
}

/** Per-request state handed to every resolver. */
export interface RequestContext {
  options: ApiOptions;
  viewer: Viewer;
  now: number;
  /** Memoised per request: reads shared by many fields of one query. */
  cache: Map<string, Promise<unknown>>;
}

export function memo<T>(ctx: RequestContext, key: string, load: () => Promise<T>): Promise<T> {
  let value = ctx.cache.get(key) as Promise<T> | undefined;
  if (value === undefined) {
    value = load();
    ctx.cache.set(key, value);
  }
  return value;
}
