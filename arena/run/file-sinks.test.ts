// settlements.jsonl keeps every record, in order, one line each, however the writes are gathered.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SettlementRecord } from '../../gen/flexarena/v1/evaluation.js';
import { settlementJson } from '../../sim/index.js';
import { SettlementFileSink } from './file-sinks.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function record(seq: number): SettlementRecord {
  return SettlementRecord.fromPartial({
    seq,
    runId: 'r',
    agentId: `agent-${seq % 7}`,
    strategy: 'idle',
    productId: 'qh-20261122-0000',
    positionKwh: seq * 100,
  });
}

describe('SettlementFileSink', () => {
  it('writes every record in order, across event-loop turns and past its flush size', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flexarena-settlements-'));
    dirs.push(dir);
    const path = join(dir, 'settlements.jsonl');
    const sink = new SettlementFileSink(path);
    const records = Array.from({ length: 6_000 }, (_, i) => record(i + 1));
    // A burst larger than 256 KiB, a turn of the event loop, then a few more.
    for (const r of records.slice(0, 5_000)) sink.settlement(r);
    await new Promise((resolve) => setImmediate(resolve));
    for (const r of records.slice(5_000)) sink.settlement(r);
    await sink.close();
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toEqual(records.map(settlementJson));
    expect(lines.join('\n').length).toBeGreaterThan(256 * 1024);
  });

  it('writes the lines of a cut when told to (the tape reached that point), whole lines only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flexarena-settlements-'));
    dirs.push(dir);
    const path = join(dir, 'settlements.jsonl');
    const sink = new SettlementFileSink(path);
    const records = Array.from({ length: 30 }, (_, i) => record(i + 1));
    for (const r of records.slice(0, 10)) sink.settlement(r);
    const first = sink.cut();
    for (const r of records.slice(10, 20)) sink.settlement(r);
    const second = sink.cut();
    for (const r of records.slice(20)) sink.settlement(r);
    expect(readFileSync(path, 'utf8')).toBe('');
    first();
    expect(readFileSync(path, 'utf8')).toBe(
      records
        .slice(0, 10)
        .map((r) => `${settlementJson(r)}\n`)
        .join(''),
    );
    second();
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(21);
    await sink.close();
    expect(readFileSync(path, 'utf8')).toBe(records.map((r) => `${settlementJson(r)}\n`).join(''));
  });
});
