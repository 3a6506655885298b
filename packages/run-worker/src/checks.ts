/**
 * Runs the asset checks (`check()` with `evaluate`) of a step's assets right after the step materialized them,
 * in the same run: each records one ASSET_CHECK_EVALUATION event (a thrown error or an invalid
 * result counts as a failure with the message as description). Returns the failing blocking
 * checks so the executor can skip the step's downstream steps.
 */
import { coerceError, type EventBody, type Metadata } from "@flyt/core";
import { normalizeCheckResult, normalizeMetadata, type AssetLogger, type CheckDefinition, type Definitions } from "@flyt/sdk";

export interface CheckTarget {
  runId: string;
  stepKey: string;
  /**
   * The materializations of the step in this run, with their metadata and partition: one per
   * asset, or per asset and partition in a run over a range (each partition's checks run).
   */
  materialized: ReadonlyArray<{ assetKey: string; metadata: Metadata; partition: string | null }>;
}

/** The checks of `assetKeys` in declaration order (those with `evaluate` and those the step reports). */
export function checksFor(definitions: Definitions, assetKeys: readonly string[]): CheckDefinition[] {
  const wanted = new Set(assetKeys);
  return (definitions.checks ?? []).filter((c) => wanted.has(c.assetKey));
}

/** The checks of `assetKeys` this module evaluates: those with an `evaluate` function. */
export function evaluatedChecksFor(definitions: Definitions, assetKeys: readonly string[]): Array<CheckDefinition & { evaluate: NonNullable<CheckDefinition["evaluate"]> }> {
  return checksFor(definitions, assetKeys).filter((c): c is CheckDefinition & { evaluate: NonNullable<CheckDefinition["evaluate"]> } => c.evaluate !== null);
}

/** Evaluates the checks of the target's assets; returns labels (`asset:name`) of failing blocking checks. */
export async function runChecks(
  definitions: Definitions,
  target: CheckTarget,
  resources: Record<string, unknown>,
  emit: (body: EventBody) => void,
  log: AssetLogger,
  signal: AbortSignal,
): Promise<string[]> {
  const blocking: string[] = [];
  for (const { assetKey, metadata, partition } of target.materialized) {
    for (const definition of evaluatedChecksFor(definitions, [assetKey])) {
      if (signal.aborted) return blocking;
      const label = `${assetKey}:${definition.name}`;
      const prefix = (message: string): string => `[check ${definition.name}] ${String(message)}`;
      const logger: AssetLogger = {
        debug: (m, f) => log.debug(prefix(m), f),
        info: (m, f) => log.info(prefix(m), f),
        warn: (m, f) => log.warn(prefix(m), f),
        error: (m, f) => log.error(prefix(m), f),
      };
      const checkResources: Record<string, unknown> = {};
      for (const key of definition.resourceKeys) checkResources[key] = resources[key];
      let passed: boolean;
      let description: string | undefined;
      let checkMetadata: Metadata = {};
      try {
        const raw = await definition.evaluate({
          runId: target.runId,
          assetKey,
          checkName: definition.name,
          partitionKey: partition,
          materializationMetadata: { ...metadata },
          log: logger,
          resources: checkResources,
          signal,
        });
        const result = normalizeCheckResult(raw, label);
        checkMetadata = normalizeMetadata(result.metadata);
        passed = result.passed;
        description = result.description ?? definition.description ?? undefined;
      } catch (error) {
        passed = false;
        description = `check ${label} threw: ${coerceError(error).message}`;
      }
      const body: EventBody = {
        type: "ASSET_CHECK_EVALUATION",
        assetKey,
        checkName: definition.name,
        passed,
        severity: definition.severity,
        partition,
        metadata: checkMetadata,
      };
      if (description !== undefined) body.description = description;
      emit(body);
      if (!passed && definition.blocking) blocking.push(label);
    }
  }
  return blocking;
}
