/**
 * How the queue launches a run: a resolver maps each run to a launcher and, for launchers that run
 * the worker on this machine, the definitions file it loads. Runs of a `file:` location use that
 * file; runs of a `url:` location go to its code server (the code-location launcher: the worker
 * starts in the location's own process and container); a location may have its own launcher (the
 * Kubernetes launcher for locations packaged as an image). A run of no configured location — a
 * retry of a `flyt materialize` run — uses the file in its `flyt/definitions_file` tag, which only
 * the CLI sets (the API refuses `flyt/` tags).
 */
import { FlytError, type RunRecord } from "@flyt/core";
import type { RunLauncher } from "@flyt/contracts";

/** System tag naming the definitions file a run came from (written by `flyt materialize`). */
export const DEFINITIONS_FILE_TAG = "flyt/definitions_file";

export interface LaunchTarget {
  launcher: RunLauncher;
  /** For local launchers (subprocess, in-process): the module the worker loads. */
  definitionsFile?: string;
}

export interface LaunchResolver {
  /** @throws LaunchResolutionError when the run cannot be launched (the queue fails it with the message). */
  resolve(run: RunRecord): LaunchTarget | Promise<LaunchTarget>;
}

export class LaunchResolutionError extends FlytError {
  constructor(
    readonly runId: string,
    message: string,
  ) {
    super("INVALID_CONFIG", message);
  }
}

/**
 * The static resolver: runs of a location listed in `perLocation` go to that location's own
 * target (launcher and definitions file); every other run goes to `launcher`, with the file from
 * the run's location (`locations`) or, failing that, from its `flyt/definitions_file` tag.
 */
export class StaticLaunchResolver implements LaunchResolver {
  constructor(
    private readonly launcher: RunLauncher,
    private readonly locations: Readonly<Record<string, string>> = {},
    private readonly perLocation: Readonly<Record<string, LaunchTarget>> = {},
  ) {}

  resolve(run: RunRecord): LaunchTarget {
    if (Object.hasOwn(this.perLocation, run.location)) return this.perLocation[run.location]!;
    const file = this.locations[run.location] ?? run.tags[DEFINITIONS_FILE_TAG];
    if (file === undefined || file === "") {
      throw new LaunchResolutionError(
        run.runId,
        `Run ${run.runId} cannot be launched: its code location ${JSON.stringify(run.location)} is not configured for this daemon ` +
          `(give it under locations: in flyt.yaml, as file: or url:) and the run has no ${DEFINITIONS_FILE_TAG} tag.`,
      );
    }
    return { launcher: this.launcher, definitionsFile: file };
  }
}
