/**
 * Registers `flyt automation evaluate|start|stop|status|ticks` on the program. The commands'
 * module (and through it the daemon and automation packages) loads only when one of them runs.
 */
import { Command } from "commander";
import { openContext, type GlobalOptions } from "../context.js";
import type { AutomationEvaluateOptions } from "./automation.js";

const collect = (value: string, previous: string[] = []) => [...previous, value];
const commands = () => import("./automation.js");

export function registerAutomationCommands(
  program: Command,
  io: { out: (line: string) => void; err: (line: string) => void },
  globals: () => GlobalOptions,
  setExitCode: (code: number) => void,
): void {
  const automation = program.command("automation").description("evaluate automation conditions (dry run), turn automation on or off, list its ticks");
  automation
    .command("evaluate")
    .description("evaluate every automation condition now, as the daemon's next tick would, and print what would run and why; writes nothing")
    .option("-s, --select <selection>", "only print these assets and the runs that include them (see docs/selection.md)")
    .option("-f, --file <definitions>", "definitions file of a code location (repeatable; default: flyt.yaml's locations)", collect)
    .option("-l, --location <name=file>", "a named code location (repeatable)", collect)
    .option("--json", "print JSON for scripts")
    .action(async (options: AutomationEvaluateOptions) => {
      await using ctx = await openContext(globals(), io);
      setExitCode(await (await commands()).evaluateAutomation(ctx, options));
    });
  for (const [verb, status] of [
    ["start", "RUNNING"],
    ["stop", "STOPPED"],
  ] as const) {
    automation
      .command(verb)
      .description(`${verb} automation, everywhere or for one code location (stored; survives restarts)`)
      .option("--location <name>", "only this code location")
      .action(async (options: { location?: string }) => {
        await using ctx = await openContext(globals(), io);
        setExitCode(await (await commands()).setAutomationStatus(ctx, status, options));
      });
  }
  automation
    .command("status")
    .description("whether automation is on, globally and per location, and its last ticks")
    .option("--json", "print JSON for scripts")
    .action(async (options: { json?: boolean }) => {
      await using ctx = await openContext(globals(), io);
      setExitCode(await (await commands()).automationStatus(ctx, options));
    });
  automation
    .command("ticks")
    .description("the automation loop's ticks, newest first: status, runs requested, what was left out")
    .option("-n, --limit <n>", "page size (default 20)")
    .option("--cursor <cursor>", "continue from a previous page")
    .option("--json", "print JSON for scripts")
    .action(async (options: { limit?: string; cursor?: string; json?: boolean }) => {
      await using ctx = await openContext(globals(), io);
      setExitCode(await (await commands()).listAutomationTicks(ctx, options));
    });
}
