/**
 * One InstigatorEvaluator over several: `flyt daemon` evaluates file locations in this process
 * (LocalEvaluator) and `url:` locations through their code servers (RemoteEvaluator). Listing
 * concatenates every part's schedules and sensors; each evaluation goes to the part that owns
 * the instigator's location. Each part resolves targets on its own graph, so a selection cannot
 * span a file location and a url location.
 */
import type { EvaluationResult, InstigatorEvaluator, ResolvedSchedule, ResolvedSensor } from "./evaluator.js";

export interface EvaluatorPart {
  /** The code locations this evaluator serves. */
  locations: readonly string[];
  evaluator: InstigatorEvaluator;
}

export class CompositeEvaluator implements InstigatorEvaluator {
  private readonly byLocation = new Map<string, InstigatorEvaluator>();

  constructor(private readonly parts: readonly EvaluatorPart[]) {
    for (const part of parts) {
      for (const name of part.locations) {
        if (this.byLocation.has(name)) throw new RangeError(`code location ${JSON.stringify(name)} is given twice (a location is either a file or a url)`);
        this.byLocation.set(name, part.evaluator);
      }
    }
  }

  private owner(location: string): InstigatorEvaluator {
    const evaluator = this.byLocation.get(location);
    if (evaluator === undefined) throw new Error(`code location ${JSON.stringify(location)} is not served by this daemon`);
    return evaluator;
  }

  async listInstigators(): Promise<{ schedules: ResolvedSchedule[]; sensors: ResolvedSensor[] }> {
    const listed = await Promise.all(this.parts.filter((p) => p.locations.length > 0).map((p) => p.evaluator.listInstigators()));
    // A part lists only its own locations; anything else (a stray name) is not ours to evaluate.
    const mine = <T extends { location: string }>(items: T[], part: EvaluatorPart): T[] => items.filter((i) => part.locations.includes(i.location));
    const parts = this.parts.filter((p) => p.locations.length > 0);
    return {
      schedules: listed.flatMap((l, i) => mine(l.schedules, parts[i]!)),
      sensors: listed.flatMap((l, i) => mine(l.sensors, parts[i]!)),
    };
  }

  async evaluateSchedule(schedule: ResolvedSchedule, scheduledAt: number, signal: AbortSignal): Promise<EvaluationResult> {
    return await this.owner(schedule.location).evaluateSchedule(schedule, scheduledAt, signal);
  }

  async evaluateSensor(sensor: ResolvedSensor, context: { cursor: string | null; lastTickTime: number | null; signal: AbortSignal }): Promise<EvaluationResult> {
    return await this.owner(sensor.location).evaluateSensor(sensor, context);
  }

  async close(): Promise<void> {
    await Promise.all(this.parts.map((part) => part.evaluator.close?.() ?? Promise.resolve()));
  }
}
