/**
 * The allowed dependency graph between Flyt's workspace projects: the machine-readable picture of
 * DESIGN §2 that docs/architecture.md's table is generated from and `check.ts` enforces.
 *
 * A project's `dependsOn` lists the `@flyt/*` packages any of its files may import; `testOnly` lists
 * those only its tests may import (files named `*.test.ts`, `test-support*`, under `test-fixtures/`).
 * Adding an edge here is an architecture decision: say why in the project's `role` or in docs/decisions/.
 */

/** One workspace project (a package, an example or a test suite) and what it may depend on. */
export interface ProjectRule {
  /** Folder relative to the repository root. */
  dir: string;
  /** Package name, or undefined for a single-file example without a package.json. */
  name?: string;
  /** What it is for, in one line (printed in docs/architecture.md). */
  role: string;
  /** Layer in the picture: a project may only depend on lower layers (checked). */
  layer: number;
  dependsOn: string[];
  testOnly?: string[];
  /** Why the project has no package.json, when it has none (its imports then resolve from the root). */
  noPackageJson?: string;
}

/** An edge that breaks the graph today, written down so it cannot spread unnoticed and is removed on purpose. */
export interface KnownException {
  from: string;
  to: string;
  /** What the importing files use from the target, and what will remove the edge. */
  reason: string;
}

