/**
 * The automation loop (leader only, docs/automation.md#running-it, decision 0022): every pass is
 * one tick of instigator `automation`. It evaluates the automation condition of every asset of the
 * loaded code locations (@flyt/automation's `evaluateAutomationTick`), stores the decision — the
 * evaluations that changed or requested something, the next cursor and the planned runs — in one
 * fenced write, then creates the planned runs (origin and instigator `automation`, run key
 * `<tick id>:<n>`, tag `flyt/automation_tick`) and closes the tick with their ids.
 *
 * Crash safety: the plan is stored before any run exists, and `(instigator, runKey)` is unique. A
 * leader killed after storing the plan is followed by one that finds the tick still STARTED,
 * reads its plan back and creates its runs — a run created before the kill comes back
 * (`created: false`), never twice — before it evaluates anew. Killed before the plan was stored,
 * the tick is closed as FAILURE: nothing was launched and the cursor did not move, so the next tick
 * decides from the same point.
 *
 * On and off: instigator states `automation` (everything) and `automation:<location>` (one code
 * location), RUNNING unless an operator stopped them (`flyt automation stop`, the API). A location
 * whose definitions failed to load is left out of the evaluation (its assets stay in the graph so
 * that their dependents see them, but their own conditions are not evaluated) and the tick says so.
 */
import { randomUUID } from "node:crypto";
import {
  AssetGraph,
  AUTOMATION_INSTIGATOR_ID,
  coerceError,
  DEFAULT_LOCATION,
  LeaseLostError,
  type AutomationAssetEvaluation,
  type NewRun,
} from "@flyt/core";
import { attachRunIds, evaluateAutomationTick } from "@flyt/automation";
import type { InstigatorState, Storage, Tick } from "@flyt/storage";
import type { LocatedAsset } from "../backfills/loop.js";
import type { Clock } from "../clock.js";
import { fenced, type FenceSource } from "../instigators.js";
import { METRICS, type MetricRegistry } from "../metrics.js";

/** The instigator state that turns automation on or off for one code location. */
export function automationLocationStateId(location: string): string {
  return `${AUTOMATION_INSTIGATOR_ID}:${location}`;
}

/** Why a tick left STARTED by a dead leader, with no stored plan, is closed. */
export const INTERRUPTED_BEFORE_DECIDING = "the daemon stopped before deciding: nothing was requested and the cursor did not move; the next tick evaluates from the same point";
/** Skip reason of a tick that requested nothing. */
export const NOTHING_TO_REQUEST = "nothing to request";

export interface AutomationLoopOptions {
  storage: Storage;
  clock: Clock;
  metrics: MetricRegistry;
  /** The assets of every loaded code location, each with its location, re-read every pass. */
  assets: () => Promise<readonly LocatedAsset[]> | readonly LocatedAsset[];
  /**
   * Code locations whose definitions failed to load (name → error): their assets' conditions are
   * not evaluated (a last good snapshot may still list them). Default: none.
   */
  unavailableLocations?: () => Promise<Readonly<Record<string, string>>> | Readonly<Record<string, string>>;
  /** Checked between steps: a process that lost leadership stops writing. */
  isActive?: () => boolean;
  /** The leader's fence: ticks, decisions and runs written with it are refused once another daemon leads. */
  fence?: FenceSource;
  onError: (error: Error) => void;
  /** What the loop did (a tick's runs, a recovered tick, automation turned off), one line each. */
  log?: (level: "info" | "warn", message: string) => void;
}

/** Which parts of automation are on now. */
export interface AutomationSwitches {
  /** The global switch (`automation`). */
  global: boolean;
  /** Locations an operator stopped (`automation:<location>` STOPPED). */
  stoppedLocations: Set<string>;
}

/** Reads the on/off switches: RUNNING unless stored STOPPED. */
export async function readAutomationSwitches(storage: Storage): Promise<AutomationSwitches> {
  const states: InstigatorState[] = await storage.listInstigatorStates("automation");
  const prefix = `${AUTOMATION_INSTIGATOR_ID}:`;
  const stoppedLocations = new Set<string>();
  let global = true;
  for (const state of states) {
    if (state.status !== "STOPPED") continue;
    if (state.id === AUTOMATION_INSTIGATOR_ID) global = false;
    else if (state.id.startsWith(prefix)) stoppedLocations.add(state.id.slice(prefix.length));
  }
  return { global, stoppedLocations };
}

