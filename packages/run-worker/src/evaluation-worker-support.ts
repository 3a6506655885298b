/**
 * The worker-thread side of `EvaluationPool`: answers each `evaluate` message with the handler's
 * value or its error. Exported for the evaluation workers of the code-location server and of the
 * daemon's LocalEvaluator, which each decide what a payload means.
 */
import { parentPort } from "node:worker_threads";
import { coerceError, serializeError } from "@flyt/core";

export type EvaluationHandler = (payload: unknown, notify: (notice: unknown) => void) => Promise<unknown>;

/**
 * `prepare` (loading the definitions) runs before the worker says it is ready, so its time is
 * not taken from an evaluation's timeout; if it fails the worker is still ready and the handler
 * meets (and reports) the failure on each evaluation.
 */
export function serveEvaluations(handler: EvaluationHandler, options: { prepare?: () => Promise<unknown> } = {}): void {
  const port = parentPort;
  if (port === null) throw new Error("serveEvaluations() runs inside an evaluation worker thread (see EvaluationPool)");
  void (options.prepare?.() ?? Promise.resolve()).then(
    () => port.postMessage({ type: "ready" }),
    () => port.postMessage({ type: "ready" }),
  );
  port.on("message", (message: { type: string; id: number; payload: unknown }) => {
    if (message?.type !== "evaluate") return;
    const { id } = message;
    const notify = (notice: unknown): void => {
      try {
        port.postMessage({ type: "notice", id, notice });
      } catch {
        // An uncloneable notice is dropped, not fatal.
      }
    };
    void (async () => {
      let reply: unknown;
      try {
        reply = { type: "result", id, ok: true, value: await handler(message.payload, notify) };
      } catch (thrown) {
        reply = { type: "result", id, ok: false, error: serializeError(coerceError(thrown)) };
      }
      try {
        port.postMessage(reply);
      } catch (error) {
        // A result with functions, symbols… cannot cross threads: say so instead of going silent.
        port.postMessage({ type: "result", id, ok: false, error: serializeError(new TypeError(`the evaluation returned a value that cannot be passed on (it must be plain data): ${coerceError(error).message}`)) });
      }
    })();
  });
}
