/**
 * `flyt dev`'s `/metrics` carries the in-process daemon's series, as a real process (SQLite) with
 * a schedule ticking every two seconds: `flyt_daemon_leader` is 1 while it leads, tick lag and
 * queue wait have observations, loops report heartbeat ages, finished runs are counted, and the
 * text passes `promtool check metrics`. A second dev on the same database is a standby and says
 * `flyt_daemon_leader 0`.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { testBackends } from "@flyt/storage/testing";
import { devUrl, startFlyt, waitFor, type FlytProcess } from "./test-support.js";

const FIXTURE = fileURLToPath(new URL("./test-fixtures/fast-schedule.js", import.meta.url));

/** The value of the first sample matching `series` (a regex source up to the value), or null. */
function sample(text: string, series: string): number | null {
  const match = new RegExp(`^${series} ([0-9.e+-]+)$`, "m").exec(text);
  return match === null ? null : Number(match[1]);
}

async function scrape(url: string): Promise<string> {
  const response = await fetch(`${url}/metrics`);
  assert.equal(response.status, 200);
  return response.text();
}

if (testBackends().includes("sqlite")) {
  void describe("flyt dev /metrics", () => {
    void it("reports the daemon's leader state, tick lag, queue wait, heartbeats and run counts, and passes promtool", { timeout: 120_000 }, async () => {
      const cwd = mkdtempSync(join(tmpdir(), "flyt-dev-metrics-"));
      const env = { FLYT_HOME: join(cwd, ".flyt"), FLYT_DATABASE_URL: "" };
      const running: FlytProcess[] = [];
      try {
        const dev = startFlyt(["dev", "-f", FIXTURE, "--port", "0"], { cwd, env });
        running.push(dev);
        const url = await devUrl(dev);
        // Enough ticks for tick lag and launched runs, and at least one run ended.
        const text = await waitFor(
          async () => {
            const body = await scrape(url);
            const ticks = sample(body, 'flyt_schedule_tick_lag_seconds_count\\{component="dev"\\}') ?? 0;
            const done = sample(body, 'flyt_runs_finished_total\\{location="[^"]+",status="SUCCESS",component="dev"\\}') ?? 0;
            return ticks >= 3 && done >= 1 ? body : null;
          },
          60_000,
          () => `ticks and a finished run on /metrics:\n${dev.output()}`,
        );
        assert.equal(sample(text, 'flyt_daemon_leader\\{component="dev"\\}'), 1, "leader while it leads");
        assert.ok((sample(text, 'flyt_run_queue_wait_seconds_count\\{component="dev"\\}') ?? 0) >= 1, "queue wait observed");
        for (const loop of ["scheduler", "run-queue", "run-monitor"]) {
          const age = sample(text, `flyt_daemon_heartbeat_age_seconds\\{loop="${loop}",component="dev"\\}`);
          assert.ok(age !== null && age < 30, `heartbeat age of ${loop}: ${String(age)}`);
        }
        // The webserver's own series are still there, once each.
        assert.ok(sample(text, 'flyt_code_location_loaded\\{location="fast-schedule",component="dev"\\}') === 1);
        assert.equal(text.match(/^# TYPE flyt_run_queue_depth /gm)?.length, 1);
        assert.match(text, /^process_resident_memory_bytes\{component="dev"\} /m);
        const promtool = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
        assert.ok(promtool.error === undefined, `promtool is not installed (Debian package prometheus; scripts/test.sh installs it): ${promtool.error?.message ?? ""}`);
        assert.equal(promtool.status, 0, `promtool check metrics failed:\n${promtool.stdout}${promtool.stderr}`);
        assert.equal(`${promtool.stdout}${promtool.stderr}`.trim(), "", "promtool reported lint problems");

        // A second dev on the same SQLite file waits as a standby, and its /metrics says so.
        const standby = startFlyt(["dev", "-f", FIXTURE, "--port", "0"], { cwd, env });
        running.push(standby);
        const standbyUrl = await devUrl(standby);
        await waitFor(() => (/holds the leader lease/.test(standby.output()) ? true : null), 30_000, () => `the second dev to wait as standby:\n${standby.output()}`);
        assert.equal(sample(await scrape(standbyUrl), 'flyt_daemon_leader\\{component="dev"\\}'), 0);
        assert.equal(sample(await scrape(url), 'flyt_daemon_leader\\{component="dev"\\}'), 1);
        const ticks = sample(text, 'flyt_schedule_tick_lag_seconds_count\\{component="dev"\\}');
        process.stderr.write(`# dev /metrics: ${String(ticks)} tick lag observations, leader 1; standby dev leader 0\n`);
      } finally {
        for (const p of running.reverse()) await p.stop();
        rmSync(cwd, { recursive: true, force: true });
      }
    });
  });
}
