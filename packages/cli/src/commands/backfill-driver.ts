/**
 * What `flyt backfill` needs besides storage: the asset graph of its code locations (to validate a
 * request, and to plan it when it drives), who holds the daemon's leader lease (a live daemon
 * drives backfills; this command then only follows), and — when nobody does — the daemon's own
 * components run in this process for this one backfill.
 *
 * The in-process driver takes the daemon's leader lease like any daemon, so its writes are fenced
 * and a daemon started meanwhile waits as a standby; it runs the daemon's BackfillLoop restricted
 * to this backfill, RunRetries (a chunk run with `flyt/max_retries` is settled by its retry), and a
 * RunQueue that launches only this backfill's runs, with the configured launcher, under flyt.yaml's
 * queue limits. When a standby daemon shows up it hands over: it stops launching and releases the
 * lease at once (the runs it launched go on here). Every chunk's run carries a run key under the
 * backfill's instigator, so whoever drives, no chunk is launched twice.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { BACKFILL_TAG, InvalidConfigError, coerceError, type AssetGraph } from "@flyt/core";
import { buildSnapshot } from "@flyt/code-location-server";
import {
  BackfillLoop,
  DAEMON_LEASE_NAME,
  holderProcessGone,
  LeaderElector,
  Loop,
  MetricRegistry,
  RunQueue,
  RunRetries,
  StaticLaunchResolver,
  systemClock,
  type LocatedAsset,
} from "@flyt/daemon";
import { loadDefinitions } from "@flyt/run-worker";
import type { Lease } from "@flyt/storage";
import { CodeLocationClient, mergeSnapshots } from "@flyt/workspace";
import type { CommandContext } from "../context.js";
import { daemonLocations, daemonRemoteLocations } from "./daemon.js";
import { localLauncher } from "./execute.js";

type Snapshot = ReturnType<typeof buildSnapshot>;

export interface BackfillWorkspace {
  graph: AssetGraph;
  /** Each asset with its code location: what the backfill loop plans against. */
  assets: LocatedAsset[];
  /** File locations (name → definitions file): this process can launch their runs. */
  files: Readonly<Record<string, string>>;
}

/**
 * The code locations a backfill command works with, as `flyt daemon` takes them (`-f`, `-l`,
 * flyt.yaml's `locations:`): file locations loaded in this process (as `flyt materialize` does),
 * `url:` locations read from their code servers. One graph across them, as the webserver merges it.
 */
export async function loadBackfillWorkspace(ctx: CommandContext, options: { file?: string[]; location?: string[] }): Promise<BackfillWorkspace> {
  const local = daemonLocations(ctx, options);
  const remote = daemonRemoteLocations(ctx, local);
  if (local.length === 0 && remote.length === 0) {
    throw new InvalidConfigError("flyt backfill", "no code location: pass -f <definitions file>, -l name=file, or list locations: in flyt.yaml");
  }
  const snapshots: Snapshot[] = [];
  for (const location of local) snapshots.push(buildSnapshot(await loadDefinitions(location.definitionsFile), location.name));
  for (const location of remote) {
    const response = await new CodeLocationClient(location.name, location.url).snapshot();
    if (response === null) throw new InvalidConfigError("flyt backfill", `code location ${location.name} (${location.url}) sent no snapshot`);
    snapshots.push(response.snapshot);
  }
  const merged = mergeSnapshots(snapshots);
  if (merged.conflicts.length > 0) {
    const first = merged.conflicts[0]!;
    ctx.err(`warning: asset ${first.key} is defined by locations ${first.locations.join(" and ")}; ${first.locations[0]!}'s is used${merged.conflicts.length > 1 ? ` (and ${merged.conflicts.length - 1} more conflicts)` : ""}`);
  }
  const assets = [...merged.graph.nodes.values()].map((node) => ({ node, location: merged.locationOf.get(node.key) ?? "" }));
  return { graph: merged.graph, assets, files: Object.fromEntries(local.map((l) => [l.name, l.definitionsFile])) };
}

/** The random part of a daemon id that marks a `flyt backfill` driving its backfill (`flyt daemon status` shows it). */
const CLI_DRIVER_MARK = "backfill-";

/** Who holds the daemon's leader lease now: nobody (or a dead process), a daemon, or a `flyt backfill` driving its own backfill. */
export type LeaseHolder = { kind: "none" } | { kind: "daemon"; lease: Lease } | { kind: "cli"; lease: Lease };

export async function leaseHolder(ctx: CommandContext, now = Date.now()): Promise<LeaseHolder> {
  const lease = await ctx.storage.getLease(DAEMON_LEASE_NAME);
  if (lease === null || lease.expiresAt <= now || holderProcessGone(lease.holder)) return { kind: "none" };
  return lease.holder.split(":").at(-1)?.startsWith(CLI_DRIVER_MARK) ? { kind: "cli", lease } : { kind: "daemon", lease };
}

/** A daemon (not a `flyt backfill`) holding the lease, or null. */
export async function liveDaemon(ctx: CommandContext): Promise<Lease | null> {
  const holder = await leaseHolder(ctx);
  return holder.kind === "daemon" ? holder.lease : null;
}

