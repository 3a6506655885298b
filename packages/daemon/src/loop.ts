/**
 * One daemon loop: runs `pass()` when woken (a run changed, a timer came due) and at least every
 * `intervalMs` (the safety poll). Passes never overlap; wake-ups during a pass coalesce into one
 * more pass. A failing pass is reported and the loop carries on.
 */
import { coerceError } from "@flyt/core";

export interface LoopOptions {
  name: string;
  /** Longest wait between passes when nothing wakes the loop. */
  intervalMs: number;
  pass: () => Promise<void>;
  onError: (loop: string, error: Error) => void;
  /** Called after every pass (heartbeats). */
  afterPass?: (loop: string) => void;
}

export class Loop {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  /** Earliest moment a wakeAt() asked for, if sooner than the safety poll. */
  private dueAt: number | null = null;
  lastPassAt: number | null = null;
  lastError: string | null = null;
  passes = 0;

  constructor(private readonly options: LoopOptions) {}

  get name(): string {
    return this.options.name;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.wake();
  }

  /** Asks for a pass as soon as possible. */
  wake(): void {
    if (this.stopped) return;
    if (this.running !== null) {
      this.again = true;
      return;
    }
    this.clearTimer();
    this.running = this.run();
  }

  /** Asks for a pass at `time` (epoch ms) at the latest. */
  wakeAt(time: number): void {
    if (this.stopped) return;
    if (this.dueAt === null || time < this.dueAt) this.dueAt = time;
    if (this.running === null) this.arm();
  }

  private async run(): Promise<void> {
    do {
      this.again = false;
      this.dueAt = null;
      try {
        await this.options.pass();
        this.lastError = null;
      } catch (thrown) {
        const error = coerceError(thrown);
        this.lastError = error.message;
        this.options.onError(this.options.name, error);
      }
      this.passes += 1;
      this.lastPassAt = Date.now();
      this.options.afterPass?.(this.options.name);
    } while (this.again && !this.stopped);
    this.running = null;
    this.arm();
  }

  private arm(): void {
    if (this.stopped) return;
    this.clearTimer();
    const poll = Date.now() + this.options.intervalMs;
    const at = this.dueAt === null ? poll : Math.min(poll, this.dueAt);
    this.timer = setTimeout(() => this.wake(), Math.max(0, at - Date.now()));
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Stops after the current pass, if any, finishes. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimer();
    await this.running;
  }
}
