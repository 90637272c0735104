// An agent that is a strategy object in this process: no network, no serialisation, the same
// door and the same tape as over gRPC. A strategy that throws has missed its deadline (recorded
// as a fault), exactly as a crashed agent process would; the run goes on.
import type { Action, ActionAck, RunEnded, WakeUp, Welcome } from '../../gen/flexarena/v1/session.js';
import { deepFreeze } from '../../lib/index.js';
import type { OutboundMessage } from '../core/agent-outbox.js';
import type { AgentPort, DecisionOutcome, DecisionRequest } from './agent-port.js';

/** Structurally the SDK's Strategy: one decision method and optional hooks. */
export interface LocalAgent {
  readonly name: string;
  onWelcome?(welcome: Welcome): void | Promise<void>;
  decide(wake: WakeUp): Action[] | Promise<Action[]>;
  onAck?(ack: ActionAck): void;
  onEnd?(ended: RunEnded): void | Promise<void>;
}

export interface LocalPortOptions {
  /** Where a strategy's exceptions are reported (the run's fault log). */
  onFault?(agentId: string, kind: string, detail: string): void;
}

export class LocalAgentPort implements AgentPort {
  constructor(
    readonly agentId: string,
    private readonly agent: LocalAgent,
    private readonly opts: LocalPortOptions = {},
  ) {}

  async start(welcome: Omit<Welcome, 'resumed'>): Promise<void> {
    await this.agent.onWelcome?.(deepFreeze({ ...welcome, resumed: false }));
  }

  async decide(req: DecisionRequest): Promise<DecisionOutcome> {
    for (const m of req.takeMessages()) if (m.kind === 'actionAck') this.agent.onAck?.(m.value);
    // Frozen: an in-process strategy shares objects with the core (and books with other agents);
    // over gRPC each agent has its own copy, so mutating one must fail loudly here too.
    const wake = deepFreeze(req.wakeUp());
    let actions: Action[];
    try {
      actions = await this.agent.decide(wake);
    } catch (err) {
      this.opts.onFault?.(this.agentId, 'strategy-error', (err as Error).stack ?? String(err));
      return 'missed';
    }
    // As the SDK's StrategyError says for an agent process: anything but a list is the strategy's
    // bug, not an empty answer.
    if (!Array.isArray(actions)) {
      const got = actions === null ? 'null' : typeof actions;
      this.opts.onFault?.(
        this.agentId,
        'strategy-error',
        `strategy ${this.agent.name}: decide() at wake-up ${wake.wakeId} returned ${got}, not a list of actions`,
      );
      return 'missed';
    }
    const receipt = req.submit({ wakeId: wake.wakeId, actions });
    if (!receipt.taken) this.agent.onAck?.(receipt.ack);
    return 'answered';
  }

  async end(ended: RunEnded, acks: readonly OutboundMessage[]): Promise<void> {
    for (const m of acks) if (m.kind === 'actionAck') this.agent.onAck?.(m.value);
    await this.agent.onEnd?.(deepFreeze(ended));
  }
}