export interface BackfillDriver {
  /** The daemon id it leads as. */
  readonly holder: string;
  /** For the first line: launcher and limits. */
  describe(): string;
  /** Runs launched by this process that have not ended. */
  inFlight(): number;
  /** A daemon other than this driver wrote a heartbeat within the last few seconds (a standby waiting for the lease). */
  standbyWaiting(): Promise<string | null>;
  /** Launches nothing more and releases the lease now, so a standby daemon leads; the runs launched here go on. */
  handOver(): Promise<void>;
  /**
   * Launches nothing more, cancels the runs in flight when asked, waits for them to end, then
   * releases the lease. The backfill stays as it is: a daemon later resumes it. Idempotent.
   */
  stop(options: { cancelRuns: boolean }): Promise<void>;
}

/** How often the driver's loops run when nothing wakes them. */
const DRIVER_POLL_MS = 500;
/** A heartbeat of another daemon younger than this means it is running (as a standby). */
const STANDBY_HEARTBEAT_MS = 5_000;

/**
 * Takes the daemon's lease and drives backfill `backfillId` in this process; null when the lease
 * is held by someone else (the caller follows instead).
 */
export async function startBackfillDriver(ctx: CommandContext, workspace: BackfillWorkspace, backfillId: string): Promise<BackfillDriver | null> {
  const { storage, config } = ctx;
  const holder = `${hostname()}:${process.pid}:${CLI_DRIVER_MARK}${randomBytes(3).toString("hex")}`;
  const report = (what: string) => (error: Error) => ctx.err(`warning: ${what}: ${error.message}`);
  const leaseTtl = config.daemon.leaseTtlMs;
  const leader = new LeaderElector(storage, {
    holder,
    ...(leaseTtl === null ? {} : { ttlMs: leaseTtl, renewMs: Math.max(50, Math.round(leaseTtl / 5)) }),
    takeOverDeadHolders: !storage.capabilities.multiHostLease,
    onError: report("leader lease"),
  });
  if (!(await leader.tryAcquire())) return null;
  leader.start(leader.renewMs);
  const fence = () => leader.fence();
  const isActive = () => leader.isLeader();
  const metrics = new MetricRegistry();
  const launcher = localLauncher(config.execution.launcher);
  const queue = new RunQueue({
    storage,
    resolver: new StaticLaunchResolver(launcher, workspace.files),
    limits: config.daemon.queue,
    metrics,
    clock: systemClock,
    fence,
    accept: (run) => run.tags[BACKFILL_TAG] === backfillId,
    launchOptions: { parallelism: config.execution.parallelism },
    onError: report("run queue"),
  });
  const backfills = new BackfillLoop({
    storage,
    clock: systemClock,
    metrics,
    assets: () => workspace.assets,
    isActive,
    fence,
    backfillIds: [backfillId],
    // Its log lines (planned, completed, failed to plan) are what the command prints from the record.
    onError: report(`backfill ${backfillId}`),
  });
  const retries = new RunRetries({ storage, clock: systemClock, metrics, fence, onError: report("run retries") });
  // Cancels recorded elsewhere (`flyt backfills cancel`, the UI) reach the workers this process runs.
  const forwarded = new Set<string>();
  const forwardCancels = async (): Promise<void> => {
    const ids = [...queue.handles.keys()].filter((id) => !forwarded.has(id));
    if (ids.length === 0) return;
    for (const run of await storage.getRuns(ids)) {
      if (run.status !== "CANCELING") continue;
      forwarded.add(run.runId);
      await queue.handles.get(run.runId)?.cancel("canceled", { recorded: true });
    }
  };
  const onError = (loop: string, error: Error) => report(loop)(error);
  const leaderOnly = (pass: () => Promise<unknown>) => async () => {
    if (leader.isLeader()) await pass();
  };
  const loops = [
    new Loop({ name: "backfills", intervalMs: DRIVER_POLL_MS, pass: leaderOnly(() => backfills.pass()), onError }),
    new Loop({ name: "run-queue", intervalMs: DRIVER_POLL_MS, pass: leaderOnly(async () => (await queue.pass(), await forwardCancels())), onError }),
    new Loop({ name: "run-retries", intervalMs: 2_000, pass: leaderOnly(() => retries.pass()), onError }),
  ];
  // A run of ours ended: the next chunks may launch now.
  queue.onRunFinished = () => {
    for (const loop of loops) loop.wake();
  };
  for (const loop of loops) loop.start();

  let stopped: Promise<void> | null = null;
  const stopLaunching = async (): Promise<void> => {
    await Promise.all(loops.map((loop) => loop.stop()));
    await queue.settled();
  };
  const cancelAll = async (reason: string): Promise<void> => {
    await Promise.all([...queue.handles.values()].map((handle) => handle.cancel(reason).catch((error: unknown) => report("cancel")(coerceError(error)))));
  };
  return {
    holder,
    describe: () => `${launcher.name} launcher · parallelism ${config.execution.parallelism}${config.daemon.queue.maxConcurrentRuns === null ? "" : ` · at most ${config.daemon.queue.maxConcurrentRuns} runs at once`}`,
    inFlight: () => queue.handles.size,
    standbyWaiting: async () => {
      const beats = await storage.listDaemonHeartbeats(Date.now() - STANDBY_HEARTBEAT_MS);
      return beats.find((beat) => beat.daemonId !== holder)?.daemonId ?? null;
    },
    handOver: async () => {
      stopped ??= (async () => {
        await stopLaunching();
        await leader.stop();
      })();
      await stopped;
    },
    stop: async ({ cancelRuns }) => {
      if (cancelRuns) await cancelAll("flyt backfill was interrupted");
      stopped ??= (async () => {
        await stopLaunching();
        await Promise.allSettled([...queue.handles.values()].map((handle) => handle.done));
        await leader.stop();
      })();
      await stopped;
    },
  };
}
