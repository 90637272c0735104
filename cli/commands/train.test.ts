import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configurationHash } from '../../lib/index.js';
import { parseTrainConfig } from '../../training/index.js';
import { trainOutDir } from './train.js';

describe('the output folder of flexarena train', () => {
  const file = 'training/configs/x.yaml';
  const cfg = (outDir: string) => ({ name: 'x', seed: 1, outDir });

  it('is --out from the working directory, else a written outDir from the file', () => {
    expect(trainOutDir(file, { outDir: '../../runs/train/x' }, cfg('../../runs/train/x'))).toBe(
      resolve('runs/train/x'),
    );
    expect(trainOutDir(file, { outDir: 'out' }, cfg('out'), 'mine')).toBe(resolve('mine'));
    expect(trainOutDir(file, { outDir: '/abs/out' }, cfg('/abs/out'))).toBe('/abs/out');
  });

  // Without an outDir every training file wrote into runs/train itself: a second file was refused
  // there (its checkpoint "belongs to another configuration") and outputs mixed with other folders.
  it('without an outDir is a folder of its own below runs/train here, named by name, seed and configuration', () => {
    const doc = (steps: number) => ({
      name: 'tiny',
      seed: 7,
      method: { name: 'tabular-q' },
      env: { action: 'discrete' },
      steps,
    });
    const a = parseTrainConfig(doc(100), file, '.');
    const b = parseTrainConfig(doc(200), file, '.');
    const dirA = trainOutDir(file, doc(100), a);
    expect(dirA).toBe(resolve('runs/train', `tiny-s7-${configurationHash(a).slice(0, 8)}`));
    // The default was resolved against the file's folder once (training/configs/runs/train).
    expect(dirA.startsWith(`${resolve('runs/train')}/`)).toBe(true);
    // Another configuration, another folder; the same one, the same folder (the command resumes).
    expect(trainOutDir(file, doc(200), b)).not.toBe(dirA);
    expect(trainOutDir(file, doc(100), parseTrainConfig(doc(100), file, '.'))).toBe(dirA);
  });
});
