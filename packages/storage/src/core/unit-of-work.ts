/**
 * A storage operation written once for every backend, as a generator that yields statements and
 * receives their results. SQLite's driver (better-sqlite3, synchronous) runs it to the end inside
 * one transaction without ever yielding to the event loop, so nothing interleaves with it; the
 * PostgreSQL driver awaits each statement on a pool or a transaction's client. The operation
 * itself never knows which: validation, row mapping and rules live in it once.
 *
 * A statement that fails is thrown into the generator, so an operation can turn a constraint
 * violation into a clear input error (`try { yield* … } catch`).
 */
import type { Sql } from "./sql.js";

export interface StatementResult {
  rows: Record<string, unknown>[];
  /** Rows written (INSERT/UPDATE/DELETE) or returned. */
  changes: number;
}

export type Operation<T> = Generator<Sql, T, StatementResult>;

/** All rows of a statement. */
export function* rows<R>(statement: Sql): Operation<R[]> {
  return (yield statement).rows as R[];
}

/** The first row of a statement, or undefined. */
export function* first<R>(statement: Sql): Operation<R | undefined> {
  return (yield statement).rows[0] as R | undefined;
}

/** Runs a statement; returns how many rows it wrote. */
export function* execute(statement: Sql): Operation<number> {
  return (yield statement).changes;
}

/** Drives `operation` with a synchronous executor (SQLite). */
export function runSync<T>(operation: Operation<T>, exec: (statement: Sql) => StatementResult): T {
  let step = operation.next();
  while (step.done !== true) {
    let result: StatementResult;
    try {
      result = exec(step.value);
    } catch (error) {
      step = operation.throw(error);
      continue;
    }
    step = operation.next(result);
  }
  return step.value;
}

/** Drives `operation` with an asynchronous executor (PostgreSQL). */
export async function runAsync<T>(operation: Operation<T>, exec: (statement: Sql) => Promise<StatementResult>): Promise<T> {
  let step = operation.next();
  while (step.done !== true) {
    let result: StatementResult;
    try {
      result = await exec(step.value);
    } catch (error) {
      step = operation.throw(error);
      continue;
    }
    step = operation.next(result);
  }
  return step.value;
}
