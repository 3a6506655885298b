/**
 * Registers `flyt backfill`, `flyt backfills list|show|cancel|retry` and `flyt partitions
 * list|add|delete` on the program. Their modules (and through them the daemon package, which
 * drives a backfill when no daemon runs) load only when one of these commands runs.
 */
import { Command } from "commander";
import { openContext, type GlobalOptions } from "../context.js";
import type { BackfillCommandOptions } from "./backfill.js";

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The code locations a backfill is validated against and, without a daemon, driven with (as `flyt daemon` takes them). */
function withLocations(command: Command): Command {
  return command
    .option("-f, --file <definitions>", "definitions file of a code location (repeatable; default: flyt.yaml's file locations)", collect)
    .option("-l, --location <name=file>", "a named code location (repeatable)", collect);
}

/** Options `flyt backfill` and `flyt backfills retry` share: how to follow the backfill. */
function withFollowing(command: Command): Command {
  return command
    .option("--no-wait", "store the backfill and exit (a running daemon drives it)")
    .option("--json", "print the final backfill record as JSON (with --no-wait: the stored request)");
}

export function registerBackfillCommands(
  program: Command,
  io: { out: (line: string) => void; err: (line: string) => void; tty?: { write(text: string): void; columns?: number | undefined } | undefined },
  globals: () => GlobalOptions,
  setExitCode: (code: number) => void,
): void {
  withFollowing(
    withLocations(
      program
        .command("backfill")
        .description("materialize a selection over a set of partitions as one operation, following its progress")
        .requiredOption("-s, --select <selection>", "assets to backfill (see docs/selection.md)")
        .option("--from <key>", "first partition key of the range (with --to; both included)")
        .option("--to <key>", "last partition key of the range")
        .option("--partitions <keys>", "these partition keys, comma-separated")
        .option("--all", "every partition that exists now")
        .option("--missing", "the partitions never materialized")
        .option("--failed [backfill-id]", "the targets that failed or were skipped in a backfill (default: the newest of this selection)")
        .option("--policy <policy>", "single-run, or multi-run:N (N partitions per run); default: each asset's own")
        .option("--max-concurrent <n>", "runs of this backfill at once (default: only the queue's limits)")
        .option("-t, --tag <key=value>", "tag every run of the backfill (repeatable)", collect),
    ),
  ).action(async (options: BackfillCommandOptions) => {
    await using ctx = await openContext(globals(), io);
    const { launchBackfill } = await import("./backfill.js");
    setExitCode(await launchBackfill(ctx, options));
  });

  const backfills = program.command("backfills").description("list, inspect, cancel and retry backfills");
  backfills
    .command("list")
    .description("list backfills, newest first")
    .option("--status <status>", "only backfills with this status (repeatable or comma-separated)", collect)
    .option("-n, --limit <n>", "page size (default 20)")
    .option("--cursor <cursor>", "continue from a previous page")
    .option("--json", "print JSON for scripts")
    .action(async (options: { status?: string[]; limit?: string; cursor?: string; json?: boolean }) => {
      await using ctx = await openContext(globals(), io);
      setExitCode(await (await import("./backfills.js")).listBackfills(ctx, options));
    });
  backfills
    .command("show")
    .description("show a backfill: its request, target counts, per-asset progress as partition keys, and its runs")
    .argument("<backfill-id>")
    .option("--json", "print JSON for scripts")
    .action(async (backfillId: string, options: { json?: boolean }) => {
      await using ctx = await openContext(globals(), io);
      setExitCode(await (await import("./backfills.js")).showBackfill(ctx, backfillId, options));
    });
  backfills
    .command("cancel")
    .description("cancel a backfill: nothing more is launched and its runs in progress are canceled")
    .argument("<backfill-id>")
    .option("--json", "print the backfill record as JSON")
    .action(async (backfillId: string, options: { json?: boolean }) => {
      await using ctx = await openContext(globals(), io);
      setExitCode(await (await import("./backfills.js")).cancelBackfill(ctx, backfillId, options));
    });
  withFollowing(
    withLocations(
      backfills
        .command("retry")
        .description("start a new backfill over the targets of a backfill that failed or were skipped, and follow it")
        .argument("<backfill-id>"),
    ),
  ).action(async (backfillId: string, options: BackfillCommandOptions) => {
    await using ctx = await openContext(globals(), io);
    const { retryBackfill } = await import("./backfill.js");
    setExitCode(await retryBackfill(ctx, backfillId, options));
  });

  const partitions = program.command("partitions").description("list, add and delete the keys of dynamic partitions");
  partitions
    .command("list")
    .description("the keys of a dynamic partitions definition, in the order they were added")
    .argument("<name>", "the name given to dynamicPartitions({ name })")
    .option("-n, --limit <n>", "page size (default 100)")
    .option("--cursor <cursor>", "continue from a previous page")
    .option("--json", "print JSON for scripts")
    .action(async (name: string, options: { limit?: string; cursor?: string; json?: boolean }) => {
      await using ctx = await openContext(globals(), io);
      setExitCode(await (await import("./partitions.js")).listDynamicPartitions(ctx, name, options));
    });
  partitions
    .command("add")
    .description("add keys to a dynamic partitions definition (existing ones are left as they are)")
    .argument("<name>", "the name given to dynamicPartitions({ name })")
    .argument("<keys...>", "partition keys")
    .option("--json", "print JSON for scripts")
    .action(async (name: string, keys: string[], options: { json?: boolean }) => {
      await using ctx = await openContext(globals(), io);
      setExitCode(await (await import("./partitions.js")).addDynamicPartitions(ctx, name, keys, options));
    });
  partitions
    .command("delete")
    .description("delete keys from a dynamic partitions definition (their materializations stay in the event log)")
    .argument("<name>", "the name given to dynamicPartitions({ name })")
    .argument("<keys...>", "partition keys")
    .option("--json", "print JSON for scripts")
    .action(async (name: string, keys: string[], options: { json?: boolean }) => {
      await using ctx = await openContext(globals(), io);
      setExitCode(await (await import("./partitions.js")).deleteDynamicPartitions(ctx, name, keys, options));
    });
}
