/**
 * docs/cli.md is the CLI reference: every command of the real commander program (subcommands
 * included) must have its heading there, and every flag of a command must appear in its section,
 * so a new command or option cannot ship undocumented.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { buildProgram } from "./main.js";

const CLI_DOC = new URL("../../../docs/cli.md", import.meta.url);

function program(): Command {
  const sink = { write: () => true };
  return buildProgram({ stdout: sink, stderr: sink } as never, () => undefined);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A command's section: from its heading (`## \`flyt runs list …\``) to the next heading of the same or a higher level. */
function sectionOf(markdown: string, path: string): string | undefined {
  const heading = new RegExp(`^(#{2,4}) \`${escape(path)}(?=[\` ])`, "m");
  const match = heading.exec(markdown);
  if (!match) return undefined;
  const level = match[1]!.length;
  const rest = markdown.slice(match.index + match[0].length);
  const next = new RegExp(`^#{2,${level}} `, "m").exec(rest);
  return next ? rest.slice(0, next.index) : rest;
}

/** The part of a section before its first subheading: where a group documents flags all its subcommands share. */
function introOf(section: string): string {
  const sub = /^#{2,6} /m.exec(section);
  return sub ? section.slice(0, sub.index) : section;
}

/** Commands without a heading and flags missing from their command's section (or a parent's intro). */
export function undocumentedCli(markdown: string, root: Command = program()): string[] {
  const missing: string[] = [];
  for (const option of root.options) {
    if (option.long && !markdown.includes(option.long)) missing.push(`flyt ${option.long} (global option, not in docs/cli.md)`);
  }
  const visit = (command: Command, parent: string, inherited: string): void => {
    const path = `${parent} ${command.name()}`;
    const section = sectionOf(markdown, path);
    if (section === undefined) missing.push(`${path} (no heading)`);
    else {
      for (const option of command.options) {
        const flag = option.long ?? option.short;
        if (flag && !section.includes(flag) && !inherited.includes(flag)) missing.push(`${path} ${flag} (not in its section)`);
      }
    }
    for (const sub of command.commands) visit(sub, path, inherited + introOf(section ?? ""));
  };
  for (const command of root.commands) visit(command, root.name(), "");
  return missing;
}

describe("CLI reference (docs/cli.md)", () => {
  it("documents every command, subcommand and flag of the program", () => {
    assert.deepEqual(undocumentedCli(readFileSync(CLI_DOC, "utf8")), []);
  });

  it("notices a new subcommand and a new flag", () => {
    const root = program();
    root.commands.find((c) => c.name() === "runs")!.command("prune").option("--older-than <days>");
    root.commands.find((c) => c.name() === "migrate")!.option("--dry-run");
    assert.deepEqual(undocumentedCli(readFileSync(CLI_DOC, "utf8"), root), ["flyt runs prune (no heading)", "flyt migrate --dry-run (not in its section)"]);
  });

  it("reads a flag in another command's section as missing", () => {
    // --warm-worker belongs to code-server; moving its row under webserver must not count.
    const doc = readFileSync(CLI_DOC, "utf8").replace(/^\| `--warm-worker` .*\n/m, "");
    assert.deepEqual(undocumentedCli(doc.replace("## `flyt webserver`\n", "## `flyt webserver`\n\n`--warm-worker`\n")), ["flyt code-server --warm-worker (not in its section)"]);
  });
});
