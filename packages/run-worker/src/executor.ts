/**
 * Executes one planned run: starts steps in dependency order with bounded parallelism,
 * retries them per policy, skips what is downstream of a failure, reacts to cancellation,
 * and reports everything through the EventWriter. It knows nothing about processes or
 * storage; the launchers and the worker entry point wire it to those.
 */
import {
  abbreviate,
  coerceError,
  serializeError,
  type EventBody,
  type LogLevel,
  type Metadata,
  type RunRecord,
} from "@flyt/core";
import { dynamicPartitionsNameProblem, normalizeMetadata, partitionKeyProblem, resolveResources, type ResolvedResources } from "@flyt/sdk";
import type { AssetContext, AssetLogger, Definitions, MetadataInput, PipesClient, ReportedCheck, ReportMaterializationOptions } from "@flyt/sdk";
import { DEFAULT_OUTPUT_CAP_BYTES, StepOutput } from "./capture.js";
import { stepScope, type StepScope } from "./capture-scope.js";
import { checksFor, evaluatedChecksFor, runChecks } from "./checks.js";
import type { EventWriter } from "./event-writer.js";
import { planRun, type ExecutionPlan, type PlannedStep } from "./plan.js";
import type { Redactor } from "./redact.js";
import { retryDelayMs, sleep } from "./retry.js";

import { DEFAULT_PARALLELISM } from "@flyt/contracts";

/** Keys one `ctx.addDynamicPartitions` / `deleteDynamicPartitions` call may name (core's event bound). */
export const MAX_DYNAMIC_PARTITION_KEYS_PER_CALL = 10_000;
/** Serialized keys per DYNAMIC_PARTITIONS_CHANGED event: a call's keys are split well below the 1 MiB event limit. */
const DYNAMIC_PARTITIONS_EVENT_BYTES = 256 * 1024;

export type RunOutcome = "SUCCESS" | "FAILURE" | "CANCELED";
type StepOutcome = "SUCCESS" | "FAILURE" | "CANCELED" | "SKIPPED";

export interface ExecutorOptions {
  run: RunRecord;
  definitions: Definitions;
  writer: EventWriter;
  /** Shared with the writer: secrets found while resolving resources are added to it. */
  redactor: Redactor;
  parallelism?: number;
  /** Aborted when the run is canceled; its reason becomes the RUN_CANCELED message. */
  signal?: AbortSignal;
  /** Environment that resource config is read from. */
  environment?: NodeJS.ProcessEnv;
  /** Per-step, per-stream cap of captured output. */
  outputCapBytes?: number;
  /** Called once the plan is known (the subprocess worker tells its parent). */
  onPlan?: (plan: ExecutionPlan) => void;
}

export class RunExecutor {
  private readonly options: ExecutorOptions;
  private readonly signal: AbortSignal;
  private readonly parallelism: number;
  private readonly running = new Set<string>();
  /** Steps whose blocking checks failed → the failing checks (`asset:name`). */
  private readonly blockedBy = new Map<string, string[]>();
  private terminated = false;

  constructor(options: ExecutorOptions) {
    this.options = options;
    this.signal = options.signal ?? new AbortController().signal;
    const parallelism = options.parallelism ?? DEFAULT_PARALLELISM;
    if (!Number.isInteger(parallelism) || parallelism < 1) {
      throw new RangeError(`parallelism must be a positive integer, got ${String(parallelism)}`);
    }
    this.parallelism = parallelism;
  }

  /** Steps currently executing (for crash reports). */
  get runningSteps(): string[] {
    return [...this.running];
  }

  /** True once a terminal run event was emitted. */
  get finished(): boolean {
    return this.terminated;
  }

