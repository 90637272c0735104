// The real-time driver: the virtual clock is paced against a wall clock at `speed` virtual seconds
// per wall second, and never waits for anyone. At each decision point every agent that is free is
// woken, as in lock-step; its batch, whenever it comes, is applied on arrival (the core stamps it
// with the paced time it came at, plus the agent's drawn latency). An agent still busy with an
// earlier wake-up is not woken again (the decision point is counted as skipped for it), so a slow
// agent neither stalls the run nor piles up wake-ups it would answer late.
//
// The wall clock is an interface: the runtime passes the real one (arena/), tests a fake one.
// The virtual clock never runs ahead of its schedule; it can fall behind when processing events
// takes longer than the pace allows (reported as the largest lag), and catches up without waiting.

import { FlexArenaError } from '../../lib/index.js';
import { REALTIME_SPEED_LIMITS } from '../config/run-config.js';
import type { DecisionPoint, RunSummary, Simulation } from '../core/simulation.js';
import type { AgentPort } from './agent-port.js';
import { decisionRequest } from './lockstep.js';

/** Wall time in milliseconds and one-shot timers on it. */
export interface WallClock {
  now(): number;
  /** Calls `fn` once, `ms` wall milliseconds from now (never synchronously); returns a cancel function. */
  timer(ms: number, fn: () => void): () => void;
}

export interface RealtimeOptions {
  /** Virtual seconds per wall second (REALTIME_SPEED_LIMITS). */
  speed: number;
  clock: WallClock;
  /** Called at each decision point, after the agents were woken (progress, observers). */
  onDecision?(point: DecisionPoint): void;
}

export interface RealtimeStats {
  speed: number;
  /** Wall time from the first event to the end of the clock. */
  wallMs: number;
  /** Virtual time the clock ran through. */
  virtualMs: number;
  /** The largest delay of an event behind its paced wall time, in wall milliseconds. */
  maxLagWallMs: number;
  /** Per agent: decision points at which it was not woken because it was busy with an earlier one. */
  skipped: Record<string, number>;
}

export interface RealtimeSummary extends RunSummary {
  realtime: RealtimeStats;
}

export class RealtimeError extends FlexArenaError {}

function checkSpeed(speed: number): void {
  const { min, max } = REALTIME_SPEED_LIMITS;
  if (!Number.isFinite(speed) || speed < min || speed > max)
    throw new RealtimeError(
      `realtime.speed: ${speed} is outside [${min}, ${max}] virtual seconds per wall second`,
    );
}

/** Runs the clock to its end in real time; returns the summary after sim.finish(). */
export async function runRealtime(
  sim: Simulation,
  ports: ReadonlyMap<string, AgentPort>,
  opts: RealtimeOptions,
): Promise<RealtimeSummary> {
  checkSpeed(opts.speed);
  const { clock, speed } = opts;
  for (const id of sim.agentIds) await ports.get(id)?.start?.(sim.welcome(id));

  const origin = { wall: clock.now(), virtual: sim.simStartMs };
  const virtualNow = () => origin.virtual + (clock.now() - origin.wall) * speed;
  const wallAt = (virtualMs: number) => origin.wall + (virtualMs - origin.virtual) / speed;
  /** Set while the loop sleeps: a new batch (or a failure) wakes it to look again. */
  let rouse: (() => void) | undefined;
  sim.goLive({ now: virtualNow, onQueued: () => rouse?.() });

  const busy = new Set<string>();
  const skipped: Record<string, number> = Object.fromEntries(sim.agentIds.map((id) => [id, 0]));
  let running = true;
  let failure: { error: unknown } | undefined;
  let maxLagWallMs = 0;

  const ask = (id: string, point: DecisionPoint) => {
    const port = ports.get(id);
    if (!port) return sim.recordAbsent(id);
    if (busy.has(id)) {
      skipped[id]!++;
      return;
    }
    busy.add(id);
    port.decide(decisionRequest(sim, id, point)).then(
      (outcome) => {
        busy.delete(id);
        // After the clock ran out nothing more is recorded (a port may settle late).
        if (!running) return;
        if (outcome === 'missed') sim.recordMissed(id, point.wakeId);
        else if (outcome === 'absent') sim.recordAbsent(id);
      },
      (error: unknown) => {
        busy.delete(id);
        failure ??= { error };
        rouse?.();
      },
    );
  };

  const sleepUntil = (virtualMs: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        rouse = undefined;
        cancel();
        resolve();
      };
      const cancel = clock.timer(Math.max(0, wallAt(virtualMs) - clock.now()), done);
      rouse = done;
    });

  try {
    for (;;) {
      if (failure) throw failure.error;
      const wallNow = clock.now();
      const target = virtualNow();
      const due = sim.nextEventMs;
      if (due !== undefined && due <= target) maxLagWallMs = Math.max(maxLagWallMs, wallNow - wallAt(due));
      for (let p = await sim.advanceTo(target); p; p = await sim.advanceTo(target)) {
        for (const id of sim.agentIds) ask(id, p);
        opts.onDecision?.(p);
      }
      if (sim.clockRanOut) break;
      await sleepUntil(sim.nextEventMs!);
    }
    const wallMs = clock.now() - origin.wall;
    running = false;
    const summary = await sim.finish();
    return {
      ...summary,
      realtime: { speed, wallMs, virtualMs: sim.timeMs - origin.virtual, maxLagWallMs, skipped },
    };
  } finally {
    running = false;
  }
}
