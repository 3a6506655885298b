/**
 * Renders the allowed graph as the generated section of docs/architecture.md, so the page and the
 * check read one source and cannot drift (the check fails when the page's section differs).
 */
import type { Graph } from "./check.js";
import type { ProjectRule } from "./rules.js";

export const DOC_BEGIN = "<!-- BEGIN package graph: generated from scripts/boundaries/src/rules.ts by `node scripts/boundaries/dist/main.js --write-doc`; do not edit by hand -->";
export const DOC_END = "<!-- END package graph -->";

const short = (name: string): string => name.replace(/^@flyt\//, "");
const label = (p: ProjectRule): string => (p.name ? short(p.name) : p.dir);
const nodeId = (text: string): string => text.replace(/[^A-Za-z0-9]/g, "_");

export function renderGraphSection(graph: Graph): string {
  const projects = [...graph.projects].sort((a, b) => a.layer - b.layer || label(a).localeCompare(label(b)));
  const byName = new Map(graph.projects.filter((p) => p.name).map((p) => [p.name!, p]));
  const nameOf = (pkg: string): string => (byName.get(pkg) ? label(byName.get(pkg)!) : pkg);
  const cell = (names: string[] | undefined): string => (names?.length ? names.map((n) => `\`${nameOf(n)}\``).join(", ") : "—");
  const lines: string[] = [DOC_BEGIN, ""];
  lines.push("| layer | project | folder | role | may depend on | its tests may also use | known exceptions |");
  lines.push("|---|---|---|---|---|---|---|");
  for (const p of projects) {
    const excepted = graph.exceptions.filter((e) => e.from === p.name).map((e) => e.to);
    lines.push(`| ${p.layer} | ${p.name ? `\`${p.name}\`` : "(no package)"} | \`${p.dir}\` | ${p.role.replace(/\|/g, "\\|")} | ${cell(p.dependsOn)} | ${cell(p.testOnly)} | ${cell(excepted)} |`);
  }
  lines.push("", "Known exceptions (each to be removed, not copied):", "");
  for (const e of graph.exceptions) lines.push(`- \`${nameOf(e.from)}\` → \`${nameOf(e.to)}\`: ${e.reason}.`);
  lines.push("", "```mermaid", "flowchart TD");
  for (const p of projects) lines.push(`  ${nodeId(label(p))}["${label(p)}"]`);
  for (const p of projects) {
    for (const to of p.dependsOn) lines.push(`  ${nodeId(label(p))} --> ${nodeId(nameOf(to))}`);
    for (const to of p.testOnly ?? []) lines.push(`  ${nodeId(label(p))} -.->|tests| ${nodeId(nameOf(to))}`);
  }
  for (const e of graph.exceptions) lines.push(`  ${nodeId(nameOf(e.from))} ==>|exception| ${nodeId(nameOf(e.to))}`);
  lines.push("```", "", DOC_END);
  return lines.join("\n");
}
