// Benchmark: code locations as separate processes.
// 1. Run launch latency: REST call (POST /api/v1/runs on the webserver) → STEP_START of the first
//    step, with the code served by a separate code-location process and the run executed by a
//    remote worker that reports through the ingest API (platform → code server → worker → ingest).
//    Measured on examples/weather (trivial assets, so the figure is the launch path, not user code);
//    STEP_START's timestamp is taken by the worker, on the same host clock as the API call.
// 2. Idle RSS of a code-location server process holding the Atlas example (examples/atlas), and the
//    same through the full `flyt code-server` CLI entry.
// Targets (DESIGN §8 / issue 3): launch p50 < 200 ms; idle RSS < 60 MiB.
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..");
const require = createRequire(import.meta.url);

function percentile(sorted, p) {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

function rssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? "0");
  return Math.round((kb / 1024) * 10) / 10;
}

async function idleRss(command, args, settleMs = 3000) {
  const child = spawn(command, args, { cwd: repo, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, FLYT_HOME: join(here, ".work", "code-location", "home") } });
  let stderr = "";
  child.stderr.on("data", (c) => (stderr += c));
  await new Promise((resolveListening, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`no "listening" line within 60 s: ${stderr}`)), 60_000);
    child.stdout.on("data", (chunk) => {
      out += chunk;
      if (out.includes('"msg":"listening"')) {
        clearTimeout(timer);
        resolveListening();
      }
    });
    child.once("exit", (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
  });
  await new Promise((r) => setTimeout(r, settleMs));
  const rss = rssMiB(child.pid);
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
  return rss;
}

async function launchLatencies({ runs, warmWorkers }) {
  const { SqliteStorage } = await import("@flyt/storage");
  const { Workspace } = await import("@flyt/workspace");
  const { startWebserver } = await import("@flyt/webserver");
  const work = join(here, ".work", "code-location", warmWorkers ? "warm" : "cold");
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });

  const storage = await SqliteStorage.open(join(work, "flyt.db"));
  const workspace = await Workspace.start({ locations: [{ name: "weather", file: join(repo, "examples/weather/definitions.ts") }], pollIntervalMs: 0, warmWorkers });
  const web = await startWebserver({ storage, workspace, port: 0, log: () => undefined });
  const latencies = [];
  try {
    if (workspace.get("weather")?.status !== "LOADED") throw new Error(`weather did not load: ${workspace.get("weather")?.error?.message}`);
    for (let i = 0; i < runs + 2; i++) {
      const t0 = Date.now();
      const response = await fetch(`${web.url}/api/v1/runs`, { method: "POST", body: JSON.stringify({ location: "weather", selection: "*" }) });
      const { runId } = await response.json();
      let run;
      for (;;) {
        run = await storage.getRun(runId);
        if (["SUCCESS", "FAILURE", "CANCELED"].includes(run.status)) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      if (run.status !== "SUCCESS") throw new Error(`run ${runId} ended ${run.status}`);
      const start = (await storage.getEvents(runId)).find((e) => e.body.type === "STEP_START");
      // The first two runs warm the code server and the OS caches; they are not counted.
      if (i >= 2) latencies.push(start.timestamp - t0);
      // Let a warm spare finish booting, as it would between launches in practice.
      if (warmWorkers) await new Promise((r) => setTimeout(r, 600));
    }
  } finally {
    await web.close();
    await workspace.close();
    await storage.close();
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  return { runs: latencies.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), min: sorted[0], max: sorted[sorted.length - 1] };
}

export async function run({ runs = 25 } = {}) {
  const cold = await launchLatencies({ runs, warmWorkers: false });
  const warm = await launchLatencies({ runs, warmWorkers: true });
  const serverMain = require.resolve("@flyt/code-location-server/main");
  const atlas = join(repo, "examples/atlas/definitions.ts");
  const rssServer = await idleRss(process.execPath, [serverMain, "-f", atlas, "--port", "0", "--name", "atlas"]);
  const rssCli = await idleRss(process.execPath, [join(repo, "packages/cli/bin/flyt.js"), "code-server", "-f", atlas, "--port", "0", "--name", "atlas"]);

  return {
    name: "code-location",
    launchLatencyMs: { coldWorker: cold, warmSpareWorker: warm, target: "p50 < 200" },
    idleRssMiB: { codeServerAtlas: rssServer, cliCodeServerAtlas: rssCli, target: "< 60" },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run(), null, 2));
}