  /** Plans and executes the run; emits exactly one terminal run event. Never throws for run failures. */
  async execute(): Promise<RunOutcome> {
    const { run, definitions, writer } = this.options;

    let plan: ExecutionPlan;
    try {
      plan = planRun(definitions, run);
    } catch (error) {
      return this.terminate("FAILURE", `Could not plan the run: ${coerceError(error).message}`, error);
    }
    this.options.onPlan?.(plan);
    // In the log before any step starts: whoever ends this run if the worker vanishes (and
    // re-execution from failure) knows every step, not only those that began.
    writer.emit(null, { type: "RUN_PLANNED", steps: plan.steps.map((step) => ({ stepKey: step.stepKey, assetKeys: [...step.assetKeys] })) });

    const resourceKeys = new Set(plan.steps.flatMap((step) => step.definition.resourceKeys));
    for (const step of plan.steps) for (const c of checksFor(definitions, step.assetKeys)) for (const key of c.resourceKeys) resourceKeys.add(key);
    let resources: ResolvedResources;
    try {
      resources = await resolveResources(definitions.resources, resourceKeys, this.options.environment ?? process.env);
      this.options.redactor.add(resources.secrets);
    } catch (error) {
      for (const step of plan.steps) {
        writer.emit(step.stepKey, { type: "STEP_SKIPPED", reason: "the run's resources could not be set up" });
      }
      return this.terminate("FAILURE", coerceError(error).message, error);
    }

    let outcomes: Map<string, StepOutcome>;
    try {
      outcomes = await this.schedule(plan, resources.values);
    } finally {
      try {
        await resources.dispose();
      } catch (error) {
        writer.emit(null, { type: "LOG", level: "warn", message: `Disposing resources failed: ${coerceError(error).message}` });
      }
    }

    const failed = [...outcomes].filter(([, outcome]) => outcome === "FAILURE").map(([key]) => key);
    const allSucceeded = [...outcomes.values()].every((outcome) => outcome === "SUCCESS");
    if (this.signal.aborted && !allSucceeded) return this.terminate("CANCELED", cancelReason(this.signal));
    if (failed.length > 0) {
      return this.terminate(
        "FAILURE",
        `${failed.length === 1 ? "Step" : "Steps"} failed: ${failed.join(", ")}`,
      );
    }
    const blocked = [...this.blockedBy.values()].flat();
    if (blocked.length > 0) {
      return this.terminate("FAILURE", `Blocking ${blocked.length === 1 ? "check" : "checks"} failed: ${blocked.join(", ")}`);
    }
    return this.terminate("SUCCESS");
  }

  /**
   * For a fatal error the worker cannot recover from (an uncaught exception in user code):
   * fails the running steps and the run. Safe to call once the run already ended (no-op).
   */
  failFatal(error: unknown, origin: string): void {
    if (this.terminated) return;
    const steps = this.runningSteps;
    const err = coerceError(error);
    for (const stepKey of steps) {
      this.options.writer.emit(stepKey, {
        type: "STEP_FAILURE",
        durationMs: 0,
        error: serializeError(err),
        assetKeys: [...(this.options.definitions.steps.get(stepKey)?.assetKeys ?? [])],
      });
    }
    const where = steps.length === 0 ? "" : ` while step${steps.length === 1 ? "" : "s"} ${steps.join(", ")} ${steps.length === 1 ? "was" : "were"} running`;
    this.terminate("FAILURE", `${origin}${where}: ${err.message}`, err);
  }

  private terminate(outcome: RunOutcome, message?: string, error?: unknown): RunOutcome {
    if (this.terminated) return outcome;
    this.terminated = true;
    const { writer } = this.options;
    if (outcome === "SUCCESS") writer.emit(null, { type: "RUN_SUCCESS" }, { urgent: true });
    else if (outcome === "CANCELED") writer.emit(null, { type: "RUN_CANCELED", message: message ?? "canceled" }, { urgent: true });
    else {
      const body: EventBody = { type: "RUN_FAILURE", message: message ?? "run failed" };
      if (error !== undefined) body.error = serializeError(error);
      writer.emit(null, body, { urgent: true });
    }
    return outcome;
  }

