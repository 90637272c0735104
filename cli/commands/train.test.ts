import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trainOutDir } from './train.js';

describe('the output folder of flexarena train', () => {
  it('is --out from the working directory, a written outDir from the file, else runs/train here', () => {
    const file = 'training/configs/x.yaml';
    expect(trainOutDir(file, { outDir: '../../runs/train/x' }, '../../runs/train/x')).toBe(
      resolve('runs/train/x'),
    );
    expect(trainOutDir(file, { outDir: 'out' }, 'out', 'mine')).toBe(resolve('mine'));
    expect(trainOutDir(file, { outDir: '/abs/out' }, '/abs/out')).toBe('/abs/out');
    // The default was resolved against the file's folder: training/configs/runs/train.
    expect(trainOutDir(file, {}, 'runs/train')).toBe(resolve('runs/train'));
  });
});
