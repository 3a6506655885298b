/**
 * Registers `flyt daemon [status]`, `flyt schedules …` and `flyt sensors …` on the program (kept
 * apart from main.ts so the daemon's commands live in their own files).
 */
import { Command, Option } from "commander";
import { openContext, type GlobalOptions } from "../context.js";
import type { DaemonCommandOptions } from "./daemon.js";
import type { InstigatorCommandOptions } from "./instigators.js";

/** The instigator commands' module (and through it the daemon package) loads only when one of them runs. */
const instigators = () => import("./instigators.js");

const collect = (value: string, previous: string[] = []) => [...previous, value];

function withLocations(command: Command): Command {
  return command
    .option("-f, --file <definitions>", "definitions file of the default code location (repeatable is not needed: one default)", collect)
    .option("-l, --location <name=file>", "a named code location (repeatable)", collect);
}

export function registerDaemonCommands(
  program: Command,
  io: { out: (line: string) => void; err: (line: string) => void },
  globals: () => GlobalOptions,
  setExitCode: (code: number) => void,
): void {
  const daemon = withLocations(program.command("daemon").description("run the scheduler, sensors, run queue, run monitor and retries until stopped"))
    .option("--max-concurrent-runs <n>", "global cap on runs in progress (default from flyt.yaml, else 10)")
    .option("--worker-timeout <seconds>", "fail runs whose worker has not heartbeaten for this long (default 60)")
    .addOption(new Option("--launcher <launcher>", "where run workers run").choices(["subprocess", "in-process"]))
    .addOption(new Option("--lease-ttl-ms <ms>", "leader lease ttl (tests)").hideHelp())
    .action(async (options: DaemonCommandOptions & { launcher?: string }) => {
      await using ctx = await openContext(globals(), io, { launcher: options.launcher });
      const { runDaemon } = await import("./daemon.js"); // the daemon's modules load only for this command
      setExitCode(await runDaemon(ctx, options));
    });
  daemon
    .command("status")
    .description("show the current leader and each daemon loop's last heartbeat")
    .option("--json", "print JSON for scripts")
    .action(async (options: { json?: boolean }) => {
      await using ctx = await openContext(globals(), io);
      const { daemonStatus } = await import("./daemon.js");
      setExitCode(await daemonStatus(ctx, options));
    });

  const schedules = program.command("schedules").description("list schedules and turn them on or off");
  withLocations(schedules.command("list").description("schedules with their status, next and last tick"))
    .option("--json", "print JSON for scripts")
    .action(async (options: InstigatorCommandOptions) => {
      await using ctx = await openContext(globals(), io);
      setExitCode(await (await instigators()).listSchedules(ctx, options));
    });
  for (const [verb, status] of [
    ["start", "RUNNING"],
    ["stop", "STOPPED"],
  ] as const) {
    withLocations(schedules.command(verb).description(`${verb} a schedule (overrides its default; survives restarts)`).argument("<name>", "schedule name, or <location>:<name>")).action(
      async (name: string, options: InstigatorCommandOptions) => {
        await using ctx = await openContext(globals(), io);
        setExitCode(await (await instigators()).setStatus(ctx, "schedule", name, status, options));
      },
    );
  }

  const sensors = program.command("sensors").description("list sensors, turn them on or off, evaluate one now");
  withLocations(sensors.command("list").description("sensors with their status, last tick and cursor"))
    .option("--json", "print JSON for scripts")
    .action(async (options: InstigatorCommandOptions) => {
      await using ctx = await openContext(globals(), io);
      setExitCode(await (await instigators()).listSensors(ctx, options));
    });
  for (const [verb, status] of [
    ["start", "RUNNING"],
    ["stop", "STOPPED"],
  ] as const) {
    withLocations(sensors.command(verb).description(`${verb} a sensor (overrides its default; survives restarts)`).argument("<name>", "sensor name, or <location>:<name>")).action(
      async (name: string, options: InstigatorCommandOptions) => {
        await using ctx = await openContext(globals(), io);
        setExitCode(await (await instigators()).setStatus(ctx, "sensor", name, status, options));
      },
    );
  }
  withLocations(sensors.command("tick").description("evaluate a sensor once now and record the tick").argument("<name>", "sensor name, or <location>:<name>")).action(
    async (name: string, options: InstigatorCommandOptions) => {
      await using ctx = await openContext(globals(), io);
      setExitCode(await (await instigators()).tickSensor(ctx, name, options));
    },
  );
}
