/**
 * Time as the daemon sees it. Loops read `now()` through this interface so tests can drive the
 * scheduler across a DST change without waiting for one.
 */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(private current: number) {}
  now(): number {
    return this.current;
  }
  set(time: number | Date): void {
    this.current = typeof time === "number" ? time : time.getTime();
  }
  advance(ms: number): void {
    this.current += ms;
  }
}
