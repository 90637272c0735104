// What RunEnded.reason says (docs/protocol.md, session.proto): "run complete" when the clock ran
// out, "run interrupted (SIGINT)" or "run interrupted (SIGTERM)" when the arena was stopped before
// the end — no result then, and the final report is where the run stopped; "run failed: <message>"
// when the arena's run failed with an error — no result and no final report.
import type { RunEnded } from '../../gen/flexarena/v1/session.js';

/** True when the run was stopped before its end (Ctrl-C or SIGTERM to the arena). */
export function runWasInterrupted(ended: Pick<RunEnded, 'reason'>): boolean {
  return ended.reason.startsWith('run interrupted');
}
