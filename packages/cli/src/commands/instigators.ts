/**
 * `flyt schedules list|start|stop` and `flyt sensors list|start|stop|tick`. Start and stop write
 * the operator's override to storage (it survives restarts and redeploys); without an override
 * the default declared in code applies. The definitions come from `-f` / `--location` /
 * flyt.yaml's locations:, like `flyt daemon`.
 */
import { didYouMeanSuffix, InvalidConfigError } from "@flyt/core";
import { instigatorId, setInstigatorStatus } from "@flyt/storage";
import {
  LocalEvaluator,
  MetricRegistry,
  SensorLoop,
  type ResolvedSchedule,
  type ResolvedSensor,
} from "@flyt/daemon";
import { nextScheduleTimes } from "@flyt/partitions";
import type { CommandContext } from "../context.js";
import { formatTime, table } from "../render/format.js";
import { daemonLocations } from "./daemon.js";

export interface InstigatorCommandOptions {
  file?: string[];
  location?: string[];
  json?: boolean;
}

async function load(ctx: CommandContext, options: InstigatorCommandOptions): Promise<{ schedules: ResolvedSchedule[]; sensors: ResolvedSensor[]; evaluator: LocalEvaluator }> {
  const locations = daemonLocations(ctx, options);
  if (locations.length === 0) {
    throw new InvalidConfigError("flyt.yaml", "no code location: pass -f <definitions file>, --location name=file, or list locations: in flyt.yaml");
  }
  const evaluator = new LocalEvaluator(locations);
  return { ...(await evaluator.listInstigators()), evaluator };
}

function pick<T extends { name: string; location: string }>(list: T[], name: string, kind: string): T {
  const [location, bare] = name.includes(":") ? [name.slice(0, name.indexOf(":")), name.slice(name.indexOf(":") + 1)] : [null, name];
  const found = list.filter((i) => i.name === bare && (location === null || i.location === location));
  if (found.length === 1) return found[0]!;
  if (found.length > 1) throw new InvalidConfigError(kind, `${JSON.stringify(name)} exists in several locations; name it as <location>:<name>`);
  throw new InvalidConfigError(kind, `no ${kind} named ${JSON.stringify(name)}${didYouMeanSuffix(bare, list.map((i) => i.name))}`);
}

export async function listSchedules(ctx: CommandContext, options: InstigatorCommandOptions): Promise<number> {
  const { schedules } = await load(ctx, options);
  const states = new Map((await ctx.storage.listInstigatorStates("schedule")).map((s) => [s.id, s]));
  const rows = await Promise.all(
    schedules.map(async (s) => {
      const id = instigatorId(s.location, s.name);
      const state = states.get(id);
      const last = (await ctx.storage.listTicks(id, { limit: 1 })).items[0] ?? null;
      const next = nextScheduleTimes(s, new Date(), 1)[0] ?? null;
      return { id, schedule: s, status: state?.status ?? s.defaultStatus, overridden: state !== undefined, last, next: next?.getTime() ?? null };
    }),
  );
  if (options.json) {
    ctx.out(JSON.stringify(rows, null, 2));
    return 0;
  }
  ctx.out(
    table(
      ["SCHEDULE", "CRON", "TIMEZONE", "STATUS", "NEXT TICK", "LAST TICK"],
      rows.map((r) => [
        r.id,
        r.schedule.cron,
        r.schedule.timezone,
        `${r.status}${r.overridden ? "" : " (default)"}`,
        r.status === "RUNNING" ? formatTime(r.next) : "-",
        r.last === null ? "-" : `${formatTime(r.last.tickTime)} ${r.last.status}`,
      ]),
    ),
  );
  return 0;
}

export async function listSensors(ctx: CommandContext, options: InstigatorCommandOptions): Promise<number> {
  const { sensors } = await load(ctx, options);
  const states = new Map((await ctx.storage.listInstigatorStates("sensor")).map((s) => [s.id, s]));
  const rows = await Promise.all(
    sensors.map(async (s) => {
      const id = instigatorId(s.location, s.name);
      const state = states.get(id);
      const last = (await ctx.storage.listTicks(id, { limit: 1 })).items[0] ?? null;
      return { id, sensor: s, status: state?.status ?? s.defaultStatus, overridden: state !== undefined, cursor: state?.cursor ?? null, last };
    }),
  );
  if (options.json) {
    ctx.out(JSON.stringify(rows, null, 2));
    return 0;
  }
  ctx.out(
    table(
      ["SENSOR", "TYPE", "INTERVAL", "STATUS", "LAST TICK", "CURSOR"],
      rows.map((r) => [
        r.id,
        r.sensor.sensorType,
        `${r.sensor.minimumIntervalSeconds} s`,
        `${r.status}${r.overridden ? "" : " (default)"}`,
        r.last === null ? "-" : `${formatTime(r.last.tickTime)} ${r.last.status}${r.last.error ? `: ${r.last.error}` : r.last.skipReason ? `: ${r.last.skipReason}` : ""}`,
        r.cursor ?? "-",
      ]),
    ),
  );
  return 0;
}

export async function setStatus(
  ctx: CommandContext,
  kind: "schedule" | "sensor",
  name: string,
  status: "RUNNING" | "STOPPED",
  options: InstigatorCommandOptions,
): Promise<number> {
  const { schedules, sensors } = await load(ctx, options);
  const found = kind === "schedule" ? pick(schedules, name, kind) : pick(sensors, name, kind);
  const id = instigatorId(found.location, found.name);
  await setInstigatorStatus(ctx.storage, id, kind, status);
  ctx.out(`${kind} ${id} is ${status}${status === "RUNNING" ? " (ticks from before now are never run)" : ""}`);
  return 0;
}

/** Evaluates one sensor now, whatever its interval or status, and records the tick. */
export async function tickSensor(ctx: CommandContext, name: string, options: InstigatorCommandOptions): Promise<number> {
  const { sensors, evaluator } = await load(ctx, options);
  const sensor = pick(sensors, name, "sensor");
  const id = instigatorId(sensor.location, sensor.name);
  const state = (await ctx.storage.getInstigatorState(id)) ?? { id, kind: "sensor" as const, status: sensor.defaultStatus, cursor: null, startedAt: null, updatedAt: 0 };
  const last = (await ctx.storage.listTicks(id, { limit: 1 })).items[0]?.tickTime ?? null;
  const loop = new SensorLoop({ storage: ctx.storage, evaluator, clock: { now: () => Date.now() }, metrics: new MetricRegistry(), onError: () => undefined });
  const outcome = await loop.tick(id, sensor, state, Date.now(), last);
  const tick = (await ctx.storage.listTicks(id, { limit: 1 })).items[0];
  if (outcome instanceof Error) {
    ctx.err(`sensor ${id} failed: ${outcome.message}`);
    return 1;
  }
  if (tick?.status === "SUCCESS") ctx.out(`sensor ${id} requested ${tick.runIds.length} run(s): ${tick.runIds.join(", ")}`);
  else ctx.out(`sensor ${id} skipped: ${tick?.skipReason ?? outcome.skipReason ?? "no run requested"}`);
  if (outcome.cursor !== undefined) ctx.out(`cursor: ${outcome.cursor ?? "(cleared)"}`);
  return 0;
}
