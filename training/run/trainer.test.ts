import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTrainConfig } from './train-config.js';
import { train } from './trainer.js';

const tiny = (method: Record<string, unknown>, env: Record<string, unknown> = {}) =>
  parseTrainConfig({
    name: 'tiny',
    seed: 5,
    method,
    env: {
      kind: 'battery',
      days: { start: '2024-03-01', count: 4 },
      generation: { peakMw: 0 },
      allowImport: true,
      ...env,
    },
    steps: 384,
    checkpointEvery: 192,
    eval: { days: 1 },
  });

const dir = () => mkdtempSync(join(tmpdir(), 'flexarena-train-'));

describe('train runner', () => {
  it('resumes from a checkpoint to exactly the weights of an uninterrupted run (TD3)', async () => {
    const cfg = tiny({ name: 'td3', startSteps: 96, trainEvery: 16, batchSize: 32, hidden: [8] });
    const a = dir();
    const full = await train(cfg, { outDir: a });
    expect(full.completed).toBe(true);
    const b = dir();
    const cut = await train(cfg, { outDir: b, stopAfterCheckpoint: 1 });
    expect(cut.completed).toBe(false);
    const resumed = await train(cfg, { outDir: b });
    expect(resumed.resumedFromCheckpoint).toBe(1);
    const policy = (d: string) => JSON.parse(readFileSync(join(d, 'policy.json'), 'utf8'));
    expect(policy(b).network).toEqual(policy(a).network);
    expect(readFileSync(join(b, 'metrics.jsonl'), 'utf8')).toBe(
      readFileSync(join(a, 'metrics.jsonl'), 'utf8'),
    );
    const png = readFileSync(join(a, 'learning-curve.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(readFileSync(join(a, 'report.html'), 'utf8')).toMatch(/"seed": 5/);
  });

  it('rejects a method on an environment it does not fit, naming both', async () => {
    await expect(train(tiny({ name: 'tabular-q' }), { outDir: dir() })).rejects.toThrow(/discrete/);
    expect(() => tiny({ name: 'td3', batchSize: 0 })).toThrow(/method.batchSize/);
  });

  it('trains seed 003 tabular Q and a behaviour-cloned heuristic through the same runner', async () => {
    const q = await train(
      tiny({ name: 'tabular-q' }, { action: 'discrete', observation: 'seed003', reward: 'revenue-penalty' }),
      { outDir: dir() },
    );
    expect(q.completed).toBe(true);
    expect(q.policyPath).toBeNull();
    const bc = await train(
      { ...tiny({ name: 'bc', episodes: 2, epochs: 3, hidden: [16] }), steps: 1 },
      { outDir: dir() },
    );
    expect(bc.policyPath).not.toBeNull();
    const p = JSON.parse(readFileSync(bc.policyPath!, 'utf8'));
    expect(p).toMatchObject({ format: 'flexarena-policy', method: 'bc', observation: 'standard' });
  });
});
