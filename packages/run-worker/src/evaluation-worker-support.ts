/**
 * The worker-thread side of `EvaluationPool`: answers each `evaluate` message with the handler's
 * value or its error. Exported for the evaluation workers of the code-location server and of the
 * daemon's LocalEvaluator, which each decide what a payload means.
 */
import { parentPort } from "node:worker_threads";
import { coerceError, serializeError } from "@flyt/core";

export type EvaluationHandler = (payload: unknown, notify: (notice: unknown) => void) => Promise<unknown>;

export function serveEvaluations(handler: EvaluationHandler): void {
  const port = parentPort;
  if (port === null) throw new Error("serveEvaluations() runs inside an evaluation worker thread (see EvaluationPool)");
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
