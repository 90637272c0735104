// A trained policy as a strategy: loads a training run's policy.json (`checkpoint`) and, at each
// wake-up, feeds the standard observation (policy-features.ts, the training environment's
// layout) through the network and trades the battery share it answers on the next tradable
// quarter-hour. Deterministic: the policy's mean action, no exploration.
import * as z from 'zod';
import type { Action, WakeUp, Welcome } from '../../gen/flexarena/v1/session.js';
import { eurToTicks } from '../../market/index.js';
import { ParamError } from '../sdk/errors.js';
import type { Strategy } from '../sdk/strategy.js';
import { Mlp } from './mlp.js';
import { eurPerMwh, parseParams } from './params.js';
import { BatteryPolicyFeatures, STANDARD_OBSERVATION_SIZE } from './policy-features.js';
import { type PolicyFile, readPolicyFile } from './policy-file.js';
import { LoadStateError, numberRecord, stateObject } from './strategy-state.js';

const paramsSchema = z
  .object({
    /** The policy.json a training run wrote. */
    checkpoint: z.string().min(1),
    slippageEur: eurPerMwh(0, 1000).default(10),
    gateMarginMs: z.number().int().min(0).max(3_600_000).default(60_000),
  })
  .strict();

export class PolicyStrategy implements Strategy {
  readonly name = 'policy';
  readonly params: z.infer<typeof paramsSchema>;
  readonly file: PolicyFile;
  private readonly net: Mlp;
  private features?: BatteryPolicyFeatures;
  /**
   * The last forecast seen for each quarter-hour, by delivery start (the observation's price
   * history): kept here, over a new welcome and a restart (saveState), as no wake-up shows the
   * quarter-hours behind the next tradable one again.
   */
  private readonly seen = new Map<number, number>();
  /** Decisions made and the time the network took, for the latency figure. */
  decisions = 0;
  inferenceNs = 0n;
  /** Wake-ups answered and the whole decide() time (observation, network, orders). */
  wakeUps = 0;
  decideNs = 0n;

  constructor(params: Record<string, unknown> = {}) {
    this.params = parseParams('policy', paramsSchema, params);
    this.file = readPolicyFile(this.params.checkpoint);
    this.net = new Mlp(this.file.network);
    if (this.net.inputs !== STANDARD_OBSERVATION_SIZE)
      throw new ParamError(
        'policy',
        'checkpoint',
        `${this.params.checkpoint}: the network takes ${this.net.inputs} inputs, the standard observation has ${STANDARD_OBSERVATION_SIZE}`,
      );
  }

  onWelcome(welcome: Welcome): void {
    this.features = new BatteryPolicyFeatures(
      welcome,
      {
        priceScaleEur: this.file.priceScaleEur,
        gateMarginMs: this.params.gateMarginMs,
        slippageTicks: eurToTicks(this.params.slippageEur),
      },
      this.seen,
    );
  }

  /**
   * Restarted without it, the observation's history (the forecasts of the four quarter-hours before
   * the traded one) would be the traded quarter-hour's own forecast for the next hour: other
   * actions than the policy's in a run without the restart.
   */
  saveState(): { seenForecastTicks: Record<string, number> } {
    return { seenForecastTicks: Object.fromEntries(this.seen) };
  }

  loadState(state: unknown): void {
    const seen = numberRecord(this.name, stateObject(this.name, state), 'seenForecastTicks');
    for (const [start] of seen)
      if (!/^-?\d+$/.test(start) || !Number.isSafeInteger(Number(start)))
        throw new LoadStateError(
          this.name,
          'seenForecastTicks',
          `must be keyed by delivery start in ms, got key ${JSON.stringify(start)}`,
        );
    this.seen.clear();
    for (const [start, ticks] of seen) this.seen.set(Number(start), ticks);
  }

  /** The battery share the policy answers for an observation. */
  act(observation: readonly number[]): number {
    const t0 = process.hrtime.bigint();
    const out = this.net.forward(observation);
    this.inferenceNs += process.hrtime.bigint() - t0;
    this.decisions++;
    const a = this.file.action;
    if (a.kind === 'continuous') return Math.max(-1, Math.min(1, out[0]!));
    let best = 0;
    for (let i = 1; i < out.length; i++) if (out[i]! > out[best]!) best = i;
    return a.values[best]!;
  }

  /** Reports the action latency of the network in this process (the agent's log). */
  onEnd(): void {
    const us = this.decisions ? Number(this.inferenceNs / BigInt(this.decisions)) / 1000 : 0;
    const decideUs = this.wakeUps ? Number(this.decideNs / BigInt(this.wakeUps)) / 1000 : 0;
    process.stdout.write(
      `policy ${this.file.method}: ${this.decisions} decisions, mean network time ${us.toFixed(2)} µs, ` +
        `mean decide() ${decideUs.toFixed(2)} µs over ${this.wakeUps} wake-ups\n`,
    );
  }

  decide(wake: WakeUp): Action[] {
    const t0 = process.hrtime.bigint();
    try {
      const f = this.features;
      if (!f) return [];
      const ctx = f.observe(wake);
      if (!ctx) return [];
      return f.actions(wake, ctx, this.act(ctx.observation), `policy:${this.file.method}`);
    } finally {
      this.wakeUps++;
      this.decideNs += process.hrtime.bigint() - t0;
    }
  }
}