  private async schedule(plan: ExecutionPlan, resources: Record<string, unknown>): Promise<Map<string, StepOutcome>> {
    const { writer } = this.options;
    const outcomes = new Map<string, StepOutcome>();
    const downstream = new Map<string, string[]>();
    for (const step of plan.steps) {
      for (const up of step.upstream) downstream.set(up, [...(downstream.get(up) ?? []), step.stepKey]);
    }
    let pending = [...plan.steps];
    const inFlight = new Map<string, Promise<void>>();

    const skipDownstream = (failedKey: string, reason = `upstream step ${failedKey} failed`): void => {
      const queue = [...(downstream.get(failedKey) ?? [])];
      while (queue.length > 0) {
        const key = queue.shift()!;
        if (outcomes.has(key) || this.running.has(key)) continue;
        outcomes.set(key, "SKIPPED");
        writer.emit(key, { type: "STEP_SKIPPED", reason });
        queue.push(...(downstream.get(key) ?? []));
      }
      pending = pending.filter((step) => !outcomes.has(step.stepKey));
    };

    for (;;) {
      if (!this.signal.aborted) {
        for (const step of [...pending]) {
          if (inFlight.size >= this.parallelism) break;
          if (!step.upstream.every((up) => outcomes.get(up) === "SUCCESS")) continue;
          pending = pending.filter((s) => s !== step);
          this.running.add(step.stepKey);
          const task = this.runStep(step, resources).then((outcome) => {
            this.running.delete(step.stepKey);
            inFlight.delete(step.stepKey);
            outcomes.set(step.stepKey, outcome);
            if (outcome === "FAILURE") skipDownstream(step.stepKey);
            const blocked = this.blockedBy.get(step.stepKey);
            if (outcome === "SUCCESS" && blocked !== undefined) {
              skipDownstream(step.stepKey, `blocking ${blocked.length === 1 ? "check" : "checks"} ${blocked.join(", ")} of upstream step ${step.stepKey} failed`);
            }
          });
          inFlight.set(step.stepKey, task);
        }
      }
      if (inFlight.size === 0) break;
      await Promise.race(inFlight.values());
    }

    for (const step of pending) {
      if (outcomes.has(step.stepKey)) continue;
      outcomes.set(step.stepKey, "SKIPPED");
      const reason = this.signal.aborted ? "the run was canceled before the step started" : "its upstream steps did not succeed";
      writer.emit(step.stepKey, { type: "STEP_SKIPPED", reason });
    }
    return outcomes;
  }

  private async runStep(step: PlannedStep, resources: Record<string, unknown>): Promise<StepOutcome> {
    const { writer } = this.options;
    const { stepKey } = step;
    const policy = step.definition.retryPolicy;
    const maxAttempts = 1 + Math.max(0, policy?.maxRetries ?? 0);

    for (let attempt = 1; ; attempt++) {
      writer.emit(stepKey, { type: "STEP_START", attempt, assetKeys: step.assetKeys }, { urgent: true });
      const started = performance.now();
      const output = new StepOutput({
        stepKey,
        capBytes: this.options.outputCapBytes ?? DEFAULT_OUTPUT_CAP_BYTES,
        emit: (body) => writer.emit(stepKey, body),
      });
      const scope: StepScope = { stepKey, finished: false, write: (stream, text) => output.write(stream, text) };
      let error: unknown = undefined;
      let failed = false;
      let materializations: EventBody[] = [];
      const reports: StepReports = { materialized: new Map(), blockingFailures: [] };
      try {
        const metadataCalls: Array<{ assetKey: string | null; metadata: MetadataInput }> = [];
        // Data versions reported by Pipes processes; their metadata goes through metadataCalls.
        const dataVersions = new Map<string, string>();
        const result = await stepScope.run(scope, () => this.invoke(step, attempt, resources, metadataCalls, { output, scope, dataVersions }, reports));
        materializations = this.materializations(step, metadataCalls, result, dataVersions, reports.materialized);
      } catch (thrown) {
        failed = true;
        error = thrown;
      } finally {
        scope.finished = true;
        output.finish();
      }
      const durationMs = Math.max(0, performance.now() - started);
      const reported = [...reports.materialized.values()].flatMap((byPartition) => [...byPartition.values()]);

      if (this.signal.aborted) {
        writer.emit(stepKey, { type: "STEP_CANCELED" }, { urgent: true });
        return "CANCELED";
      }
      if (!failed) {
        for (const body of materializations) writer.emit(stepKey, body);
        const blocked = [...reports.blockingFailures, ...(await this.runStepChecks(step, [...reported, ...materializations], resources))];
        if (blocked.length > 0) this.blockedBy.set(stepKey, blocked);
        writer.emit(stepKey, { type: "STEP_SUCCESS", durationMs }, { urgent: true });
        return "SUCCESS";
      }
      // What the step reported before it failed exists: its checks run all the same.
      if (reported.length > 0) await this.runStepChecks(step, reported, resources);
      if (attempt < maxAttempts && policy !== null) {
        const delayMs = retryDelayMs(policy, attempt);
        writer.emit(stepKey, { type: "STEP_RETRY", attempt, delayMs, error: serializeError(error) }, { urgent: true });
        const waited = await sleep(delayMs, this.signal);
        if (!waited) {
          writer.emit(stepKey, { type: "STEP_CANCELED" }, { urgent: true });
          return "CANCELED";
        }
        continue;
      }
      // The assets the step did materialize (every partition of the run) before failing are not failed ones.
      const partitionCount = Math.max(1, step.partitionKeys.length);
      const failedAssets = step.assetKeys.filter((key) => (reports.materialized.get(key)?.size ?? 0) < partitionCount);
      writer.emit(
        stepKey,
        { type: "STEP_FAILURE", durationMs, error: serializeError(error), assetKeys: failedAssets },
        { urgent: true },
      );
      return "FAILURE";
    }
  }

