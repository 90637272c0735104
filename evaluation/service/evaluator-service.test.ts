// The evaluator process writes a complete run's scores into <runs-dir>/<run-id>/ — but not over
// the folder of another run with that id. A rerun under the same id replaces the folder, and an
// evaluator that held the earlier run (in its journal, here) wrote the earlier run's scores into the
// new run's folder when it started again, where they read as the new run's.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsMsg } from '@nats-io/jetstream';
import { afterAll, describe, expect, it } from 'vitest';
import { RunEnd, RunManifest, SettlementRecord } from '../../gen/flexarena/v1/evaluation.js';
import { NatsServerProcess, stopAllNatsServers } from '../../test/helpers/nats-server-process.js';
import { EvaluatorConnectError, EvaluatorService } from './evaluator-service.js';
import { Journal } from './journal.js';

const RUN = 'same';
const T0 = Date.parse('2026-06-01T00:00:00Z');

const manifest = (seed: number) =>
  RunManifest.toJSON(
    RunManifest.fromJSON({
      runId: RUN,
      name: 'same',
      seed,
      day: '2026-06-01',
      days: 1,
      firstDeliveryStartMs: T0,
      quarterHours: 1,
      agents: [{ agentId: 'a', strategy: 'idle', role: 'trader' }],
    }),
  );

/** An evaluator whose journal holds the complete run of seed 1, over a runs folder. */
function evaluatorOfSeed1(log: string[]): { service: EvaluatorService; dir: string } {
  const base = mkdtempSync(join(tmpdir(), 'flexarena-evaluator-'));
  const runsDir = join(base, 'runs');
  const journal = new Journal(join(base, 'state'));
  journal.append(RUN, { kind: 'manifest', data: manifest(1) });
  journal.append(RUN, {
    kind: 'record',
    data: SettlementRecord.toJSON(
      SettlementRecord.fromJSON({ runId: RUN, seq: 1, agentId: 'a', strategy: 'idle', deliveryStartMs: T0 }),
    ),
  });
  journal.append(RUN, {
    kind: 'end',
    data: RunEnd.toJSON(RunEnd.fromJSON({ runId: RUN, settlementRecords: 1 })),
  });
  const service = new EvaluatorService({
    natsUrl: 'nats://127.0.0.1:1',
    runsDir,
    stateDir: join(base, 'state'),
    log: (l) => log.push(l),
  });
  return { service, dir: join(runsDir, RUN) };
}

describe('EvaluatorService writing scores.json', () => {
  it('does not write a run’s scores into the folder of another run with the same id', async () => {
    const log: string[] = [];
    const { service, dir } = evaluatorOfSeed1(log);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'run-manifest.json'), JSON.stringify(manifest(2)));
    await service.open();
    expect(existsSync(join(dir, 'scores.json'))).toBe(false);
    expect(log.join('\n')).toContain(
      `evaluator: run same is complete, but ${join(dir, 'run-manifest.json')} is of another run with that id (seed 2, scored: seed 1): its scores are not written there`,
    );
    // They are still served.
    expect(service.scoresOf(RUN)?.seed).toBe(1);
  });

  it('writes them into the run’s own folder, and into a folder that does not exist yet', async () => {
    const own = evaluatorOfSeed1([]);
    mkdirSync(own.dir, { recursive: true });
    writeFileSync(join(own.dir, 'run-manifest.json'), JSON.stringify(manifest(1)));
    await own.service.open();
    expect(existsSync(join(own.dir, 'scores.json'))).toBe(true);
    const none = evaluatorOfSeed1([]);
    await none.service.open();
    expect(existsSync(join(none.dir, 'scores.json'))).toBe(true);
  });
});

describe('EvaluatorService on a server without JetStream', () => {
  afterAll(stopAllNatsServers);

  it('says the server needs -js instead of waiting for it as for an outage', async () => {
    const plain = await NatsServerProcess.start({ jetstream: false });
    const base = mkdtempSync(join(tmpdir(), 'flexarena-evaluator-'));
    const service = new EvaluatorService({
      natsUrl: plain.url,
      natsUrlFrom: '--nats',
      runsDir: join(base, 'runs'),
      stateDir: join(base, 'state'),
      log: () => undefined,
    });
    try {
      const err = await service.start().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EvaluatorConnectError);
      expect((err as Error).message).toBe(
        `NATS at ${plain.url} (--nats) has no JetStream: start nats-server with -js`,
      );
    } finally {
      await service.stop();
    }
  }, 30_000);
});

/** A delivered settlement message, recording what the service answered. */
function delivered(subject: string, doc: unknown): { msg: JsMsg; answers: string[] } {
  const answers: string[] = [];
  const msg = {
    subject,
    data: new TextEncoder().encode(JSON.stringify(doc)),
    info: { streamSequence: 1 },
    ack: () => answers.push('ack'),
    nak: () => answers.push('nak'),
    term: () => answers.push('term'),
  } as unknown as JsMsg;
  return { msg, answers };
}

describe('EvaluatorService journalling', () => {
  // A record that could not be journalled was terminated as unscorable: never delivered again,
  // and, scored in memory only, gone after the next start.
  it('does not acknowledge a message it cannot journal, and journals it when it comes again', () => {
    const base = mkdtempSync(join(tmpdir(), 'flexarena-evaluator-'));
    const state = join(base, 'state');
    const log: string[] = [];
    const service = new EvaluatorService({
      natsUrl: 'nats://127.0.0.1:1',
      runsDir: join(base, 'runs'),
      stateDir: state,
      log: (l) => log.push(l),
    });
    const handle = (m: JsMsg) => (service as unknown as { handle(m: JsMsg): void }).handle(m);
    const record = SettlementRecord.toJSON(
      SettlementRecord.fromJSON({ runId: RUN, seq: 1, agentId: 'a', strategy: 'idle', deliveryStartMs: T0 }),
    );
    rmSync(state, { recursive: true });
    writeFileSync(state, ''); // the journal cannot be written
    const first = delivered(`flexarena.${RUN}.settlement.a`, record);
    handle(first.msg);
    expect(first.answers).toEqual(['nak']);
    expect(log.join('\n')).toMatch(
      /cannot journal flexarena\.same\.settlement\.a in .*state \(--state-dir\): .*JetStream delivers it again/,
    );
    expect(service.statuses()[0]!.records).toBe(0);

    rmSync(state);
    mkdirSync(state);
    const again = delivered(`flexarena.${RUN}.settlement.a`, record);
    handle(again.msg);
    expect(again.answers).toEqual(['ack']);
    expect(new Journal(state).read(RUN)).toEqual([{ kind: 'record', data: record }]);
  });
});
