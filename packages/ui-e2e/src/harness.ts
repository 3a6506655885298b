/**
 * What the browser tests and the webserver benchmark share: a real `flyt dev` started as a child
 * process (the compiled CLI, as a user runs it) with its own FLYT_HOME, and Debian's chromium
 * driven by playwright-core with a fresh profile. Never downloads a browser: a missing
 * /usr/bin/chromium is an error that says how to install it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";

export const REPO = fileURLToPath(new URL("../../../", import.meta.url));
export const SCREENSHOTS = join(REPO, "test-artifacts", "screenshots");

export interface DevServer {
  url: string;
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output: () => string;
  /** Milliseconds from spawn until the printed URL answered HTTP. */
  firstAnswerMs: number;
  stop: () => Promise<void>;
}

/** Starts `flyt dev -f <files…> --port 0` and resolves once its URL answers HTTP. */
/** Starts `flyt dev`; its "Flyt dev is up at <url>" line is an info log, so the level is at least info unless a test says otherwise. */
export async function startDev(options: { files: string[]; env?: NodeJS.ProcessEnv; timeoutMs?: number; args?: string[] }): Promise<DevServer> {
  const started = performance.now();
  const args = [join(REPO, "packages/cli/bin/flyt.js"), "dev", ...options.files.flatMap((f) => ["-f", f]), "--port", "0", ...(options.args ?? [])];
  const child = spawn(process.execPath, args, { cwd: REPO, env: { ...process.env, FLYT_LOG_LEVEL: "info", ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  try {
    for (;;) {
      const match = /Flyt dev is up at (http:\/\/\S+)/.exec(output);
      if (match) {
        const url = match[1]!;
        const response = await fetch(`${url}/healthz`).catch(() => null);
        if (response?.ok) return { url, child, output: () => output, firstAnswerMs: performance.now() - started, stop };
      }
      if (child.exitCode !== null) throw new Error(`flyt dev exited with code ${child.exitCode}:\n${output}`);
      if (Date.now() > deadline) throw new Error(`flyt dev did not answer within ${options.timeoutMs ?? 30_000} ms:\n${output}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Posts a GraphQL document to a running server and returns `data` (throws on errors). */
export async function graphql<T>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (body.errors?.length) throw new Error(`GraphQL errors: ${body.errors.map((e) => e.message).join("; ")}`);
  if (body.data === undefined) throw new Error(`GraphQL: no data (HTTP ${response.status})`);
  return body.data;
}

/** Waits until every code location of the server is LOADED (or fails with their states). */
export async function waitForLocations(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { locations } = await graphql<{ locations: Array<{ name: string; status: string }> }>(url, "{ locations { name status } }");
    if (locations.length > 0 && locations.every((l) => l.status === "LOADED")) return;
    if (Date.now() > deadline) throw new Error(`code locations not loaded after ${timeoutMs} ms: ${JSON.stringify(locations)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const CHROMIUM = process.env.FLYT_TEST_CHROMIUM ?? "/usr/bin/chromium";

export interface Browser {
  context: BrowserContext;
  close: () => Promise<void>;
}

/** Debian's chromium, headless, with a fresh profile folder that is deleted on close. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the browser tests drive Debian's chromium (install it with \`apt-get install -y chromium\`, as scripts/test.sh does, or set FLYT_TEST_CHROMIUM); no browser is downloaded`);
  }
  const profile = mkdtempSync(join(tmpdir(), "flyt-chromium-"));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
      viewport: { width: 1400, height: 900 },
    });
    return {
      context,
      close: async () => {
        await context.close().catch(() => undefined);
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}

export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return join(SCREENSHOTS, `${name}.png`);
}

/** Screenshots kept for a reviewer by the accessibility and layout checks (git-ignored like test-artifacts/screenshots). */
export const UI_ARTIFACTS = join(REPO, "test-artifacts", "ui");

export function uiArtifactPath(name: string): string {
  mkdirSync(UI_ARTIFACTS, { recursive: true });
  return join(UI_ARTIFACTS, `${name}.png`);
}

/** RSS in bytes of a process and all its descendants (Linux /proc). */
export function treeRss(pid: number): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, "utf8");
      const ppid = Number(/PPid:\s+(\d+)/.exec(status)?.[1] ?? -1);
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      rss.set(Number(entry), kb * 1024);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  let total = 0;
  const stack = [pid];
  while (stack.length > 0) {
    const p = stack.pop()!;
    total += rss.get(p) ?? 0;
    stack.push(...(children.get(p) ?? []));
  }
  return total;
}

/** A fresh temporary folder (FLYT_HOME, ATLAS_DATA_DIR, …). */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** What a browser test works with: Chromium, a `flyt dev` with its locations loaded, and a page. */
export interface Session {
  browser: Browser;
  dev: DevServer;
  page: Page;
}

/**
 * Opens a session: Chromium first (a missing browser fails every test with the install hint),
 * then `flyt dev` on `files`, ready once its locations are loaded, then a page with a 30 s default
 * timeout.
 */
export async function openSession(options: Parameters<typeof startDev>[0] & { locationsTimeoutMs?: number }): Promise<Session> {
  const { locationsTimeoutMs, ...devOptions } = options;
  const browser = await launchChromium();
  try {
    const dev = await startDev(devOptions);
    await waitForLocations(dev.url, locationsTimeoutMs);
    const page = await browser.context.newPage();
    page.setDefaultTimeout(30_000);
    return { browser, dev, page };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

/** Ends what `openSession` started (whatever of it exists) and removes the test's work folder. */
export async function closeSession(session: Partial<Session> | undefined, work: string): Promise<void> {
  await session?.browser?.close();
  await session?.dev?.stop();
  rmSync(work, { recursive: true, force: true });
}

/** `flyt dev`'s environment for the Atlas example, everything it writes inside `work`. */
export function atlasEnv(work: string): NodeJS.ProcessEnv {
  return { FLYT_HOME: join(work, "home"), ATLAS_DATA_DIR: join(work, "data"), ATLAS_SOURCE: "fixtures" };
}