  /** Evaluates the checks of the assets the step just materialized (checks.ts). */
  private async runStepChecks(step: PlannedStep, materializations: EventBody[], resources: Record<string, unknown>): Promise<string[]> {
    const { writer, run, definitions } = this.options;
    const materialized = materializations.flatMap((body) =>
      body.type === "ASSET_MATERIALIZATION" ? [{ assetKey: body.assetKey, metadata: body.metadata, partition: body.partition ?? null }] : [],
    );
    if (evaluatedChecksFor(definitions, materialized.map((m) => m.assetKey)).length === 0) return [];
    return await runChecks(
      definitions,
      { runId: run.runId, stepKey: step.stepKey, materialized },
      resources,
      (body) => writer.emit(step.stepKey, body),
      this.stepLogger(step.stepKey),
      this.signal,
    );
  }

  private stepLogger(stepKey: string): AssetLogger {
    const log = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
      const body: EventBody = { type: "LOG", level, message: String(message) };
      if (fields !== undefined && fields !== null) body.fields = toJsonSafe(fields) as Record<string, unknown>;
      this.options.writer.emit(stepKey, body);
    };
    return { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") };
  }

  private async invoke(
    step: PlannedStep,
    attempt: number,
    resources: Record<string, unknown>,
    metadataCalls: Array<{ assetKey: string | null; metadata: MetadataInput }>,
    pipes: { output: StepOutput; scope: StepScope; dataVersions: Map<string, string> },
    reports: StepReports,
  ): Promise<unknown> {
    const { run, writer } = this.options;
    const { stepKey, definition } = step;
    const stepResources: Record<string, unknown> = {};
    for (const key of definition.resourceKeys) stepResources[key] = resources[key];

    const log = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
      const body: EventBody = { type: "LOG", level, message: String(message) };
      if (fields !== undefined && fields !== null) body.fields = toJsonSafe(fields) as Record<string, unknown>;
      writer.emit(stepKey, body);
    };
    const logger: AssetLogger = { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") };

    const partitions = new StepPartitionKeys(step);
    const context: AssetContext = {
      runId: run.runId,
      stepKey,
      assetKey: step.assetKeys[0] ?? definition.assetKeys[0] ?? stepKey,
      assetKeys: [...step.assetKeys],
      // A getter, so code that never reads it (Pipes, which sends the range) works in a range run.
      get partitionKey(): string | null {
        if (step.partitionKeys.length > 1) {
          throw new Error(`Step ${stepKey}: this run covers ${partitions.describe()}: read ctx.partitionKeys / ctx.partitionKeyRange, not ctx.partitionKey`);
        }
        return step.partitionKey;
      },
      partitionKeys: [...step.partitionKeys],
      partitionKeyRange: step.partitionKeyRange === null ? null : { ...step.partitionKeyRange },
      partitionTimeWindow: step.partitionTimeWindow === null ? null : { start: new Date(step.partitionTimeWindow.start), end: new Date(step.partitionTimeWindow.end) },
      attempt,
      log: logger,
      resources: stepResources,
      signal: this.signal,
      addMetadata: (metadata: MetadataInput, assetKey?: string) => {
        if (!isPlainObject(metadata)) {
          throw new TypeError(`addMetadata() of step ${stepKey} expects an object of label → value, got ${describe(metadata)}`);
        }
        if (assetKey !== undefined && !definition.assetKeys.includes(assetKey)) {
          throw new TypeError(
            `addMetadata() of step ${stepKey} names asset ${JSON.stringify(assetKey)}, which this step does not compute (its assets: ${definition.assetKeys.join(", ")})`,
          );
        }
        metadataCalls.push({ assetKey: assetKey ?? null, metadata: { ...metadata } });
      },
      reportMaterialization: (assetKey: string, metadata?: MetadataInput, options?: ReportMaterializationOptions) => {
        const what = `reportMaterialization() of step ${stepKey}`;
        if (typeof assetKey !== "string" || !step.assetKeys.includes(assetKey)) {
          throw new TypeError(`${what} names asset ${JSON.stringify(assetKey)}, which this run does not materialize in this step (selected: ${step.assetKeys.join(", ")})`);
        }
        const given: unknown = options;
        if (given !== undefined && !isPlainObject(given)) throw new TypeError(`${what} expects options as { description?, dataVersion?, partition? }, got ${describe(options)}`);
        const partition = partitions.resolve(what, options?.partition);
        const done = reports.materialized.get(assetKey) ?? new Map<string | null, EventBody>();
        if (done.has(partition)) {
          throw new TypeError(`${what}: asset ${assetKey}${partition === null ? "" : ` partition ${JSON.stringify(partition)}`} was already reported in this attempt`);
        }
        if (metadata !== undefined && !isPlainObject(metadata)) throw new TypeError(`${what} expects metadata as an object of label → value, got ${describe(metadata)}`);
        const body = this.materializationOf(step, assetKey, partition, mergedMetadata(metadataCalls, assetKey, metadata ?? {}), pipes.dataVersions.get(assetKey) ?? options?.dataVersion);
        if (options?.description !== undefined) body.description = String(options.description);
        done.set(partition, body);
        reports.materialized.set(assetKey, done);
        if (!pipes.scope.finished) writer.emit(stepKey, body);
      },
      reportCheck: (result: ReportedCheck) => {
        const what = `reportCheck() of step ${stepKey}`;
        if (!isPlainObject(result) || typeof result.assetKey !== "string" || typeof result.checkName !== "string" || typeof result.passed !== "boolean") {
          throw new TypeError(`${what} expects { assetKey, checkName, passed, metadata?, description?, severity?, partition? }, got ${describe(result)}`);
        }
        const partition = partitions.resolve(what, result.partition);
        if (result.severity !== undefined && result.severity !== "warn" && result.severity !== "error") {
          throw new TypeError(`${what}: severity of ${result.assetKey}:${result.checkName} must be "warn" or "error", got ${JSON.stringify(result.severity)}`);
        }
        const declared = checksFor(this.options.definitions, [result.assetKey]).filter((c) => c.evaluate === null);
        const check = declared.find((c) => c.name === result.checkName);
        if (!step.assetKeys.includes(result.assetKey) || check === undefined) {
          const reportable = checksFor(this.options.definitions, step.assetKeys).filter((c) => c.evaluate === null).map((c) => `${c.assetKey}:${c.name}`);
          throw new TypeError(
            `${what}: ${result.assetKey}:${result.checkName} is not a check this step reports (declared with check({ asset, name }) without evaluate, on an asset selected in this step): ${reportable.join(", ") || "none"}`,
          );
        }
        let metadata: Metadata;
        try {
          metadata = normalizeMetadata(result.metadata ?? {});
        } catch (error) {
          throw new TypeError(`${what}: invalid metadata for ${result.assetKey}:${result.checkName}: ${coerceError(error).message}`, { cause: error });
        }
        const body: EventBody = {
          type: "ASSET_CHECK_EVALUATION",
          assetKey: result.assetKey,
          checkName: result.checkName,
          passed: result.passed,
          severity: result.severity ?? check.severity,
          partition,
          metadata,
        };
        const description = result.description ?? check.description ?? undefined;
        if (description !== undefined) body.description = String(description);
        // A warning is not a failure to act on: only an error-severity failure blocks.
        if (!result.passed && check.blocking && body.severity === "error") reports.blockingFailures.push(`${result.assetKey}:${result.checkName}`);
        if (!pipes.scope.finished) writer.emit(stepKey, body);
      },
      addDynamicPartitions: (name: string, keys: readonly string[]) => {
        for (const body of dynamicPartitionsEvents(`addDynamicPartitions() of step ${stepKey}`, name, keys, "added")) {
          if (!pipes.scope.finished) writer.emit(stepKey, body, { urgent: true });
        }
      },
      deleteDynamicPartitions: (name: string, keys: readonly string[]) => {
        for (const body of dynamicPartitionsEvents(`deleteDynamicPartitions() of step ${stepKey}`, name, keys, "deleted")) {
          if (!pipes.scope.finished) writer.emit(stepKey, body, { urgent: true });
        }
      },
      pipes: lazyPipesClient({
        runId: run.runId,
        stepKey,
        assetKeys: step.assetKeys,
        codeVersionByAssetKey: Object.fromEntries(
          step.assetKeys.map((key) => [key, this.options.definitions.graph.get(key)?.codeVersion ?? null]),
        ),
        partitionKey: step.partitionKey,
        partitionKeyRange: step.partitionKeyRange,
        partitionTimeWindow: step.partitionTimeWindow,
        retryNumber: attempt - 1,
        signal: this.signal,
        environment: this.options.environment ?? process.env,
        // A process outliving its step (compute did not await it) must not write into a finished step.
        emit: (body) => {
          if (!pipes.scope.finished) writer.emit(stepKey, body);
        },
        output: (stream, text) => pipes.output.write(stream, text),
        materialize: (assetKey, metadata, dataVersion) => {
          metadataCalls.push({ assetKey, metadata });
          if (dataVersion !== null) pipes.dataVersions.set(assetKey, dataVersion);
        },
      }),
    };
    return await definition.compute(context);
  }

