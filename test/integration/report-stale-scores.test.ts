// `flexarena report <run folder>` draws the folder's scores.json only when it was computed from the
// folder's own settlement records by this evaluator version. Before, any scores.json was drawn as
// the run's: after a rerun under the same run id an evaluator process that restarted wrote the
// earlier run's scores (from its journal) into the new run's folder, and the report showed the
// earlier run's seed and profits. Now such a file is scored again from the folder, and the report
// says so on stderr.
import { execFile } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, runArenaToEnd, stopAll, tempDir, writeConfig } from '../helpers/arena-process.js';

afterAll(stopAll);

const run = promisify(execFile);

function config(): Record<string, unknown> {
  return {
    name: 'stale',
    day: '2026-06-01',
    nats: { enabled: false },
    agents: [
      { id: 'liquidity', strategy: 'liquidity', role: 'liquidity' },
      { id: 'bat', strategy: 'heuristic-battery', asset: { type: 'battery', powerMw: 1, energyMwh: 2 } },
    ],
  };
}

const scoresOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'scores.json'), 'utf8'));
const profitOf = (scores: { agents: { agentId: string; profitEur: number }[] }) =>
  scores.agents.find((a) => a.agentId === 'bat')!.profitEur;

describe('flexarena report on a run folder with a scores.json', () => {
  it('scores the folder again when its scores.json is of other records or of an earlier evaluator', {
    timeout: 240_000,
  }, async () => {
    const root = tempDir();
    const file = writeConfig(root, config());
    const outA = join(root, 'a');
    const outB = join(root, 'b');
    for (const [out, seed] of [
      [outA, '1'],
      [outB, '2'],
    ] as const) {
      const r = await runArenaToEnd(file, ['--in-process', '--run-id', 'same', '--seed', seed, '--out', out]);
      expect(r.code, r.stderr).toBe(0);
    }
    const dirA = join(outA, 'same');
    const dirB = join(outB, 'same');
    await run(process.execPath, [BIN, 'evaluate', '--run-dir', dirA]);
    await run(process.execPath, [BIN, 'evaluate', '--run-dir', dirB]);
    const scoresA = scoresOf(dirA);
    const scoresB = scoresOf(dirB);
    expect(profitOf(scoresA)).not.toBe(profitOf(scoresB));

    // Run A's scores in run B's folder: same run id, other records.
    copyFileSync(join(dirA, 'scores.json'), join(dirB, 'scores.json'));
    const stale = await run(process.execPath, [BIN, 'report', dirB, '--no-png']);
    expect(stale.stderr).toContain(
      `${join(dirB, 'scores.json')} was computed from other settlement records than the folder's (another run with the id same, or a copy): scored again`,
    );
    expect(scoresOf(dirB)).toEqual(scoresB);
    expect(readFileSync(join(dirB, 'report', 'report.html'), 'utf8')).toContain('seed 2');

    // Its own scores are drawn as they are, without a word.
    const fresh = await run(process.execPath, [BIN, 'report', dirB, '--no-png']);
    expect(fresh.stderr).toBe('');

    // A scores.json of an earlier evaluator (no version) is scored again too.
    const { evaluatorVersion: _v, ...old } = scoresB;
    writeFileSync(join(dirB, 'scores.json'), JSON.stringify({ ...old, agents: [] }));
    const earlier = await run(process.execPath, [BIN, 'report', dirB, '--no-png']);
    expect(earlier.stderr).toContain('was written by an earlier evaluator (this is version 1): scored again');
    expect(scoresOf(dirB)).toEqual(scoresB);
  });
});
