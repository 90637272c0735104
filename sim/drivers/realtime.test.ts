// The real-time driver on a fake wall clock: the virtual clock keeps its pace (never ahead of the
// wall clock, the run ends when the span has passed), batches are applied at the time they arrive
// (thinking time counts, then the agent's latency), a slow agent does not hold anyone up and its
// answers to wake-ups that are no longer current still count, and what cannot count is refused
// with an ack that says why.
import { describe, expect, it } from 'vitest';
import { Side, TimeInForce } from '../../gen/flexarena/v1/market.js';
import {
  type Action,
  type ActionAck,
  ActionStatus,
  BatchStatus,
  type WakeUp,
} from '../../gen/flexarena/v1/session.js';
import { parseRunConfig } from '../config/run-config.js';
import { Simulation } from '../core/simulation.js';
import { RecordingSink } from '../core/test-support.js';
import type { SequencedTapeRecord } from '../records/records.js';
import type { AgentPort, DecisionOutcome, DecisionRequest } from './agent-port.js';
import { type LocalAgent, LocalAgentPort } from './local-port.js';
import { RealtimeError, runRealtime, type WallClock } from './realtime.js';

const DAY = '2026-11-22';
const DAY_MS = Date.parse(`${DAY}T00:00:00Z`);
const MINUTE = 60_000;
const START = DAY_MS - 8 * 60 * MINUTE;
const END = DAY_MS + 24 * 60 * MINUTE;
const Q0 = 'qh-20261122-0000';
/** An hour of virtual time per wall second. */
const SPEED = 3600;

/** A wall clock that moves only when everything runnable has run: it jumps to the next timer. */
class FakeClock implements WallClock {
  private t = 0;
  private seq = 0;
  private timers: { at: number; seq: number; fn: () => void }[] = [];

  now(): number {
    return this.t;
  }

  timer(ms: number, fn: () => void): () => void {
    const entry = { at: this.t + ms, seq: this.seq++, fn };
    this.timers.push(entry);
    return () => {
      this.timers = this.timers.filter((e) => e !== entry);
    };
  }

