// The named phases of one instant of the virtual clock, in the order they run when events share
// a time: the market clock first (CID openings and gate closures), then auction and balancing
// gates and clearings, then settlement of delivered quarter-hours, then the decision point at
// which agents are woken. Power TAC's collect → clear → settle → publish, on one queue.
export const PHASE = {
  MARKET_CLOCK: 0,
  GATES_AND_CLEARING: 1,
  SETTLEMENT: 2,
  DECISION: 3,
} as const;

export type Phase = (typeof PHASE)[keyof typeof PHASE];
