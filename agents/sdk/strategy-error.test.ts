// A strategy whose own code throws reaches runAgent's caller as a StrategyError: the method, the
// wake-up (id and virtual time) it was deciding, and what it threw as `cause`, with its stack. It
// came back as the strategy's own untyped error, where the Python SDK raised StrategyError, so a
// caller could not tell a strategy's bug from an SDK's or the arena's without knowing the strategy.
import { afterEach, describe, expect, it } from 'vitest';
import { SessionRequest, SessionResponse } from '../../gen/flexarena/v1/arena_service.js';
import { closeRawServers, type RawCall, serveRawStream } from '../../test/helpers/raw-session-server.js';
import { submit } from './actions.js';
import { runAgent } from './agent-client.js';
import { ActionBuildError, AgentSdkError, StrategyError } from './errors.js';
import * as sdk from './index.js';
import { SESSION_PATH } from './session-envelope.js';
import type { Strategy } from './strategy.js';

afterEach(closeRawServers);

const send = (call: RawCall, msg: SessionResponse) =>
  call.write(Buffer.from(SessionResponse.encode(msg).finish()));

const TIME_MS = Date.UTC(2026, 10, 22, 9, 15);

/** The arena's side: Welcome, then wake-ups 7 and 8 (8 carries the ack of 7), then RunEnded. */
async function arena(): Promise<string> {
  return serveRawStream(SESSION_PATH, (call) => {
    call.on('data', (b: Buffer) => {
      const req = SessionRequest.decode(b);
      if (req.kind?.$case === 'hello') {
        send(call, SessionResponse.fromPartial({ kind: { $case: 'welcome', value: { agentId: 'a' } } }));
        send(
          call,
          SessionResponse.fromPartial({
            kind: { $case: 'wakeUp', value: { wakeId: 7, reportSeq: 1, timeMs: TIME_MS } },
          }),
        );
      } else if (req.kind?.$case === 'actionBatch' && req.kind.value.wakeId === 7) {
        send(
          call,
          SessionResponse.fromPartial({
            kind: {
              $case: 'wakeUp',
              value: {
                wakeId: 8,
                reportSeq: 3,
                timeMs: TIME_MS + 900_000,
                acks: [{ wakeId: 7, reportSeq: 2 }],
              },
            },
          }),
        );
      } else if (req.kind?.$case === 'actionBatch') {
        send(
          call,
          SessionResponse.fromPartial({ kind: { $case: 'runEnded', value: { reason: 'run complete' } } }),
        );
        call.end();
      }
    });
  });
}

async function failure(strategy: Strategy): Promise<StrategyError> {
  const address = await arena();
  const err = await runAgent(strategy, { address, token: 't', resume: { attempts: 0, delayMs: 0 } }).catch(
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StrategyError);
  expect(err).toBeInstanceOf(AgentSdkError);
  return err as StrategyError;
}

describe('runAgent: a strategy that throws', () => {
  it('is a StrategyError with the wake-up it decided and its own error as cause', async () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'asks')");
    const e = await failure({
      name: 'buggy',
      decide: (wake) => {
        if (wake.wakeId === 8) throw bug;
        return [];
      },
    });
    expect(e.cause).toBe(bug);
    expect([e.strategy, e.method, e.wakeId, e.timeMs]).toEqual(['buggy', 'decide', 8, TIME_MS + 900_000]);
    expect(e.message).toBe(
      "strategy buggy: decide() at wake-up 8 (2026-11-22T09:30:00.000Z) threw TypeError: Cannot read properties of undefined (reading 'asks')",
    );
    expect(sdk.StrategyError).toBe(StrategyError);
  });

  it('an async decide that rejects, a value thrown that is no Error, an undefined answer', async () => {
    const rejected = await failure({
      name: 'async',
      decide: async () => Promise.reject(new RangeError('no')),
    });
    expect([rejected.wakeId, (rejected.cause as Error).message]).toEqual([7, 'no']);
    const thrown = await failure({
      name: 'str',
      decide: () => {
        throw 'plain string';
      },
    });
    expect(thrown.cause).toBe('plain string');
    expect(thrown.message).toBe(
      'strategy str: decide() at wake-up 7 (2026-11-22T09:15:00.000Z) threw "plain string"',
    );
    // It failed inside the encoder ("Cannot read properties of undefined (reading 'entries')").
    const none = await failure({ name: 'none', decide: () => undefined as never });
    expect(none.message).toBe(
      'strategy none: decide() at wake-up 7 (2026-11-22T09:15:00.000Z) returned undefined, not an array of actions (return [] for none)',
    );
  });

  it('a builder refusal inside decide keeps its field as the cause', async () => {
    const e = await failure({
      name: 'long-ids',
      decide: () => [submit({ productId: 'p'.repeat(65), side: 'buy', priceTicks: 1, quantityLots: 1 })],
    });
    expect(e.cause).toBeInstanceOf(ActionBuildError);
    expect((e.cause as ActionBuildError).field).toBe('submit.product_id');
    expect(e.message).toMatch(/decide\(\) at wake-up 7 .* threw ActionBuildError: submit\.product_id: /);
  });

  it('a hook that throws names it (onAck: the batch its ack is about)', async () => {
    const ack = await failure({
      name: 'acker',
      decide: () => [],
      onAck: () => {
        throw new Error('cannot read this ack');
      },
    });
    expect([ack.method, ack.wakeId, ack.timeMs]).toEqual(['onAck', 7, undefined]);
    expect(ack.message).toBe('strategy acker: onAck() at wake-up 7 threw Error: cannot read this ack');
    const welcome = await failure({
      name: 'greeter',
      decide: () => [],
      onWelcome: () => {
        throw new Error('no market');
      },
    });
    expect([welcome.method, welcome.wakeId]).toEqual(['onWelcome', undefined]);
    expect(welcome.message).toBe('strategy greeter: onWelcome() threw Error: no market');
    const end = await failure({
      name: 'ender',
      decide: () => [],
      onEnd: async () => {
        throw new Error('cannot write the table');
      },
    });
    expect(end.method).toBe('onEnd');
  });
});