  /**
   * Builds one ASSET_MATERIALIZATION per selected asset of the step and partition of the run not
   * reported already (each carrying the returned metadata); throws on invalid metadata.
   */
  private materializations(
    step: PlannedStep,
    calls: Array<{ assetKey: string | null; metadata: MetadataInput }>,
    result: unknown,
    dataVersions: ReadonlyMap<string, string> = new Map(),
    reported: ReadonlyMap<string, ReadonlyMap<string | null, EventBody>> = new Map(),
  ): EventBody[] {
    const { stepKey, definition } = step;
    const returned = new Map<string, MetadataInput>();
    if (result !== undefined && result !== null) {
      if (!isPlainObject(result)) {
        throw new TypeError(
          `Step ${stepKey} returned ${describe(result)}; compute may return nothing or an object of metadata${definition.multi ? " keyed by asset key" : ""}`,
        );
      }
      if (definition.multi) {
        for (const [assetKey, metadata] of Object.entries(result)) {
          if (!definition.assetKeys.includes(assetKey)) {
            throw new TypeError(
              `Multi-asset step ${stepKey} returned metadata for ${JSON.stringify(assetKey)}, which it does not compute (its assets: ${definition.assetKeys.join(", ")})`,
            );
          }
          if (metadata === undefined || metadata === null) continue;
          if (!isPlainObject(metadata)) {
            throw new TypeError(`Multi-asset step ${stepKey} returned ${describe(metadata)} as metadata of ${assetKey}; expected an object`);
          }
          returned.set(assetKey, metadata as MetadataInput);
        }
      } else if (step.definition.assetKeys[0] !== undefined) {
        returned.set(step.definition.assetKeys[0], result as MetadataInput);
      }
    }

    const partitions: Array<string | null> = step.partitionKeys.length === 0 ? [null] : step.partitionKeys;
    return step.assetKeys.flatMap((assetKey) => {
      const done = reported.get(assetKey);
      const missing = done === undefined ? partitions : partitions.filter((partition) => !done.has(partition));
      if (missing.length === 0) return [];
      // Normalized once per asset: a range run over a million partitions shares one metadata object.
      const body = this.materializationOf(step, assetKey, missing[0]!, mergedMetadata(calls, assetKey, returned.get(assetKey) ?? {}), dataVersions.get(assetKey));
      return missing.map((partition) => ({ ...body, partition }));
    });
  }

