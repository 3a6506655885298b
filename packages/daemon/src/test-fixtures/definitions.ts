/**
 * Definitions used by the daemon's tests: schedules with user code (evaluate, computed
 * partitions), custom sensors that succeed, throw and hang, and assets for them to target.
 * FLYT_TEST_SENSOR_DIR names a directory whose `release.txt` the polling sensor reads.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { asset, defineDefinitions, schedule, sensor, staticPartitions } from "@flyt/sdk";

const years = staticPartitions(["2022", "2023", "2024"]);

const raw = asset({ key: "t/raw", partitions: years, compute: () => ({ rows: 1 }) });
const report = asset({ key: "t/report", deps: [raw], partitions: years, compute: () => ({ rows: 1 }) });
const plain = asset({ key: "t/plain", compute: () => ({ rows: 1 }) });

export default defineDefinitions({
  assets: [raw, report, plain],
  schedules: [
    schedule({
      name: "yearly_previous",
      cron: "0 6 * * *",
      timezone: "Europe/Oslo",
      target: "t/raw+",
      partition: (at) => String(at.getUTCFullYear() - 1),
      tags: { team: "t" },
    }),
    schedule({
      name: "weekdays_only",
      cron: "0 6 * * *",
      timezone: "Europe/Oslo",
      target: "t/plain",
      evaluate: ({ scheduledAt }) => {
        const day = scheduledAt.getUTCDay();
        if (day === 0 || day === 6) return { skipReason: "weekend" };
        return { runRequests: [{ runKey: "main", tags: { weekday: String(day) } }, { runKey: "extra", selection: "t/raw", partitionKey: "2024" }] };
      },
    }),
    schedule({ name: "broken", cron: "0 6 * * *", timezone: "Europe/Oslo", target: "t/plain", evaluate: () => { throw new Error("schedule code exploded"); } }),
  ],
  sensors: [
    sensor({
      name: "release_file",
      target: "t/raw",
      minimumIntervalSeconds: 1,
      evaluate: ({ cursor }) => {
        const file = join(process.env.FLYT_TEST_SENSOR_DIR ?? "/nonexistent", "release.txt");
        if (!existsSync(file)) return { skipReason: "no release file" };
        const release = readFileSync(file, "utf8").trim();
        if (release === cursor) return { skipReason: `release ${release} already seen` };
        return { runRequests: [{ runKey: release, partitionKey: release }], cursor: release };
      },
    }),
    sensor({ name: "throws", target: "t/plain", minimumIntervalSeconds: 1, evaluate: () => { throw new Error("sensor code exploded"); } }),
    sensor({ name: "hangs", target: "t/plain", minimumIntervalSeconds: 1, evaluate: () => new Promise(() => undefined) }),
  ],
});