/** What a tick decided, before its runs exist. */
export interface AutomationDecision {
  tick: Tick;
  /** Runs to create, each with its run id, run key, instigator and tags. */
  plannedRuns: NewRun[];
  /** Evaluations stored (changed or requesting). */
  evaluations: AutomationAssetEvaluation[];
  /** Every asset evaluated (stored or not). */
  assetsEvaluated: number;
  /** What was left out of the evaluation, for the tick (null: nothing). */
  note: string | null;
}

export class AutomationLoop {
  /** What was last logged about being off, so it is said once per change. */
  private offSaid: string | null = null;
  /** True when the last pass found no loaded code location (the daemon then looks again soon, not a full interval later). */
  waitingForLocations = false;

  constructor(private readonly options: AutomationLoopOptions) {}

  private active(): boolean {
    return this.options.isActive === undefined || this.options.isActive();
  }

  /** One pass: finish what a dead leader left, then one tick (when automation is on and some asset declares a condition). */
  async pass(): Promise<void> {
    await this.recover();
    if (!this.active()) return;
    const decision = await this.decide();
    if (decision === null || !this.active()) return;
    await this.launch(decision.tick, decision.plannedRuns, decision.note);
  }

  /**
   * Closes every automation tick left STARTED (by a leader that died or lost its lease mid-tick):
   * one whose decision was stored gets its planned runs created (those that exist come back as
   * they are) and is closed SUCCESS; one without is closed FAILURE, having launched nothing.
   * Returns the ticks it closed.
   */
  async recover(): Promise<Tick[]> {
    const { storage } = this.options;
    const closed: Tick[] = [];
    const started = await this.startedTicks();
    for (const tick of started) {
      if (!this.active()) break;
      const plan = await storage.getAutomationTickPlan(tick.tickId);
      if (plan === null) {
        closed.push(await storage.updateTick(tick.tickId, { status: "FAILURE", error: INTERRUPTED_BEFORE_DECIDING }, fenced(this.options.fence)));
        this.options.metrics.increment(METRICS.automationTickFailures);
        this.options.log?.("warn", `automation tick ${tick.tickId} was interrupted before deciding; closed as FAILURE, nothing launched`);
        continue;
      }
      const done = await this.launch(tick, plan, tick.skipReason);
      closed.push(done);
      this.options.log?.("warn", `automation tick ${tick.tickId} was interrupted after deciding; its ${plan.length} planned run(s) are created now (those created before are not created again)`);
    }
    return closed;
  }

  /** Automation ticks still STARTED, oldest first (newest-first pages; a live tick is always recent). */
  private async startedTicks(): Promise<Tick[]> {
    const found: Tick[] = [];
    let cursor: string | null = null;
    // A leader closes its ticks before the next one starts, so open ones are among the newest few.
    for (let pages = 0; pages < 3; pages += 1) {
      const page = await this.options.storage.listTicks(AUTOMATION_INSTIGATOR_ID, { limit: 50, cursor });
      found.push(...page.items.filter((t) => t.status === "STARTED"));
      cursor = page.nextCursor;
      if (cursor === null) break;
    }
    return found.reverse();
  }

