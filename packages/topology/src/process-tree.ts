/**
 * The process table as the drills need it (Linux /proc): who descends from whom, whether a process
 * seen earlier is still the same live process (pid AND start time, so a recycled pid is not
 * mistaken for a survivor; a zombie counts as dead), and which processes carry a tag in their
 * environment. The tag is how a topology finds every process it caused, including run workers
 * that lead their own process group and were re-parented when their parent died.
 */
import { readdirSync, readFileSync } from "node:fs";

export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** Clock ticks after boot (field 22 of /proc/<pid>/stat): with the pid, identifies one process. */
  startTime: number;
  state: string;
  /** The command line, for messages. */
  command: string;
}

function readStat(pid: number): ProcessInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may contain spaces: fields start after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
    return { pid, ppid: Number(fields[1]), startTime: Number(fields[19]), state: fields[0] ?? "?", command };
  } catch {
    return null; // It ended while we looked.
  }
}

function allPids(): number[] {
  return readdirSync("/proc").filter((e) => /^\d+$/.test(e)).map(Number);
}

/** Every live process now. */
export function listProcesses(): ProcessInfo[] {
  return allPids().flatMap((pid) => {
    const info = readStat(pid);
    return info === null || info.state === "Z" ? [] : [info];
  });
}

/** The live descendants of `pid` (children, their children, …), not `pid` itself. */
export function descendants(pid: number): ProcessInfo[] {
  const all = listProcesses();
  const byParent = new Map<number, ProcessInfo[]>();
  for (const p of all) byParent.set(p.ppid, [...(byParent.get(p.ppid) ?? []), p]);
  const out: ProcessInfo[] = [];
  const stack = [...(byParent.get(pid) ?? [])];
  while (stack.length > 0) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...(byParent.get(p.pid) ?? []));
  }
  return out;
}

/** Those of `seen` that are still alive as the same process (not a zombie, not a recycled pid). */
export function stillAlive(seen: readonly ProcessInfo[]): ProcessInfo[] {
  return seen.filter((p) => {
    const now = readStat(p.pid);
    return now !== null && now.startTime === p.startTime && now.state !== "Z";
  });
}

/** Live processes whose environment has `name=value` (processes we may not read are skipped). */
export function processesWithEnv(name: string, value: string): ProcessInfo[] {
  const needle = `${name}=${value}`;
  return allPids().flatMap((pid) => {
    if (pid === process.pid) return [];
    try {
      if (!readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(needle)) return [];
    } catch {
      return [];
    }
    const info = readStat(pid);
    return info === null || info.state === "Z" ? [] : [info];
  });
}

/** Waits up to `timeoutMs` for every process of `seen` to end; returns those still alive then. */
export async function survivorsAfter(seen: readonly ProcessInfo[], timeoutMs: number): Promise<ProcessInfo[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = stillAlive(seen);
    if (alive.length === 0 || Date.now() >= deadline) return alive;
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function describeProcesses(processes: readonly ProcessInfo[]): string {
  return processes.map((p) => `pid ${p.pid} (parent ${p.ppid}): ${p.command.slice(0, 200)}`).join("\n");
}
