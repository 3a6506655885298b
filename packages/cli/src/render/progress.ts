/**
 * Live progress of a run in the terminal, driven by the run's events as they are written:
 * one line per step start, retry, success (with duration and headline metadata), failure, skip.
 */
import type { EventRecord, RunRecord } from "@flyt/core";
import pc from "picocolors";
import { colorStatus, formatDuration, formatMetadataValue } from "./format.js";

export interface ProgressOptions {
  write: (line: string) => void;
  /** Also print LOG events and captured output. */
  verbose: boolean;
}

/** Metadata labels worth a glance on the progress line, in order of preference. */
const HEADLINE_LABELS = ["row_count", "rows", "num_rows", "dagster/row_count"];

export class ProgressPrinter {
  private readonly stepMaterializations = new Map<string, string[]>();

  constructor(private readonly options: ProgressOptions) {}

  onEvent(event: EventRecord): void {
    const { body, stepKey } = event;
    const step = stepKey ?? "";
    const w = this.options.write;
    switch (body.type) {
      case "RUN_STARTED":
        w(pc.dim(`run ${event.runId} started${body.pid ? ` (worker pid ${body.pid})` : ""}`));
        break;
      case "STEP_START":
        w(`${pc.cyan("▶")} ${step} ${pc.dim(body.attempt > 1 ? `started (attempt ${body.attempt})` : "started")}`);
        break;
      case "STEP_RETRY":
        w(
          `${pc.yellow("↻")} ${step} ${pc.yellow(`attempt ${body.attempt} failed: ${firstLine(body.error.message)}`)} ` +
            pc.dim(`retrying in ${formatDuration(body.delayMs)}`),
        );
        break;
      case "ASSET_MATERIALIZATION": {
        const headline = HEADLINE_LABELS.map((l) => (body.metadata[l] ? `${l}=${formatMetadataValue(body.metadata[l])}` : null)).find(
          (x) => x !== null,
        );
        const list = this.stepMaterializations.get(step) ?? [];
        list.push(`${body.assetKey}${body.partition ? `[${body.partition}]` : ""}${headline ? ` ${headline}` : ""}`);
        this.stepMaterializations.set(step, list);
        break;
      }
      case "STEP_SUCCESS": {
        const mats = this.stepMaterializations.get(step) ?? [];
        w(`${pc.green("✔")} ${step} ${pc.dim(formatDuration(body.durationMs))}${mats.length ? pc.dim(`  materialized ${mats.join(", ")}`) : ""}`);
        break;
      }
      case "STEP_FAILURE":
        w(`${pc.red("✖")} ${step} ${pc.red(`failed after ${formatDuration(body.durationMs)}: ${firstLine(body.error.message)}`)}`);
        break;
      case "STEP_SKIPPED":
        w(`${pc.yellow("○")} ${step} ${pc.yellow(`skipped: ${body.reason}`)}`);
        break;
      case "STEP_CANCELED":
        w(`${pc.yellow("■")} ${step} ${pc.yellow("canceled")}`);
        break;
      case "RUN_CANCELING":
        w(pc.yellow(`canceling run${body.message ? `: ${body.message}` : ""}…`));
        break;
      case "LOG":
        if (this.options.verbose) w(pc.dim(`  ${step ? `${step} ` : ""}[${body.level}] ${body.message}`));
        break;
      case "STEP_OUTPUT":
        if (this.options.verbose) {
          for (const line of body.text.replace(/\n$/, "").split("\n")) w(pc.dim(`  ${step} ${body.stream}| ${line}`));
        }
        break;
      case "RUN_PLANNED":
        if (this.options.verbose) w(pc.dim(`  planned ${body.steps.length} step${body.steps.length === 1 ? "" : "s"}: ${body.steps.map((s) => s.stepKey).join(", ")}`));
        break;
      case "DYNAMIC_PARTITIONS_CHANGED": {
        const parts = [body.added.length > 0 ? `added ${listKeys(body.added)}` : "", body.deleted.length > 0 ? `deleted ${listKeys(body.deleted)}` : ""].filter((p) => p !== "");
        w(pc.dim(`  ${step ? `${step} ` : ""}dynamic partitions ${body.name}: ${parts.join("; ") || "no change"}`));
        break;
      }
      case "RUN_QUEUED":
      case "RUN_STARTING":
      case "RUN_SUCCESS":
      case "RUN_FAILURE":
      case "RUN_CANCELED":
      case "ASSET_OBSERVATION":
      case "ASSET_CHECK_EVALUATION":
        break;
    }
  }
}

/** The closing lines after a run ends. */
export function runOutcomeLine(run: RunRecord): string {
  const took = run.startedAt && run.endedAt ? ` in ${formatDuration(run.endedAt - run.startedAt)}` : "";
  return `Run ${run.runId} ${colorStatus(run.status)}${took}`;
}

/** Up to five keys, then how many more. */
function listKeys(keys: readonly string[]): string {
  return keys.length > 5 ? `${keys.slice(0, 5).join(", ")} and ${keys.length - 5} more` : keys.join(", ");
}

function firstLine(text: string): string {
  const line = text.split("\n")[0] ?? "";
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}
