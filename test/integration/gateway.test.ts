// The gateway against a real arena process: authentication, malformed input, reconnection, and
// an agent process killed in the middle of a run.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { Side, TimeInForce } from '../../gen/flexarena/v1/market.js';
import {
  demoConfig,
  readTape,
  startAgentProcess,
  startArena,
  stopAll,
  tempDir,
  waitForOutput,
  writeConfig,
} from '../helpers/arena-process.js';
import { openSession } from '../helpers/grpc-client.js';

afterEach(stopAll);

const TOKEN = 'hand-token-0001';

function externalAgentConfig(extra: Record<string, unknown> = {}) {
  const base = demoConfig(extra);
  const agents = base.agents as Record<string, unknown>[];
  return {
    ...base,
    // Start at CID opening so the first wake-up can already trade.
    simStartHoursBeforeDay: 8,
    connectTimeoutMs: 20_000,
    agents: [...agents, { id: 'manual', strategy: 'idle', launch: false, token: TOKEN }],
  };
}

describe('gateway', () => {
  it('refuses an unknown token with UNAUTHENTICATED and a missing one too', async () => {
    const dir = tempDir();
    const arena = await startArena(writeConfig(dir, externalAgentConfig()), ['--out', dir]);
    for (const token of ['not-a-real-token', undefined]) {
      const s = openSession(arena.address, token);
      s.call.write({ kind: { $case: 'hello', value: { sdkName: 'test', sdkVersion: '0', strategy: 'x' } } });
      const err = await s.error;
      expect(err.code).toBe(status.UNAUTHENTICATED);
      expect(err.details).toMatch(token ? /unknown token/ : /missing token/);
      s.close();
    }
  });

  it('ends the session with INVALID_ARGUMENT naming the field and limit, keeps accepted orders, and lets the agent resume', async () => {
    const dir = tempDir();
    const arena = await startArena(writeConfig(dir, externalAgentConfig({ deadlineMs: 20_000 })), [
      '--out',
      dir,
    ]);
    const s = openSession(arena.address, TOKEN);
    s.call.write({
      kind: { $case: 'hello', value: { sdkName: 'test', sdkVersion: '0', strategy: 'manual' } },
    });
    const welcome = (await s.next('welcome')).kind;
    if (welcome?.$case !== 'welcome') throw new Error('expected welcome');
    expect(welcome.value.agentId).toBe('manual');
    expect(welcome.value.resumed).toBe(false);
    // A late quarter-hour of the day, open from the first wake-up (the clock starts at CID opening here).
    const product = welcome.value
      .market!.products.filter((p) => p.productId.startsWith('qh-'))
      .at(-4)!.productId;

    // A valid resting order first: it must survive the violation that follows.
    let wake = (await s.next('wakeUp')).kind;
    if (wake?.$case !== 'wakeUp') throw new Error('expected wake-up');
    s.call.write({
      kind: {
        $case: 'actionBatch',
        value: {
          wakeId: wake.value.wakeId,
          actions: [
            {
              clientRef: 'keep',
              kind: {
                $case: 'submit',
                value: {
                  productId: product,
                  side: Side.SIDE_BUY,
                  priceTicks: 100,
                  quantityLots: 3,
                  timeInForce: TimeInForce.TIME_IN_FORCE_GTC,
                  restriction: 0,
                  peakLots: 0,
                },
              },
            },
          ],
        },
      },
    });
    const ack = (await s.next('actionAck')).kind;
    if (ack?.$case !== 'actionAck') throw new Error('expected ack');
    const orderId = ack.value.results[0]!.orderId;
    expect(orderId).toBeGreaterThan(0);

    wake = (await s.next('wakeUp')).kind;
    if (wake?.$case !== 'wakeUp') throw new Error('expected wake-up');
    s.call.write({
      kind: {
        $case: 'actionBatch',
        value: {
          wakeId: wake.value.wakeId,
          actions: [
            {
              clientRef: 'bad',
              kind: {
                $case: 'submit',
                value: {
                  productId: product,
                  side: Side.SIDE_BUY,
                  priceTicks: 1_000_000,
                  quantityLots: 1,
                  timeInForce: TimeInForce.TIME_IN_FORCE_GTC,
                  restriction: 0,
                  peakLots: 0,
                },
              },
            },
          ],
        },
      },
    });
    const err = await s.error;
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details).toContain('actions[0].submit.price_ticks');
    expect(err.details).toContain('999900');
    s.close();

    // Reconnect with the same token: resumed, and the earlier order is still there.
    const again = openSession(arena.address, TOKEN);
    again.call.write({
      kind: { $case: 'hello', value: { sdkName: 'test', sdkVersion: '0', strategy: 'manual' } },
    });
    const w2 = (await again.next('welcome')).kind;
    expect(w2?.$case === 'welcome' && w2.value.resumed).toBe(true);
    const wake2 = (await again.next('wakeUp')).kind;
    if (wake2?.$case !== 'wakeUp') throw new Error('expected wake-up');
    expect(wake2.value.openOrders.map((o) => o.orderId)).toContain(orderId);

    // A side left UNSPECIFIED is malformed too.
    again.call.write({
      kind: {
        $case: 'actionBatch',
        value: {
          wakeId: wake2.value.wakeId,
          actions: [
            {
              clientRef: '',
              kind: {
                $case: 'submit',
                value: {
                  productId: product,
                  side: Side.SIDE_UNSPECIFIED,
                  priceTicks: 100,
                  quantityLots: 1,
                  timeInForce: 0,
                  restriction: 0,
                  peakLots: 0,
                },
              },
            },
          ],
        },
      },
    });
    const err2 = await again.error;
    expect(err2.code).toBe(status.INVALID_ARGUMENT);
    expect(err2.details).toContain('actions[0].submit.side');
    again.close();
    arena.child.kill('SIGTERM');
  });

  it('keeps running when an agent process is killed mid-run, and records its absence', async () => {
    const dir = tempDir();
    const arena = await startArena(writeConfig(dir, externalAgentConfig()), ['--out', dir]);
    const agent = startAgentProcess('idle', arena.address, TOKEN, ['--log-wakeups']);
    await waitForOutput(agent, /wake 20 /);
    agent.kill('SIGKILL');
    const res = await arena.exited;
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('manual');
    const results = JSON.parse(readFileSync(join(arena.runDir, 'results.json'), 'utf8'));
    expect(results.agents.map((a: { agentId: string }) => a.agentId)).toEqual([
      'liquidity',
      'heuristic',
      'idle',
      'manual',
    ]);
    // The rest of the market went on trading after the kill.
    const tape = readTape(arena.runDir);
    const absent = tape.find((e) => e.type === 'agent-absent' && e.agent === 'manual');
    expect(absent).toBeDefined();
    const tradesAfter = tape.filter((e) => e.type === 'trade' && (e.t as number) > (absent!.t as number));
    expect(tradesAfter.length).toBeGreaterThan(0);
    expect(existsSync(join(arena.runDir, 'agent-faults.log'))).toBe(true);
    expect(tape.at(-1)!.type).toBe('run-end');
  });
});
