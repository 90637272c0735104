import { describe, expect, it } from 'vitest';
import { initTf, tf } from './tf.js';

describe('initTf', () => {
  it('runs on the wasm backend and leaves no process handlers of the wasm module behind', async () => {
    const before = {
      uncaughtException: process.listeners('uncaughtException').length,
      unhandledRejection: process.listeners('unhandledRejection').length,
    };
    expect(await initTf('wasm')).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    // emscripten's handlers rethrow from inside the minified module: Node then printed ~40 KB of
    // it above every uncaught error of a training process (an EPIPE of `flexarena train | head`).
    expect(process.listeners('uncaughtException').length).toBe(before.uncaughtException);
    expect(process.listeners('unhandledRejection').length).toBe(before.unhandledRejection);
    expect(Array.from(await tf.tensor([1, 2]).add(1).data())).toEqual([2, 3]);
  });
});
