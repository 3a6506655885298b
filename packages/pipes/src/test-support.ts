/**
 * Test helpers: a recording PipesHost (events, capped output, materializations) and paths to
 * the fixture children. Not exported from the package.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { EventBody, MetadataValue } from "@flyt/core";
import type { PipesHost } from "./session.js";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
export const fixturesSrc = fileURLToPath(new URL("../src/test-fixtures/", import.meta.url));
export const fixturesJs = fileURLToPath(new URL("./test-fixtures/", import.meta.url));

export interface Recording {
  host: PipesHost;
  events: EventBody[];
  logs(level?: string): string[];
  output: { stdout: string; stderr: string };
  outputBytes: { stdout: number; stderr: number };
  materializations: Array<{ assetKey: string; metadata: Record<string, MetadataValue>; dataVersion: string | null }>;
  abort(reason?: string): void;
}

const OUTPUT_KEEP = 1024 * 1024;

export function recordingHost(overrides: Partial<PipesHost> = {}): Recording {
  const controller = new AbortController();
  const recording: Recording = {
    events: [],
    output: { stdout: "", stderr: "" },
    outputBytes: { stdout: 0, stderr: 0 },
    materializations: [],
    logs(level?: string) {
      return recording.events
        .filter((e): e is Extract<EventBody, { type: "LOG" }> => e.type === "LOG" && (level === undefined || e.level === level))
        .map((e) => e.message);
    },
    abort(reason?: string) {
      controller.abort(reason);
    },
    host: {
      runId: "run-1",
      stepKey: "atlas/ssb/raw",
      assetKeys: ["atlas/ssb/raw"],
      codeVersionByAssetKey: { "atlas/ssb/raw": "7" },
      partitionKey: null,
      partitionTimeWindow: null,
      retryNumber: 0,
      signal: controller.signal,
      emit: (body) => recording.events.push(body),
      output: (stream, text) => {
        recording.outputBytes[stream] += Buffer.byteLength(text);
        // Like the run worker's capture: a bounded amount is kept.
        if (recording.output[stream].length < OUTPUT_KEEP) recording.output[stream] += text.slice(0, OUTPUT_KEEP);
      },
      materialize: (assetKey, metadata, dataVersion) => recording.materializations.push({ assetKey, metadata, dataVersion }),
      ...overrides,
    },
  };
  return recording;
}

/**
 * The Python with the official dagster-pipes installed. scripts/test.sh creates it; a test file
 * run on its own without it fails here with the way to set it up.
 */
export function testPython(): string {
  const python = process.env.FLYT_TEST_PYTHON;
  if (python === undefined || python === "") {
    throw new Error(
      "FLYT_TEST_PYTHON is not set: the Pipes compatibility tests need a Python with the official dagster-pipes package. " +
        "Run `bash scripts/test.sh` (it creates .venv-pipes/ and sets it), or: python3 -m venv .venv-pipes && " +
        ".venv-pipes/bin/pip install dagster-pipes && export FLYT_TEST_PYTHON=$PWD/.venv-pipes/bin/python",
    );
  }
  if (!existsSync(python)) throw new Error(`FLYT_TEST_PYTHON=${python} does not exist; see scripts/test.sh for how it is created`);
  return python;
}

/** The Go child, built by scripts/test.sh (or here, once) into .build/. */
export function goChild(): string {
  const out = join(repoRoot, ".build", "pipes-go-child");
  if (existsSync(out)) return out;
  mkdirSync(dirname(out), { recursive: true });
  const built = spawnSync("go", ["build", "-o", out, "."], { cwd: join(fixturesSrc, "go-child"), encoding: "utf8" });
  if (built.error || built.status !== 0) {
    throw new Error(`Could not build the Go Pipes child (needs Go; scripts/test.sh builds it): ${built.error?.message ?? built.stderr}`);
  }
  return out;
}

/** Alive and not a zombie (a killed process whose parent is gone may wait a while to be reaped). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}
