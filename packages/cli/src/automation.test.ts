/**
 * End-to-end tests of `flyt automation …`: the built CLI as child processes (NO_COLOR=1) against a
 * real SQLite file and a fresh PostgreSQL database. `evaluate` is a dry run that explains, per
 * asset, why it would (not) be requested — before and after the eager chain's upstream is
 * materialized — and writes nothing; `start` / `stop` round-trip the global and per-location
 * switches that `status` (and the daemon) read; `ticks` lists none while no daemon ran.
 */
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { before, it } from "node:test";
import assert from "node:assert/strict";
import { AUTOMATION_INSTIGATOR_ID } from "@flyt/core";
import { openStorage, type Storage } from "@flyt/storage";
import { describeEachBackend, type TestStorageLocation } from "@flyt/storage/testing";
import { storageEnv } from "./test-support.js";

const here = dirname(fileURLToPath(import.meta.url));
const bin = resolve(here, "../bin/flyt.js");
const definitions = resolve(here, "../src/test-fixtures/automation.ts");

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function flyt(args: string[], env: NodeJS.ProcessEnv): Promise<Result> {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise<Result>((resolvePromise, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => resolvePromise({ code, stdout, stderr }));
  });
}

/** The lines printed for one asset: its verdict line and its indented explanation. */
function sectionOf(stdout: string, assetKey: string): string[] {
  const lines = stdout.split("\n");
  const start = lines.findIndex((l) => l.startsWith(`${assetKey}: `));
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && !l.startsWith(" "));
  return lines.slice(start, end < 0 ? undefined : end);
}

