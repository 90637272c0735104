// The answers of a run folder's tape are read as a stream: the uncompressed tape is not held in
// memory. It was (one Buffer, for as long as the re-simulation ran: 133 MB for a month of the pace
// line-up, 544 MB for four months, beside the simulation itself) by `flexarena run --resume` and
// the dashboard's replay.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { tempDir, writeConfig } from '../../test/helpers/arena-process.js';
import { planResume } from '../run/resume-run.js';
import { readRunTapeAnswers } from './tape-answers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A tape of `mb` MB of 1 kB lines, with a batch and a missed deadline among them, and a cut last line. */
function writeTape(runDir: string, mb: number): number {
  const filler = `{"seq":0,"type":"settlement","pad":"${'x'.repeat(1_000)}"}\n`;
  const count = Math.ceil((mb * 1e6) / filler.length);
  const bytes = Buffer.allocUnsafe(count * filler.length);
  bytes.fill(filler);
  const batch = '{"seq":1,"type":"batch","t":0,"agent":"a","wakeId":7,"actions":[{"n":1}]}\n';
  const missed = '{"seq":2,"type":"missed-deadline","t":0,"agent":"b","wakeId":7}\n';
  const tape = Buffer.concat([bytes, Buffer.from(batch + missed + '{"seq":3,"ty')]);
  writeFileSync(join(runDir, 'tape.jsonl.gz'), gzipSync(tape, { level: 1 }));
  return count + 2;
}

/** Memory in ArrayBuffers (Buffers among them) now, after full collections (their memory is freed after). */
async function arrayBuffersMb(): Promise<number> {
  gc();
  await new Promise((r) => setTimeout(r, 50));
  gc();
  return process.memoryUsage().arrayBuffers / 1e6;
}

describe('a run folder tape read for a replay or a resume', () => {
  it('is gunzipped as a stream, its answers read, and not held in memory', async () => {
    const runDir = join(tempDir('flexarena-tape-stream-'), 'stopped');
    mkdirSync(runDir);
    const lines = writeTape(runDir, 150);
    const before = await arrayBuffersMb();
    const tape = await readRunTapeAnswers(runDir);
    try {
      expect(tape.lines.length).toBe(lines);
      expect(tape.answers.get('a:7')).toEqual({ kind: 'batch', actions: [{ n: 1 }] });
      expect(tape.answers.get('b:7')).toEqual({ kind: 'missed' });
      expect(tape.lines.at(0)!.length).toBe(1_038);
      // 150 MB of tape: the line ends (8 bytes a line) and one window of reading stay.
      expect((await arrayBuffersMb()) - before).toBeLessThan(10);
    } finally {
      tape.lines.close();
    }
  }, 60_000);

  it('by `flexarena run --resume` too', async () => {
    const dir = tempDir('flexarena-tape-stream-');
    const runDir = join(dir, 'stopped');
    mkdirSync(runDir);
    writeConfig(
      runDir,
      { name: 'stream', seed: 1, day: '2026-11-22', agents: [{ id: 'a', strategy: 'idle' }] },
      'config.yaml',
    );
    writeTape(runDir, 150);
    const before = await arrayBuffersMb();
    const plan = await planResume(runDir);
    try {
      expect(plan.tape.answers.get('a:7')).toEqual({ kind: 'batch', actions: [{ n: 1 }] });
      expect((await arrayBuffersMb()) - before).toBeLessThan(10);
    } finally {
      plan.tape.lines.close();
    }
  }, 60_000);
});
