// Errors of the dashboard, for the operator: a missing page bundle, a run folder that cannot be
// replayed, a replay that would not show what the run did.
import { FlexArenaError } from '../lib/index.js';

export class DashboardError extends FlexArenaError {}

/** The run folder lacks a file the replay needs, or holds one it cannot read. */
export class ReplayInputError extends DashboardError {
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${message}`, options);
  }
}

/** Re-simulating the tape produced another tape: the replay would show something else. */
export class ReplayMismatchError extends DashboardError {}
