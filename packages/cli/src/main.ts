/**
 * The `flyt` command line. Each subcommand opens the configured storage, does its work and
 * returns an exit code; errors of the Flyt domain print their actionable message, anything
 * else prints as an internal error with its stack.
 */
import { FlytError, coerceError } from "@flyt/core";
import { Command, CommanderError, Option } from "commander";
import pc from "picocolors";
import { maskDatabaseUrl } from "./config.js";
import { openContext, type GlobalOptions } from "./context.js";
import { materialize } from "./commands/materialize.js";
import { listRuns, reexecuteRun, showRun } from "./commands/runs.js";
import { registerDaemonCommands } from "./commands/register-daemon.js";
import { registerCodeLocationCommands } from "./commands/code-locations.js";
import { registerTokenCommands } from "./commands/tokens.js";
import { registerBackfillCommands } from "./commands/register-backfills.js";
import { registerAutomationCommands } from "./commands/register-automation.js";
import { registerInitCommand } from "./commands/init.js";

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  /** The terminal stdout is, if it is one: where live progress redraws in place (`flyt backfill`). */
  tty?: { write(text: string): void; columns?: number | undefined } | undefined;
}

const defaultIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  tty: process.stdout.isTTY ? process.stdout : undefined,
};

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function buildProgram(io: Io, setExitCode: (code: number) => void): Command {
  const program = new Command("flyt")
    .description("Flyt: a TypeScript-native data orchestrator built around software-defined assets")
    .option("-c, --config <file>", "flyt.yaml to read (default: ./flyt.yaml when present, or FLYT_CONFIG)")
    .showHelpAfterError()
    .exitOverride();
  const globals = () => program.opts<GlobalOptions>();

  program
    .command("materialize")
    .description("materialize assets from a definitions file")
    .requiredOption("-f, --file <definitions>", "TypeScript or JavaScript module exporting defineDefinitions(...)")
    .option("-s, --select <selection>", "assets to materialize (see docs/selection.md)", "*")
    .option("-p, --partition <key>", "partition to materialize, e.g. 2024")
    .option("--partition-range <first..last>", "one run over a range of partitions, both included, e.g. 2000..2024")
    .option("-t, --tag <key=value>", "tag the run (repeatable)", collect)
    .addOption(new Option("--launcher <launcher>", "where the run worker runs").choices(["subprocess", "in-process"]))
    .option("--parallelism <n>", "maximum steps running at once")
    .option("-v, --verbose", "also print log lines and captured output")
    .action(async (options: { file: string; select: string; partition?: string; partitionRange?: string; tag?: string[]; launcher?: string; parallelism?: string; verbose?: boolean }) => {
      await using ctx = await openContext(globals(), io, { launcher: options.launcher, parallelism: options.parallelism });
      setExitCode(await materialize(ctx, options));
    });

  const runs = program.command("runs").description("inspect and re-execute runs");
  runs
    .command("list")
    .description("list runs, newest first")
    .option("--status <status>", "only runs with this status (repeatable or comma-separated)", collect)
    .option("-n, --limit <n>", "page size (default 20)")
    .option("--cursor <cursor>", "continue from a previous page")
    .option("--json", "print JSON for scripts")
    .action(async (options: { status?: string[]; limit?: string; cursor?: string; json?: boolean }) => {
      await using ctx = await openContext(globals(), io);
      setExitCode(await listRuns(ctx, options));
    });
  runs
    .command("show")
    .description("show a run: steps with timings, materializations with metadata, logs and captured output")
    .argument("<run-id>")
    .option("--json", "print JSON for scripts")
    .action(async (runId: string, options: { json?: boolean }) => {
      await using ctx = await openContext(globals(), io);
      setExitCode(await showRun(ctx, runId, options));
    });
  runs
    .command("reexecute")
    .description("run a run again: all of it, or only what did not succeed (--from-failure)")
    .argument("<run-id>")
    .option("--from-failure", "only the steps that failed, were skipped or did not run")
    .option("-f, --file <definitions>", "definitions file to use (default: the one the run came from)")
    .addOption(new Option("--launcher <launcher>", "where the run worker runs").choices(["subprocess", "in-process"]))
    .option("--parallelism <n>", "maximum steps running at once")
    .option("-v, --verbose", "also print log lines and captured output")
    .action(async (runId: string, options: { fromFailure?: boolean; file?: string; launcher?: string; parallelism?: string; verbose?: boolean }) => {
      await using ctx = await openContext(globals(), io, { launcher: options.launcher, parallelism: options.parallelism });
      setExitCode(await reexecuteRun(ctx, runId, options));
    });

  program
    .command("dev")
    .description("run the webserver, the UI, the daemon and each code location in one process, reloading on change")
    .requiredOption("-f, --file <definitions>", "definitions file of a code location (repeatable)", collect)
    .option("--port <port>", "HTTP port", "3000")
    .option("--host <host>", "interface to bind (default loopback only)", "127.0.0.1")
    .action(async (options: { file: string[]; port: string; host: string }) => {
      await using ctx = await openContext(globals(), io);
      // Loaded on use: the webserver, UI handler and daemon are not needed by other commands.
      const { dev } = await import("./commands/dev.js");
      setExitCode(await dev(ctx, options));
    });

  registerBackfillCommands(program, io, globals, setExitCode);
  registerAutomationCommands(program, io, globals, setExitCode);
  registerDaemonCommands(program, io, globals, setExitCode);
  registerTokenCommands(program, io, globals, setExitCode);

  program
    .command("migrate")
    .description("apply pending storage migrations and print the schema version")
    .action(async () => {
      await using ctx = await openContext(globals(), io);
      const where = ctx.config.storage.databaseUrl ? maskDatabaseUrl(ctx.config.storage.databaseUrl) : ctx.config.storage.sqlitePath;
      io.out(`${ctx.storage.kind} storage at ${where}: schema version ${await ctx.storage.schemaVersion()}`);
      setExitCode(0);
    });
  registerCodeLocationCommands(program, io, setExitCode, globals);
  registerInitCommand(program, io, setExitCode);
  return program;
}

/** Runs the CLI with the given argv (without node and script); returns the exit code. */
export async function runCli(argv: string[], io: Io = defaultIo): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  program.configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, "")), writeErr: (s) => io.err(s.replace(/\n$/, "")) });
  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (thrown) {
    if (thrown instanceof CommanderError) return thrown.exitCode === 0 ? 0 : 2;
    const error = coerceError(thrown);
    if (error instanceof FlytError) {
      io.err(pc.red(`error: ${error.message}`));
    } else {
      io.err(pc.red(`internal error: ${error.stack ?? error.message}`));
    }
    return 1;
  }
}
