/**
 * Asset checks of the Atlas tables: row counts and non-null columns, and two that relate a source
 * to another (the observed Frost station is a known station; SSB 05300's dimensions cover the
 * periods its table info announces), read straight from atlas.sqlite after each materialization
 * (docs/checks.md). The table builders here keep the
 * SQL in one place; definitions.ts says which asset gets which check.
 */
import { check, type CheckDefinition } from "@flyt/sdk";
import { dimensionsMatchTableInfo } from "./ssb-05300.js";
import type { AtlasStore } from "./store.js";

type StoreResources = { store: AtlasStore };

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
function ident(name: string): string {
  if (!IDENT.test(name)) throw new Error(`${JSON.stringify(name)} is not a safe SQL identifier`);
  return `"${name}"`;
}

/** Rows of `table` (of one partition when `partitionColumn` is given and the run has a partition). */
export function countRows(store: AtlasStore, table: string, partition?: { column: string; value: string }): number {
  if (!store.tableExists(table)) return 0;
  const where = partition ? ` WHERE ${ident(partition.column)} = ?` : "";
  const row = store.database().prepare(`SELECT COUNT(*) AS n FROM ${ident(table)}${where}`).get(...(partition ? [partition.value] : [])) as { n: number };
  return row.n;
}

/** Null counts per column of `table`. */
export function nullCounts(store: AtlasStore, table: string, columns: readonly string[]): Record<string, number> {
  const select = columns.map((c) => `SUM(CASE WHEN ${ident(c)} IS NULL THEN 1 ELSE 0 END) AS ${ident(c)}`).join(", ");
  const row = store.database().prepare(`SELECT ${select} FROM ${ident(table)}`).get() as Record<string, number | null>;
  return Object.fromEntries(columns.map((c) => [c, row[c] ?? 0]));
}

/** Error check: the table (or the run's partition of it) has at least `min` rows. Blocking by default. */
export function rowCountCheck(args: { asset: string; table: string; min: number; partitionColumn?: string; blocking?: boolean }): CheckDefinition {
  return check<StoreResources>({
    asset: args.asset,
    name: "row_count",
    severity: "error",
    blocking: args.blocking ?? true,
    description: `${args.table} has at least ${args.min} row${args.min === 1 ? "" : "s"}${args.partitionColumn ? " in the run's partition" : ""}`,
    resources: ["store"],
    evaluate: ({ resources, partitionKey }) => {
      const partition = args.partitionColumn && partitionKey !== null ? { column: args.partitionColumn, value: partitionKey } : undefined;
      const rows = countRows(resources.store, args.table, partition);
      return { passed: rows >= args.min, metadata: { rows, minimum: args.min } };
    },
  });
}

/** Check that none of `columns` has a null; severity "error" unless given. */
export function nonNullCheck(args: { asset: string; table: string; columns: readonly string[]; severity?: "warn" | "error" }): CheckDefinition {
  return check<StoreResources>({
    asset: args.asset,
    name: "non_null",
    severity: args.severity ?? "error",
    description: `${args.table}: no nulls in ${args.columns.join(", ")}`,
    resources: ["store"],
    evaluate: ({ resources }) => {
      if (!resources.store.tableExists(args.table)) return { passed: false, description: `table ${args.table} does not exist` };
      const nulls = nullCounts(resources.store, args.table, args.columns);
      const offending = Object.entries(nulls).filter(([, n]) => n > 0);
      return {
        passed: offending.length === 0,
        metadata: { null_counts: nulls },
        ...(offending.length > 0 ? { description: `nulls in ${offending.map(([c, n]) => `${c} (${n})`).join(", ")}` } : {}),
      };
    },
  });
}

/**
 * Error check (not blocking): the Frost station Atlas observes is among the stations Frost lists
 * near the forecast point. When it is not, the station was closed or moved, and the observations
 * ingest will soon read nothing.
 */
export function observedStationCheck(args: { asset: string; table: string; stationId: string }): CheckDefinition {
  return check<StoreResources>({
    asset: args.asset,
    name: "observed_station_listed",
    severity: "error",
    description: `${args.stationId}, the station the observations come from, is in ${args.table}`,
    resources: ["store"],
    evaluate: ({ resources }) => {
      if (!resources.store.tableExists(args.table)) return { passed: false, description: `table ${args.table} does not exist` };
      const listed = resources.store.database().prepare(`SELECT id FROM ${ident(args.table)} ORDER BY rowid`).all() as { id: string }[];
      const ids = listed.map((r) => r.id);
      const passed = ids.includes(args.stationId);
      return { passed, metadata: { station: args.stationId, listed: ids }, ...(passed ? {} : { description: `${args.stationId} is not among ${ids.join(", ") || "no stations"}` }) };
    },
  });
}

/**
 * Warning: the stored 05300 dimensions describe the table the stored table info describes (same
 * variables, periods up to its last one). They are fetched from two endpoints, and the recorded
 * pair was captured years apart: on the fixtures this warns ("the metadata's last period is 2021,
 * the table info's 2025").
 */
export function culturePeriodsCheck(args: { asset: string; dimensionsTable: string; tableInfoTable: string }): CheckDefinition {
  return check<StoreResources>({
    asset: args.asset,
    name: "matches_table_info",
    severity: "warn",
    description: `${args.dimensionsTable} has the variables and the last period of ${args.tableInfoTable}`,
    resources: ["store"],
    evaluate: ({ resources }) => {
      const { store } = resources;
      for (const table of [args.dimensionsTable, args.tableInfoTable]) {
        if (!store.tableExists(table)) return { passed: false, description: `table ${table} does not exist` };
      }
      const info = store.database().prepare(`SELECT variable_names, last_period FROM ${ident(args.tableInfoTable)}`).get() as { variable_names: string; last_period: string } | undefined;
      if (info === undefined) return { passed: false, description: `${args.tableInfoTable} is empty` };
      const rows = store.database().prepare(`SELECT * FROM ${ident(args.dimensionsTable)} ORDER BY rowid`).all() as Record<string, string | number | null>[];
      const result = dimensionsMatchTableInfo(rows, { variableNames: JSON.parse(info.variable_names) as string[], lastPeriod: info.last_period });
      return { passed: result.matches, metadata: { last_period: info.last_period }, ...(result.matches ? {} : { description: result.problems.join("; ") }) };
    },
  });
}