  /**
   * Starts a tick, evaluates and stores its decision (fenced). Null when nothing is evaluated:
   * automation is off, or no asset of the loaded locations declares a condition. A failure of the
   * evaluation closes the tick as FAILURE and is reported.
   */
  async decide(): Promise<AutomationDecision | null> {
    const { storage, clock, metrics } = this.options;
    const switches = await readAutomationSwitches(storage);
    if (!switches.global) {
      this.sayOff("automation is stopped (flyt automation start turns it on)");
      return null;
    }
    const located = await this.options.assets();
    this.waitingForLocations = located.length === 0;
    const unavailable = { ...((await this.options.unavailableLocations?.()) ?? {}) };
    const withCondition = located.filter((a) => a.node.automationCondition !== null && a.node.automationCondition !== undefined);
    if (withCondition.length === 0) {
      this.sayOff(located.length === 0 ? "no code location is loaded" : "no asset declares an automation condition");
      return null;
    }
    const evaluable = withCondition.filter((a) => !switches.stoppedLocations.has(a.location) && unavailable[a.location] === undefined);
    if (evaluable.length === 0) {
      this.sayOff("automation is stopped for every location whose assets declare a condition, or none of them is loaded");
      return null;
    }
    this.offSaid = null;

    const graph = new AssetGraph(located.map((a) => a.node));
    const locations = new Map(located.map((a) => [a.node.key, a.location]));
    const note = leftOutNote(withCondition, switches.stoppedLocations, unavailable);
    const now = clock.now();
    const tick = await storage.createTick(AUTOMATION_INSTIGATOR_ID, now, fenced(this.options.fence));
    try {
      const cursor = await storage.getAutomationCursor();
      const { output: result, stats } = await evaluateAutomationTick(storage, graph, {
        now,
        tickId: tick.tickId,
        cursor,
        locationOf: (key: string) => locations.get(key) ?? DEFAULT_LOCATION,
        enabled: (location: string) => !switches.stoppedLocations.has(location) && unavailable[location] === undefined,
      });
      metrics.observe(METRICS.automationEvaluationMs, stats.evaluationMs);
      metrics.observe(METRICS.automationReadMs, stats.databaseMs);
      metrics.increment(METRICS.automationAssetsEvaluated, stats.assets);
      for (const warning of result.warnings) this.options.log?.("warn", `automation tick ${tick.tickId}: ${warning}`);
      // Ids are fixed in the plan, so the stored evaluations name their runs before the runs exist.
      const plannedRuns: NewRun[] = result.runRequests.map((request) => ({ ...request, runId: randomUUID() }));
      attachRunIds(result.evaluations, plannedRuns as Array<NewRun & { runKey: string }>);
      const evaluations = result.evaluations.filter((e) => e.changed).map(({ changed: _changed, runKeys: _runKeys, ...evaluation }): AutomationAssetEvaluation => evaluation);
      // No longer the leader: store nothing; whoever leads closes this tick (it has no plan).
      if (!this.active()) return null;
      await storage.recordAutomationTick(tick.tickId, { evaluations, cursor: result.cursor, plannedRuns }, fenced(this.options.fence));
      return { tick, plannedRuns, evaluations, assetsEvaluated: stats.assets, note };
    } catch (thrown) {
      const error = coerceError(thrown);
      // Another daemon leads: it closes this tick (it has no plan) when it recovers.
      if (error instanceof LeaseLostError) throw error;
      metrics.increment(METRICS.automationTickFailures);
      await storage.updateTick(tick.tickId, { status: "FAILURE", error: `evaluation failed: ${error.message}` }, fenced(this.options.fence));
      this.options.onError(new Error(`automation tick ${tick.tickId}: evaluation failed: ${error.message}`, { cause: error }));
      return null;
    }
  }

  /**
   * Creates a tick's planned runs (fenced; each run key at most once) and closes it: SUCCESS with
   * the run ids, or SKIPPED with "nothing to request". `note` (what was left out) goes with it.
   */
  async launch(tick: Tick, plannedRuns: readonly NewRun[], note: string | null): Promise<Tick> {
    const { storage, metrics } = this.options;
    const runIds: string[] = [];
    for (const run of plannedRuns) {
      const result = await storage.createRun(run, fenced(this.options.fence));
      runIds.push(result.run.runId);
      if (result.created) metrics.increment(METRICS.automationRunsRequested);
    }
    metrics.increment(METRICS.automationTicks);
    if (runIds.length === 0) {
      return storage.updateTick(tick.tickId, { status: "SKIPPED", skipReason: note === null ? NOTHING_TO_REQUEST : `${NOTHING_TO_REQUEST}; ${note}` }, fenced(this.options.fence));
    }
    const closed = await storage.updateTick(tick.tickId, { status: "SUCCESS", runIds, skipReason: note }, fenced(this.options.fence));
    this.options.log?.("info", `automation tick ${tick.tickId} requested ${runIds.length} run(s): ${plannedRuns.map((r) => `${r.selection}${r.partitionKey ? ` [${r.partitionKey}]` : ""}`).join("; ")}`);
    return closed;
  }

  private sayOff(reason: string): void {
    if (this.offSaid === reason) return;
    this.offSaid = reason;
    this.options.log?.("info", `automation evaluates nothing: ${reason}`);
  }
}

/** What a tick left out and why ("not evaluated: location etl (stopped); location ssb (failed to load: …)"), or null. */
function leftOutNote(withCondition: readonly LocatedAsset[], stopped: ReadonlySet<string>, unavailable: Readonly<Record<string, string>>): string | null {
  // A location that never loaded lists no asset: it is named all the same.
  const locations = [...new Set([...withCondition.map((a) => a.location), ...Object.keys(unavailable)])].sort();
  const parts: string[] = [];
  for (const location of locations) {
    const error = unavailable[location];
    if (error !== undefined) parts.push(`location ${location} (its definitions failed to load: ${firstLine(error)})`);
    else if (stopped.has(location)) parts.push(`location ${location} (automation is stopped for it)`);
  }
  return parts.length === 0 ? null : `not evaluated: ${parts.join("; ")}`;
}

function firstLine(text: string): string {
  const line = text.split("\n")[0] ?? "";
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}
