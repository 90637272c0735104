// The real-time driver: the virtual clock is paced against a wall clock at `speed` virtual seconds
// per wall second, and never waits for anyone. At each decision point every agent that is free is
// woken, as in lock-step; its batch, whenever it comes, is applied on arrival (the core stamps it
// with the paced time it came at, plus the agent's drawn latency). An agent still busy with an
// earlier wake-up within its deadline is not woken again (the decision point is counted as skipped
// for it), so a slow agent does not stall the run; one slower than its deadline is woken again and
// finds wake-ups queued, which the SDKs conflate (docs/protocol.md, "Falling behind").
//
// The wall clock is an interface: the runtime passes the real one (arena/), tests a fake one.
// While the core processes events the virtual clock stands still, as in lock-step where processing
// takes no virtual time: a slow machine (a day-ahead clearing that takes seconds) makes the run
// longer instead of charging its own slowness to the agents' answers. So the wall duration is at
// least the virtual span / speed, never less. The clock can still fall behind its schedule (a timer
// that fires late, an in-process strategy computing on the arena's thread): that is reported as the
// largest lag, and the clock catches up without waiting.

import { FlexArenaError } from '../../lib/index.js';
import { REALTIME_SPEED_LIMITS } from '../config/run-config.js';
import type { DecisionPoint, RunSummary, Simulation } from '../core/simulation.js';
import type { AgentPort, DecisionRequest } from './agent-port.js';
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
  /** Aborted: the loop wakes from its sleep and throws the signal's reason. */
  signal?: AbortSignal;
}

export interface RealtimeStats {
  speed: number;
  /** Wall time from the first event to the end of the clock. */
  wallMs: number;
  /** Of that, time the core spent processing events (the virtual clock stood still). */
  processingWallMs: number;
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
  /** Wall time spent processing events, and the start of the processing under way. */
  let processingWallMs = 0;
  let processingSince: number | undefined;
  const virtualNow = () =>
    origin.virtual + ((processingSince ?? clock.now()) - origin.wall - processingWallMs) * speed;
  const wallAt = (virtualMs: number) => origin.wall + processingWallMs + (virtualMs - origin.virtual) / speed;
  /** Runs `fn` as the core's work: the virtual clock stands still meanwhile. */
  const coreWork = <T>(fn: () => T): T => {
    if (processingSince !== undefined) return fn();
    processingSince = clock.now();
    try {
      return fn();
    } finally {
      processingWallMs += clock.now() - processingSince;
      processingSince = undefined;
    }
  };
  const processUpTo = async (target: number) => {
    processingSince = clock.now();
    try {
      return await sim.advanceTo(target);
    } finally {
      processingWallMs += clock.now() - processingSince;
      processingSince = undefined;
    }
  };
  /** One turn of the event loop, so in-process agents answer before the next decision point. */
  const yieldTurn = () => new Promise<void>((resolve) => clock.timer(0, resolve));
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
    // Building the wake-up and taking the batch in at the door are the core's work, not the agent's.
    const req = decisionRequest(sim, id, point);
    const request: DecisionRequest = {
      ...req,
      takeMessages: () => coreWork(() => req.takeMessages()),
      wakeUp: () => coreWork(() => req.wakeUp()),
      submit: (batch) => coreWork(() => req.submit(batch)),
    };
    port.decide(request).then(
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

  const onAbort = () => rouse?.();
  opts.signal?.addEventListener('abort', onAbort);
  try {
    for (;;) {
      opts.signal?.throwIfAborted();
      if (failure) throw failure.error;
      const due = sim.nextEventMs;
      if (due !== undefined) maxLagWallMs = Math.max(maxLagWallMs, clock.now() - wallAt(due));
      const point = await processUpTo(virtualNow());
      if (point) {
        for (const id of sim.agentIds) ask(id, point);
        opts.onDecision?.(point);
        await yieldTurn();
        continue;
      }
      if (sim.clockRanOut) break;
      await sleepUntil(sim.nextEventMs!);
    }
    const wallMs = clock.now() - origin.wall;
    running = false;
    const summary = await sim.finish();
    return {
      ...summary,
      realtime: {
        speed,
        wallMs,
        processingWallMs,
        virtualMs: sim.timeMs - origin.virtual,
        maxLagWallMs,
        skipped,
      },
    };
  } finally {
    running = false;
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
