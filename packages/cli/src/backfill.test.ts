/**
 * End-to-end tests of `flyt backfill`, `flyt backfills …`, `flyt partitions …` and
 * `flyt materialize --partition-range`: the built CLI as child processes (NO_COLOR=1) against a
 * real SQLite file and a fresh PostgreSQL database, with the subprocess launcher. No daemon runs
 * unless a test starts one, so `flyt backfill` drives its backfill itself.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { before, it } from "node:test";
import assert from "node:assert/strict";
import type { BackfillRecord } from "@flyt/core";
import { openStorage } from "@flyt/storage";
import { describeEachBackend, type TestStorageLocation } from "@flyt/storage/testing";
import { storageEnv, waitFor } from "./test-support.js";

const here = dirname(fileURLToPath(import.meta.url));
const bin = resolve(here, "../bin/flyt.js");
const definitions = resolve(here, "../src/test-fixtures/backfill.ts");

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; result: Promise<Result>; output: () => string } {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const result = new Promise<Result>((resolvePromise, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => resolvePromise({ code, stdout, stderr }));
  });
  return { child, result, output: () => stdout + stderr };
}

function flyt(args: string[], env: NodeJS.ProcessEnv): Promise<Result> {
  return start(args, env).result;
}

describeEachBackend(
  (backend) => `flyt backfill on ${backend}`,
  ({ location }) => {
    let env: NodeJS.ProcessEnv;
    let traceDir: string;
    let where: TestStorageLocation;

    before(() => {
      traceDir = mkdtempSync(join(tmpdir(), "flyt-backfill-trace-"));
      where = location();
      env = { ...process.env, ...storageEnv(where, mkdtempSync(join(tmpdir(), "flyt-backfill-"))), FLYT_TEST_TRACE_DIR: traceDir };
    });

    const executions = (): string[] => {
      const file = join(traceDir, "executions.log");
      return existsSync(file) ? readFileSync(file, "utf8").trim().split("\n").filter((l) => l !== "") : [];
    };
    const clearExecutions = (): void => writeFileSync(join(traceDir, "executions.log"), "");
    const latestBackfill = async (): Promise<BackfillRecord> => {
      const list = await flyt(["backfills", "list", "--json", "--limit", "1"], env);
      assert.equal(list.code, 0, list.stderr);
      return (JSON.parse(list.stdout) as { backfills: BackfillRecord[] }).backfills[0]!;
    };
    const partitionStatus = async (assetKey: string) => {
      const storage = await openStorage({ databaseUrl: where.url, sqlitePath: where.sqlitePath ?? "" });
      try {
        return await storage.getPartitionStatus(assetKey);
      } finally {
        await storage.close();
      }
    };

    it("backfills a range of yearly partitions to completion, one run per partition, and shows it", async () => {
      clearExecutions();
      const result = await flyt(["backfill", "-f", definitions, "--select", "hist/ingest+", "--from", "2000", "--to", "2009"], env);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /No daemon is running: this command drives the backfill/);
      assert.match(result.stdout, /COMPLETED_SUCCESS in .*: 20\/20 done · 0 running/);
      // Each year once for each asset (the identity-mapped pair runs together, ingest first).
      const years = Array.from({ length: 10 }, (_, i) => String(2000 + i));
      assert.deepEqual(executions().filter((e) => e.startsWith("hist/ingest:")).sort(), years.map((y) => `hist/ingest:${y}`));
      assert.deepEqual(executions().filter((e) => e.startsWith("hist/summary:")).sort(), years.map((y) => `hist/summary:${y}`));
      for (const year of years) assert.ok(executions().indexOf(`hist/ingest:${year}`) < executions().indexOf(`hist/summary:${year}`), `ingest ${year} before its summary`);
      // The materializations are stored: the partition status storage keeps on write says so.
      assert.equal((await partitionStatus("hist/ingest")).materialized, "0-9");
      assert.equal((await partitionStatus("hist/summary")).materialized, "0-9");

      const backfill = await latestBackfill();
      assert.equal(backfill.status, "COMPLETED_SUCCESS");
      assert.deepEqual(backfill.request.partitions, { kind: "range", from: "2000", to: "2009" });
      assert.equal(backfill.counts.materialized, 20);
      const show = await flyt(["backfills", "show", backfill.backfillId], env);
      assert.equal(show.code, 0, show.stderr);
      assert.match(show.stdout, /hist\/summary\n\s+targets\s+2000…2009\n\s+materialized\s+2000…2009/);
      assert.match(show.stdout, /Runs \(10\)/);
      const json = JSON.parse((await flyt(["backfills", "show", backfill.backfillId, "--json"], env)).stdout) as { backfill: BackfillRecord; runs: Array<{ status: string; partitionKey: string }> };
      assert.equal(json.runs.length, 10);
      assert.deepEqual(json.runs.map((r) => r.partitionKey).sort(), years);
      assert.ok(json.runs.every((r) => r.status === "SUCCESS"));
    });

    it("exits 1 when a partition fails, names it, and `backfills retry` runs only the failed targets", async () => {
      clearExecutions();
      const failing = await flyt(["backfill", "-f", definitions, "--select", "hist/ingest+", "--partitions", "2001,2003,2005"], { ...env, FLYT_TEST_FAIL_YEAR: "2003" });
      assert.equal(failing.code, 1, failing.stdout + failing.stderr);
      assert.match(failing.stdout, /COMPLETED_FAILED/);
      assert.match(failing.stderr, /hist\/ingest failed: 2003/);
      assert.match(failing.stderr, /ingest of 2003 failed on purpose/);
      const failed = await latestBackfill();
      assert.equal(failed.status, "COMPLETED_FAILED");
      assert.equal(failed.counts.materialized, 4);
      assert.equal(failed.counts.failed, 2);
      assert.match(failing.stderr, new RegExp(`flyt backfills retry ${failed.backfillId}`));

      clearExecutions();
      const retry = await flyt(["backfills", "retry", failed.backfillId, "-f", definitions], env);
      assert.equal(retry.code, 0, retry.stdout + retry.stderr);
      assert.deepEqual(executions(), ["hist/ingest:2003", "hist/summary:2003"], "only the failed targets run again");
      const retried = await latestBackfill();
      assert.notEqual(retried.backfillId, failed.backfillId);
      assert.deepEqual(retried.request.partitions, { kind: "failed", backfillId: failed.backfillId });
      assert.equal(retried.status, "COMPLETED_SUCCESS");
      assert.equal(retried.counts.total, 2);

      const again = await flyt(["backfills", "retry", retried.backfillId, "-f", definitions], env);
      assert.equal(again.code, 2, again.stdout + again.stderr);
      assert.match(again.stderr, /has no failed or skipped targets to retry/);
    });

    it("prints the final record with --json, progress on stderr; a single-run policy makes one run over the range", async () => {
      clearExecutions();
      const result = await flyt(["backfill", "-f", definitions, "--select", "hist/ingest", "--from", "2004", "--to", "2007", "--policy", "single-run", "--tag", "team=data", "--json"], env);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const record = JSON.parse(result.stdout) as BackfillRecord;
      assert.equal(record.status, "COMPLETED_SUCCESS");
      assert.equal(record.counts.total, 4);
      assert.equal(record.counts.materialized, 4);
      assert.deepEqual(record.request.policy, { kind: "single-run" });
      assert.deepEqual(record.request.tags, { team: "data" });
      assert.equal(record.progress[0]?.assetKey, "hist/ingest");
      assert.match(result.stderr, /COMPLETED_SUCCESS/);
      assert.deepEqual(executions(), ["hist/ingest:2004,2005,2006,2007"], "one run sees the whole range");
      const runs = JSON.parse((await flyt(["runs", "list", "--json", "--limit", "1"], env)).stdout) as { runs: Array<{ tags: Record<string, string>; partitionKey: string | null }> };
      assert.equal(runs.runs[0]?.tags["flyt/partition_range_start"], "2004");
      assert.equal(runs.runs[0]?.tags["flyt/partition_range_end"], "2007");
      assert.equal(runs.runs[0]?.tags.team, "data");
      assert.equal(runs.runs[0]?.tags["flyt/backfill"], record.backfillId);

      const noWait = await flyt(["backfill", "-f", definitions, "--select", "hist/ingest", "--partitions", "2008", "--no-wait", "--json"], env);
      assert.equal(noWait.code, 0, noWait.stderr);
      const stored = JSON.parse(noWait.stdout) as BackfillRecord;
      assert.equal(stored.status, "REQUESTED");
      assert.match(noWait.stderr, /No daemon is running/);
      const cancel = await flyt(["backfills", "cancel", stored.backfillId, "--json"], env);
      assert.equal(cancel.code, 0, cancel.stderr);
      assert.equal((JSON.parse(cancel.stdout) as BackfillRecord).status, "CANCELING");
    });

    it("refuses bad input with a clear message and exit 2, storing nothing", async () => {
      const before = (await flyt(["backfills", "list", "--json", "--limit", "1000"], env)).stdout;
      const cases: Array<[string[], RegExp]> = [
        [["--select", "hist/ingset", "--all"], /unknown asset key "hist\/ingset" \(did you mean "hist\/ingest"\?\)/],
        [["--select", "hist/ingest", "--from", "1990", "--to", "2003"], /partitions\.from: "1990" is not a partition of any selected asset; selected partitioned assets: hist\/ingest \(yearly from 2000/],
        [["--select", "hist/ingest", "--from", "2005", "--to", "2003"], /"2005" comes after partitions\.to "2003"/],
        [["--select", "hist/ingest", "--partitions", "2003,2011"], /partitions\.keys\[1\]: "2011" is not a partition/],
        [["--select", "hist/ingest"], /which partitions\? Give one of --from\/--to, --partitions, --all, --missing or --failed/],
        [["--select", "hist/ingest", "--all", "--missing"], /give only one of/],
        [["--select", "hist/ingest", "--from", "2003"], /--from and --to go together/],
        [["--select", "hist/ingest", "--all", "--policy", "multi-run:0"], /--policy: expected single-run, multi-run or multi-run:N/],
        [["--select", "hist/ingest", "--all", "--max-concurrent", "two"], /--max-concurrent: expected a positive integer/],
        [["--select", "hist/ingest", "--all", "--tag", "flyt/backfill=x"], /reserved for the platform/],
      ];
      for (const [args, message] of cases) {
        const result = await flyt(["backfill", "-f", definitions, ...args], env);
        assert.equal(result.code, 2, `${args.join(" ")}: ${result.stdout}${result.stderr}`);
        assert.match(result.stderr, /^error: /m, args.join(" "));
        assert.match(result.stderr, message, args.join(" "));
      }
      assert.equal((await flyt(["backfills", "list", "--json", "--limit", "1000"], env)).stdout, before, "nothing stored");
      const unknown = await flyt(["backfills", "show", "no-such-backfill"], env);
      assert.notEqual(unknown.code, 0);
      assert.match(unknown.stderr, /no backfill with id "no-such-backfill"/);
    });

    it("adds, lists and deletes dynamic partitions, and backfills all of them", async () => {
      const add = await flyt(["partitions", "add", "customers", "acme", "bolt", "cargo", "acme"], env);
      assert.equal(add.code, 0, add.stderr);
      assert.match(add.stdout, /Added 3 keys to customers/);
      const again = await flyt(["partitions", "add", "customers", "acme"], env);
      assert.match(again.stdout, /Added 0 keys to customers \(1 already existed\)/);
      const bad = await flyt(["partitions", "add", "customers", "a/b"], env);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /"a\/b" must not contain '\/'/);

      const list = JSON.parse((await flyt(["partitions", "list", "customers", "--json"], env)).stdout) as { count: number; partitions: Array<{ key: string; index: number }> };
      assert.equal(list.count, 3);
      assert.deepEqual(list.partitions.map((p) => [p.key, p.index]), [["acme", 0], ["bolt", 1], ["cargo", 2]]);
      const human = await flyt(["partitions", "list", "customers"], env);
      assert.match(human.stdout, /bolt\s+1/);

      const del = await flyt(["partitions", "delete", "customers", "bolt", "nope"], env);
      assert.equal(del.code, 0, del.stderr);
      assert.match(del.stdout, /Deleted 1 key from customers \(1 did not exist\)/);
      const after = JSON.parse((await flyt(["partitions", "list", "customers", "--json"], env)).stdout) as { count: number; partitions: Array<{ key: string }> };
      assert.deepEqual(after.partitions.map((p) => p.key), ["acme", "cargo"]);

      clearExecutions();
      const backfill = await flyt(["backfill", "-f", definitions, "--select", "hist/customer", "--all"], env);
      assert.equal(backfill.code, 0, backfill.stdout + backfill.stderr);
      assert.deepEqual(executions().sort(), ["hist/customer:acme", "hist/customer:cargo"]);
      const unknownKey = await flyt(["backfill", "-f", definitions, "--select", "hist/customer", "--partitions", "bolt"], env);
      assert.equal(unknownKey.code, 2, unknownKey.stdout + unknownKey.stderr);
      assert.match(unknownKey.stderr, /"bolt" is not a partition of any selected asset/);
    });

    it("runs an asset that reads its own previous partition year after year, never two years at once", async () => {
      clearExecutions();
      const result = await flyt(["backfill", "-f", definitions, "--select", "hist/cumulative", "--all", "--json"], env);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const backfill = JSON.parse(result.stdout) as BackfillRecord;
      assert.equal(backfill.status, "COMPLETED_SUCCESS");
      assert.equal(backfill.counts.materialized, 10);
      const years = Array.from({ length: 10 }, (_, i) => `hist/cumulative:${2000 + i}`);
      assert.deepEqual(executions(), years, "oldest first, each once");
      assert.equal(readFileSync(join(traceDir, "cumulative-2009.txt"), "utf8"), "10");
    });

    it("materializes a range of partitions in one run with --partition-range", async () => {
      clearExecutions();
      const result = await flyt(["materialize", "-f", definitions, "--select", "hist/ingest", "--partition-range", "2001..2003"], env);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /partitions 2001…2003/);
      assert.deepEqual(executions(), ["hist/ingest:2001,2002,2003"]);
      const outside = await flyt(["materialize", "-f", definitions, "--select", "hist/ingest", "--partition-range", "2001..2015"], env);
      assert.equal(outside.code, 1);
      assert.match(outside.stderr, /"2015" is not a partition of this asset/);
      const malformed = await flyt(["materialize", "-f", definitions, "--select", "hist/ingest", "--partition-range", "2001"], env);
      assert.equal(malformed.code, 1);
      assert.match(malformed.stderr, /expected <first key>\.\.<last key>/);
    });

    it("on Ctrl-C stops launching and leaves the backfill to a daemon, which finishes it without running a target twice", async () => {
      clearExecutions();
      const slow = { ...env, FLYT_TEST_SLOW_MS: "1500" };
      const backfill = start(["backfill", "-f", definitions, "--select", "hist/ingest", "--from", "2000", "--to", "2009", "--max-concurrent", "2"], slow);
      await waitFor(() => (/[1-9]\/10 done/.test(backfill.output()) ? true : null), 60_000, () => `a first partition done:\n${backfill.output()}`);
      backfill.child.kill("SIGINT");
      const interrupted = await backfill.result;
      assert.equal(interrupted.code, 130, interrupted.stdout + interrupted.stderr);
      assert.match(interrupted.stderr, /launching no more runs of backfill/);
      assert.match(interrupted.stderr, /is IN_PROGRESS .*Nothing more is launched until a daemon/);
      const left = await latestBackfill();
      assert.equal(left.status, "IN_PROGRESS");
      assert.ok(left.counts.materialized < 10, JSON.stringify(left.counts));

      const daemon = start(["daemon", "-f", definitions], { ...slow, FLYT_LOG_PRETTY: "0" });
      try {
        const done = await waitFor(
          async () => {
            const current = await latestBackfill();
            return current.status === "IN_PROGRESS" ? null : current;
          },
          90_000,
          () => `the daemon to finish the backfill:\n${daemon.output().slice(-3000)}`,
        );
        assert.equal(done.status, "COMPLETED_SUCCESS");
        assert.equal(done.counts.materialized, 10);
      } finally {
        daemon.child.kill("SIGTERM");
        await daemon.result;
      }
      const ran = executions();
      assert.equal(ran.length, 10, `every year exactly once: ${ran.join(" ")}`);
      assert.equal(new Set(ran).size, 10, `no year twice: ${ran.join(" ")}`);
    });

    it("hands over to a daemon that starts while it drives: every target runs once, and the command follows to the end", async () => {
      clearExecutions();
      const slow = { ...env, FLYT_TEST_SLOW_MS: "1000" };
      const backfill = start(["backfill", "-f", definitions, "--select", "hist/ingest", "--from", "2000", "--to", "2009", "--max-concurrent", "2"], slow);
      await waitFor(() => (/[1-9]\/10 done/.test(backfill.output()) ? true : null), 60_000, () => `a first partition done:\n${backfill.output()}`);
      const daemon = start(["daemon", "-f", definitions], { ...slow, FLYT_LOG_PRETTY: "0" });
      try {
        const result = await backfill.result;
        assert.equal(result.code, 0, result.stdout + result.stderr);
        assert.match(result.stdout, /Daemon \S+ started: it takes the backfill over/);
        assert.match(result.stdout, /COMPLETED_SUCCESS/);
      } finally {
        daemon.child.kill("SIGTERM");
        await daemon.result;
      }
      // The daemon launched part of it (its log names the leader it became).
      assert.match(daemon.output(), /is now the leader/);
      const ran = executions();
      assert.equal(ran.length, 10, `every year exactly once: ${ran.join(" ")}`);
      assert.equal(new Set(ran).size, 10, `no year twice: ${ran.join(" ")}`);
    });
  },
  { open: false },
);