export const PROJECTS: ProjectRule[] = [
  { dir: "packages/core", name: "@flyt/core", layer: 0, dependsOn: [], role: "the domain vocabulary every component shares: asset keys, metadata, events, runs, the asset graph, selection, errors; no I/O" },
  { dir: "packages/pipes-client", name: "@flyt/pipes-client", layer: 0, dependsOn: [], role: "Dagster Pipes client for child processes; no runtime dependencies so any child can bundle it" },
  { dir: "packages/partitions", name: "@flyt/partitions", layer: 1, dependsOn: ["@flyt/core"], role: "the time and partition math the SDK and the platform share: partitions definitions (static, time windows), keys, rebuilding from a snapshot, cron fire times; no user code, no I/O. Below the SDK so that the webserver reads partitions and next ticks without loading it" },
  { dir: "packages/sdk", name: "@flyt/sdk", layer: 2, dependsOn: ["@flyt/core", "@flyt/partitions"], role: "the API applications import: asset, check, schedule, sensor, resources, defineDefinitions; re-exports the partitions and cron fire times of `partitions`" },
  { dir: "packages/backfills", name: "@flyt/backfills", layer: 2, dependsOn: ["@flyt/core", "@flyt/partitions"], role: "backfill planning with no I/O: a request validated against the asset graph, planned into range-encoded targets through partition mappings, units and chunks with deterministic run keys, progress and counts; the daemon drives it, the API and the CLI validate with it" },
  { dir: "packages/automation", name: "@flyt/automation", layer: 3, dependsOn: ["@flyt/core", "@flyt/partitions"], testOnly: ["@flyt/sdk", "@flyt/storage"], role: "declarative automation and staleness with no I/O at its core: sync status (unsynced, with causes) from the asset index, automation conditions validated, described and evaluated per partition through partition mappings, coalesced run requests with an explanation for every decision; its tick reader takes storage structurally, so it does not depend on it (its tests run against real storage, and check the ready-made trees equal the SDK's). The daemon, the webserver and the CLI use it (docs/decisions/0022)" },
  { dir: "packages/storage", name: "@flyt/storage", layer: 2, dependsOn: ["@flyt/core", "@flyt/partitions"], role: "metadata storage: one interface, SQLite and PostgreSQL backends, migrations; places partition keys by position (partitions) so that every writer keeps partition status the same way (docs/decisions/0021)" },
  { dir: "packages/kubernetes", name: "@flyt/kubernetes", layer: 1, dependsOn: ["@flyt/core"], role: "what the Kubernetes packages share: pod status rules, label values, quantities, list + watch; a fake API server for their tests. Below both so that runPod (user code) never pulls in the launcher or the run worker" },
  { dir: "packages/protocol", name: "@flyt/protocol", layer: 1, dependsOn: ["@flyt/core"], role: "code location ↔ platform wire contract: message types and JSON Schemas" },
  { dir: "packages/contracts", name: "@flyt/contracts", layer: 3, dependsOn: ["@flyt/core", "@flyt/storage"], role: "what components agree on about runs: the launcher contract and its claim, re-execution plans, run summaries, the parent pipe" },
  { dir: "packages/pipes", name: "@flyt/pipes", layer: 3, dependsOn: ["@flyt/core", "@flyt/sdk"], testOnly: ["@flyt/pipes-client"], role: "orchestrator side of Dagster Pipes: launch a process as an asset step" },
  { dir: "packages/observability", name: "@flyt/observability", layer: 3, dependsOn: ["@flyt/core", "@flyt/storage"], role: "logging, Prometheus metrics, alert channels and their delivery" },
  { dir: "packages/pipes-kubernetes", name: "@flyt/pipes-kubernetes", layer: 4, dependsOn: ["@flyt/core", "@flyt/sdk", "@flyt/pipes", "@flyt/kubernetes"], testOnly: ["@flyt/pipes-client"], role: "ctx.pipes.runPod: a Pipes child as its own Kubernetes Pod" },
  { dir: "packages/run-worker", name: "@flyt/run-worker", layer: 5, dependsOn: ["@flyt/core", "@flyt/sdk", "@flyt/storage", "@flyt/contracts", "@flyt/pipes", "@flyt/pipes-kubernetes"], role: "executes one run: plans steps, runs them, streams events; the in-process and subprocess launchers; loads definitions" },
  { dir: "packages/dbt", name: "@flyt/dbt", layer: 6, dependsOn: ["@flyt/core", "@flyt/sdk", "@flyt/pipes"], testOnly: ["@flyt/run-worker", "@flyt/storage"], role: "the dbt integration applications import beside the SDK: a manifest's models, seeds and snapshots as assets of one step, tests as checks, sources wired to upstream assets, `dbt build` streamed; above the run worker only so that its tests execute real runs" },
  { dir: "packages/code-location-server", name: "@flyt/code-location-server", layer: 6, dependsOn: ["@flyt/core", "@flyt/protocol", "@flyt/sdk", "@flyt/contracts", "@flyt/run-worker"], role: "loads one application's definitions, serves the snapshot, evaluates instigators, starts run workers" },
  { dir: "packages/workspace", name: "@flyt/workspace", layer: 7, dependsOn: ["@flyt/core", "@flyt/partitions", "@flyt/protocol", "@flyt/storage", "@flyt/contracts", "@flyt/code-location-server"], role: "the platform's view of its code locations: starts/polls code servers, merges snapshots, the code-server launcher" },
  { dir: "packages/webserver", name: "@flyt/webserver", layer: 8, dependsOn: ["@flyt/core", "@flyt/protocol", "@flyt/storage", "@flyt/contracts", "@flyt/partitions", "@flyt/backfills", "@flyt/automation", "@flyt/workspace", "@flyt/observability"], testOnly: ["@flyt/run-worker", "@flyt/code-location-server", "@flyt/sdk"], role: "GraphQL API, event ingest, health, /metrics, serves the UI" },
  { dir: "packages/daemon", name: "@flyt/daemon", layer: 8, dependsOn: ["@flyt/core", "@flyt/partitions", "@flyt/backfills", "@flyt/automation", "@flyt/protocol", "@flyt/storage", "@flyt/contracts", "@flyt/sdk", "@flyt/code-location-server", "@flyt/workspace", "@flyt/observability"], role: "scheduler, sensors, run queue, run monitor, retries, backfills, automation, freshness, alerts; active/standby" },
  { dir: "packages/launcher-kubernetes", name: "@flyt/launcher-kubernetes", layer: 9, dependsOn: ["@flyt/core", "@flyt/kubernetes", "@flyt/storage", "@flyt/contracts", "@flyt/workspace"], testOnly: ["@flyt/daemon", "@flyt/webserver"], role: "the Kubernetes launcher: a Job per run" },
  { dir: "packages/cli", name: "@flyt/cli", layer: 10, dependsOn: ["@flyt/core", "@flyt/partitions", "@flyt/backfills", "@flyt/automation", "@flyt/storage", "@flyt/contracts", "@flyt/run-worker", "@flyt/code-location-server", "@flyt/workspace", "@flyt/webserver", "@flyt/daemon", "@flyt/launcher-kubernetes", "@flyt/observability"], testOnly: ["@flyt/sdk"], role: "the `flyt` command; the composition root that wires every component (and `flyt dev` runs them in one process)" },
  { dir: "packages/ui", name: "@flyt/ui", layer: 10, dependsOn: [], role: "React single-page app; talks to the webserver over GraphQL only, never by import" },
  { dir: "packages/ui-e2e", name: "@flyt/ui-e2e", layer: 11, dependsOn: [], testOnly: ["@flyt/observability"], role: "browser tests of the UI against a real `flyt dev` started from the built bin" },
  { dir: "packages/topology", name: "@flyt/topology", layer: 11, dependsOn: ["@flyt/cli", "@flyt/core", "@flyt/sdk", "@flyt/storage"], role: "test-only: every component as its own OS process on PostgreSQL, and the failure drills" },
  { dir: "examples/atlas", name: "@flyt/example-atlas", layer: 11, dependsOn: ["@flyt/core", "@flyt/sdk", "@flyt/pipes-client", "@flyt/dbt", "@flyt/cli"], testOnly: ["@flyt/storage", "@flyt/run-worker", "@flyt/daemon"], role: "a miniature of Atlas, the first user: what an application's code location looks like (its image runs `flyt code-server` from its own @flyt/cli)" },
  { dir: "examples/weather", layer: 11, dependsOn: ["@flyt/core", "@flyt/sdk"], noPackageJson: "a single-file code location loaded by path (`-f`), as users write one", role: "single-file example location" },
  { dir: "examples/broken", layer: 11, dependsOn: ["@flyt/core", "@flyt/sdk"], noPackageJson: "a single-file code location that fails to load on purpose (the UI's ERROR state)", role: "example location that fails to load" },
  { dir: "scripts/boundaries", layer: 11, dependsOn: [], noPackageJson: "a repository tool, run from its compiled dist/; it needs only typescript from the root", role: "this check: the graph below, enforced" },
  { dir: "deploy/test", name: "@flyt/deploy-test", layer: 11, dependsOn: ["@flyt/cli", "@flyt/launcher-kubernetes", "@flyt/storage"], role: "tests of the Helm chart, UIS files and the platform image" },
];

export const KNOWN_EXCEPTIONS: KnownException[] = [
  // LocalEvaluator imports the user's definitions itself; it goes when the one-shot commands list
  // instigators through a child code server as the long-running processes do.
  { from: "@flyt/daemon", to: "@flyt/run-worker", reason: "LocalEvaluator loads definitions in process, for one-shot commands (flyt schedules/sensors -f) and tests; flyt daemon and flyt dev evaluate through code servers" },
];
