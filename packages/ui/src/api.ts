/**
 * A small GraphQL client (see docs/decisions/0011-ui-stack.md): `gql` posts a document and returns
 * `data` or throws with the server's message; `useQuery` wraps it for components with reload and
 * optional polling. Documents are written with `graphql(\`…\`)` beside the component that uses
 * them; scripts/generate-graphql.mjs types each one from packages/webserver/schema.graphql
 * (decision 0017), so a query's result and variables are checked by `tsc`, never hand-typed.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { graphql } from "./generated/gql.js";
import type { RunEventLineFragment, RunSummaryFragment, TypedDocumentString, ViewerInfoQuery } from "./generated/graphql.js";

export { graphql };
export type { AssetStatus, RunStatus } from "./generated/graphql.js";


export class GraphQLRequestError extends Error {}

/** An operation without variables takes none; one with variables needs them. */
type VariablesArg<V> = Record<string, never> extends V ? [variables?: V] : [variables: V];

export async function gql<T, V>(document: TypedDocumentString<T, V>, ...[variables]: VariablesArg<V>): Promise<T> {
  const response = await fetch("/graphql", {
    method: "POST",
    // X-Flyt-Request: the webserver's CSRF check (a cross-site page cannot send it).
    headers: { "content-type": "application/json", accept: "application/graphql-response+json, application/json", "x-flyt-request": "1" },
    body: JSON.stringify({ query: document.toString(), variables: variables ?? {} }),
  });
  const body = (await response.json()) as { data?: T; errors?: Array<{ message: string }>; error?: { message: string } };
  // 401/403 from the auth layer come as { error: { code, message } }.
  if (body.error) throw new GraphQLRequestError(body.error.message);
  if (body.errors && body.errors.length > 0) throw new GraphQLRequestError(body.errors.map((e) => e.message).join("; "));
  if (body.data === undefined) throw new GraphQLRequestError(`Empty response (HTTP ${response.status})`);
  return body.data;
}

export interface QueryState<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

export function useQuery<T, V>(document: TypedDocumentString<T, V>, variables: V, pollMs = 0): QueryState<T> {
  const [state, setState] = useState<{ data: T | null; error: string | null; loading: boolean }>({ data: null, error: null, loading: true });
  const key = JSON.stringify(variables);
  const seq = useRef(0);
  const load = useCallback(() => {
    const mine = ++seq.current;
    // The variables travel through their JSON text so that an equal object from a new render does not reload.
    gql(document, ...([JSON.parse(key)] as VariablesArg<V>))
      .then((data) => mine === seq.current && setState({ data, error: null, loading: false }))
      .catch((error: unknown) => mine === seq.current && setState((s) => ({ data: s.data, error: String((error as Error).message ?? error), loading: false })));
  }, [document, key]);
  useEffect(() => {
    load();
    if (pollMs <= 0) return undefined;
    const timer = setInterval(load, pollMs);
    return () => clearInterval(timer);
  }, [load, pollMs]);
  return { ...state, reload: load };
}

/** Who is signed in and what the role allows (the `viewer` query; docs/auth.md). */
export type ViewerInfo = ViewerInfoQuery["viewer"];

const VIEWER = graphql(`query ViewerInfo { viewer { name email role canOperate canAdminister } }`);

const NOBODY: ViewerInfo = { name: null, email: null, role: null, canOperate: false, canAdminister: false };
let viewerPromise: Promise<ViewerInfo> | null = null;

/** Asked once per page load; a failure (401) means no role: nothing may be changed. */
function loadViewer(): Promise<ViewerInfo> {
  viewerPromise ??= gql(VIEWER).then((d) => d.viewer, () => NOBODY);
  return viewerPromise;
}

/** The viewer, or null while it loads. */
export function useViewer(): ViewerInfo | null {
  const [viewer, setViewer] = useState<ViewerInfo | null>(null);
  useEffect(() => {
    let live = true;
    void loadViewer().then((v) => live && setViewer(v));
    return () => {
      live = false;
    };
  }, []);
  return viewer;
}

/** Whether buttons that change runs, schedules, sensors or locations are enabled (false until known). */
export function useCanOperate(): boolean {
  return useViewer()?.canOperate ?? false;
}

export const NEEDS_OPERATOR = "Your role cannot do this: it needs operator.";

/** What a run list shows of a run: spread `...RunSummary` into a selection. */
graphql(`fragment RunSummary on Run { runId status selection partition location origin createdAt startedAt endedAt }`);
export type RunSummary = RunSummaryFragment;

/**
 * A run event as the live stream (/api/runs/:id/events) sends it: the stream sends the schema's
 * `RunEvent` (runEventView on the server), so its type comes from the schema too.
 */
graphql(`fragment RunEventLine on RunEvent { id timestamp stepKey type level message stream }`);
export type RunEvent = RunEventLineFragment;

export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  return new Date(ms).toLocaleString();
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