describeEachBackend(
  (backend) => `flyt automation on ${backend}`,
  ({ location }) => {
    let env: NodeJS.ProcessEnv;
    let where: TestStorageLocation;

    before(() => {
      where = location();
      env = { ...process.env, ...storageEnv(where, mkdtempSync(join(tmpdir(), "flyt-automation-"))) };
    });

    const withStorage = async <T>(body: (storage: Storage) => Promise<T>): Promise<T> => {
      const storage = await openStorage({ databaseUrl: where.url, sqlitePath: where.sqlitePath ?? "" });
      try {
        return await body(storage);
      } finally {
        await storage.close();
      }
    };

    it("evaluate explains why the eager chain waits for its upstream, writes nothing, and requests the chain in one run once it is materialized", { timeout: 120_000 }, async () => {
      const first = await flyt(["automation", "evaluate", "-f", definitions], env);
      assert.equal(first.code, 0, first.stderr);
      const clean = sectionOf(first.stdout, "auto/clean");
      assert.equal(clean[0], "auto/clean: not requested", first.stdout);
      // The explanation: the root node false, and the blocking sub-condition true, naming the upstream.
      assert.match(clean[1] ?? "", /^ {4}false eager/, first.stdout);
      const missing = clean.find((l) => /any upstream missing/.test(l));
      assert.ok(missing !== undefined, first.stdout);
      assert.match(missing, /^ {8}true any upstream missing/, "one level below its `not`, and true");
      assert.match(missing, /auto\/source/, "names the missing upstream");
      assert.match(sectionOf(first.stdout, "auto/lookup")[0] ?? "", /^auto\/lookup: would be requested$/);
      assert.match(first.stdout, /Would request 1 run:\n {2}auto\/lookup \(location automation\)/);
      assert.match(first.stdout, /Dry run: nothing was written/);

      await withStorage(async (storage) => {
        assert.equal(await storage.getAutomationCursor(), null, "no cursor written");
        assert.deepEqual((await storage.listTicks(AUTOMATION_INSTIGATOR_ID, { limit: 10 })).items, [], "no tick written");
        assert.deepEqual((await storage.getLatestAutomationEvaluations()).length, 0, "no evaluation written");
        assert.deepEqual((await storage.listRuns({}, { limit: 10 })).items, [], "no run created");
      });

      const materialized = await flyt(["materialize", "-f", definitions, "--select", "auto/source"], env);
      assert.equal(materialized.code, 0, materialized.stdout + materialized.stderr);

      const second = await flyt(["automation", "evaluate", "-f", definitions, "--select", "auto/clean+"], env);
      assert.equal(second.code, 0, second.stderr);
      // Never evaluated before (no daemon ticked: no cursor), it is newly missing; its upstream no longer is.
      const cleanNow = sectionOf(second.stdout, "auto/clean");
      assert.equal(cleanNow[0], "auto/clean: would be requested", second.stdout);
      assert.match(cleanNow[1] ?? "", /^ {4}true eager/);
      assert.ok(cleanNow.some((l) => /^ {6}true no upstream missing$/.test(l)), second.stdout);
      assert.ok(cleanNow.some((l) => /^ {8}false any upstream missing/.test(l)), second.stdout);
      assert.equal(sectionOf(second.stdout, "auto/report")[0], "auto/report: would be requested");
      assert.deepEqual(sectionOf(second.stdout, "auto/lookup"), [], "--select filters what is printed");
      // Everything requested for the same location and partition goes in one run (the chain, and auto/lookup beside it).
      assert.match(second.stdout, /Would request 1 run:\n {2}auto\/lookup, auto\/clean, auto\/report \(location automation\)\n/, "the chain in one run");

      const json = await flyt(["automation", "evaluate", "-f", definitions, "--json"], env);
      assert.equal(json.code, 0, json.stderr);
      const parsed = JSON.parse(json.stdout) as { evaluations: Array<{ assetKey: string; requestedCount: number }>; runs: Array<{ assetKeys: string[] }> };
      assert.deepEqual(parsed.evaluations.map((e) => [e.assetKey, e.requestedCount]).sort(), [["auto/clean", 1], ["auto/lookup", 1], ["auto/report", 1]]);
      assert.deepEqual(parsed.runs.map((r) => r.assetKeys), [["auto/lookup", "auto/clean", "auto/report"]]);

      const bad = await flyt(["automation", "evaluate", "-f", definitions, "--select", "auto/nope"], env);
      assert.equal(bad.code, 2, bad.stdout + bad.stderr);
    });

    it("start and stop round-trip globally and per location; evaluate and status follow them", { timeout: 120_000 }, async () => {
      const stop = await flyt(["automation", "stop", "--location", "automation"], env);
      assert.equal(stop.code, 0, stop.stderr);
      assert.equal(stop.stdout.trim(), "automation for location automation is STOPPED");
      let status = JSON.parse((await flyt(["automation", "status", "--json"], env)).stdout) as { status: string; locations: Array<{ location: string; status: string }> };
      assert.equal(status.status, "RUNNING");
      assert.deepEqual(status.locations.map((l) => [l.location, l.status]), [["automation", "STOPPED"]]);

      const evaluated = await flyt(["automation", "evaluate", "-f", definitions], env);
      assert.equal(evaluated.code, 0, evaluated.stderr);
      assert.match(evaluated.stderr, /automation is stopped for location automation: its assets are not evaluated/);
      assert.match(evaluated.stdout, /Would request no run\./);

      assert.equal((await flyt(["automation", "start", "--location", "automation"], env)).code, 0);
      const globalStop = await flyt(["automation", "stop"], env);
      assert.equal(globalStop.stdout.trim(), "automation is STOPPED");
      const text = await flyt(["automation", "status"], env);
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, /^automation: STOPPED\n/);
      assert.match(text.stdout, /automation +RUNNING\n/);
      assert.match(text.stdout, /no automation tick yet/);

      assert.equal((await flyt(["automation", "start"], env)).stdout.trim(), "automation is RUNNING");
      status = JSON.parse((await flyt(["automation", "status", "--json"], env)).stdout) as typeof status;
      assert.equal(status.status, "RUNNING");
      await withStorage(async (storage) => {
        const states = await storage.listInstigatorStates("automation");
        assert.deepEqual(states.map((s) => [s.id, s.status]).sort(), [["automation", "RUNNING"], ["automation:automation", "RUNNING"]]);
      });

      const invalid = await flyt(["automation", "stop", "--location", "no such"], env);
      assert.equal(invalid.code, 1);
      assert.match(invalid.stderr, /--location: expected a code location name/);

      const ticks = await flyt(["automation", "ticks", "--json"], env);
      assert.deepEqual(JSON.parse(ticks.stdout), { ticks: [], nextCursor: null });
      const badLimit = await flyt(["automation", "ticks", "--limit", "0"], env);
      assert.equal(badLimit.code, 1);
      assert.match(badLimit.stderr, /--limit: expected an integer from 1 to 1000/);
    });
  },
  { open: false },
);
