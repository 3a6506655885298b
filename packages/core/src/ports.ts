/**
 * The one parser of TCP ports given as text (a flag or an environment variable), shared by the CLI's
 * configuration and the code server's own entry point so both refuse a bad port the same way.
 */
import { InvalidConfigError } from "./errors.js";

/**
 * A port given as text, `fallback` when it is not given (undefined or empty). `0` (any free port)
 * only where the listener may pick one (`allowAny`, default true).
 * @throws InvalidConfigError naming `subject` (the flag or variable), with the accepted range.
 */
export function parsePort<F>(text: string | undefined, fallback: F, subject: string, options: { allowAny?: boolean } = {}): number | F {
  if (text === undefined || text === "") return fallback;
  const port = Number(text);
  const lowest = options.allowAny === false ? 1 : 0;
  if (!Number.isInteger(port) || port < lowest || port > 65535) {
    throw new InvalidConfigError(subject, `expected a port number from ${lowest} to 65535, got ${JSON.stringify(text)}`);
  }
  return port;
}
