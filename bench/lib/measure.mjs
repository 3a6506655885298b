// Runs a command and measures its wall time and the peak resident memory of its whole
// process tree (the sum of RSS over the process and all its descendants, sampled from
// /proc every 10 ms). Linux only, like the machines these benchmarks run on.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

const PAGE_SIZE = 4096;

function processTable() {
  const table = new Map(); // pid -> { ppid, rssBytes }
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Fields after the command name (which may contain spaces) start after the last ')'.
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      table.set(Number(entry), { ppid: Number(rest[1]), rssBytes: Number(rest[21]) * PAGE_SIZE });
    } catch {
      // The process ended while we looked.
    }
  }
  return table;
}

export function treeRss(rootPid) {
  const table = processTable();
  const children = new Map();
  for (const [pid, { ppid }] of table) {
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(pid);
  }
  let total = 0;
  const stack = [rootPid];
  while (stack.length) {
    const pid = stack.pop();
    total += table.get(pid)?.rssBytes ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** @returns {Promise<{ wallMs: number, peakRssBytes: number, exitCode: number | null, stdout: string, stderr: string, stderrHead: string }>} */
export function measureCommand(command, args, { env = process.env, cwd = process.cwd(), sampleMs = 10 } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let stderrHead = "";
    child.stdout.on("data", (d) => (stdout = (stdout + d).slice(-20000)));
    child.stderr.on("data", (d) => {
      stderr = (stderr + d).slice(-20000);
      if (stderrHead.length < 20000) stderrHead += d;
    });
    let peak = 0;
    const timer = setInterval(() => {
      peak = Math.max(peak, treeRss(child.pid));
    }, sampleMs);
    child.on("error", (error) => {
      clearInterval(timer);
      reject(error);
    });
    child.on("exit", (code) => {
      clearInterval(timer);
      resolve({ wallMs: performance.now() - started, peakRssBytes: peak, exitCode: code, stdout, stderr, stderrHead });
    });
  });
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
