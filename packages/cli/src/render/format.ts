/**
 * Small text helpers shared by the CLI's renderers: durations, times, tables, metadata values.
 */
import type { MetadataValue } from "@flyt/core";
import pc from "picocolors";

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "-";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes}m${String(seconds).padStart(2, "0")}s`;
}

export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "-";
  return new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
}

/** Left-aligned text table; column widths from content. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(visibleLength(h), ...rows.map((r) => visibleLength(r[i] ?? ""))));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c + " ".repeat((widths[i] ?? 0) - visibleLength(c)))).join("  ");
  return [pc.bold(line(headers)), ...rows.map(line)].join("\n");
}

function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, "").length;
}

export function colorStatus(status: string): string {
  switch (status) {
    case "SUCCESS":
      return pc.green(status);
    case "FAILURE":
      return pc.red(status);
    case "CANCELED":
    case "CANCELING":
    case "SKIPPED":
      return pc.yellow(status);
    case "STARTED":
    case "RUNNING":
    case "STARTING":
      return pc.cyan(status);
    default:
      return status;
  }
}

/** One-line rendering of a metadata value for terminals. */
export function formatMetadataValue(value: MetadataValue): string {
  switch (value.type) {
    case "int":
    case "float":
    case "bool":
      return String(value.value);
    case "text":
    case "markdown":
    case "url":
    case "path":
      return value.value.length > 120 ? `${value.value.slice(0, 117)}...` : value.value;
    case "timestamp":
      return new Date(value.value * 1000).toISOString();
    case "json": {
      const text = JSON.stringify(value.value) ?? "null";
      return text.length > 120 ? `${text.slice(0, 117)}...` : text;
    }
    case "table_schema":
      return value.value.columns.map((c) => `${c.name}:${c.type}`).join(", ");
    case "table":
      return `table (${value.value.rows.length} rows: ${value.value.columns.map((c) => c.name).join(", ")})`;
    case "null":
      return "null";
  }
}
