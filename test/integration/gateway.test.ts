// The gateway against a real arena process: authentication, typed rejections for malformed
// actions on a session that stays open, answers for stale batches, 64-bit ids, reconnection with
// resume, and an agent process killed in the middle of a run.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { RejectCode, Side, TimeInForce } from '../../gen/flexarena/v1/market.js';
import { ActionStatus, BatchStatus } from '../../gen/flexarena/v1/session.js';
import {
  demoConfig,
  readTape,
  STARTUP_MS,
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
    // Start at CID opening so the first wake-up can already trade; the auctions' and the capacity
    // auction's gates lie before that, so only the continuous market is on.
    simStartHoursBeforeDay: 8,
    market: { auctions: { dayAhead: false, intraday: false }, balancing: { enabled: false } },
    connectTimeoutMs: STARTUP_MS,
    agents: [...agents, { id: 'manual', strategy: 'idle', launch: false, token: TOKEN }],
  };
}

describe('gateway', () => {
  it('refuses an unknown token with UNAUTHENTICATED and a missing one too', async () => {
    const dir = tempDir();
    const arena = await startArena(writeConfig(dir, externalAgentConfig()), ['--out', dir]);
    for (const token of ['not-a-real-token', undefined]) {
      const s = openSession(arena.address, token);
      s.call.write({
        kind: {
          $case: 'hello',
          value: {
            sdkName: 'test',
            sdkVersion: '0',
            strategy: 'x',
            lastReportSeq: 0,
            wakeUpEncoding: 0,
            acksInWakeUp: false,
          },
        },
      });
      const err = await s.error;
      expect(err.code).toBe(status.UNAUTHENTICATED);
      expect(err.details).toMatch(token ? /unknown token/ : /missing token/);
      s.close();
    }
  });

  it('answers malformed actions with typed rejections on a session that stays open, answers stale batches, and resumes', async () => {
    const dir = tempDir();
    const arena = await startArena(writeConfig(dir, externalAgentConfig({ deadlineMs: 20_000 })), [
      '--out',
      dir,
    ]);
    const s = openSession(arena.address, TOKEN);
    s.call.write({
      kind: {
        $case: 'hello',
        value: {
          sdkName: 'test',
          sdkVersion: '0',
          strategy: 'manual',
          lastReportSeq: 0,
          wakeUpEncoding: 0,
          acksInWakeUp: false,
        },
      },
    });
    const welcome = (await s.next('welcome')).kind;
    if (welcome?.$case !== 'welcome') throw new Error('expected welcome');
    expect(welcome.value.agentId).toBe('manual');
    expect(welcome.value.resumed).toBe(false);
    // A late quarter-hour of the day, open from the first wake-up (the clock starts at CID opening here).
    const product = welcome.value
      .market!.products.filter((p) => p.productId.startsWith('qh-'))
      .at(-4)!.productId;
    const submit = (clientRef: string, priceTicks: number, side = Side.SIDE_BUY) => ({
      clientRef,
      kind: {
        $case: 'submit' as const,
        value: {
          productId: product,
          side,
          priceTicks,
          quantityLots: 3,
          timeInForce: TimeInForce.TIME_IN_FORCE_GTC,
          restriction: 0,
          peakLots: 0,
        },
      },
    });

    // One batch: a valid order, an out-of-range price, an unspecified side, a cancel of order 2^62
    // (a 64-bit id beyond JavaScript's safe integers), and another valid order.
    const wake = (await s.next('wakeUp')).kind;
    if (wake?.$case !== 'wakeUp') throw new Error('expected wake-up');
    s.call.write({
      kind: {
        $case: 'actionBatch',
        value: {
          wakeId: wake.value.wakeId,
          actions: [
            submit('keep', 100),
            submit('too-dear', 1_000_000),
            submit('no-side', 100, Side.SIDE_UNSPECIFIED),
            // The encoder writes a bigint exactly; 2^62 cannot even be held in a JS number's integer range.
            {
              clientRef: 'huge-id',
              kind: { $case: 'cancel', value: { orderId: (2n ** 62n) as unknown as number } },
            },
            submit('keep-too', 101),
          ],
        },
      },
    });
    const ack = (await s.next('actionAck')).kind;
    if (ack?.$case !== 'actionAck') throw new Error('expected ack');
    const r = ack.value.results;
    expect(ack.value.batchStatus).toBe(BatchStatus.BATCH_STATUS_PROCESSED);
    expect(ack.value.reportSeq).toBeGreaterThan(wake.value.reportSeq);
    expect(r.map((x) => x.status)).toEqual([1, 2, 2, 2, 1]);
    expect(r[1]).toMatchObject({
      rejectCode: RejectCode.REJECT_CODE_PRICE_OUT_OF_RANGE,
      field: 'submit.price_ticks',
    });
    expect(r[1]!.limit).toContain('999900');
    expect(r[2]).toMatchObject({ rejectCode: RejectCode.REJECT_CODE_INVALID_SIDE, field: 'submit.side' });
    expect(r[3]).toMatchObject({
      rejectCode: RejectCode.REJECT_CODE_UNKNOWN_ORDER,
      field: 'cancel.order_id',
    });
    const orderIds = [r[0]!.orderId, r[4]!.orderId];
    expect(orderIds.every((id) => id > 0)).toBe(true);

    // A batch for a wake-up that is not the current one gets an answer, not silence.
    s.call.write({
      kind: { $case: 'actionBatch', value: { wakeId: 999_999, actions: [submit('stale', 100)] } },
    });
    const stale = (await s.next('actionAck')).kind;
    if (stale?.$case !== 'actionAck') throw new Error('expected ack');
    expect(stale.value.batchStatus).toBe(BatchStatus.BATCH_STATUS_STALE_WAKE);
    expect(stale.value.results).toMatchObject([
      { status: ActionStatus.ACTION_STATUS_REJECTED, rejectCode: RejectCode.REJECT_CODE_STALE_WAKE },
    ]);
    s.close();

    // Reconnect with the same token, saying what was processed: resumed, both orders still there.
    const again = openSession(arena.address, TOKEN);
    again.call.write({
      kind: {
        $case: 'hello',
        value: {
          sdkName: 'test',
          sdkVersion: '0',
          strategy: 'manual',
          lastReportSeq: ack.value.reportSeq,
          wakeUpEncoding: 0,
          acksInWakeUp: false,
        },
      },
    });
    const w2 = (await again.next('welcome')).kind;
    expect(w2?.$case === 'welcome' && w2.value.resumed).toBe(true);
    const wake2 = (await again.next('wakeUp')).kind;
    if (wake2?.$case !== 'wakeUp') throw new Error('expected wake-up');
    expect(wake2.value.openOrders.map((o) => o.orderId)).toEqual(expect.arrayContaining(orderIds));
    again.close();

    // A resume point beyond anything sent is a protocol violation.
    const liar = openSession(arena.address, TOKEN);
    liar.call.write({
      kind: {
        $case: 'hello',
        value: {
          sdkName: 'test',
          sdkVersion: '0',
          strategy: 'manual',
          lastReportSeq: 1_000_000,
          wakeUpEncoding: 0,
          acksInWakeUp: false,
        },
      },
    });
    const err = await liar.error;
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details).toContain('hello.last_report_seq');
    liar.close();
    // One beyond ±(2^53−1) is named as such (the message said "NaN is outside …").
    const huge = openSession(arena.address, TOKEN);
    huge.call.write({
      kind: {
        $case: 'hello',
        value: {
          sdkName: 'test',
          sdkVersion: '0',
          strategy: 'manual',
          lastReportSeq: (2n ** 62n) as unknown as number,
          wakeUpEncoding: 0,
          acksInWakeUp: false,
        },
      },
    });
    const hugeErr = await huge.error;
    expect(hugeErr.code).toBe(status.INVALID_ARGUMENT);
    expect(hugeErr.details).toMatch(
      /^hello\.last_report_seq: a value beyond ±\(2\^53−1\) is outside \[0, \d+\]/,
    );
    huge.close();
    arena.child.kill('SIGTERM');
  });

  it('puts the acks inside the next wake-up for a session that asks (one message per decision point), also after a resume', async () => {
    const dir = tempDir();
    const arena = await startArena(writeConfig(dir, externalAgentConfig({ deadlineMs: 20_000 })), [
      '--out',
      dir,
    ]);
    const hello = (lastReportSeq: number) => ({
      kind: {
        $case: 'hello' as const,
        value: {
          sdkName: 'test',
          sdkVersion: '0',
          strategy: 'manual',
          lastReportSeq,
          wakeUpEncoding: 0,
          acksInWakeUp: true,
        },
      },
    });
    const nextWake = async (s: ReturnType<typeof openSession>) => {
      // Nothing comes between two wake-ups: no ack of its own.
      const m = (await s.nextAny()).kind;
      if (m?.$case !== 'wakeUp') throw new Error(`expected a wake-up, got ${m?.$case}`);
      return m.value;
    };
    const s = openSession(arena.address, TOKEN);
    s.call.write(hello(0));
    const welcome = (await s.nextAny()).kind;
    if (welcome?.$case !== 'welcome') throw new Error('expected welcome');
    const product = welcome.value
      .market!.products.filter((p) => p.productId.startsWith('qh-'))
      .at(-4)!.productId;
    const order = (priceTicks: number) => ({
      clientRef: `at-${priceTicks}`,
      kind: {
        $case: 'submit' as const,
        value: {
          productId: product,
          side: Side.SIDE_BUY,
          priceTicks,
          quantityLots: 1,
          timeInForce: TimeInForce.TIME_IN_FORCE_GTC,
          restriction: 0,
          peakLots: 0,
        },
      },
    });
    const w1 = await nextWake(s);
    expect(w1.acks).toEqual([]);
    s.call.write({
      kind: { $case: 'actionBatch', value: { wakeId: w1.wakeId, actions: [order(100), order(1_000_000)] } },
    });
    const w2 = await nextWake(s);
    expect(w2.acks).toHaveLength(1);
    const [a1] = w2.acks;
    expect(a1).toMatchObject({ wakeId: w1.wakeId, batchStatus: BatchStatus.BATCH_STATUS_PROCESSED });
    expect(a1!.results.map((r) => r.status)).toEqual([
      ActionStatus.ACTION_STATUS_ACCEPTED,
      ActionStatus.ACTION_STATUS_REJECTED,
    ]);
    // Its place in the report sequence: after wake-up 1, before the wake-up that carries it.
    expect(a1!.reportSeq).toBeGreaterThan(w1.reportSeq);
    expect(a1!.reportSeq).toBeLessThan(w2.reportSeq);

    // A stale batch is answered at once, on its own (no wake-up to carry it).
    s.call.write({ kind: { $case: 'actionBatch', value: { wakeId: w2.wakeId, actions: [order(101)] } } });
    const w3 = await nextWake(s);
    expect(w3.acks.map((a) => [a.wakeId, a.results.length])).toEqual([[w2.wakeId, 1]]);
    const a2 = w3.acks[0]!;
    s.call.write({ kind: { $case: 'actionBatch', value: { wakeId: 999_999, actions: [order(102)] } } });
    const stale = (await s.nextAny()).kind;
    if (stale?.$case !== 'actionAck') throw new Error(`expected an ack, got ${stale?.$case}`);
    expect(stale.value.batchStatus).toBe(BatchStatus.BATCH_STATUS_STALE_WAKE);
    s.close();

    // Back having processed wake-up 2 only: wake-up 3's decision point is still open, and the
    // wake-up it gets carries the ack of batch 2 again (a new report_seq), then its own reports.
    const again = openSession(arena.address, TOKEN);
    again.call.write(hello(w2.reportSeq));
    const w = (await again.nextAny()).kind;
    expect(w?.$case === 'welcome' && w.value.resumed).toBe(true);
    const w3again = await nextWake(again);
    expect(w3again.wakeId).toBe(w3.wakeId);
    expect(w3again.acks.map((a) => ({ ...a, reportSeq: 0 }))).toEqual([{ ...a2, reportSeq: 0 }]);
    expect(w3again.acks[0]!.reportSeq).toBeGreaterThan(w3.reportSeq);
    expect(w3again.reportSeq).toBeGreaterThan(w3again.acks[0]!.reportSeq);
    again.close();
  });

  it('keeps running when an agent process is killed mid-run, and records its absence', async () => {
    const dir = tempDir();
    // A dropped agent is waited for up to its deadline, three times, before it counts as absent.
    // (The killed agent never comes back for its final report: no need to wait the default 15 s.)
    const cfg = externalAgentConfig({ deadlineMs: 1_000, finalReportGraceMs: 1_000 });
    const arena = await startArena(writeConfig(dir, cfg), ['--out', dir]);
    const agent = startAgentProcess('idle', arena.address, TOKEN, ['--log-wakeups']);
    await waitForOutput(agent, /wake 20 /, STARTUP_MS);
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
