/**
 * `node dist/main.js -f <definitions> [--port 4000] [--host 127.0.0.1] [--name <location>]`:
 * the code-location server as a process — what `flyt code-server` runs and what the workspace
 * starts for `file:` locations in development. Prints one JSON line `{"msg":"listening","url":…}`
 * on stdout once it serves (the workspace waits for it), and stops on SIGTERM/SIGINT.
 */
import { parseArgs } from "node:util";
import { startCodeLocationServer } from "./server.js";

export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        file: { type: "string", short: "f" },
        port: { type: "string", default: "4000" },
        host: { type: "string", default: "127.0.0.1" },
        name: { type: "string" },
        "warm-worker": { type: "boolean", default: false },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\nusage: code-server -f <definitions> [--port 4000] [--host 127.0.0.1] [--name <location>]\n`);
    return 2;
  }
  const port = Number(values.port);
  if (!values.file || !Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write("usage: code-server -f <definitions> [--port 0-65535] [--host 127.0.0.1] [--name <location>]\n");
    return 2;
  }
  const server = await startCodeLocationServer({ definitionsFile: values.file, port, host: values.host, ...(values.name ? { name: values.name } : {}), warmWorker: values["warm-worker"] === true });
  process.stdout.write(`${JSON.stringify({ msg: "listening", url: server.url, location: server.name, status: server.loadStatus, pid: process.pid })}\n`);
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  return 0;
}

const isEntry = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntry) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code !== 0) process.exit(code);
    },
    (error: unknown) => {
      process.stderr.write(`code-server failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
