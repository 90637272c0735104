// `flexarena strategies` as a user runs it: the real command in its own process.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { listStrategies } from '../../agents/strategies/index.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'flexarena.mjs');
const run = (...args: string[]) => promisify(execFile)(process.execPath, [BIN, 'strategies', ...args]);

describe('flexarena strategies', () => {
  it('prints every strategy with its paradigm and one line per parameter', async () => {
    const { stdout } = await run();
    const lines = stdout.trimEnd().split('\n');
    for (const s of listStrategies()) {
      const at = lines.findIndex((l) => l.startsWith(`${s.name}  (${s.paradigm})  `));
      expect(at, s.name).toBeGreaterThanOrEqual(0);
      const body = lines.slice(at + 1, at + 1 + Math.max(1, s.params.length));
      if (s.params.length === 0) expect(body).toEqual(['    no parameters']);
      else expect(body.map((l) => l.trim().split('  ')[0])).toEqual(s.params.map((p) => p.name));
    }
    expect(lines).toContain('    lambdaBalancing  number  default 0.5  [0, 1]  step 0.1');
  }, 120_000);

  it('--json gives the same listing as data', async () => {
    const { stdout } = await run('--json');
    expect(JSON.parse(stdout)).toEqual(JSON.parse(JSON.stringify(listStrategies())));
  }, 120_000);
});
