/**
 * Output capture: what a step writes to stdout/stderr (console.log, process.stdout.write)
 * becomes STEP_OUTPUT events of that step. Writes are attributed through the async scope
 * (capture-scope.ts); writes outside any step pass through untouched.
 *
 * Each step has a byte budget per stream. Beyond it, output is counted and dropped, and one
 * `truncated: true` marker says how much was lost — so a step that prints gigabytes costs
 * the budget, not the memory. Small writes are coalesced into chunks before becoming events.
 */
import type { EventBody } from "@flyt/core";
import { outsideSteps, stepScope, type StepScope } from "./capture-scope.js";

export type OutputStream = "stdout" | "stderr";

export const DEFAULT_OUTPUT_CAP_BYTES = 1024 * 1024;
/** A chunk is emitted once this many bytes are buffered… */
const CHUNK_BYTES = 32 * 1024;
/** …or after this long, whichever comes first. */
const CHUNK_DELAY_MS = 50;

export interface StepOutputOptions {
  stepKey: string;
  /** Per-stream cap on stored bytes. */
  capBytes?: number;
  emit: (body: Extract<EventBody, { type: "STEP_OUTPUT" }>) => void;
}

class StreamBuffer {
  private parts: string[] = [];
  private bufferedBytes = 0;
  storedBytes = 0;
  droppedBytes = 0;

  constructor(
    readonly stream: OutputStream,
    private readonly capBytes: number,
  ) {}

  /** Adds text; returns true when a chunk is ready to emit. */
  add(text: string): boolean {
    const bytes = Buffer.byteLength(text);
    const room = this.capBytes - this.storedBytes;
    if (room <= 0) {
      this.droppedBytes += bytes;
      return false;
    }
    let kept = text;
    let keptBytes = bytes;
    if (bytes > room) {
      // Cut on a byte budget; a multi-byte character split at the cut is dropped, not mangled.
      kept = Buffer.from(text).subarray(0, room).toString("utf8").replace(/\uFFFD$/, "");
      keptBytes = Buffer.byteLength(kept);
      this.droppedBytes += bytes - keptBytes;
    }
    this.parts.push(kept);
    this.bufferedBytes += keptBytes;
    this.storedBytes += keptBytes;
    return this.bufferedBytes >= CHUNK_BYTES;
  }

  /** The buffered text as chunks of at most CHUNK_BYTES (one write may be larger than a chunk). */
  take(): string[] {
    if (this.parts.length === 0) return [];
    const text = this.parts.join("");
    this.parts = [];
    this.bufferedBytes = 0;
    return splitUtf8(text, CHUNK_BYTES);
  }
}

/** Collects one step's output. Create it when the step starts; `finish()` when it ends. */
export class StepOutput {
  private readonly buffers: Record<OutputStream, StreamBuffer>;
  private timer: NodeJS.Timeout | null = null;
  private readonly emitBody: StepOutputOptions["emit"];
  readonly capBytes: number;
  private finished = false;

  constructor(options: StepOutputOptions) {
    this.capBytes = options.capBytes ?? DEFAULT_OUTPUT_CAP_BYTES;
    this.emitBody = options.emit;
    this.buffers = {
      stdout: new StreamBuffer("stdout", this.capBytes),
      stderr: new StreamBuffer("stderr", this.capBytes),
    };
  }

  write(stream: OutputStream, text: string): void {
    if (this.finished || text.length === 0) return;
    const buffer = this.buffers[stream];
    if (buffer.add(text)) this.emitChunk(buffer);
    else if (this.timer === null) {
      this.timer = outsideSteps(() => setTimeout(() => this.flush(), CHUNK_DELAY_MS));
      this.timer.unref();
    }
  }

  /** Emits buffered chunks now. */
  flush(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.emitChunk(this.buffers.stdout);
    this.emitChunk(this.buffers.stderr);
  }

  /** Emits what is left and, per stream that hit the cap, the truncation marker. */
  finish(): void {
    if (this.finished) return;
    this.flush();
    this.finished = true;
    for (const buffer of [this.buffers.stdout, this.buffers.stderr]) {
      if (buffer.droppedBytes > 0) {
        this.emitBody({
          type: "STEP_OUTPUT",
          stream: buffer.stream,
          text: `[${buffer.stream} truncated: the step wrote more than ${formatBytes(this.capBytes)}; ${formatBytes(buffer.droppedBytes)} (${buffer.droppedBytes} bytes) dropped]\n`,
          truncated: true,
        });
      }
    }
  }

  stats(stream: OutputStream): { storedBytes: number; droppedBytes: number } {
    const { storedBytes, droppedBytes } = this.buffers[stream];
    return { storedBytes, droppedBytes };
  }

  private emitChunk(buffer: StreamBuffer): void {
    for (const text of buffer.take()) this.emitBody({ type: "STEP_OUTPUT", stream: buffer.stream, text });
  }
}

/**
 * `text` cut into pieces of at most `maxBytes` UTF-8 bytes, never inside a character (a piece
 * is cut before a character that would cross the limit). Empty text gives no pieces.
 */
export function splitUtf8(text: string, maxBytes: number): string[] {
  if (Buffer.byteLength(text) <= maxBytes) return text.length > 0 ? [text] : [];
  const pieces: string[] = [];
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < text.length; ) {
    const code = text.codePointAt(i)!;
    const width = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    const units = code >= 0x10000 ? 2 : 1;
    if (bytes + width > maxBytes) {
      pieces.push(text.slice(start, i));
      start = i;
      bytes = 0;
    }
    bytes += width;
    i += units;
  }
  if (start < text.length) pieces.push(text.slice(start));
  return pieces;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}

type WriteFn = typeof process.stdout.write;

let installCount = 0;
let originals: { stdout: WriteFn; stderr: WriteFn } | null = null;

/**
 * Patches process.stdout/stderr so writes inside a step scope go to that step. Reference
 * counted: concurrent in-process runs share one patch. Returns the uninstall function.
 */
export function installOutputCapture(): () => void {
  if (installCount === 0) {
    // Kept unbound on purpose: they are restored as the streams' own properties, and called with the stream as `this`.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    originals = { stdout: process.stdout.write, stderr: process.stderr.write };
    process.stdout.write = patched("stdout", originals.stdout, process.stdout);
    process.stderr.write = patched("stderr", originals.stderr, process.stderr);
  }
  installCount += 1;
  let uninstalled = false;
  return () => {
    if (uninstalled) return;
    uninstalled = true;
    installCount -= 1;
    if (installCount === 0 && originals) {
      process.stdout.write = originals.stdout;
      process.stderr.write = originals.stderr;
      originals = null;
    }
  };
}

function patched(stream: OutputStream, original: WriteFn, target: NodeJS.WriteStream): WriteFn {
  const write: WriteFn = function (this: unknown, chunk: unknown, encodingOrCallback?: unknown, callback?: unknown): boolean {
    const scope: StepScope | undefined = stepScope.getStore();
    if (scope === undefined || scope.finished) {
      return (original as (...args: unknown[]) => boolean).call(target, chunk, encodingOrCallback, callback);
    }
    const encoding = typeof encodingOrCallback === "string" ? (encodingOrCallback as BufferEncoding) : "utf8";
    const text =
      typeof chunk === "string"
        ? chunk
        : chunk instanceof Uint8Array
          ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString(encoding === "utf8" ? "utf8" : encoding)
          : String(chunk);
    scope.write(stream, text);
    const done = typeof encodingOrCallback === "function" ? encodingOrCallback : callback;
    if (typeof done === "function") queueMicrotask(() => (done as (error?: Error | null) => void)(null));
    return true;
  };
  return write;
}