  /** Time passes without anything else running, as during a long computation. */
  spend(ms: number): void {
    this.t += ms;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.timer(ms, resolve));
  }

  /** Drives `work` to its end: lets everything runnable run, then jumps to the earliest timer. */
  async drive<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    work.then(
      () => (settled = true),
      () => (settled = true),
    );
    while (!settled) {
      await new Promise((resolve) => setImmediate(resolve));
      if (settled) break;
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift();
      if (!next) throw new Error('nothing left to wait for, but the run has not ended');
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    return work;
  }

  /** Fires the timers left after a run (agents still thinking). */
  async drain(): Promise<void> {
    for (let next = this.timers.shift(); next; next = this.timers.shift()) {
      this.t = Math.max(this.t, next.at);
      next.fn();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

const cidOnly = {
  simStartHoursBeforeDay: 8,
  mode: 'realtime',
  realtime: { speed: SPEED },
  market: {
    auctions: { dayAhead: false, intraday: false },
    balancing: { enabled: false },
    cid: { hourlyProducts: false },
  },
};

function order(
  productId: string,
  side: 'buy' | 'sell',
  priceTicks: number,
  lots: number,
  ioc = false,
): Action {
  return {
    clientRef: `${side}-${lots}`,
    kind: {
      $case: 'submit',
      value: {
        productId,
        side: side === 'buy' ? Side.SIDE_BUY : Side.SIDE_SELL,
        priceTicks,
        quantityLots: lots,
        timeInForce: ioc ? TimeInForce.TIME_IN_FORCE_IOC : TimeInForce.TIME_IN_FORCE_GTC,
        restriction: 0,
        peakLots: 0,
      },
    },
  };
}

/** Every tape record with the wall time at which the core emitted it. */
class TimedSink extends RecordingSink {
  readonly walls: number[] = [];
  constructor(private readonly clock: WallClock) {
    super();
  }
  override tape(r: SequencedTapeRecord): void {
    super.tape(r);
    this.walls.push(this.clock.now());
  }
}

async function setup(agents: { id: string; latencyMs: number }[]) {
  const cfg = parseRunConfig({
    name: 'realtime',
    seed: 5,
    day: DAY,
    nats: { enabled: false },
    ...cidOnly,
    agents: agents.map((a) => ({
      id: a.id,
      strategy: 'idle',
      latencyMs: { min: a.latencyMs, max: a.latencyMs },
    })),
  });
  const clock = new FakeClock();
  const tape = new TimedSink(clock);
  const sim = await Simulation.create(cfg, { runId: 'realtime-run', sinks: [tape] });
  return { cfg, sim, clock, tape };
}

/** An in-process agent that thinks `thinkMs` wall milliseconds (on the fake clock) per wake-up. */
function agent(
  clock: FakeClock,
  decide: (w: WakeUp) => Action[],
  thinkMs: (w: WakeUp) => number = () => 0,
): LocalAgent & { wakes: WakeUp[]; acks: ActionAck[] } {
  const wakes: WakeUp[] = [];
  const acks: ActionAck[] = [];
  return {
    name: 'scripted',
    wakes,
    acks,
    async decide(w) {
      wakes.push(w);
      const ms = thinkMs(w);
      if (ms > 0) await clock.sleep(ms);
      return decide(w);
    },
    onAck: (a) => acks.push(a),
    onEnd: () => undefined,
  };
}

function portsOf(agents: Record<string, LocalAgent>): Map<string, AgentPort> {
  return new Map(Object.entries(agents).map(([id, a]) => [id, new LocalAgentPort(id, a)]));
}

const batches = (tape: RecordingSink) => tape.records.filter((r) => r.type === 'batch');

describe('runRealtime', () => {
  it('stops when its signal is aborted, also while it sleeps until the next event', async () => {
    const { sim, clock, tape } = await setup([{ id: 'a', latencyMs: 50 }]);
    const stop = new AbortController();
    // The abort comes from outside the clock's work (as a signal handler's would), while it sleeps.
    const a = agent(clock, (w) => {
      if (w.wakeId === 5) setImmediate(() => stop.abort('SIGINT'));
      return [];
    });
    const run = runRealtime(sim, portsOf({ a }), { speed: SPEED, clock, signal: stop.signal });
    await expect(clock.drive(run)).rejects.toBe('SIGINT');
    // Woken from its sleep at once: still at the wall time of wake-up 5, not at the next event's.
    expect(a.wakes).toHaveLength(5);
    expect(clock.now()).toBeCloseTo((a.wakes[4]!.timeMs - START) / SPEED, 6);
    expect(tape.records.some((r) => r.type === 'run-end')).toBe(false);
  });

  it('keeps the pace: no event before its wall time, each on time, and the run ends when the span has passed', async () => {
    const { sim, clock, tape } = await setup([{ id: 'a', latencyMs: 50 }]);
    const a = agent(clock, (w) => (w.wakeId % 10 === 1 ? [order(Q0, 'buy', 5_000, 1)] : []));
    const summary = await clock.drive(runRealtime(sim, portsOf({ a }), { speed: SPEED, clock }));
    // 32 virtual hours at an hour per second.
    expect(summary.realtime.wallMs).toBeCloseTo((END - START) / SPEED, 6);
    expect(summary.realtime.virtualMs).toBe(END - START);
    expect(summary.realtime.maxLagWallMs).toBeLessThan(1e-6);
    expect(a.wakes).toHaveLength(summary.wakeUps);
    expect(a.wakes.length).toBe(Math.ceil((DAY_MS + 23 * 60 * MINUTE + 40 * MINUTE - START) / (15 * MINUTE)));
    // Scheduled events (settlements, decisions, the end) come exactly at their paced wall time;
    // a batch is written when it arrives, so at the wall time of its receivedT.
    let checked = 0;
    tape.records.forEach((r, i) => {
      const at = r.type === 'batch' ? (r.receivedT as number) : r.type === 'run-start' ? START : r.t;
      if (typeof at !== 'number') return;
      expect(tape.walls[i]!).toBeCloseTo((at - START) / SPEED, 6);
      checked++;
    });
    expect(checked).toBeGreaterThan(100);
    expect(batches(tape).length).toBeGreaterThan(5);
  });

  it('stops the virtual clock while the core is busy: its slowness makes the run longer, it is not charged to the agents', async () => {
    const { sim, clock, tape } = await setup([{ id: 'a', latencyMs: 7 }]);
    // Each gate closure takes 2 s of wall time to process (96 of them).
    sim.addSink({ tape: (r) => (r.type === 'gate-closed' ? clock.spend(2_000) : undefined) });
    const a = agent(clock, () => [order(Q0, 'buy', 5_000, 1)]);
    const summary = await clock.drive(runRealtime(sim, portsOf({ a }), { speed: SPEED, clock }));
    expect(summary.realtime.processingWallMs).toBeCloseTo(96 * 2_000, 6);
    expect(summary.realtime.wallMs).toBeCloseTo((END - START) / SPEED + 96 * 2_000, 6);
    // An agent that answers at once is stamped at its wake-up time, whatever the core spent before.
    const own = batches(tape);
    expect(own.length).toBe(a.wakes.length);
    for (const b of own) expect(b.receivedT).toBe(a.wakes.find((w) => w.wakeId === b.wakeId)!.timeMs);
    // And no event ever comes before its paced wall time.
    tape.records.forEach((r, i) => {
      if (r.type !== 'batch' && r.type !== 'run-start')
        expect(tape.walls[i]!).toBeGreaterThanOrEqual((r.t - START) / SPEED - 1e-6);
    });
  });

  it('applies a batch at the time it arrives plus the latency: thinking time counts, unlike lock-step', async () => {
    // Both buy at wake 2 what the maker offered at wake 1. The "quick" agent thinks 100 ms of wall
    // time (6 virtual minutes) and has 10 ms latency; "instant" answers at once but has 500 ms
    // latency. In lock-step quick would win; in real time instant's order arrives first.
    const { sim, clock, tape } = await setup([
      { id: 'maker', latencyMs: 100 },
      { id: 'quick', latencyMs: 10 },
      { id: 'instant', latencyMs: 500 },
    ]);
    const buy = (w: WakeUp) => (w.wakeId === 2 ? [order(Q0, 'buy', 8_000, 5, true)] : []);
    const maker = agent(clock, (w) => (w.wakeId === 1 ? [order(Q0, 'sell', 8_000, 5)] : []));
    const quick = agent(clock, buy, (w) => (w.wakeId === 2 ? 100 : 0));
    const instant = agent(clock, buy);
    const summary = await clock.drive(
      runRealtime(sim, portsOf({ maker, quick, instant }), { speed: SPEED, clock }),
    );
    const wake2 = START + 15 * MINUTE;
    expect(batches(tape).map((b) => [b.agent, b.wakeId, b.receivedT, b.t])).toEqual([
      ['maker', 1, START, START + 100],
      ['instant', 2, wake2, wake2 + 500],
      ['quick', 2, wake2 + 6 * MINUTE, wake2 + 6 * MINUTE + 10],
    ]);
    const fillOf = (x: typeof quick) => x.acks.find((k) => k.wakeId === 2)!.results[0]!;
    expect(fillOf(instant).fills).toHaveLength(1);
    expect(fillOf(instant).timeMs).toBe(wake2 + 500);
    expect(fillOf(quick)).toMatchObject({ fills: [], cancelledLots: 5, timeMs: wake2 + 6 * MINUTE + 10 });
    expect(sim.ctx.ledger('instant').netLots(Q0)).toBe(5);
    expect(sim.ctx.ledger('quick').netLots(Q0)).toBe(0);
    expect(summary.trades).toBe(1);
  });

  it('does not let a slow agent stall the run: it is woken when free, and its late answers still count', async () => {
    // "slow" thinks 50 virtual minutes (3.33 decision intervals) per wake-up.
    const { sim, clock, tape } = await setup([
      { id: 'brisk', latencyMs: 20 },
      { id: 'slow', latencyMs: 20 },
    ]);
    const cancel = (): Action[] => [
      { clientRef: 'c', kind: { $case: 'cancel', value: { orderId: 999_999 } } },
    ];
    const brisk = agent(clock, cancel);
    const slow = agent(clock, cancel, () => (50 * MINUTE) / SPEED);
    const summary = await clock.drive(runRealtime(sim, portsOf({ brisk, slow }), { speed: SPEED, clock }));
    expect(summary.realtime.wallMs).toBeCloseTo((END - START) / SPEED, 6);
    const points = brisk.wakes.length;
    expect(points).toBe(127);
    // Woken at every 4th decision point: the three in between come while it is busy.
    expect(slow.wakes.length).toBe(Math.ceil(points / 4));
    expect(summary.realtime.skipped).toEqual({ brisk: 0, slow: points - slow.wakes.length });
    const slowBatches = batches(tape).filter((b) => b.agent === 'slow');
    // Every answer came after its decision point was no longer current, and was applied.
    for (const b of slowBatches) {
      const woke = slow.wakes.find((w) => w.wakeId === b.wakeId)!;
      expect(b.receivedT).toBe(woke.timeMs + 50 * MINUTE);
      expect(b.t).toBe(woke.timeMs + 50 * MINUTE + 20);
    }
    // All but the last (it comes after every gate closed) are processed, each with a result.
    expect(slowBatches).toHaveLength(slow.wakes.length - 1);
    const processed = slow.acks.filter((a) => a.batchStatus === BatchStatus.BATCH_STATUS_PROCESSED);
    // Each applied batch's ack reached it at its next wake-up; the last answer was refused as late.
    expect(processed.map((a) => a.wakeId)).toEqual(slowBatches.map((b) => b.wakeId));
    expect(processed.every((a) => a.results[0]!.rejectCode > 0)).toBe(true); // UNKNOWN_ORDER: processed
    expect(slow.acks.at(-1)).toMatchObject({
      wakeId: slow.wakes.at(-1)!.wakeId,
      batchStatus: BatchStatus.BATCH_STATUS_LATE,
    });
    expect(sim.ctx.ledger('slow').missedDeadlines).toBe(0);
  });

  it('refuses what cannot count, with an ack that says why: after the gates closed, twice, an unknown wake', async () => {
    const { sim, clock, tape } = await setup([{ id: 'odd', latencyMs: 0 }]);
    const acks: ActionAck[] = [];
    const ping: Action = { clientRef: 'p', kind: { $case: 'cancel', value: { orderId: 1 } } };
    // A hand-written port: answers wake 3 twice, names a wake it never got at wake 4, misses
    // wake 5 (then answers it later), and answers the last wake-up after every gate has closed.
    const port: AgentPort = {
      agentId: 'odd',
      async decide(req: DecisionRequest): Promise<DecisionOutcome> {
        req.takeMessages();
        const w = req.wakeUp();
        const submit = (wakeId: number) => {
          const r = req.submit({ wakeId, actions: [ping] });
          if (!r.taken) acks.push(r.ack);
          return r;
        };
        if (w.wakeId === 3) {
          submit(3);
          submit(3);
        } else if (w.wakeId === 4) submit(9_999);
        else if (w.wakeId === 5) {
          void clock.sleep((40 * MINUTE) / SPEED).then(() => submit(5));
          return 'missed';
        } else if (w.timeMs === DAY_MS + 23 * 60 * MINUTE + 30 * MINUTE) {
          void clock.sleep((12 * MINUTE) / SPEED).then(() => submit(w.wakeId));
          return 'answered';
        }
        return 'answered';
      },
      end: () => undefined,
    };
    const summary = await clock.drive(runRealtime(sim, new Map([['odd', port]]), { speed: SPEED, clock }));
    await clock.drain();
    expect(
      acks.map((a) => [a.wakeId, a.batchStatus, a.results[0]!.rejectCode > 0, a.results[0]!.field]),
    ).toEqual([
      [3, BatchStatus.BATCH_STATUS_DUPLICATE, true, 'wake_id'],
      [9_999, BatchStatus.BATCH_STATUS_STALE_WAKE, true, 'wake_id'],
      [summary.wakeUps, BatchStatus.BATCH_STATUS_LATE, true, 'wake_id'],
    ]);
    expect(acks[2]!.message).toMatch(/after every product's gate had closed/);
    expect(acks.every((a) => a.results[0]!.status === ActionStatus.ACTION_STATUS_REJECTED)).toBe(true);
    // The missed wake-up is counted and on the tape; its late answer still applied on arrival.
    expect(sim.ctx.ledger('odd').missedDeadlines).toBe(1);
    const wake5 = START + 4 * 15 * MINUTE;
    expect(tape.records.filter((r) => r.type === 'missed-deadline')).toMatchObject([
      { agent: 'odd', wakeId: 5, t: wake5 },
    ]);
    expect(batches(tape).filter((b) => b.wakeId === 5)).toMatchObject([
      { agent: 'odd', receivedT: wake5 + 40 * MINUTE, t: wake5 + 40 * MINUTE },
    ]);
    // Taken: the first batch for wake 3 and the late one for wake 5; nothing else.
    expect(batches(tape).map((b) => b.wakeId)).toEqual([3, 5]);
  });

  it('refuses a speed outside its limits with a typed error naming them', async () => {
    const { sim, clock } = await setup([{ id: 'a', latencyMs: 0 }]);
    for (const speed of [0, 0.5, 200_000, Number.NaN])
      await expect(runRealtime(sim, new Map(), { speed, clock })).rejects.toThrow(RealtimeError);
    await expect(runRealtime(sim, new Map(), { speed: 0, clock })).rejects.toThrow(/\[1, 100000\]/);
  });

  it('keeps the two modes apart in the core: advance() is lock-step, advanceTo() real time', async () => {
    const { sim } = await setup([{ id: 'a', latencyMs: 0 }]);
    await expect(sim.advanceTo(START)).rejects.toThrow(/goLive/);
    sim.goLive({ now: () => START });
    await expect(sim.advance()).rejects.toThrow(/real-time mode/);
  });
});
