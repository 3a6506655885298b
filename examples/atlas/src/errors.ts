/**
 * The one error the Atlas example throws for bad source data: it names the source (a table id,
 * a forecast, a file) and the JSON path at fault, so a failed run says what to look at.
 */

export class SourceDataError extends Error {
  constructor(
    /** The source at fault, e.g. `SSB table 07221` or `MET locationforecast (bergen)`. */
    readonly source: string,
    /** JSON-path-like pointer to the offending part, e.g. `dimension.Tid.category.index`; `$` for the whole document. */
    readonly path: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${source}: invalid data at ${path}: ${reason}`, options);
    this.name = "SourceDataError";
  }
}

/** Thrown when a source cannot be reached or answers with an HTTP error (live mode) or a fixture is missing. */
export class SourceFetchError extends Error {
  constructor(
    readonly source: string,
    readonly location: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${source}: could not read ${location}: ${reason}`, options);
    this.name = "SourceFetchError";
  }
}
