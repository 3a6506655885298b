/**
 * Follows a file another process appends to (the Pipes file channel): reads new bytes as they
 * arrive, woken by fs.watch with a polling backstop, in fixed-size chunks so a child that
 * writes gigabytes is read at our pace with constant memory.
 */
import { watch, type FSWatcher } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";

const CHUNK_BYTES = 256 * 1024;
const POLL_MS = 50;

export class FileTail {
  private handle: FileHandle | null = null;
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private position = 0;
  private reading: Promise<void> | null = null;
  private again = false;
  private readonly buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  private failure: Error | null = null;

  /** `onChunk` must consume (copy) the bytes synchronously: the buffer is reused. */
  constructor(
    private readonly path: string,
    private readonly onChunk: (chunk: Buffer) => void,
  ) {}

  async start(): Promise<void> {
    this.handle = await open(this.path, "r");
    try {
      this.watcher = watch(this.path, { persistent: false }, () => this.kick());
      this.watcher.on("error", () => undefined);
    } catch {
      // Polling alone still works (e.g. a file system without inotify).
    }
    this.timer = setInterval(() => this.kick(), POLL_MS);
    this.timer.unref();
  }

  /** Reads what is there now and stops following. Throws the first read error, if any. */
  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.watcher?.close();
    this.watcher = null;
    while (this.reading !== null) await this.reading;
    await this.drain();
    await this.handle?.close();
    this.handle = null;
    if (this.failure) throw this.failure;
  }

  private kick(): void {
    if (this.reading !== null) {
      this.again = true;
      return;
    }
    this.reading = (async () => {
      do {
        this.again = false;
        await this.drain();
      } while (this.again);
    })()
      .catch((error: unknown) => {
        this.failure ??= error instanceof Error ? error : new Error(String(error));
      })
      .finally(() => {
        this.reading = null;
      });
  }

  private async drain(): Promise<void> {
    const handle = this.handle;
    if (handle === null) return;
    for (;;) {
      const { bytesRead } = await handle.read(this.buffer, 0, CHUNK_BYTES, this.position);
      if (bytesRead === 0) return;
      this.position += bytesRead;
      this.onChunk(this.buffer.subarray(0, bytesRead));
    }
  }
}