  /** One ASSET_MATERIALIZATION of `partition`; throws TypeError naming the asset on invalid metadata. */
  private materializationOf(
    step: PlannedStep,
    assetKey: string,
    partition: string | null,
    merged: MetadataInput,
    dataVersion: string | undefined,
  ): EventBody & { type: "ASSET_MATERIALIZATION" } {
    let metadata: Metadata;
    try {
      metadata = normalizeMetadata(merged);
    } catch (error) {
      throw new TypeError(`Invalid metadata for asset ${assetKey} of step ${step.stepKey}: ${coerceError(error).message}`, { cause: error });
    }
    const node = this.options.definitions.graph.get(assetKey);
    const body: EventBody & { type: "ASSET_MATERIALIZATION" } = {
      type: "ASSET_MATERIALIZATION",
      assetKey,
      partition,
      metadata,
      codeVersion: node?.codeVersion ?? null,
    };
    if (dataVersion !== undefined) body.dataVersion = dataVersion;
    return body;
  }
}

/** What a step reported itself while it ran (`reportMaterialization`, `reportCheck`), per attempt. */
interface StepReports {
  /** Materializations already emitted: asset key → partition (null when unpartitioned) → event. */
  materialized: Map<string, Map<string | null, EventBody>>;
  /** Failed blocking checks the step reported (`asset:name`). */
  blockingFailures: string[];
}

