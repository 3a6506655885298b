/**
 * A code location with instigators that misbehave on the CPU next to healthy ones: `spins` and
 * `spins_schedule` never return (a synchronous loop: no timer or signal can interrupt it in the
 * thread it runs in), `exits` ends its thread, `healthy` answers with a run request and a cursor.
 * FLYT_TEST_SPIN_MS bounds the loops (default: forever), so a test that fails does not hang.
 */
import { asset, defineDefinitions, schedule, sensor } from "@flyt/sdk";

function spin(): never {
  const limit = Number(process.env.FLYT_TEST_SPIN_MS ?? Number.POSITIVE_INFINITY);
  const started = Date.now();
  let n = 0;
  while (Date.now() - started < limit) n += 1;
  throw new Error(`spun ${n} times and gave up after ${limit} ms`);
}

const a = asset({ key: "iso/a", compute: () => undefined });

export default defineDefinitions({
  assets: [a],
  schedules: [
    schedule({ name: "spins_schedule", cron: "* * * * *", target: "*", evaluate: () => spin() }),
    schedule({ name: "healthy_schedule", cron: "* * * * *", target: "*", evaluate: ({ scheduledAt }) => ({ runRequests: [{ runKey: `h-${scheduledAt.getTime()}` }] }) }),
  ],
  sensors: [
    sensor({ name: "spins", target: "*", minimumIntervalSeconds: 1, defaultStatus: "RUNNING", evaluate: () => spin() }),
    sensor({
      name: "healthy",
      target: "*",
      minimumIntervalSeconds: 1,
      defaultStatus: "RUNNING",
      evaluate: ({ cursor }) => {
        const next = String(Number(cursor ?? "0") + 1);
        return { runRequests: [{ runKey: `healthy-${next}` }], cursor: next };
      },
    }),
    sensor({
      name: "exits",
      target: "*",
      evaluate: () => {
        process.exit(7);
      },
    }),
    sensor({ name: "throws", target: "*", evaluate: () => { throw new Error("upstream API down"); } }),
  ],
});
