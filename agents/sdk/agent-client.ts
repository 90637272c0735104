// Connects a strategy to a running arena over one gRPC session stream and drives it until the
// run ends.
import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import {
  ArenaServiceClient,
  type SessionRequest,
  type SessionResponse,
} from '../../gen/flexarena/v1/arena_service.js';
import type { RunEnded, Welcome } from '../../gen/flexarena/v1/session.js';
import { SessionError } from './errors.js';
import type { Strategy } from './strategy.js';

export interface ConnectOptions {
  /** host:port of the arena. */
  address: string;
  token: string;
  sdkName?: string;
}

export interface AgentRunOutcome {
  welcome?: Welcome;
  ended?: RunEnded;
  wakeUps: number;
}

export function runAgent(strategy: Strategy, opts: ConnectOptions): Promise<AgentRunOutcome> {
  const client = new ArenaServiceClient(opts.address, credentials.createInsecure());
  const md = new Metadata();
  md.set('authorization', `Bearer ${opts.token}`);
  const call = client.session(md);
  const outcome: AgentRunOutcome = { wakeUps: 0 };
  const send = (req: SessionRequest) => call.write(req);

  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      client.close();
      if (err) reject(err);
      else resolve(outcome);
    };
    call.on('data', async (msg: SessionResponse) => {
      try {
        switch (msg.kind?.$case) {
          case 'welcome':
            outcome.welcome = msg.kind.value;
            strategy.onWelcome?.(msg.kind.value);
            break;
          case 'wakeUp': {
            outcome.wakeUps++;
            const wake = msg.kind.value;
            const actions = await strategy.decide(wake);
            send({ kind: { $case: 'actionBatch', value: { wakeId: wake.wakeId, actions } } });
            break;
          }
          case 'actionAck':
            strategy.onAck?.(msg.kind.value);
            break;
          case 'runEnded':
            outcome.ended = msg.kind.value;
            strategy.onEnd?.(msg.kind.value);
            call.end();
            break;
        }
      } catch (err) {
        call.cancel();
        finish(err as Error);
      }
    });
    call.on('error', (err: ServiceError) => {
      if (outcome.ended) return finish();
      finish(new SessionError(err.code, err.details, { cause: err }));
    });
    call.on('end', () => finish());
    send({
      kind: {
        $case: 'hello',
        value: { sdkName: opts.sdkName ?? 'flexarena-ts', sdkVersion: '0.1.0', strategy: strategy.name },
      },
    });
  });
}