/**
 * The partitions a step covers, for what user code names in reports: the one to record when it
 * names none, and whether a named one is in the run (a set built only for a range of several keys).
 */
class StepPartitionKeys {
  private set: Set<string> | null = null;

  constructor(private readonly step: PlannedStep) {}

  /** "12 partitions (2000…2011)". */
  describe(): string {
    const { partitionKeys, partitionKeyRange } = this.step;
    const range = partitionKeyRange === null ? "" : partitionKeyRange.start === partitionKeyRange.end ? ` (${partitionKeyRange.start})` : ` (${partitionKeyRange.start}…${partitionKeyRange.end})`;
    return `${partitionKeys.length} partition${partitionKeys.length === 1 ? "" : "s"}${range}`;
  }

  /** The partition a report is for: `given`, checked against the run, or the run's only one. */
  resolve(what: string, given: unknown): string | null {
    const { partitionKeys, stepKey } = this.step;
    if (partitionKeys.length === 0) {
      if (given !== undefined) throw new TypeError(`${what} names partition ${JSON.stringify(given)}, but step ${stepKey} is not partitioned`);
      return null;
    }
    if (given === undefined) {
      if (partitionKeys.length === 1) return partitionKeys[0]!;
      throw new TypeError(`${what}: this run covers ${this.describe()}; name the one reported with { partition }`);
    }
    this.set ??= new Set(partitionKeys);
    if (typeof given !== "string" || !this.set.has(given)) {
      throw new TypeError(`${what} names partition ${JSON.stringify(given)}, which is not one of this run's ${this.describe()}`);
    }
    return given;
  }
}

/**
 * DYNAMIC_PARTITIONS_CHANGED events for one `ctx.addDynamicPartitions` / `deleteDynamicPartitions`
 * call: the name and every key checked, duplicates dropped, split so each event stays small.
 */
