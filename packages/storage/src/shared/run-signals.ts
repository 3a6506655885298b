/**
 * The in-process run-change signal used where the database has no notification channel (SQLite):
 * one emitter per database file, shared by every Storage opened on that file in this process, so
 * the daemon wakes when a launcher or the CLI (in the same process) writes a run change.
 */
import { EventEmitter } from "node:events";
import type { RunChange } from "../storage.js";

const emitters = new Map<string, EventEmitter>();

function emitterFor(key: string): EventEmitter {
  let emitter = emitters.get(key);
  if (emitter === undefined) {
    emitter = new EventEmitter();
    // Many loops and tests may listen on one file; the count is not a leak signal here.
    emitter.setMaxListeners(0);
    emitters.set(key, emitter);
  }
  return emitter;
}

export function emitRunChanges(key: string, changes: readonly RunChange[]): void {
  const emitter = emitters.get(key);
  if (emitter === undefined || changes.length === 0) return;
  for (const change of changes) emitter.emit("change", change);
}

/** Subscribes to changes of one database; returns the unsubscribe function. */
export function onRunChanges(key: string, listener: (change: RunChange) => void): () => void {
  const emitter = emitterFor(key);
  // A throwing listener must not break the writer that emitted.
  const safe = (change: RunChange): void => {
    try {
      listener(change);
    } catch {
      // ignored: listeners re-read storage anyway
    }
  };
  emitter.on("change", safe);
  return () => {
    emitter.off("change", safe);
    if (emitter.listenerCount("change") === 0) emitters.delete(key);
  };
}
