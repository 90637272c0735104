// The whole multi-process demo twice with the same configuration and seed: byte-identical
// event tapes. A different seed must give a different tape.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readTapeText } from '../../arena/index.js';
import { demoConfig, startArena, stopAll, tempDir, writeConfig } from '../helpers/arena-process.js';

afterEach(stopAll);

async function runOnce(seed: number): Promise<{ hash: string; tape: Buffer }> {
  const dir = tempDir();
  // NATS on, as in the demo: publishing must not disturb the order of events.
  const arena = await startArena(writeConfig(dir, demoConfig({ seed, nats: { enabled: true } })), [
    '--out',
    dir,
  ]);
  const res = await arena.exited;
  expect(res.code, res.stderr).toBe(0);
  const hash = readFileSync(join(arena.runDir, 'tape.sha256'), 'utf8').split(' ')[0]!;
  return { hash, tape: Buffer.from(readTapeText(arena.runDir)) };
}

describe('determinism', () => {
  it('gives a byte-identical tape for the same configuration and seed', async () => {
    const a = await runOnce(11);
    const b = await runOnce(11);
    expect(a.tape.length).toBeGreaterThan(100_000);
    expect(b.hash).toBe(a.hash);
    expect(b.tape.equals(a.tape)).toBe(true);
    const c = await runOnce(12);
    expect(c.hash).not.toBe(a.hash);
  });
});