export function dynamicPartitionsEvents(what: string, name: unknown, keys: unknown, change: "added" | "deleted"): EventBody[] {
  // The checks of a dynamic partitions definition's name and keys, so storage never gets one it would refuse.
  const nameProblem = dynamicPartitionsNameProblem(name);
  if (nameProblem !== null) {
    throw new TypeError(`${what}: name ${typeof name === "string" ? JSON.stringify(abbreviate(name)) : describe(name)} ${nameProblem} (the name of a dynamicPartitions({ name }) definition)`);
  }
  if (!Array.isArray(keys)) throw new TypeError(`${what} expects an array of partition keys, got ${describe(keys)}`);
  if (keys.length > MAX_DYNAMIC_PARTITION_KEYS_PER_CALL) {
    throw new TypeError(`${what}: ${keys.length} keys in one call, over the limit of ${MAX_DYNAMIC_PARTITION_KEYS_PER_CALL}; call it once per ${MAX_DYNAMIC_PARTITION_KEYS_PER_CALL} keys`);
  }
  const unique = new Set<string>();
  (keys as unknown[]).forEach((key, index) => {
    const problem = partitionKeyProblem(key);
    if (problem !== null) throw new TypeError(`${what}: keys[${index}]${typeof key === "string" ? ` ${JSON.stringify(abbreviate(key))}` : ""} ${problem}`);
    unique.add(key as string);
  });
  const events: EventBody[] = [];
  let chunk: string[] = [];
  let bytes = 0;
  const flush = (): void => {
    if (chunk.length === 0) return;
    events.push({ type: "DYNAMIC_PARTITIONS_CHANGED", name: name as string, added: change === "added" ? chunk : [], deleted: change === "deleted" ? chunk : [] });
    chunk = [];
    bytes = 0;
  };
  for (const key of unique) {
    const size = Buffer.byteLength(key, "utf8") + 3;
    if (bytes + size > DYNAMIC_PARTITIONS_EVENT_BYTES) flush();
    chunk.push(key);
    bytes += size;
  }
  flush();
  return events;
}

/** The `addMetadata` calls for `assetKey` (and for the whole step), then `last` over them. */
function mergedMetadata(calls: ReadonlyArray<{ assetKey: string | null; metadata: MetadataInput }>, assetKey: string, last: MetadataInput): MetadataInput {
  const merged: MetadataInput = {};
  for (const call of calls) if (call.assetKey === null || call.assetKey === assetKey) Object.assign(merged, call.metadata);
  return Object.assign(merged, last);
}

function cancelReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (typeof reason === "string" && reason.length > 0) return reason;
  if (reason instanceof Error && reason.name !== "AbortError") return reason.message;
  return "Run canceled";
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return `an instance of ${value.constructor?.name ?? "an unknown class"}`;
  return `a ${typeof value}`;
}

/** Log fields must survive JSON: errors become serialized errors, bigints strings, cycles are cut. */
export function toJsonSafe(value: unknown, seen = new WeakSet<object>(), depth = 0): unknown {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "undefined" || typeof value === "function" || typeof value === "symbol") return undefined;
  if (value instanceof Error) return serializeError(value);
  if (value instanceof Date) return value.toISOString();
  if (depth > 32) return "[too deep]";
  if (seen.has(value)) return "[circular]";
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => toJsonSafe(item, seen, depth + 1) ?? null);
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const safe = toJsonSafe(item, seen, depth + 1);
      if (safe !== undefined) out[key] = safe;
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

type PipesHost = Parameters<typeof import("@flyt/pipes").createPipesClient>[0];

/**
 * context.pipes: the pipes runtime is imported on the first `run()`, and the Kubernetes one
 * (with @kubernetes/client-node) on the first `runPod()`, so steps that never use them do not load them.
 */
function lazyPipesClient(host: PipesHost): PipesClient {
  return {
    run: async (command, args, options) => (await import("@flyt/pipes")).createPipesClient(host).run(command, args, options),
    runPod: async (options) => (await import("@flyt/pipes-kubernetes")).runPipesPod(host, options),
  };
}
